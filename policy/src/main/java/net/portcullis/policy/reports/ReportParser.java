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
 * source is read from the reported message's Received chain, as our gateway wrote it.
 */
public final class ReportParser {
    public static final int MAX_REPORT_SIZE = 10 * 1024 * 1024;
    /** The client address in a Received "from" clause: [192.0.2.1] (Postfix, Sendmail, us) or (192.0.2.1) (qmail, Yahoo). */
    private static final Pattern RECEIVED_IP = Pattern.compile("[\\[(](?:IPv6:)?((?:\\d{1,3}\\.){3}\\d{1,3}|[0-9A-Fa-f]*:[0-9A-Fa-f:.]+)[\\])]");
    private static final Pattern URL = Pattern.compile("https?://[^\\s<>\"')]+", Pattern.CASE_INSENSITIVE);

    private final Networks trusted;

    public ReportParser(Networks trusted) {
        this.trusted = trusted;
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
            MimeMessage original = new MimeMessage(Session.getInstance(new Properties()), new ByteArrayInputStream(f.original));
            String source = source(original, f.sourceIpField);
            String senderDomain = null;
            InternetAddress[] of = parseFrom(original);
            if (of.length >= 1 && of[0].getAddress() != null && of[0].getAddress().contains("@")) {
                senderDomain = of[0].getAddress().substring(of[0].getAddress().lastIndexOf('@') + 1).toLowerCase(Locale.ROOT);
            }
            String[] ids = original.getHeader("Message-ID");
            List<String> urls = urls(f.original);
            return new SpamReport(reporter, f.feedbackType == null ? "abuse" : f.feedbackType, source, senderDomain,
                    ids == null ? null : ids[0].strip(), urls, sha256(f.original));
        } catch (MessagingException | IOException e) {
            throw new ReportRefused("report is not a readable message: " + e.getMessage());
        }
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
        } else if ((type.startsWith("message/rfc822") || type.startsWith("text/rfc822-headers")) && f.original == null) {
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

    /** The first Received hop (newest first) whose client address is outside our trusted networks. */
    private String source(MimeMessage original, String sourceIpField) throws MessagingException, ReportRefused {
        String[] received = original.getHeader("Received");
        List<String> seenTrusted = new ArrayList<>();
        if (received != null) {
            for (String r : received) {
                int by = r.toLowerCase(Locale.ROOT).indexOf(" by ");
                String fromPart = by > 0 ? r.substring(0, by) : r;
                Matcher m = RECEIVED_IP.matcher(fromPart);
                if (!m.find()) {
                    continue;
                }
                InetAddress ip;
                try {
                    ip = Network.address(m.group(1));
                } catch (IllegalArgumentException e) {
                    continue;
                }
                if (trusted.match(ip).isPresent() || ip.isLoopbackAddress()) {
                    seenTrusted.add(ip.getHostAddress());
                    continue;
                }
                return ip.getHostAddress();
            }
        }
        if (sourceIpField != null) {
            try {
                InetAddress ip = Network.address(sourceIpField);
                if (trusted.match(ip).isPresent() || ip.isLoopbackAddress()) {
                    throw new ReportRefused("report names our own trusted network (" + ip.getHostAddress() + ") as the source");
                }
                return ip.getHostAddress();
            } catch (IllegalArgumentException e) {
                throw new ReportRefused("Source-IP '" + sourceIpField + "' is not an address");
            }
        }
        if (!seenTrusted.isEmpty()) {
            throw new ReportRefused("report names only our own trusted networks " + seenTrusted + " as hops: no outside source");
        }
        throw new ReportRefused("reported message has no Received hop with a client address, and no Source-IP");
    }

    private static List<String> urls(byte[] original) {
        Set<String> out = new LinkedHashSet<>();
        Matcher m = URL.matcher(new String(original, StandardCharsets.ISO_8859_1));
        while (m.find() && out.size() < 50) {
            out.add(m.group());
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
