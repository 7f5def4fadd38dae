package net.portcullis.gateway.cli;

import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.concurrent.Callable;
import net.portcullis.gateway.app.ConfigLoader;
import net.portcullis.gateway.config.ConfigException;
import net.portcullis.gateway.config.GatewayConfig;
import net.portcullis.gateway.downstream.Downstreams;
import net.portcullis.gateway.reports.DmarcReporting;
import net.portcullis.policy.dmarc.DmarcReportStore;
import net.portcullis.policy.dmarc.ReportDestinations;
import net.portcullis.policy.dns.DnsJavaResolver;
import net.portcullis.policy.store.DecisionStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "dmarc", description = "DMARC aggregate reports to the domains that ask for them.", subcommands = {DmarcCommand.Report.class})
final class DmarcCommand {

    @Command(name = "report", description = "Build a UTC day's aggregate reports from the stored decisions, and send them "
            + "(or, with --dry-run, print what would be sent).")
    static final class Report implements Callable<Integer> {
        @Option(names = "--config", defaultValue = "conf/gateway.yaml", description = "(default: ${DEFAULT-VALUE})")
        Path config;

        @Option(names = "--date", paramLabel = "YYYY-MM-DD", description = "the UTC day to report (default: yesterday)")
        String date;

        @Option(names = "--dry-run", description = "print each report, its destinations and those left out; send nothing")
        boolean dryRun;

        @Override
        public Integer call() throws Exception {
            GatewayConfig cfg;
            DecisionStore decisions;
            DmarcReportStore sent;
            try {
                cfg = ConfigLoader.load(config);
                var db = ListsAccess.store(cfg).database();
                decisions = new DecisionStore(db);
                sent = new DmarcReportStore(db);
            } catch (ConfigException e) {
                System.err.println("portcullis: configuration error: " + e.getMessage());
                return 78;
            }
            var reporting = new DmarcReporting(cfg.reports().dmarc(), decisions, sent,
                    new DnsJavaResolver(cfg.dns().servers(), cfg.dns().timeout()), java.time.Clock.systemUTC());
            Instant day;
            try {
                day = date == null ? reporting.yesterday() : LocalDate.parse(date).atStartOfDay(ZoneOffset.UTC).toInstant();
            } catch (DateTimeParseException e) {
                System.err.println("portcullis: --date '" + date + "' is not a day like 2026-12-03");
                return 2;
            }
            if (!dryRun) {
                try (Downstreams pool = Downstreams.of(cfg)) {
                    int n = reporting.send(day, pool);
                    System.out.println(n + " report(s) sent for " + day.toString().substring(0, 10));
                }
                return 0;
            }
            var planned = reporting.plan(day);
            if (planned.isEmpty()) {
                System.out.println("no report for " + day.toString().substring(0, 10) + ": no stored decision on mail whose From domain "
                        + "publishes a DMARC record");
            }
            for (DmarcReporting.Planned p : planned) {
                System.out.println("# " + p.policyDomain() + ": " + p.messages() + " message(s), report " + p.report().reportId()
                        + (sent.sent(p.policyDomain(), day) ? " (sent already)" : ""));
                for (ReportDestinations.Destination d : p.destinations()) {
                    System.out.println("# to " + d.address());
                }
                for (ReportDestinations.Refused r : p.refused()) {
                    System.out.println("# not to " + r.address() + ": " + r.why());
                }
                if (p.destinations().isEmpty()) {
                    System.out.println("# nobody to send it to (no rua=, or none that passes)");
                }
                System.out.println(p.xml());
            }
            return 0;
        }
    }
}
