package net.portcullis.policy.spf;

/**
 * The outcome of check_host() (RFC 7208 2.6): the result word, the domain whose record decided,
 * the term that matched (or why none did), and the explanation for a fail when one was published.
 */
public record SpfResult(String result, String domain, String mechanism, String explanation, String detail) {
    public static SpfResult none(String domain, String why) {
        return new SpfResult("none", domain, "", "", why);
    }
}
