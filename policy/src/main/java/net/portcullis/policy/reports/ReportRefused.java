package net.portcullis.policy.reports;

/** A report that cannot be used, and why in plain words; it lists no one. */
public final class ReportRefused extends Exception {
    public ReportRefused(String reason) {
        super(reason, null, false, false);
    }
}
