package net.portcullis.gateway.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The greeting pause over real SMTP: a client that talks before the banner is refused by the
 * shipped rule (12-greeting.rules); one that waits passes and is remembered; trusted clients
 * are never paused; with the pause off nothing changes.
 */
class GreetingPauseTest {
    @TempDir
    Path var;

    @Test
    void aClientThatTalksBeforeTheBannerIsRefusedAndOneThatWaitsIsRemembered() throws Exception {
        try (GatewayHarness gw = GatewayHarness.withWiser(var, "greeting: {pause: 1s}\n")) {
            try (SmtpTestClient c = new SmtpTestClient(gw.port())) {
                c.write("EHLO bot.example\r\n"); // before the banner
                c.expect(220);
                c.expect(250);
                c.send("MAIL FROM:<a@other.org>", 250);
                assertThat(c.send("RCPT TO:<u@example.net>", 550))
                        .startsWith("550 5.5.1 Protocol error: 127.0.0.1 talked before the greeting [ref ");
            }
            assertThat(gw.awaitDecisions(1)).anySatisfy(l -> assertThat(l).contains("\"decided_by\":\"talks-before-greeting\"",
                    "\"client.pregreet\":true"));
            // the bot is not remembered as good: it waits again next time, and a polite client passes
            assertThat(gw.message("127.0.0.1", "a@other.org", "u@example.net", "hi")).startsWith("250 ");
            // (decision lines are written as sessions end, not in the order they began)
            assertThat(gw.awaitDecisions(2)).anySatisfy(l -> assertThat(l).contains("\"client.pregreet\":false",
                    "\"client.greet_wait\":\"waited\""));
            assertThat(gw.message("127.0.0.1", "a@other.org", "u@example.net", "hi")).startsWith("250 ");
            assertThat(gw.awaitDecisions(3)).anySatisfy(l -> assertThat(l).contains("\"client.greet_wait\":\"remembered\""));
            assertThat(gw.message("127.0.0.2", "a@other.org", "u@example.net", "hi")).startsWith("250 ");
            assertThat(gw.awaitDecisions(4)).anySatisfy(l -> assertThat(l).contains("\"client.greet_wait\":\"exempt\""));
            assertThat(gw.downstream().getMessages()).hasSize(3);
        }
    }

    @Test
    void withThePauseOffEarlyTalkersAreNotRefused() throws Exception {
        try (GatewayHarness gw = GatewayHarness.withWiser(var, null);
             SmtpTestClient c = new SmtpTestClient(gw.port())) {
            c.write("EHLO bot.example\r\n");
            c.expect(220);
            c.expect(250);
            c.send("MAIL FROM:<a@other.org>", 250);
            c.send("RCPT TO:<u@example.net>", 250);
            c.send("QUIT", 221);
        }
    }
}
