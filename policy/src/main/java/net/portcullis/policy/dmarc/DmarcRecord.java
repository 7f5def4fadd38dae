package net.portcullis.policy.dmarc;

import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * A DMARC policy record (RFC 7489 6.3): the tags that decide, validated; with DMARCbis's np=, the
 * policy for subdomains that do not exist (RFC 9091 3.1; defaults to sp=, which defaults to p=).
 */
record DmarcRecord(String policy, String subdomainPolicy, String nonExistentPolicy, int pct, boolean strictDkim,
                          boolean strictSpf, String text) {

    private static final Set<String> POLICIES = Set.of("none", "quarantine", "reject");

    /** @throws IllegalArgumentException with the reason, for a record that is not valid DMARC */
    public static DmarcRecord parse(String txt) {
        if (txt == null || txt.isBlank()) {
            throw new IllegalArgumentException("empty record");
        }
        Map<String, String> t = new java.util.LinkedHashMap<>();
        boolean first = true;
        for (String part : txt.split(";")) {
            String p = part.strip();
            if (p.isEmpty()) {
                continue;
            }
            int eq = p.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("malformed tag '" + p + "'");
            }
            String name = p.substring(0, eq).strip().toLowerCase(Locale.ROOT);
            String value = p.substring(eq + 1).strip();
            if (first && !(name.equals("v") && value.equals("DMARC1"))) {
                throw new IllegalArgumentException("record does not start with v=DMARC1");
            }
            first = false;
            t.putIfAbsent(name, value);
        }
        String p = t.get("p") == null ? null : t.get("p").toLowerCase(Locale.ROOT);
        if (p == null) {
            throw new IllegalArgumentException("required tag p= is missing");
        }
        p = abbreviation(p);
        if (!POLICIES.contains(p)) {
            throw new IllegalArgumentException("p=" + t.get("p") + " is not none, quarantine or reject");
        }
        String sp = t.get("sp") == null ? p : abbreviation(t.get("sp").toLowerCase(Locale.ROOT));
        if (!POLICIES.contains(sp)) {
            throw new IllegalArgumentException("sp=" + t.get("sp") + " is not none, quarantine or reject");
        }
        String np = t.get("np") == null ? sp : abbreviation(t.get("np").toLowerCase(Locale.ROOT));
        if (!POLICIES.contains(np)) {
            throw new IllegalArgumentException("np=" + t.get("np") + " is not none, quarantine or reject");
        }
        int pct = 100;
        if (t.containsKey("pct")) {
            if (!t.get("pct").matches("\\d{1,3}") || Integer.parseInt(t.get("pct")) > 100) {
                throw new IllegalArgumentException("pct=" + t.get("pct") + " is not 0-100");
            }
            pct = Integer.parseInt(t.get("pct"));
        }
        boolean adkim = mode(t, "adkim");
        boolean aspf = mode(t, "aspf");
        if (t.containsKey("rf") && !t.get("rf").toLowerCase(Locale.ROOT).matches("afrf(\\s*:\\s*afrf)*")) {
            throw new IllegalArgumentException("rf=" + t.get("rf") + " is not afrf");
        }
        if (t.containsKey("ri") && !t.get("ri").matches("\\d{1,10}")) {
            throw new IllegalArgumentException("ri=" + t.get("ri") + " is not a number of seconds");
        }
        return new DmarcRecord(p, sp, np, pct, adkim, aspf, txt.strip());
    }

    /** OpenDMARC accepts the first letter of a policy ("p=n"); so do we, it is what publishers meant. */
    private static String abbreviation(String v) {
        return switch (v) {
            case "n" -> "none";
            case "q" -> "quarantine";
            case "r" -> "reject";
            default -> v;
        };
    }

    private static boolean mode(Map<String, String> t, String tag) {
        String v = t.get(tag);
        if (v == null) {
            return false;
        }
        return switch (v.toLowerCase(Locale.ROOT)) {
            case "s" -> true;
            case "r" -> false;
            default -> throw new IllegalArgumentException(tag + "=" + v + " is not r or s");
        };
    }
}
