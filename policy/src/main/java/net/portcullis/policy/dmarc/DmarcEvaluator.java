package net.portcullis.policy.dmarc;

import java.util.ArrayList;
import java.util.List;
import net.portcullis.policy.dns.Dns;
import net.portcullis.policy.dns.DnsAnswer;

/** DMARC (RFC 7489): record discovery at the From domain then its organisational domain, alignment, policy. */
public final class DmarcEvaluator {
    private final Dns dns;

    public DmarcEvaluator(Dns dns) {
        this.dns = dns;
    }

    /**
     * @param fromDomain  the single RFC5322.From domain, or null when the message has none or several
     * @param spfResult   SPF result for the MAIL FROM identity, and its domain
     * @param dkimPassing d= of every DKIM signature that passed
     */
    public DmarcResult evaluate(String fromDomain, String spfResult, String spfDomain, List<String> dkimPassing) {
        if (fromDomain == null || fromDomain.isBlank()) {
            return new DmarcResult("permerror", "", null, 100, false, false, "", "no single From domain to check");
        }
        String from = OrgDomains.normalise(fromDomain);
        String org = OrgDomains.of(from);
        Found found;
        try {
            found = lookup(from);
            boolean atOrg = false;
            if (found == null && !org.equals(from)) {
                found = lookup(org);
                atOrg = true;
            }
            if (found == null) {
                return new DmarcResult("none", from, null, 100, false, false, "", "no DMARC record at _dmarc." + from
                        + (org.equals(from) ? "" : " or _dmarc." + org));
            }
            DmarcRecord rec;
            try {
                rec = DmarcRecord.parse(found.txt);
            } catch (IllegalArgumentException e) {
                return new DmarcResult("none", from, null, 100, false, false, found.txt,
                        "invalid DMARC record at " + found.name + ": " + e.getMessage());
            }
            boolean spfAligned = "pass".equals(spfResult) && spfDomain != null
                    && OrgDomains.aligned(from, spfDomain, rec.strictSpf());
            boolean dkimAligned = false;
            String dkimDomain = null;
            for (String d : dkimPassing) {
                if (OrgDomains.aligned(from, d, rec.strictDkim())) {
                    dkimAligned = true;
                    dkimDomain = d;
                    break;
                }
            }
            String policy = atOrg && !from.equals(org) ? rec.subdomainPolicy() : rec.policy();
            String nonExistent = "";
            if (atOrg && !from.equals(org) && !rec.nonExistentPolicy().equals(policy)) {
                // np= only matters when it differs: then ask whether the From domain exists at all
                DnsAnswer exists = dns.lookup(from, "A");
                if (exists.status() == DnsAnswer.Status.TEMPFAIL) {
                    throw new TempFail("A " + from + ": " + exists.detail());
                }
                if (exists.status() == DnsAnswer.Status.NXDOMAIN) {
                    policy = rec.nonExistentPolicy();
                    nonExistent = "; " + from + " does not exist (NXDOMAIN): np=" + policy + " applies";
                }
            }
            boolean pass = spfAligned || dkimAligned;
            String why = pass ? (dkimAligned ? "DKIM d=" + dkimDomain + " aligned" : "SPF " + spfDomain + " aligned")
                    : "neither SPF (" + spfResult + " for " + spfDomain + ") nor DKIM " + dkimPassing + " aligned with " + from;
            return new DmarcResult(pass ? "pass" : "fail", from, policy, rec.pct(), spfAligned, dkimAligned, rec.text(),
                    why + "; record at " + found.name + nonExistent);
        } catch (TempFail e) {
            return new DmarcResult("temperror", from, null, 100, false, false, "", e.getMessage());
        }
    }

    private record Found(String name, String txt) { }

    private static final class TempFail extends Exception {
        TempFail(String m) {
            super(m, null, false, false);
        }
    }

    /** The one v=DMARC1 record at _dmarc.domain; several records count as none (RFC 7489 6.6.3). */
    private Found lookup(String domain) throws TempFail {
        String name = "_dmarc." + domain;
        DnsAnswer a = dns.lookup(name, "TXT");
        if (a.status() == DnsAnswer.Status.TEMPFAIL) {
            throw new TempFail("TXT " + name + ": " + a.detail());
        }
        List<String> recs = new ArrayList<>();
        for (String v : a.values()) {
            if (v.strip().startsWith("v=DMARC1")) {
                recs.add(v);
            }
        }
        return recs.size() == 1 ? new Found(name, recs.get(0)) : null;
    }
}
