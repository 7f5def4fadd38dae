package net.portcullis.policy.reports;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.UUID;

/**
 * The ARF report (RFC 5965, Feedback-Type abuse) we send to a network about spam from one of its
 * addresses: a human-readable part, the machine-readable feedback report with {@code Incidents}
 * (the complaints it stands for: one report per source and round, not one per complaint) and the
 * first and last complaint, and the newest reported message's header block as
 * {@code text/rfc822-headers}, our users' addresses redacted (RFC 6590). Never a body.
 */
public final class AbuseReportMessage {
    private static final DateTimeFormatter RFC = DateTimeFormatter.RFC_1123_DATE_TIME;

    private AbuseReportMessage() {
    }

    public record Built(String messageId, byte[] bytes) { }

    /** @param headers the redacted header block, or null (a report without a sample) */
    public static Built build(String from, String to, String hostname, String sourceIp, ReportStore.Seen seen, String headers, Instant now) {
        String id = "<abuse." + UUID.randomUUID() + "@" + hostname + ">";
        String boundary = "=_portcullis_" + UUID.randomUUID();
        StringBuilder b = new StringBuilder(4096);
        b.append("From: <").append(from).append(">\r\n");
        b.append("To: <").append(to).append(">\r\n");
        b.append("Subject: Abuse report: spam from ").append(sourceIp).append("\r\n");
        b.append("Date: ").append(RFC.format(now.atZone(ZoneOffset.UTC))).append("\r\n");
        b.append("Message-ID: ").append(id).append("\r\n");
        b.append("Auto-Submitted: auto-generated\r\n");
        b.append("MIME-Version: 1.0\r\n");
        b.append("Content-Type: multipart/report; report-type=feedback-report; boundary=\"").append(boundary).append("\"\r\n\r\n");
        b.append("--").append(boundary).append("\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n");
        b.append("This is an automated abuse report from the mail gateway of ").append(hostname).append(".\r\n\r\n");
        b.append("Our users reported ").append(seen.reports()).append(" message(s) sent from ").append(sourceIp)
                .append(", an address of your network, as spam,\r\nbetween ").append(RFC.format(seen.first().atZone(ZoneOffset.UTC)))
                .append(" and ").append(RFC.format(seen.last().atZone(ZoneOffset.UTC))).append(".\r\n");
        b.append("The header of the most recent one follows, our users' addresses removed.\r\n");
        b.append("Please write to ").append(from).append(" if this report is mistaken, or to stop receiving them.\r\n\r\n");
        b.append("--").append(boundary).append("\r\nContent-Type: message/feedback-report\r\n\r\n");
        b.append("Feedback-Type: abuse\r\n");
        b.append("User-Agent: Portcullis/1.0\r\n");
        b.append("Version: 1\r\n");
        b.append("Source-IP: ").append(sourceIp).append("\r\n");
        b.append("Incidents: ").append(seen.reports()).append("\r\n");
        b.append("Arrival-Date: ").append(RFC.format(seen.first().atZone(ZoneOffset.UTC))).append("\r\n");
        b.append("Reporting-MTA: dns; ").append(hostname).append("\r\n\r\n");
        if (headers != null) {
            b.append("--").append(boundary).append("\r\nContent-Type: text/rfc822-headers\r\n\r\n").append(headers);
            if (!headers.endsWith("\r\n")) {
                b.append("\r\n");
            }
            b.append("\r\n");
        }
        b.append("--").append(boundary).append("--\r\n");
        // the header block is ISO-8859-1 read of the original octets: written back as the same octets
        return new Built(id, b.toString().getBytes(StandardCharsets.ISO_8859_1));
    }
}
