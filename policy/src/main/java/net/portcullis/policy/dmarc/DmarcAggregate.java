package net.portcullis.policy.dmarc;

import java.io.StringWriter;
import java.net.InetAddress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import javax.xml.stream.XMLOutputFactory;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamWriter;

/**
 * DMARC aggregate reports (RFC 7489 7.2 and Appendix C; RFC 9990, its successor, where they
 * differ: {@code <version>1.0</version>} and {@code envelope_from} are written) built from our
 * decisions: each transaction whose From domain DMARC evaluated (pass or fail) is counted under
 * its From domain, in a row per source address, disposition, aligned results and
 * authentication results. The disposition is what we did: refused (reject), held (quarantine),
 * delivered (none). The XML is written with the JDK's StAX writer.
 */
public final class DmarcAggregate {
    /** One message's part in a report, read from its decision record. */
    public record Message(String sourceIp, String headerFrom, String envelopeFrom, String disposition, boolean sampledOut,
                          String spfDomain, String spfResult, List<String> dkimPassDomains, String dkimResult) { }

    /** The policy record as published now (the tags a report repeats). */
    public record Published(String domain, String adkim, String aspf, String p, String sp, int pct, String fo) { }

    /** A report about one policy domain for one period. */
    public record Report(String orgName, String email, String reportId, Instant begin, Instant end, Published policy,
                         Map<Row, Integer> rows) { }

    /** A row of the report: the messages that share all of these, counted. */
    public record Row(String sourceIp, String disposition, boolean dkimAligned, boolean spfAligned, boolean sampledOut,
                      String headerFrom, String envelopeFrom, String spfDomain, String spfResult, List<String> dkimPassDomains,
                      String dkimResult) { }

    private DmarcAggregate() {
    }

    /**
     * A decision record's message, or null when DMARC did not evaluate it (no record, a
     * temporary error, the check unavailable) or it was not decided for good (a temporary refusal).
     */
    public static Message message(Map<?, ?> record) {
        if (!(record.get("signals") instanceof Map<?, ?> s)) {
            return null;
        }
        String result = text(s.get("dmarc.result"));
        String from = text(s.get("dmarc.domain"));
        if (!("pass".equals(result) || "fail".equals(result)) || from == null || from.isEmpty()) {
            return null;
        }
        String disposition = switch (String.valueOf(record.get("verdict"))) {
            case "rejected" -> "reject";
            case "held" -> "quarantine";
            case "accepted" -> "none";
            default -> null;
        };
        String client = text(record.get("client"));
        if (disposition == null || client == null) {
            return null;
        }
        String sender = text(record.get("sender"));
        String envelopeFrom = sender != null && sender.contains("@") ? sender.substring(sender.lastIndexOf('@') + 1).toLowerCase(Locale.ROOT)
                : text(s.get("spf.domain"));
        String dkimDomains = text(s.get("dkim.domains"));
        List<String> passed = dkimDomains == null || dkimDomains.isBlank() ? List.of()
                : List.of(dkimDomains.toLowerCase(Locale.ROOT).strip().split("\\s+"));
        return new Message(client, from.toLowerCase(Locale.ROOT), envelopeFrom, disposition, Boolean.FALSE.equals(s.get("dmarc.sampled")),
                text(s.get("spf.domain")), spfResult(text(s.get("spf.result"))), passed, dkimResult(text(s.get("dkim.result"))));
    }

    private static String text(Object o) {
        return o instanceof String t ? t : null;
    }

    /** SPF results as the schema names them (RFC 7208 2.6; "unknown"/"error" as some write them). */
    private static String spfResult(String r) {
        if (r == null) {
            return "none";
        }
        return switch (r.toLowerCase(Locale.ROOT)) {
            case "pass", "fail", "softfail", "neutral", "none", "temperror", "permerror" -> r.toLowerCase(Locale.ROOT);
            case "unknown" -> "temperror";
            case "error" -> "permerror";
            default -> "none";
        };
    }

    private static String dkimResult(String r) {
        if (r == null) {
            return "none";
        }
        return switch (r.toLowerCase(Locale.ROOT)) {
            case "pass", "fail", "policy", "neutral", "none", "temperror", "permerror" -> r.toLowerCase(Locale.ROOT);
            default -> "none";
        };
    }

    /** Counts the messages into rows, alignment judged by the published record's adkim and aspf. */
    public static Map<Row, Integer> rows(List<Message> messages, Published policy) {
        Map<Row, Integer> rows = newRows();
        for (Message m : messages) {
            count(rows, m, policy);
        }
        return rows;
    }

    /** An empty set of rows, in a stable order (the report's). */
    public static Map<Row, Integer> newRows() {
        return new TreeMap<>(java.util.Comparator.comparing(Row::toString));
    }

    /** Counts one message into {@code rows}: a day's reports hold rows, not messages. */
    public static void count(Map<Row, Integer> rows, Message m, Published policy) {
        boolean dkim = m.dkimPassDomains().stream().anyMatch(d -> aligned(d, m.headerFrom(), "s".equals(policy.adkim())));
        boolean spf = "pass".equals(m.spfResult()) && m.spfDomain() != null && aligned(m.spfDomain(), m.headerFrom(), "s".equals(policy.aspf()));
        rows.merge(new Row(m.sourceIp(), m.disposition(), dkim, spf, m.sampledOut(), m.headerFrom(), m.envelopeFrom(), m.spfDomain(),
                m.spfResult(), m.dkimPassDomains(), m.dkimResult()), 1, Integer::sum);
    }

    static boolean aligned(String authenticated, String from, boolean strict) {
        String a = authenticated.toLowerCase(Locale.ROOT).replaceAll("\\.$", "");
        return strict ? a.equals(from) : OrgDomains.of(a).equals(OrgDomains.of(from));
    }

    /** The report as XML (UTF-8 text). */
    public static String xml(Report r) {
        StringWriter out = new StringWriter();
        try {
            XMLStreamWriter w = XMLOutputFactory.newFactory().createXMLStreamWriter(out);
            w.writeStartDocument("UTF-8", "1.0");
            w.writeStartElement("feedback");
            leaf(w, "version", "1.0");
            w.writeStartElement("report_metadata");
            leaf(w, "org_name", r.orgName());
            leaf(w, "email", r.email());
            leaf(w, "report_id", r.reportId());
            w.writeStartElement("date_range");
            leaf(w, "begin", String.valueOf(r.begin().getEpochSecond()));
            leaf(w, "end", String.valueOf(r.end().getEpochSecond() - 1));
            w.writeEndElement();
            w.writeEndElement();
            Published p = r.policy();
            w.writeStartElement("policy_published");
            leaf(w, "domain", p.domain());
            leaf(w, "adkim", p.adkim());
            leaf(w, "aspf", p.aspf());
            leaf(w, "p", p.p());
            leaf(w, "sp", p.sp());
            leaf(w, "pct", String.valueOf(p.pct()));
            leaf(w, "fo", p.fo());
            w.writeEndElement();
            for (Map.Entry<Row, Integer> e : r.rows().entrySet()) {
                Row row = e.getKey();
                w.writeStartElement("record");
                w.writeStartElement("row");
                leaf(w, "source_ip", schemaAddress(row.sourceIp()));
                leaf(w, "count", String.valueOf(e.getValue()));
                w.writeStartElement("policy_evaluated");
                leaf(w, "disposition", row.disposition());
                leaf(w, "dkim", row.dkimAligned() ? "pass" : "fail");
                leaf(w, "spf", row.spfAligned() ? "pass" : "fail");
                if (row.sampledOut()) {
                    w.writeStartElement("reason");
                    leaf(w, "type", "sampled_out");
                    w.writeEndElement();
                }
                w.writeEndElement();
                w.writeEndElement();
                w.writeStartElement("identifiers");
                leaf(w, "envelope_from", row.envelopeFrom() == null ? "" : row.envelopeFrom());
                leaf(w, "header_from", row.headerFrom());
                w.writeEndElement();
                w.writeStartElement("auth_results");
                for (String d : row.dkimPassDomains()) {
                    w.writeStartElement("dkim");
                    leaf(w, "domain", d);
                    leaf(w, "result", "pass");
                    w.writeEndElement();
                }
                if (row.dkimPassDomains().isEmpty() && !row.dkimResult().equals("none")) {
                    // a signature that did not verify: its d= is not in the decision, the domain stands for it
                    w.writeStartElement("dkim");
                    leaf(w, "domain", row.headerFrom());
                    leaf(w, "result", row.dkimResult());
                    w.writeEndElement();
                }
                w.writeStartElement("spf");
                leaf(w, "domain", row.spfDomain() == null ? (row.envelopeFrom() == null ? "" : row.envelopeFrom()) : row.spfDomain());
                leaf(w, "scope", "mfrom");
                leaf(w, "result", row.spfResult());
                w.writeEndElement();
                w.writeEndElement();
                w.writeEndElement();
            }
            w.writeEndElement();
            w.writeEndDocument();
            w.close();
        } catch (XMLStreamException e) {
            throw new IllegalStateException("writing a DMARC report: " + e.getMessage(), e);
        }
        return out.toString();
    }

    /** RFC 7489's schema takes IPv6 in full form only (eight groups): written so. */
    static String schemaAddress(String ip) {
        try {
            InetAddress a = InetAddress.getByName(ip);
            if (a instanceof java.net.Inet6Address) {
                byte[] b = a.getAddress();
                List<String> g = new ArrayList<>(8);
                for (int i = 0; i < 16; i += 2) {
                    g.add(Integer.toHexString(((b[i] & 0xff) << 8) | (b[i + 1] & 0xff)));
                }
                return String.join(":", g);
            }
            return a.getHostAddress();
        } catch (java.net.UnknownHostException e) {
            return ip;
        }
    }

    private static void leaf(XMLStreamWriter w, String name, String text) throws XMLStreamException {
        w.writeStartElement(name);
        w.writeCharacters(text);
        w.writeEndElement();
    }
}
