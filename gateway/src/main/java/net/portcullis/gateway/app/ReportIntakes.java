package net.portcullis.gateway.app;

import java.time.Clock;
import java.time.Duration;
import java.util.function.Supplier;
import net.portcullis.gateway.config.GatewayConfig;
import net.portcullis.gateway.log.DecisionWriter;
import net.portcullis.policy.reports.ReportIntake;
import net.portcullis.policy.reports.ReportParser;
import net.portcullis.policy.reports.ReportStore;
import net.portcullis.policy.store.DecisionStore;
import net.portcullis.policy.store.ListStore;
import net.portcullis.policy.store.Lists;

/** The report intake as the config says, one for the running gateway and `portcullis report` alike. */
public final class ReportIntakes {
    private ReportIntakes() {
    }

    /**
     * With the decision log stored (log.store), a report counts only when our Received field's
     * reference leads to a decision: one copied onto mail we never passed is kept, uncounted.
     */
    public static ReportIntake of(GatewayConfig cfg, ListStore store, Supplier<Lists.Snapshots> lists) {
        return of(cfg, store, lists, null);
    }

    /** @param writer the running gateway's decision writer: a decision it still holds is one we saw */
    static ReportIntake of(GatewayConfig cfg, ListStore store, Supplier<Lists.Snapshots> lists, DecisionWriter writer) {
        GatewayConfig.Reports r = cfg.reports();
        ReportParser parser = new ReportParser(cfg.trustedNetworks(), cfg.ourHosts());
        if (r.outgoing() != null) {
            parser.keepingRedactedHeaders(cfg.domains()); // what goes back to the spam's network, our users taken out
        }
        ReportIntake intake = new ReportIntake(parser, new ReportStore(store.database()),
                store, lists, r.reporters(), r.window(), r.listingTtl(), Clock.systemUTC(), r.weights())
                .listingLinks(r.linkReporters(), r.linkTtl()).cappingReporters(r.reporterCap())
                .localUsers(cfg.domains());
        if (cfg.log().store()) {
            DecisionStore decisions = new DecisionStore(store.database());
            intake.checkingSeen(ref -> {
                if (!decisions.find(ref).isEmpty()) {
                    return true;
                }
                if (writer == null) {
                    return false;
                }
                // a report can follow its message by less than the decision takes to reach the store: it may
                // not even be queued yet when the 250 was sent. Twice, a moment apart, what is queued is waited for
                try {
                    for (int round = 0; round < 2; round++) {
                        if (writer.awaitQueued(Duration.ofSeconds(2)) && !decisions.find(ref).isEmpty()) {
                            return true;
                        }
                        Thread.sleep(200);
                    }
                    return !decisions.find(ref).isEmpty();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            });
        }
        return intake;
    }
}
