package net.portcullis.gateway.app;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.sql.SQLException;
import net.portcullis.gateway.admin.AdminServer;
import net.portcullis.gateway.admin.ConsentApi;
import net.portcullis.gateway.admin.RefPage;
import net.portcullis.gateway.config.GatewayConfig;
import net.portcullis.gateway.downstream.Downstreams;
import net.portcullis.gateway.hold.HoldRelease;
import net.portcullis.gateway.metrics.Metrics;
import net.portcullis.gateway.review.ReviewApp;
import net.portcullis.gateway.session.Drain;
import net.portcullis.policy.RuleStore;
import net.portcullis.policy.store.ActionLog;
import net.portcullis.policy.reports.ReportStore;
import net.portcullis.policy.store.DecisionStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway's HTTP side, each part on when its key is set: the admin listener (metrics,
 * health, the review page), the consent API (consent.api_listen) and the public reference page
 * (review.public_listen). Started after the mail listeners, closed before the stores.
 */
final class WebListeners {
    private static final Logger LOG = LoggerFactory.getLogger(WebListeners.class);

    private final GatewayConfig config;
    private final Stores stores;
    private final Downstreams pool;
    private final Metrics metrics;
    private final Drain drain;
    private final RuleStore rules;
    private AdminServer admin;
    private ConsentApi consentApi;
    private RefPage refPage;
    private net.portcullis.gateway.admin.ReportApi reportApi;

    WebListeners(GatewayConfig config, Stores stores, Downstreams pool, Metrics metrics, Drain drain, RuleStore rules) {
        this.config = config;
        this.stores = stores;
        this.pool = pool;
        this.metrics = metrics;
        this.drain = drain;
        this.rules = rules;
    }

    void start() throws IOException {
        if (config.consent().apiListen() != null) {
            var l = config.consent().apiListen();
            consentApi = new ConsentApi(new InetSocketAddress(l.host(), l.port()), config.consent().apiToken(), stores.consentStore());
            LOG.info("consent API on http://{}:{}/v1/consent", l.host(), consentApi.port());
        }
        if (config.reports().apiListen() != null) {
            var l = config.reports().apiListen();
            reportApi = new net.portcullis.gateway.admin.ReportApi(new InetSocketAddress(l.host(), l.port()), config.reports().apiTokens(),
                    stores.intake());
            LOG.info("report API on http://{}:{}/v1/report", l.host(), reportApi.port());
        }
        if (config.review().publicListen() != null) {
            var l = config.review().publicListen();
            boolean digests = config.hold().digest().releaseUrl() != null; // every needs it (ConfigLoader)
            refPage = new RefPage(new InetSocketAddress(l.host(), l.port()), new DecisionStore(stores.listStore().database()),
                    config.hostname(), !digests ? RefPage.Links.NONE : new RefPage.Links(stores.holds(), pool,
                            config.hold().digest().reportUrl() != null ? stores.intake() : null,
                            config.hold().digest().unsubscribeUrl() != null ? stores.consentStore() : null,
                            new net.portcullis.policy.consent.OneClickUnsubscribe(java.time.Duration.ofSeconds(10),
                                    config.hold().digest().unsubscribeInsecure())));
            LOG.info("reference page on http://{}:{}/ref/", l.host(), refPage.port());
        }
        if (config.adminListen() != null) {
            admin = new AdminServer(new InetSocketAddress(config.adminListen().host(), config.adminListen().port()), metrics,
                    () -> drain.draining() ? "shutting down" : pool.readiness(), pool::status, reviewApp(), feed());
            LOG.info("metrics on http://{}:{}/metrics", config.adminListen().host(), admin.port());
            if (config.review().accounts() != null) {
                LOG.info("review page on http://{}:{}/review/", config.adminListen().host(), admin.port());
            }
        }
    }

    /** Our listings as a signed feed; its key in the var directory. */
    private net.portcullis.gateway.admin.ListingFeed feed() throws IOException {
        try {
            return new net.portcullis.gateway.admin.ListingFeed(stores.listStore(), config.varDir().resolve("feed-signing.key"),
                    java.time.Clock.systemUTC(), config.store().refresh())
                    .withReports(new ReportStore(stores.listStore().database()), config.reports().listingTtl());
        } catch (java.security.GeneralSecurityException e) {
            throw new IOException("the feed's signing key: " + e.getMessage(), e);
        }
    }

    /** The review page when review.accounts is set, else null. */
    private ReviewApp reviewApp() throws IOException {
        GatewayConfig.Review r = config.review();
        if (r.accounts() == null) {
            return null;
        }
        var decided = new DecisionStore(stores.listStore().database()).searchingAs(PolicyWiring.addressesAsStored(config));
        var release = new HoldRelease(stores.holds(), decided, rules::get, PolicyWiring.catalogue(), pool);
        return new ReviewApp(r.accounts(), r.behindTls(), r.sessionIdle(),
                new ReviewApp.Backend(decided, stores.listStore(), this::reloadLists, stores.holds(), release,
                        new ActionLog(stores.listStore().database()), new ReportStore(stores.listStore().database()), stores.intake(),
                        new net.portcullis.policy.reports.AbuseReportStore(stores.listStore().database())));
    }

    /** After a change made on the review page, the lists are read now rather than at the next store.refresh. */
    private void reloadLists() {
        try {
            stores.lists().load();
        } catch (SQLException e) {
            LOG.warn("reading the lists again failed, the change counts from the next refresh: {}", e.getMessage());
        }
    }

    int adminPort() {
        return admin == null ? -1 : admin.port();
    }

    int consentApiPort() {
        return consentApi == null ? -1 : consentApi.port();
    }

    int reportApiPort() {
        return reportApi == null ? -1 : reportApi.port();
    }

    int refPagePort() {
        return refPage == null ? -1 : refPage.port();
    }

    void close() {
        if (admin != null) {
            admin.close();
        }
        if (consentApi != null) {
            consentApi.close();
        }
        if (refPage != null) {
            refPage.close();
        }
        if (reportApi != null) {
            reportApi.close();
        }
    }
}
