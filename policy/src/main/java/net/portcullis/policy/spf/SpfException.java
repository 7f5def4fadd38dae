package net.portcullis.policy.spf;

/** Ends an SPF evaluation with permerror or temperror (RFC 7208 2.6.6, 2.6.7), and why. */
final class SpfException extends Exception {
    final String result;

    private SpfException(String result, String message) {
        super(message, null, false, false);
        this.result = result;
    }

    static SpfException perm(String message) {
        return new SpfException("permerror", message);
    }

    static SpfException temp(String message) {
        return new SpfException("temperror", message);
    }
}
