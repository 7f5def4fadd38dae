package net.portcullis.policy.reports;

import jakarta.mail.BodyPart;
import jakarta.mail.MessagingException;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import net.portcullis.rules.Network;
import net.portcullis.rules.Networks;

/**
 * Reads spam reports: ARF (RFC 5965: multipart/report with a message/feedback-report part and
 * the reported message or its headers) and plain forwards (a message/rfc822 attachment). The
 * source is the client of the Received field our gateway wrote (by one of our host names), else
 * the ARF Source-IP: never a hop someone else wrote, which may be the reporter's own server.
 */
public final class ReportParser {
    public static final int MAX_REPORT_SIZE = 10 * 1024 * 1024;
    /** The client address in a Received "from" clause: [192.0.2.1] (Postfix, Sendmail, us) or (192.0.2.1) (qmail, Yahoo). */
    private static final Pattern RECEIVED_IP = Pattern.compile("[\\[(](?:IPv6:)?((?:\\d{1,3}\\.){3}\\d{1,3}|[0-9A-Fa-f]*:[0-9A-Fa-f:.]+)[\\])]");
    private static final Pattern URL = Pattern.compile("https?://[^\\s<>\"')]+", Pattern.CASE_INSENSITIVE);

    private static final Pattern RECEIVED_BY = Pattern.compile("(?i)\\bby\\s+([^\\s;()]+)");
    private static final Pattern RECEIVED_ID = Pattern.compile("(?i)\\bid\\s+([A-Za-z0-9._-]{1,64})");

    private final Networks trusted;
    private final Set<String> ourHosts;

    /**
     * @param trusted  our trusted networks: a report naming one of them as the source is refused
     * @param ourHosts the names our Received fields carry after "by" (hostname, authserv-id)
     */
    public ReportParser(Networks trusted, Set<String> ourHosts) {
        this.trusted = trusted;
        Set<String> hosts = new java.util.HashSet<>();
        for (String h : ourHosts) {
            if (h != null && !h.isBlank()) {
                hosts.add(h.toLowerCase(Locale.ROOT));
            }
        }
        this.ourHosts = Set.copyOf(hosts);
    }

    /** Whether a report is ARF (RFC 5965: multipart/report; report-type=feedback-report), a feedback loop's, not a user's forward. */
    public static boolean isArf(byte[] raw) {
        String type = net.portcullis.policy.MessageFacts.of(raw).first("Content-Type");
        return type != null && type.toLowerCase(Locale.ROOT).replaceAll("\\s", "").contains("report-type=feedback-report")
                || type != null && type.toLowerCase(Locale.ROOT).replaceAll("\\s", "").contains("report-type=\"feedback-report\"");
    }

    public SpamReport parse(byte[] raw) throws ReportRefused {
        if (raw.length > MAX_REPORT_SIZE) {
            throw new ReportRefused("report is larger than " + MAX_REPORT_SIZE / (1024 * 1024) + " MB");
        }
        try {
            MimeMessage report = new MimeMessage(Session.getInstance(new Properties()), new ByteArrayInputStream(raw));
            InternetAddress[] from = parseFrom(report);
            if (from.length != 1 || from[0].getAddress() == null || !from[0].getAddress().contains("@")) {
                throw new ReportRefused("report has no single From address to say who reports");
            }
            String reporter = from[0].getAddress().toLowerCase(Locale.ROOT);
            Found f = new Found();
            walk(report, f, 0);
            if (f.original == null) {
                throw new ReportRefused("no reported message attached (expected message/rfc822 or text/rfc822-headers)");
            }
            return report(reporter, f.feedbackType == null ? "abuse" : f.feedbackType, f.original, f.sourceIpField,
                    List.copyOf(f.originalRecipients));
        } catch (MessagingException | IOException e) {
            throw new ReportRefused("report is not a readable message: " + e.getMessage());
        } catch (RuntimeException e) {
            // a report we fail to take apart is the reporter's malformation, refused with a reason
            throw new ReportRefused("report is not a readable message: " + e);
        }
    }

    /**
     * A report made of the reported message itself (a mail store's user moved it into or out of
     * Junk): the same reading of its source, sender domain, Message-ID and links as for a
     * message attached to a report.
     *
     * @param feedbackType "abuse" (spam) or "not-spam" (RFC 5965's words)
     */
    public SpamReport parseMessage(String reporter, String feedbackType, byte[] message) throws ReportRefused {
        if (message.length > MAX_REPORT_SIZE) {
            throw new ReportRefused("message is larger than " + MAX_REPORT_SIZE / (1024 * 1024) + " MB");
        }
        try {
            return report(reporter.toLowerCase(Locale.ROOT), feedbackType, message, null, List.of());
        } catch (MessagingException | IOException e) {
            throw new ReportRefused("message is not readable: " + e.getMessage());
        } catch (RuntimeException e) {
            throw new ReportRefused("message is not readable: " + e);
        }
    }

    /**
     * A user's report about one of our decisions, from a signed link or the review page: the
     * source is the client we recorded for it, not a header. With the message (held mail) its
     * links and Message-ID are read from it; without, the report is about the reference alone.
     */
    public SpamReport about(String reporter, String feedbackType, String client, String sender, String ref, byte[] message)
            throws ReportRefused {
        String source = outside(client, "the decision's client");
        String domain = sender == null || !sender.contains("@") ? null : sender.substring(sender.lastIndexOf('@') + 1).toLowerCase(Locale.ROOT);
        String messageId = null;
        List<String> links = List.of();
        if (message != null) {
            String id = net.portcullis.policy.MessageFacts.of(message).first("Message-ID");
            messageId = id == null ? null : id.strip();
            links = urls(message);
        }
        return new SpamReport(reporter.toLowerCase(Locale.ROOT), feedbackType, source, domain, messageId, links,
                sha256(message != null ? message : ("decision " + ref).getBytes(StandardCharsets.US_ASCII)), List.of(), ref,
                message == null ? null : redacted(message));
    }

    private SpamReport report(String reporter, String feedbackType, byte[] originalBytes, String sourceIpField,
                              List<String> originalRecipients) throws MessagingException, IOException, ReportRefused {
        MimeMessage original = new MimeMessage(Session.getInstance(new Properties()), new ByteArrayInputStream(originalBytes));
        String[] ours = ourReceived(original);
        String source = ours != null ? outside(ours[0], "our Received field") : sourceIpField != null ? outside(sourceIpField, "Source-IP") : "";
        String senderDomain = null;
        InternetAddress[] of = parseFrom(original);
        if (of.length >= 1 && of[0].getAddress() != null && of[0].getAddress().contains("@")) {
            senderDomain = of[0].getAddress().substring(of[0].getAddress().lastIndexOf('@') + 1).toLowerCase(Locale.ROOT);
        }
        String[] ids = original.getHeader("Message-ID");
        return new SpamReport(reporter, feedbackType, source, senderDomain, ids == null ? null : ids[0].strip(), urls(originalBytes),
                sha256(originalBytes), originalRecipients, ours == null ? null : ours[1], redacted(originalBytes));
    }

    private Set<String> redactFor;

    /**
     * Keeps each reported message's header block, our users' addresses redacted (RFC 6590), for
     * the reports we send back to the networks spam came from; without this, no header is kept.
     */
    public ReportParser keepingRedactedHeaders(Set<String> ourDomains) {
        this.redactFor = Set.copyOf(ourDomains);
        return this;
    }

    private String redacted(byte[] message) {
        return redactFor == null ? null : Redaction.headers(message, redactFor);
    }

    private static InternetAddress[] parseFrom(MimeMessage m) throws MessagingException {
        String[] h = m.getHeader("From");
        if (h == null) {
            return new InternetAddress[0];
        }
        try {
            return InternetAddress.parseHeader(h[0], false);
        } catch (MessagingException e) {
            return new InternetAddress[0];
        }
    }

    private static final class Found {
        byte[] original;
        String feedbackType;
        String sourceIpField;
        final Set<String> originalRecipients = new LinkedHashSet<>();
    }

    private static void walk(Part p, Found f, int depth) throws MessagingException, IOException {
        if (depth > 5) {
            return;
        }
        String type = p.getContentType() == null ? "text/plain" : p.getContentType().toLowerCase(Locale.ROOT);
        if (type.startsWith("message/feedback-report")) {
            String text = new String(readAll(p.getInputStream()), StandardCharsets.ISO_8859_1);
            f.feedbackType = field(text, "Feedback-Type");
            f.sourceIpField = field(text, "Source-IP");
            Matcher rcpt = Pattern.compile("(?im)^Original-Rcpt-To:\\s*(.+)$").matcher(text);
            while (rcpt.find() && f.originalRecipients.size() < 1000) {
                f.originalRecipients.add(rcpt.group(1).strip().replaceAll("^<|>$", "").toLowerCase(Locale.ROOT));
            }
        } else if ((type.startsWith("message/rfc822") || type.startsWith("text/rfc822-header")) && f.original == null) {
            // text/rfc822-headers (RFC 6522), and text/rfc822-header as some providers write it
            Object content = p.getContent();
            if (content instanceof MimeMessage mm) {
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                mm.writeTo(out);
                f.original = out.toByteArray();
            } else {
                f.original = readAll(p.getInputStream());
            }
        } else if (type.startsWith("multipart/")) {
            Object content = p.getContent();
            if (content instanceof Multipart mp) {
                for (int i = 0; i < mp.getCount(); i++) {
                    BodyPart bp = mp.getBodyPart(i);
                    walk(bp, f, depth + 1);
                }
            }
        }
    }

    private static String field(String text, String name) {
        Matcher m = Pattern.compile("(?im)^" + Pattern.quote(name) + ":\\s*(.+)$").matcher(text);
        return m.find() ? m.group(1).strip() : null;
    }

    /**
     * The client our gateway saw and our reference: the "from" address and the "id" of the newest
     * Received field written "by" one of our host names; null when there is none (the report's
     * Source-IP is then the source, and without one the report is kept but counts for nothing).
     * Only our trusted networks are ours: a report naming one of them is refused, since listing it
     * would block our own mail.
     */
    private String[] ourReceived(MimeMessage original) throws MessagingException {
        String[] received = original.getHeader("Received");
        if (received != null) {
            for (String r : received) {
                String flat = r.replaceAll("\\s+", " ");
                Matcher by = RECEIVED_BY.matcher(flat);
                if (!by.find() || !ourHosts.contains(by.group(1).toLowerCase(Locale.ROOT).replaceAll("\\.$", ""))) {
                    continue;
                }
                Matcher m = RECEIVED_IP.matcher(flat.substring(0, by.start()));
                if (!m.find()) {
                    continue;
                }
                Matcher id = RECEIVED_ID.matcher(flat.substring(by.end()));
                return new String[] {m.group(1), id.find() ? id.group(1) : null};
            }
        }
        return null;
    }

    private String outside(String text, String where) throws ReportRefused {
        InetAddress ip;
        try {
            ip = Network.address(text.strip());
        } catch (IllegalArgumentException e) {
            throw new ReportRefused(where + " '" + text.strip() + "' is not an address");
        }
        if (trusted.match(ip).isPresent()) {
            throw new ReportRefused("report names our own trusted network (" + ip.getHostAddress() + ") as the source");
        }
        return ip.getHostAddress();
    }

    /**
     * The URLs in the reported message: as written in its raw text, then the hosts its decoded
     * parts link to (quoted-printable, base64 and HTML undone, as the URIBL check reads them), at
     * most 50.
     */
    private static List<String> urls(byte[] original) {
        Set<String> out = new LinkedHashSet<>();
        Set<String> hosts = new java.util.HashSet<>();
        Matcher m = URL.matcher(new String(original, StandardCharsets.ISO_8859_1));
        while (m.find() && out.size() < 50) {
            out.add(m.group());
            String h = net.portcullis.policy.content.LinkHosts.host(m.group());
            if (h != null) {
                hosts.add(h);
            }
        }
        net.portcullis.policy.content.LinkHosts decoded = new net.portcullis.policy.content.LinkHosts(50);
        net.portcullis.policy.content.MimeWalk.walk(net.portcullis.policy.MessageFacts.of(original),
                net.portcullis.policy.content.MimeWalk.Limits.DEFAULT, decoded::add);
        for (String h : decoded.hosts()) {
            if (out.size() < 50 && hosts.add(h)) {
                out.add("http://" + (h.contains(":") ? "[" + h + "]" : h) + "/");
            }
        }
        return new ArrayList<>(out);
    }

    private static byte[] readAll(InputStream in) throws IOException {
        try (in) {
            return in.readNBytes(MAX_REPORT_SIZE);
        }
    }

    private static String sha256(byte[] b) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
