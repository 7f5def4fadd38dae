package net.portcullis.gateway.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.subethamail.wiser.Wiser;

/**
 * Random and mutated command lines against a real gateway: every answer is a well-formed reply
 * with the code the command deserves (never SubEthaSMTP's "421 4.4.0" or "4.3.0" of an
 * exception that escaped), and no mutated command gets mail delivered.
 */
class SmtpCommandFuzzTest {
    @TempDir
    Path var;

    static final List<String> SEEDS = List.of("EHLO client.other.org", "HELO client.other.org",
            "MAIL FROM:<a@other.org> SIZE=100 BODY=8BITMIME", "RCPT TO:<user@example.net>", "RCPT TO:<victim@elsewhere.com>",
            "MAIL FROM:<> RET=FULL ENVID=x", "RCPT TO:<u@example.net> NOTIFY=SUCCESS ORCPT=rfc822;u@example.net", "RSET", "NOOP",
            "VRFY root", "HELP", "DATA", "BDAT 10 LAST", "AUTH PLAIN AGFAAGI=", "STARTTLS x");

    @Test
    void mutatedCommandsGetWellFormedRepliesAndDeliverNothing() throws Exception {
        Wiser ds = GatewayHarness.wiser((f, r) -> true);
        Random rnd = new Random(5321);
        String junk = "<>:=@%!\"\\ .,;()[]0123456789AZaz\u00e9\u2603\t";
        try (GatewayHarness gw = new GatewayHarness(GatewayHarness.port(ds), var, "limits: {errors: 1000000, junk_commands: 1000000}")) {
            for (int session = 0; session < 20; session++) {
                try (SmtpTestClient c = new SmtpTestClient(gw.port())) {
                    c.expect(220);
                    for (int n = 0; n < 60; n++) {
                        StringBuilder b = new StringBuilder(SEEDS.get(rnd.nextInt(SEEDS.size())));
                        for (int k = rnd.nextInt(4); k > 0; k--) {
                            int at = rnd.nextInt(b.length() + 1);
                            switch (rnd.nextInt(4)) {
                                case 0 -> b.insert(at, junk.charAt(rnd.nextInt(junk.length())));
                                case 1 -> b.delete(at, Math.min(b.length(), at + 1 + rnd.nextInt(5)));
                                case 2 -> b.insert(at, "9".repeat(1 + rnd.nextInt(30)));
                                default -> b.insert(at, "x".repeat(rnd.nextInt(600)));
                            }
                        }
                        String line = b.toString();
                        if (line.toUpperCase().startsWith("DATA") || line.toUpperCase().startsWith("STARTTLS")
                                || line.toUpperCase().startsWith("AUTH") || line.toUpperCase().startsWith("QUIT")
                                || line.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > 990) {
                            continue; // a message body, a TLS handshake, a SASL dialogue or the reader's own cut-off: not this test's
                        }
                        c.write(line + "\r\n");
                        List<String> reply = c.read();
                        String last = reply.get(reply.size() - 1);
                        assertThat(last).as("reply to %s", line).matches("[245]\\d\\d[ -].*");
                        assertThat(last).as("reply to %s", line).doesNotStartWith("421 4.4.0").doesNotStartWith("421 4.3.0");
                    }
                }
            }
        } finally {
            ds.stop();
        }
        assertThat(ds.getMessages()).isEmpty();
    }
}
