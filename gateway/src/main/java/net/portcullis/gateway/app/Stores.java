package net.portcullis.gateway.app;

import java.io.IOException;
import java.sql.SQLException;
import java.time.Clock;
import net.portcullis.gateway.checks.SharedState;
import net.portcullis.gateway.config.GatewayConfig;
import net.portcullis.gateway.log.DecisionLog;
import net.portcullis.gateway.log.DecisionWriter;
import net.portcullis.gateway.metrics.Metrics;
import net.portcullis.policy.consent.ConsentBook;
import net.portcullis.policy.consent.ConsentStore;
import net.portcullis.policy.redis.RedisLink;
import net.portcullis.policy.reports.ReportIntake;
import net.portcullis.policy.store.Database;
import net.portcullis.policy.store.DecisionStore;
import net.portcullis.policy.store.HoldStore;
import net.portcullis.policy.store.ListStore;
import net.portcullis.policy.store.Lists;

/**
 * What the gateway keeps and shares, opened once at start and closed once at the end, in the
 * right order: the store (lists, consent, held mail, decisions, reports — SQLite or PostgreSQL),
 * the one Redis link, and the check modules' {@link SharedState}. A reload changes none of it.
 */
final class Stores implements AutoCloseable {
    private final ListStore listStore;
    private final Lists lists;
    private final ConsentStore consentStore;
    private final ConsentBook consent;
    private final HoldStore holds;
    /** Null when log.store is off. */
    private final DecisionWriter decisions;
    /** Users' and feedback loops' reports, from every inlet. */
    private final ReportIntake intake;
    /** Null when redis.url is off. */
    private final RedisLink redis;
    private final SharedState shared = new SharedState();

    Stores(GatewayConfig config, DecisionLog log, Metrics metrics) throws IOException {
        GatewayConfig.Store st = config.store();
        try {
            this.listStore = new ListStore(Database.open(st.url(), st.user(), st.password(), st.schema()));
            this.lists = new Lists(listStore, Clock.systemUTC());
        } catch (SQLException e) {
            throw new IOException("store " + st.url() + ": " + e.getMessage(), e);
        }
        lists.refreshEvery(st.refresh());
        this.consentStore = new ConsentStore(listStore.database());
        this.consent = new ConsentBook(consentStore, config.consent().refresh(), Clock.systemUTC());
        this.holds = new HoldStore(listStore.database(), config.hold().directory(), config.hold().keyFile());
        if (config.log().store()) {
            decisions = new DecisionWriter(new DecisionStore(listStore.database()), config.log().queue(), config.log().retention(),
                    Clock.systemUTC());
            log.storeTo(decisions);
            metrics.counter("portcullis.decisions.stored", "decisions written to the store", decisions, DecisionWriter::stored);
            metrics.counter("portcullis.decisions.store.failures", "decisions not stored (store failure or full queue)", decisions,
                    DecisionWriter::failed);
        } else {
            decisions = null;
        }
        // always: besides reports.address and the report API, digests' links and the review page report
        this.intake = ReportIntakes.of(config, listStore, lists::get, decisions);
        this.redis = PolicyWiring.redisLink(config);
    }

    ListStore listStore() {
        return listStore;
    }

    Lists lists() {
        return lists;
    }

    ConsentStore consentStore() {
        return consentStore;
    }

    ConsentBook consent() {
        return consent;
    }

    HoldStore holds() {
        return holds;
    }

    DecisionWriter decisions() {
        return decisions;
    }

    ReportIntake intake() {
        return intake;
    }

    RedisLink redis() {
        return redis;
    }

    SharedState shared() {
        return shared;
    }

    /** The checks' state first (it may sit on Redis), then Redis, then what is queued for the store, then the store. */
    @Override
    public void close() {
        shared.close();
        if (redis != null) {
            redis.close();
        }
        if (decisions != null) {
            decisions.close(); // writes what is queued before the database closes
        }
        lists.close();
        listStore.database().close();
    }
}
