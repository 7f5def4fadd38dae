package net.portcullis.gateway.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A 250 is a promise: with the downstream failing at every step of a transaction of several
 * recipients, the recipients the client heard 250 for (at RCPT and at the end of data) are
 * exactly those the downstream stored, or the end of data was refused and the client retries.
 */
class DownstreamLegTest {
    static final String MESSAGE = "From: a@other.org\r\nSubject: x\r\n\r\nbody\r\n";
    static final List<String> RECIPIENTS = List.of("a1@example.net", "a2@example.net", "c1@example.net", "c2@example.net");

    @TempDir
    Path var;

    /** The client's view of one transaction. */
    record Outcome(Set<String> heard250, String finalReply) { }

    static Outcome transaction(SmtpTestClient c) throws Exception {
        Set<String> ok = new TreeSet<>();
        c.send("MAIL FROM:<a@other.org>", 250);
        for (String r : RECIPIENTS) {
            c.write("RCPT TO:<" + r + ">\r\n");
            String reply = String.join("\n", c.read());
            if (reply.startsWith("250")) {
                ok.add(r);
            }
        }
        c.write("DATA\r\n");
        String go = String.join("\n", c.read());
        if (!go.startsWith("354")) {
            return new Outcome(ok, go);
        }
        c.write(MESSAGE + ".\r\n");
        return new Outcome(ok, String.join("\n", c.read()));
    }

    @ParameterizedTest(name = "{0} at {1}")
    @CsvSource({
            "DROP_AT_MAIL, 0",
            "DROP_AT_RCPT, 1",
            "DROP_AT_RCPT, 2",
            "DROP_AT_RCPT, 4",
            "DROP_AFTER_354, 0",
            "DROP_BEFORE_FINAL_REPLY, 0",
            "GARBAGE_FINAL_REPLY, 0",
            "MIXED_FINAL_REPLY, 0",
            "SLOW_FINAL_REPLY, 0",
            "REFUSE_RCPT, 2",
            "NONE, 0",
    })
    void theClientHears250OnlyForRecipientsTheDownstreamStored(FaultyDownstream.Fault fault, int at) throws Exception {
        try (FaultyDownstream ds = new FaultyDownstream(fault, at, 4500, "PIPELINING");
             GatewayHarness gw = new GatewayHarness(ds.port(), var, null);
             SmtpTestClient c = new SmtpTestClient(gw.port())) {
            c.expect(220);
            c.send("EHLO client.other.org", 250);
            Outcome o = transaction(c);
            if (o.finalReply().startsWith("250")) {
                assertThat(ds.stored).as("one message stored").hasSize(1);
                assertThat(new TreeSet<>(ds.stored.get(0).recipients())).as("stored recipients").isEqualTo(o.heard250());
            } else {
                assertThat(o.finalReply()).as("end of data refused").matches("[45]\\d\\d [45]\\.\\d+\\.\\d+ .*");
                if (fault != FaultyDownstream.Fault.SLOW_FINAL_REPLY) {
                    // a late 250 may have stored it (a duplicate on retry, never a loss); all else stored nothing
                    assertThat(ds.stored).isEmpty();
                }
            }
            // The session goes on: the next transaction starts on a fresh downstream session and is whole.
            c.send("RSET", 250);
            Outcome next = transaction(c);
            assertThat(next.finalReply()).startsWith("250");
            assertThat(next.heard250()).containsExactlyInAnyOrderElementsOf(RECIPIENTS);
            assertThat(new TreeSet<>(ds.stored.get(ds.stored.size() - 1).recipients())).isEqualTo(next.heard250());
        }
    }

    @Test
    void afterTheDownstreamDropsBetweenTwoRcptsLaterRcptsAndDataGet4xx() throws Exception {
        try (FaultyDownstream ds = new FaultyDownstream(FaultyDownstream.Fault.DROP_AT_RCPT, 2, 0, "PIPELINING");
             GatewayHarness gw = new GatewayHarness(ds.port(), var, null);
             SmtpTestClient c = new SmtpTestClient(gw.port())) {
            c.expect(220);
            c.send("EHLO client.other.org", 250);
            c.send("MAIL FROM:<a@other.org>", 250);
            c.send("RCPT TO:<a1@example.net>", 250);
            assertThat(c.send("RCPT TO:<a2@example.net>", 451)).startsWith("451 4.4.2 ");
            // A fresh downstream session would know nothing of a1: refused, not silently split.
            assertThat(c.send("RCPT TO:<c1@example.net>", 451)).startsWith("451 4.4.2 ");
            assertThat(c.send("DATA", 451)).startsWith("451 4.4.2 ");
            c.send("QUIT", 221);
            List<String> lines = new ArrayList<>(gw.awaitDecisions(1));
            assertThat(lines.get(0)).contains("\"verdict\":\"tempfail\"", "\"decided_by\":\"downstream\"",
                    "lost earlier in this transaction");
        }
    }

    @Test
    void aFinalReplyWhoseLinesDisagreeIsATemporaryFailureNeverA250() throws Exception {
        try (FaultyDownstream ds = new FaultyDownstream(FaultyDownstream.Fault.MIXED_FINAL_REPLY, 0, 0, "PIPELINING");
             GatewayHarness gw = new GatewayHarness(ds.port(), var, null);
             SmtpTestClient c = new SmtpTestClient(gw.port())) {
            c.expect(220);
            c.send("EHLO client.other.org", 250);
            String r = c.deliver("a@other.org", "a1@example.net", MESSAGE, 451);
            assertThat(r).startsWith("451 4.4.2 ");
        }
    }
}
