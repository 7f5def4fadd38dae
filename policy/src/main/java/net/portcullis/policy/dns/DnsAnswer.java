package net.portcullis.policy.dns;

import java.util.List;

/**
 * A DNS answer keeping apart what other gateways collapse: the name has records (NOERROR with
 * data), it has none or does not exist (NOERROR empty / NXDOMAIN), or we could not find out
 * (TEMPFAIL: timeout, SERVFAIL, network error) — which must never be read as a pass or a fail.
 */
public record DnsAnswer(Status status, List<String> values, String detail) {
    public enum Status { NOERROR, NXDOMAIN, TEMPFAIL }

    public DnsAnswer {
        values = List.copyOf(values);
    }

    public static DnsAnswer of(List<String> values) {
        return new DnsAnswer(Status.NOERROR, values, "");
    }

    public static DnsAnswer nxdomain(String detail) {
        return new DnsAnswer(Status.NXDOMAIN, List.of(), detail);
    }

    public static DnsAnswer tempfail(String detail) {
        return new DnsAnswer(Status.TEMPFAIL, List.of(), detail);
    }

    /** The answer of a reverse look-up under way, or a temporary failure when it has not come within {@code wait}. */
    public static DnsAnswer awaitReverse(java.util.concurrent.CompletableFuture<DnsAnswer> lookup, java.time.Duration wait) {
        try {
            return lookup.get(wait.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            return tempfail("reverse lookup gave no answer within " + wait.toMillis() + " ms");
        } catch (java.util.concurrent.ExecutionException e) {
            return tempfail("reverse lookup failed: " + e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return tempfail("interrupted");
        }
    }

    public boolean found() {
        return status == Status.NOERROR && !values.isEmpty();
    }
}
