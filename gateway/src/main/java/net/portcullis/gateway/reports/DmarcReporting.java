package net.portcullis.gateway.reports;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPOutputStream;
import net.portcullis.gateway.config.GatewayConfig;
import net.portcullis.gateway.downstream.DownstreamException;
import net.portcullis.gateway.downstream.Downstreams;
import net.portcullis.gateway.downstream.Resend;
import net.portcullis.policy.dmarc.DmarcAggregate;
import net.portcullis.policy.dmarc.DmarcReportStore;
import net.portcullis.policy.dmarc.ReportDestinations;
import net.portcullis.policy.dns.Dns;
import net.portcullis.policy.store.DecisionStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Domain owners learn of forgeries (reports.dmarc): for a UTC day, the decisions on mail whose
 * From domain DMARC evaluated become one aggregate report per policy domain that asks for them
 * (rua=), each sent as gzipped XML (RFC 7489 7.2.1.1: subject, file name) through the downstream
 * to every destination that passes the external-destination check and whose size limit it fits;
 * recorded, so no report goes twice. Failure reports (ruf=) are never sent.
 */
public final class DmarcReporting implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DmarcReporting.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int PAGE = 5_000;

    /** What one policy domain's report is, and where it would go. */
    public record Planned(String policyDomain, DmarcAggregate.Report report, String xml, int messages,
                          List<ReportDestinations.Destination> destinations, List<ReportDestinations.Refused> refused) { }

    private final GatewayConfig.Dmarc cfg;
    private final DecisionStore decisions;
    private final DmarcReportStore sent;
    private final Dns dns;
    private final Clock clock;
    private ScheduledExecutorService timer;

    public DmarcReporting(GatewayConfig.Dmarc cfg, DecisionStore decisions, DmarcReportStore sent, Dns dns, Clock clock) {
        this.cfg = cfg;
        this.decisions = decisions;
        this.sent = sent;
        this.dns = dns;
        this.clock = clock;
    }

    /** The UTC day before now: the period a round reports. */
    public Instant yesterday() {
        return clock.instant().truncatedTo(ChronoUnit.DAYS).minus(Duration.ofDays(1));
    }

    /** The reports of the UTC day starting at {@code day}, one per policy domain that publishes a DMARC record. */
    public List<Planned> plan(Instant day) throws SQLException, IOException {
        Instant end = day.plus(Duration.ofDays(1));
        // rows are counted as the decisions are read: memory holds a day's distinct rows, not its messages;
        // each From domain's record is looked up once, when its first message comes
        Map<String, ReportDestinations.Found> byFrom = new java.util.HashMap<>();
        Map<String, ReportDestinations.Found> policies = new LinkedHashMap<>();
        Map<String, Map<DmarcAggregate.Row, Integer>> rows = new LinkedHashMap<>();
        Map<String, Integer> counts = new LinkedHashMap<>();
        long after = 0;
        while (true) {
            List<Map.Entry<Long, String>> page = decisions.transactions(day, end, after, PAGE);
            for (Map.Entry<Long, String> e : page) {
                after = e.getKey();
                DmarcAggregate.Message m = DmarcAggregate.message(JSON.readValue(e.getValue(), Map.class));
                if (m == null) {
                    continue;
                }
                ReportDestinations.Found f = byFrom.computeIfAbsent(m.headerFrom(), d -> ReportDestinations.of(dns, d));
                if (f.published() == null) {
                    continue;
                }
                String domain = f.published().domain();
                policies.putIfAbsent(domain, f);
                DmarcAggregate.count(rows.computeIfAbsent(domain, k -> DmarcAggregate.newRows()), m, policies.get(domain).published());
                counts.merge(domain, 1, Integer::sum);
            }
            if (page.size() < PAGE) {
                break;
            }
        }
        List<Planned> out = new ArrayList<>();
        String stamp = DateTimeFormatter.ofPattern("yyyyMMdd").format(day.atZone(ZoneOffset.UTC));
        for (Map.Entry<String, Map<DmarcAggregate.Row, Integer>> e : rows.entrySet()) {
            ReportDestinations.Found f = policies.get(e.getKey());
            // unique per submitter, domain and day; no spaces, since it goes in angle brackets in the subject
            String id = cfg.orgName().replaceAll("[^A-Za-z0-9.-]+", "-") + "." + e.getKey() + "." + stamp;
            DmarcAggregate.Report r = new DmarcAggregate.Report(cfg.orgName(), cfg.from(), id, day, end, f.published(), e.getValue());
            out.add(new Planned(e.getKey(), r, DmarcAggregate.xml(r), counts.get(e.getKey()), f.destinations(), f.refused()));
        }
        return out;
    }

    /** Sends the day's reports not sent yet; returns how many policy domains got theirs. */
    public int send(Instant day, Downstreams pool) throws SQLException, IOException {
        int done = 0;
        for (Planned p : plan(day)) {
            if (sent.sent(p.policyDomain(), day) || p.destinations().isEmpty()) {
                continue;
            }
            byte[] gz = gzip(p.xml());
            List<String> to = new ArrayList<>();
            for (ReportDestinations.Destination d : p.destinations()) {
                if (gz.length > d.maxBytes()) {
                    LOG.info("DMARC report for {} not sent to {}: {} bytes is over its limit of {}", p.policyDomain(), d.address(), gz.length,
                            d.maxBytes());
                    continue;
                }
                to.add(d.address());
            }
            if (to.isEmpty()) {
                continue;
            }
            Resend.Outcome o;
            try {
                o = Resend.send(pool, cfg.from(), to, message(p, to, gz));
            } catch (DownstreamException e) {
                LOG.warn("DMARC reports wait for the mail server: {}", e.getMessage());
                return done;
            }
            if (!o.delivered()) {
                LOG.warn("DMARC report for {} not taken by the mail server: {}", p.policyDomain(), o.replies());
                continue;
            }
            sent.record(p.policyDomain(), day, p.report().reportId(), String.join(",", to), p.messages(), clock.instant());
            LOG.info("DMARC report for {} ({} messages) sent to {}", p.policyDomain(), p.messages(), String.join(", ", to));
            done++;
        }
        return done;
    }

    /** The report's mail (RFC 7489 7.2.1.1): subject naming domain, submitter and id; the XML gzipped, named receiver!domain!begin!end. */
    byte[] message(Planned p, List<String> to, byte[] gz) {
        DmarcAggregate.Report r = p.report();
        String file = cfg.orgName() + "!" + p.policyDomain() + "!" + r.begin().getEpochSecond() + "!" + (r.end().getEpochSecond() - 1) + ".xml.gz";
        String boundary = "=_portcullis_" + UUID.randomUUID();
        StringBuilder b = new StringBuilder();
        b.append("From: <").append(cfg.from()).append(">\r\n");
        b.append("To: ").append(String.join(", ", to.stream().map(a -> "<" + a + ">").toList())).append("\r\n");
        b.append("Subject: Report Domain: ").append(p.policyDomain()).append(" Submitter: ").append(cfg.orgName())
                .append(" Report-ID: <").append(r.reportId()).append(">\r\n");
        b.append("Date: ").append(DateTimeFormatter.RFC_1123_DATE_TIME.format(clock.instant().atZone(ZoneOffset.UTC))).append("\r\n");
        b.append("Message-ID: <dmarc.").append(UUID.randomUUID()).append('@').append(cfg.from().substring(cfg.from().indexOf('@') + 1)).append(">\r\n");
        b.append("Auto-Submitted: auto-generated\r\nMIME-Version: 1.0\r\n");
        b.append("Content-Type: multipart/mixed; boundary=\"").append(boundary).append("\"\r\n\r\n");
        b.append("--").append(boundary).append("\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\n");
        b.append("This is a DMARC aggregate report for ").append(p.policyDomain()).append(" from ").append(cfg.orgName())
                .append(": ").append(p.messages()).append(" message(s).\r\n\r\n");
        b.append("--").append(boundary).append("\r\nContent-Type: application/gzip; name=\"").append(file).append("\"\r\n");
        b.append("Content-Disposition: attachment; filename=\"").append(file).append("\"\r\nContent-Transfer-Encoding: base64\r\n\r\n");
        b.append(Base64.getMimeEncoder(76, "\r\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(gz)).append("\r\n");
        b.append("--").append(boundary).append("--\r\n");
        return b.toString().getBytes(StandardCharsets.US_ASCII);
    }

    static byte[] gzip(String xml) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream z = new GZIPOutputStream(out)) {
            z.write(xml.getBytes(StandardCharsets.UTF_8));
        }
        return out.toByteArray();
    }

    /** Every {@code every}, the last whole day's reports not sent yet. */
    public void start(Downstreams pool) {
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "dmarc-reports");
            t.setDaemon(true);
            return t;
        });
        timer.scheduleWithFixedDelay(() -> {
            try {
                send(yesterday(), pool);
            } catch (SQLException | IOException | RuntimeException e) {
                LOG.warn("DMARC reports not sent this round: {}", e.toString());
            }
        }, cfg.every().toMillis(), cfg.every().toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
        if (timer != null) {
            timer.shutdownNow();
        }
    }
}
