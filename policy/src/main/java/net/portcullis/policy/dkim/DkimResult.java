package net.portcullis.policy.dkim;

/**
 * The verdict on one DKIM-Signature (RFC 8601 result words), with what it names and why; and how many
 * octets of the (canonical) body its l= left unsigned: text anyone may have appended (RFC 6376 8.2).
 */
public record DkimResult(String result, String domain, String selector, String identity, String algorithm, String reason,
                         long unsignedOctets) {

    public DkimResult(String result, String domain, String selector, String identity, String algorithm, String reason) {
        this(result, domain, selector, identity, algorithm, reason, 0);
    }

    /** Ranks results so that the best one stands for the message. */
    public static int rank(String r) {
        return switch (r) {
            case "pass" -> 0;
            case "temperror" -> 1;
            case "fail" -> 2;
            case "policy" -> 3;
            case "permerror" -> 4;
            case "neutral" -> 5;
            default -> 6;
        };
    }
}
