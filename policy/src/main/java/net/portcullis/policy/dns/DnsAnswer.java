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

    public boolean found() {
        return status == Status.NOERROR && !values.isEmpty();
    }
}
