package net.portcullis.policy.dkim;

/** The verdict on one DKIM-Signature (RFC 8601 result words), with what it names and why. */
public record DkimResult(String result, String domain, String selector, String identity, String algorithm, String reason) {

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
