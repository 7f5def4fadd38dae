package net.portcullis.gateway.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.Callable;
import net.portcullis.gateway.app.ConfigLoader;
import net.portcullis.gateway.config.ConfigException;
import net.portcullis.gateway.config.GatewayConfig;
import net.portcullis.policy.reports.ReportIntake;
import net.portcullis.policy.reports.ReportRefused;
import net.portcullis.policy.store.ListStore;
import net.portcullis.policy.store.Lists;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "report", description = "Spam reports.", subcommands = {ReportCommand.Ingest.class})
final class ReportCommand {

    @Command(name = "ingest", description = "Take in spam reports (ARF or forwarded messages) from files.")
    static final class Ingest implements Callable<Integer> {
        @Option(names = "--config", defaultValue = "conf/gateway.yaml", description = "(default: ${DEFAULT-VALUE})")
        Path config;

        @Parameters(arity = "1..*", paramLabel = "FILE", description = "spam reports: ARF (RFC 5965) or forwarded messages, one a file")
        List<Path> files;

        @Override
        public Integer call() throws Exception {
            GatewayConfig cfg;
            ListStore store;
            try {
                cfg = ConfigLoader.load(config);
                store = ListsAccess.store(cfg);
            } catch (ConfigException e) {
                System.err.println("portcullis: configuration error: " + e.getMessage());
                return 78;
            }
            ReportIntake intake = intake(cfg, store);
            int refused = 0;
            int unreadable = 0;
            for (Path f : files) {
                byte[] report;
                try {
                    report = Files.readAllBytes(f);
                } catch (java.io.IOException e) {
                    unreadable++;
                    System.err.println("portcullis: " + f + ": cannot be read ("
                            + (e instanceof java.nio.file.NoSuchFileException ? "no such file" : e.getMessage()) + ")");
                    continue;
                }
                try {
                    ReportIntake.Outcome o = intake.ingest(report);
                    System.out.println(f + ": " + describe(o));
                } catch (ReportRefused e) {
                    refused++;
                    System.out.println(f + ": refused: " + e.getMessage());
                }
            }
            // the others were still taken: one unreadable file does not lose a batch
            return unreadable > 0 ? 2 : refused == 0 ? 0 : 1;
        }
    }

    static ReportIntake intake(GatewayConfig cfg, ListStore store) throws java.sql.SQLException {
        Lists.Snapshots snap = Lists.of(store.all(), Clock.systemUTC());
        return net.portcullis.gateway.app.ReportIntakes.of(cfg, store, () -> snap);
    }

    static String describe(ReportIntake.Outcome o) {
        String base = (o.duplicate() ? "already reported by " + o.report().reporter() : "report #" + o.reportId() + " from "
                + o.report().reporter()) + ": source " + o.report().sourceIp() + ", " + o.distinctReporters() + " distinct reporter(s)";
        if (!o.counted()) {
            return "report #" + o.reportId() + " from " + o.report().reporter() + ": kept, not counted: " + o.uncounted();
        }
        return o.listed() == null ? base : base + " -> blacklisted until " + o.listed().expires();
    }
}
