package net.portcullis.policy.dkim;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.Signature;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import net.portcullis.policy.MessageFacts;
import net.portcullis.policy.dns.Dns;
import net.portcullis.policy.dns.DnsAnswer;

/**
 * DKIM verification (RFC 6376) with rsa-sha256 and ed25519-sha256 (RFC 8463), on the JDK's
 * own RSA and Ed25519. Written here because no maintained Java DKIM verifier is served
 * (Apache jDKIM is not on Maven Central); the corpora of other implementations are its tests.
 * rsa-sha1 and RSA keys under 1024 bits give "policy" (RFC 8301) unless explicitly allowed.
 */
public final class DkimVerifier {
    static final int MAX_SIGNATURES = 8;
    private static final byte[] ED25519_SPKI_PREFIX = {0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00};

    private final Dns dns;
    private final Clock clock;
    private final boolean allowSha1;

    public DkimVerifier(Dns dns, Clock clock, boolean allowSha1) {
        this.dns = dns;
        this.clock = clock;
        this.allowSha1 = allowSha1;
    }

    public List<DkimResult> verify(MessageFacts message) {
        List<DkimResult> out = new ArrayList<>();
        Map<String, Object[]> bodyHashes = new HashMap<>(); // hash and canonical length, per algorithm, canonicalisation and l=
        for (MessageFacts.Header h : message.headers()) {
            if (!h.name().equalsIgnoreCase("DKIM-Signature")) {
                continue;
            }
            if (out.size() >= MAX_SIGNATURES) {
                break;
            }
            try {
                out.add(verifyOne(h, message, bodyHashes));
            } catch (RuntimeException e) {
                // Outside data we failed to take apart is the sender's error, a result the
                // standard names, never a tempfail that would make the client retry for ever.
                out.add(new DkimResult("permerror", "", "", "", "", "signature or key unreadable: " + e));
            }
        }
        return out;
    }

    private DkimResult verifyOne(MessageFacts.Header sigHeader, MessageFacts message, Map<String, Object[]> bodyHashes) {
        Map<String, String> t;
        try {
            t = Tags.parse(sigHeader.value());
        } catch (IllegalArgumentException e) {
            return new DkimResult("permerror", "", "", "", "", "signature: " + e.getMessage());
        }
        String d = t.getOrDefault("d", "").toLowerCase(Locale.ROOT);
        String s = t.getOrDefault("s", "");
        String a = t.getOrDefault("a", "").toLowerCase(Locale.ROOT);
        String i = t.get("i");
        try {
            for (String req : new String[] {"v", "a", "b", "bh", "d", "h", "s"}) {
                if (!t.containsKey(req)) {
                    return perm(d, s, i, a, "missing required tag " + req + "=");
                }
            }
            if (!t.get("v").equals("1")) {
                return perm(d, s, i, a, "unsupported version v=" + t.get("v"));
            }
            if (!a.equals("rsa-sha256") && !a.equals("ed25519-sha256") && !a.equals("rsa-sha1")) {
                return perm(d, s, i, a, "unsupported algorithm a=" + a);
            }
            if (a.equals("rsa-sha1") && !allowSha1) {
                return new DkimResult("policy", d, s, i == null ? "@" + d : i, a, "rsa-sha1 is not acceptable (RFC 8301)");
            }
            List<String> signed = new ArrayList<>();
            for (String n : t.get("h").split(":")) {
                signed.add(n.strip().toLowerCase(Locale.ROOT));
            }
            if (!signed.contains("from")) {
                return perm(d, s, i, a, "h= does not include From");
            }
            String identity = i == null ? "@" + d : qpDecode(i);
            String idDomain = identity.substring(identity.lastIndexOf('@') + 1).toLowerCase(Locale.ROOT);
            if (!(idDomain.equals(d) || idDomain.endsWith("." + d))) {
                return perm(d, s, identity, a, "i= domain " + idDomain + " is not d= or under it");
            }
            if (t.containsKey("q") && !t.get("q").toLowerCase(Locale.ROOT).startsWith("dns/txt")) {
                return perm(d, s, identity, a, "unsupported query method q=" + t.get("q"));
            }
            long now = clock.millis() / 1000;
            if (t.containsKey("x")) {
                long x = Long.parseLong(t.get("x").strip());
                if (t.containsKey("t") && x < Long.parseLong(t.get("t").strip())) {
                    return perm(d, s, identity, a, "x= is earlier than t=");
                }
                if (x < now) {
                    return new DkimResult("fail", d, s, identity, a, "signature expired at " + x);
                }
            }
            String[] c = t.getOrDefault("c", "simple/simple").toLowerCase(Locale.ROOT).split("/", 2);
            boolean relaxedHeader = c[0].strip().equals("relaxed");
            boolean relaxedBody = c.length > 1 && c[1].strip().equals("relaxed");
            for (String part : c) {
                if (!part.strip().equals("simple") && !part.strip().equals("relaxed")) {
                    return perm(d, s, identity, a, "unknown canonicalization c=" + t.get("c"));
                }
            }
            long limit = t.containsKey("l") ? Long.parseLong(t.get("l").strip()) : Long.MAX_VALUE;

            // the key first: a missing key should be reported as such, not as a hash mismatch
            Key key = key(s, d, a, identity);
            if (key.failure != null) {
                return key.failure;
            }

            String hashAlg = a.endsWith("sha1") ? "SHA-1" : "SHA-256";
            String bhKey = hashAlg + (relaxedBody ? "/relaxed/" : "/simple/") + limit;
            Object[] cached = bodyHashes.get(bhKey);
            byte[] bodyHash = cached == null ? null : (byte[]) cached[0];
            long canonicalLength = cached == null ? 0 : (Long) cached[1];
            if (bodyHash == null) {
                MessageDigest md = MessageDigest.getInstance(hashAlg);
                try (InputStream body = new BufferedInputStream(message.body().open())) {
                    canonicalLength = Canonical.body(body, relaxedBody, new java.security.DigestOutputStream(
                            java.io.OutputStream.nullOutputStream(), md), limit);
                }
                if (limit != Long.MAX_VALUE && limit > canonicalLength) {
                    return new DkimResult("fail", d, s, identity, a, "l=" + limit + " is longer than the body");
                }
                bodyHash = md.digest();
                bodyHashes.put(bhKey, new Object[] {bodyHash, canonicalLength});
            }
            if (!Arrays.equals(bodyHash, Base64.getDecoder().decode(Tags.noSpace(t.get("bh"))))) {
                return new DkimResult("fail", d, s, identity, a, "body hash did not verify");
            }

            byte[] data = signedHeaders(message, signed, sigHeader, relaxedHeader);
            byte[] sig = Base64.getDecoder().decode(Tags.noSpace(t.get("b")));
            boolean ok;
            if (a.startsWith("ed25519")) {
                Signature v = Signature.getInstance("Ed25519");
                v.initVerify(key.publicKey);
                v.update(MessageDigest.getInstance("SHA-256").digest(data));
                ok = v.verify(sig);
            } else {
                Signature v = Signature.getInstance(a.endsWith("sha1") ? "SHA1withRSA" : "SHA256withRSA");
                v.initVerify(key.publicKey);
                v.update(data);
                ok = v.verify(sig);
            }
            if (!ok) {
                return new DkimResult("fail", d, s, identity, a, "signature did not verify with the key at " + s + "._domainkey." + d);
            }
            long unsigned = limit == Long.MAX_VALUE ? 0 : canonicalLength - limit;
            return new DkimResult("pass", d, s, identity, a, "verified with " + s + "._domainkey." + d
                    + (unsigned > 0 ? "; l=" + limit + " leaves " + unsigned + " octet(s) of the body unsigned" : ""), unsigned);
        } catch (NumberFormatException e) {
            return perm(d, s, i, a, "malformed number in a tag: " + e.getMessage());
        } catch (IllegalArgumentException e) {
            return perm(d, s, i, a, "malformed base64 or tag: " + e.getMessage());
        } catch (IOException e) {
            return new DkimResult("temperror", d, s, i, a, "message body unreadable: " + e.getMessage());
        } catch (GeneralSecurityException e) {
            return new DkimResult("fail", d, s, i, a, "signature could not be checked: " + e.getMessage());
        }
    }

    private static DkimResult perm(String d, String s, String i, String a, String why) {
        return new DkimResult("permerror", d, s, i == null ? "" : i, a, why);
    }

    private record Key(PublicKey publicKey, DkimResult failure) { }

    private Key key(String selector, String domain, String alg, String identity) {
        String name = selector + "._domainkey." + domain;
        DnsAnswer ans = dns.lookup(name, "TXT");
        if (ans.status() == DnsAnswer.Status.TEMPFAIL) {
            return new Key(null, new DkimResult("temperror", domain, selector, identity, alg, "key " + name + ": " + ans.detail()));
        }
        if (ans.values().isEmpty()) {
            return new Key(null, new DkimResult("permerror", domain, selector, identity, alg, "no key record at " + name));
        }
        Map<String, String> k;
        try {
            k = Tags.parse(ans.values().get(0));
        } catch (IllegalArgumentException e) {
            return new Key(null, new DkimResult("permerror", domain, selector, identity, alg, "key record: " + e.getMessage()));
        }
        if (k.containsKey("v") && !k.get("v").equals("DKIM1")) {
            return new Key(null, new DkimResult("permerror", domain, selector, identity, alg, "key record v=" + k.get("v")));
        }
        String kt = k.getOrDefault("k", "rsa").toLowerCase(Locale.ROOT);
        if (!alg.startsWith(kt)) {
            return new Key(null, new DkimResult("permerror", domain, selector, identity, alg, "key type k=" + kt + " does not fit a=" + alg));
        }
        if (k.containsKey("h") && !Arrays.asList(k.get("h").toLowerCase(Locale.ROOT).replace(" ", "").split(":"))
                .contains(alg.substring(alg.indexOf('-') + 1))) {
            return new Key(null, new DkimResult("permerror", domain, selector, identity, alg, "key h= excludes " + alg));
        }
        if (k.containsKey("t") && Arrays.asList(k.get("t").replace(" ", "").split(":")).contains("s")) {
            String idDomain = identity.substring(identity.lastIndexOf('@') + 1).toLowerCase(Locale.ROOT);
            if (!idDomain.equals(domain)) {
                return new Key(null, new DkimResult("permerror", domain, selector, identity, alg, "key t=s forbids subdomain identity"));
            }
        }
        String p = Tags.noSpace(k.get("p"));
        if (p == null) {
            return new Key(null, new DkimResult("permerror", domain, selector, identity, alg, "key record has no p="));
        }
        if (p.isEmpty()) {
            return new Key(null, new DkimResult("fail", domain, selector, identity, alg, "key revoked (empty p=)"));
        }
        try {
            byte[] der = Base64.getDecoder().decode(p);
            if (kt.equals("ed25519")) {
                if (der.length != 32) {
                    throw new GeneralSecurityException("Ed25519 key is " + der.length + " octets, not 32");
                }
                byte[] spki = Arrays.copyOf(ED25519_SPKI_PREFIX, ED25519_SPKI_PREFIX.length + 32);
                System.arraycopy(der, 0, spki, ED25519_SPKI_PREFIX.length, 32);
                return new Key(KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(spki)), null);
            }
            PublicKey pk = rsa(der);
            int bits = ((RSAPublicKey) pk).getModulus().bitLength();
            if (bits < 1024 && !allowSha1) {
                return new Key(null, new DkimResult("policy", domain, selector, identity, alg, "RSA key of " + bits + " bits is too short (RFC 8301)"));
            }
            return new Key(pk, null);
        } catch (IllegalArgumentException | GeneralSecurityException e) {
            return new Key(null, new DkimResult("permerror", domain, selector, identity, alg, "key unusable: " + e.getMessage()));
        }
    }

    /** SubjectPublicKeyInfo, or a bare PKCS#1 RSAPublicKey as some signers publish. */
    private static PublicKey rsa(byte[] der) throws GeneralSecurityException {
        KeyFactory kf = KeyFactory.getInstance("RSA");
        try {
            return kf.generatePublic(new X509EncodedKeySpec(der));
        } catch (GeneralSecurityException e) {
            BigInteger[] ints = Der.rsaPublicKey(der);
            return kf.generatePublic(new java.security.spec.RSAPublicKeySpec(ints[0], ints[1]));
        }
    }

    /** The header hash input: signed fields bottom-up per name, then the signature field without b=. */
    private static byte[] signedHeaders(MessageFacts m, List<String> signed, MessageFacts.Header sig, boolean relaxed) {
        StringBuilder data = new StringBuilder();
        Map<String, Integer> used = new HashMap<>();
        List<MessageFacts.Header> all = m.headers();
        for (String name : signed) {
            int skip = used.merge(name, 1, Integer::sum);
            int seen = 0;
            for (int k = all.size() - 1; k >= 0; k--) {
                MessageFacts.Header h = all.get(k);
                if (h.name().equalsIgnoreCase(name) && ++seen == skip) {
                    data.append(Canonical.header(h.raw(), relaxed));
                    break;
                }
            }
        }
        String self = Canonical.header(withoutB(sig.raw()), relaxed);
        data.append(self, 0, self.length() - 2); // the signature's own field has no final CRLF
        return data.toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    /** The signature field with the value of b= removed (and only that tag's value). */
    static String withoutB(String raw) {
        return raw.replaceAll("(?<=[;:\\s])(b[ \\t\\r\\n]*=)[^;]*", "$1");
    }

    /** dkim-quoted-printable (RFC 6376 2.11) as used in i=. */
    private static String qpDecode(String v) {
        StringBuilder b = new StringBuilder();
        String s = Tags.noSpace(v);
        for (int k = 0; k < s.length(); k++) {
            char ch = s.charAt(k);
            if (ch != '=') {
                b.append(ch);
                continue;
            }
            if (k + 2 >= s.length() || !s.substring(k + 1, k + 3).matches("[0-9A-Fa-f]{2}")) {
                throw new IllegalArgumentException("bad quoted-printable in i=");
            }
            b.append((char) Integer.parseInt(s.substring(k + 1, k + 3), 16));
            k += 2;
        }
        return b.toString();
    }
}
