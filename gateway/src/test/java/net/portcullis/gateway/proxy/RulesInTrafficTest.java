package net.portcullis.gateway.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;
import net.portcullis.gateway.testing.Eventually;
import net.portcullis.policy.Replay;
import net.portcullis.rules.RuleLoader;
import net.portcullis.rules.RuleSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.subethamail.wiser.Wiser;

/** Rule files change what the gateway replies, reloads happen under traffic, replay re-decides the log. */
class RulesInTrafficTest {
    static final String SPAMMER_RULE = """
            rule no-mail-from-spammer
              stage mail
              when mail.from_domain == "spammer.example"
              reject 550 5.7.1 "Mail from {mail.from_domain} is not accepted"
            """;

    @TempDir
    Path tmp;
    Path rules;
    Wiser downstream;
    GatewayHarness gw;

    @BeforeEach
    void start() throws Exception {
        rules = Files.createDirectories(tmp.resolve("rules"));
        Path lists = Files.createDirectories(tmp.resolve("lists"));
        try (Stream<Path> s = Files.list(Path.of("../conf/rules"))) {
            for (Path p : s.toList()) {
                Files.copy(p, rules.resolve(p.getFileName()));
            }
        }
        try (Stream<Path> s = Files.list(Path.of("../conf/lists"))) {
            for (Path p : s.toList()) {
                Files.copy(p, lists.resolve(p.getFileName()));
            }
        }
        downstream = GatewayHarness.wiser((f, r) -> true);
        gw = new GatewayHarness(GatewayHarness.port(downstream), tmp.resolve("var"),
                "rules: {directory: " + rules + ", local: " + tmp.resolve("local.d") + ", lists: " + lists + "}");
    }

    @AfterEach
    void stop() {
        gw.close();
        downstream.stop();
    }

    private void send(SmtpTestClient c, String from, String to, int rcptCode) throws Exception {
        c.send("MAIL FROM:<" + from + ">", 250);
        c.send("RCPT TO:<" + to + ">", rcptCode);
    }

    @Test
    void aRuleFileChangesWhatTheGatewayRepliesAndTagsTheMessage() throws Exception {
        Files.writeString(rules.resolve("50-local.rules"), SPAMMER_RULE + """
                rule tag-size
                  stage data
                  when message.size > 10
                  tag X-Portcullis-Size "{message.size} octets from {client.ip}"
                """);
        assertThat(gw.gateway.rules().reload()).isTrue();
        try (SmtpTestClient c = new SmtpTestClient(gw.port())) {
            c.expect(220);
            c.send("EHLO client.other.org", 250);
            c.send("MAIL FROM:<bad@spammer.example>", 250); // refusals are delayed to RCPT
            assertThat(c.send("RCPT TO:<user@example.net>", 550))
                    .matches("550 5\\.7\\.1 Mail from spammer\\.example is not accepted \\[ref \\w{8}\\]");
            c.send("RSET", 250);
            c.deliver("good@other.org", "user@example.net", "Subject: s\r\n\r\nsome text\r\n", 250);
        }
        String data = new String(downstream.getMessages().get(0).getData(), StandardCharsets.ISO_8859_1);
        assertThat(data).contains("\r\nX-Portcullis-Size: 25 octets from 127.0.0.1\r\nSubject: s\r\n");
        assertThat(gw.awaitDecisions(2).get(0)).contains("\"decided_by\":\"no-mail-from-spammer\"",
                "{\"stage\":\"mail\",\"rule\":\"no-mail-from-spammer\",\"outcome\":\"matched\"");
    }

    @Test
    void aBrokenFileMidTrafficChangesNothingAndAFixedOneTakesEffectForTheNextTransaction() throws Exception {
        try (SmtpTestClient c = new SmtpTestClient(gw.port())) {
            c.expect(220);
            c.send("EHLO client.other.org", 250);
            send(c, "bad@spammer.example", "user@example.net", 250);

            Files.writeString(rules.resolve("50-local.rules"), SPAMMER_RULE.replace("stage mail", "stage mial"));
            assertThat(gw.gateway.rules().reload()).isFalse();
            assertThat(gw.gateway.rules().lastError()).contains("50-local.rules:2:9: unknown stage 'mial'");
            assertThat(gw.gateway.rules().failures()).isEqualTo(1);
            String metrics = new String(new java.net.URL("http://127.0.0.1:" + gw.gateway.adminPort() + "/metrics")
                    .openStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(metrics).contains("portcullis_rules_reload_failures_total 1.0");
            c.send("RCPT TO:<user2@example.net>", 250);
            c.send("DATA", 354);
            c.write("Subject: x\r\n\r\nx\r\n.\r\n");
            c.expect(250);

            Files.writeString(rules.resolve("50-local.rules"), SPAMMER_RULE);
            // A transaction takes the rule set in force at its first RCPT and keeps it: this one
            // started under the old set, so the reload below does not reach it.
            send(c, "bad@spammer.example", "user@example.net", 250);
            assertThat(gw.gateway.rules().reload()).isTrue();
            c.send("RCPT TO:<user3@example.net>", 250);
            c.send("RSET", 250);
            send(c, "bad@spammer.example", "user@example.net", 550);
        }
    }

    @Test
    void theWatcherSurvivesAHostileFileAndLoadsTheNextGoodOne() throws Exception {
        gw.gateway.rules().watch();
        Files.writeString(rules.resolve("50-local.rules"), "rule deep\n  stage mail\n  when " + "(".repeat(5000)
                + "client.trusted" + ")".repeat(5000) + "\n  accept\n");
        Eventually.within(Duration.ofSeconds(10), () -> gw.gateway.rules().failures() > 0);
        assertThat(gw.gateway.rules().failures()).as("the refused reload is counted").isPositive();
        assertThat(gw.gateway.rules().lastError()).contains("50-local.rules:3:").contains("nest deeper");
        Files.writeString(rules.resolve("50-local.rules"), SPAMMER_RULE);
        Eventually.within(Duration.ofSeconds(10), () -> gw.gateway.rules().reloads() > 0);
        assertThat(gw.gateway.rules().reloads()).as("a later good change is loaded").isPositive();
        try (SmtpTestClient c = new SmtpTestClient(gw.port())) {
            c.expect(220);
            c.send("EHLO client.other.org", 250);
            send(c, "bad@spammer.example", "user@example.net", 550);
        }
    }

    @Test
    void theWatcherReloadsWhenAFileChanges() throws Exception {
        gw.gateway.rules().watch();
        Files.writeString(rules.resolve("50-local.rules"), SPAMMER_RULE);
        Eventually.within(Duration.ofSeconds(10), () -> gw.gateway.rules().reloads() > 0);
        assertThat(gw.gateway.rules().reloads()).isPositive();
        try (SmtpTestClient c = new SmtpTestClient(gw.port())) {
            c.expect(220);
            c.send("EHLO client.other.org", 250);
            send(c, "bad@spammer.example", "user@example.net", 550);
        }
    }

    @Test
    void monitorRulesDecideNothingButAreLogged() throws Exception {
        Files.writeString(rules.resolve("50-local.rules"), SPAMMER_RULE + "  monitor\n");
        assertThat(gw.gateway.rules().reload()).isTrue();
        try (SmtpTestClient c = new SmtpTestClient(gw.port())) {
            c.expect(220);
            c.send("EHLO client.other.org", 250);
            c.deliver("bad@spammer.example", "user@example.net", "Subject: x\r\n\r\nx\r\n", 250);
            c.send("QUIT", 221);
        }
        assertThat(gw.awaitDecisions(1).get(0)).contains("\"verdict\":\"accepted\"",
                "\"outcome\":\"monitor\",\"detail\":\"would have: reject 550 5.7.1 \\\"Mail from spammer.example is not accepted\\\"\"");
    }

    @Test
    void replayReportsWhatACandidateRuleWouldHaveChanged() throws Exception {
        try (SmtpTestClient c = new SmtpTestClient(gw.port())) {
            c.expect(220);
            c.send("EHLO client.other.org", 250);
            c.deliver("bad@spammer.example", "user@example.net", "Subject: x\r\n\r\nx\r\n", 250);
            c.deliver("good@other.org", "user@example.net", "Subject: y\r\n\r\ny\r\n", 250);
            send(c, "bad@spammer.example", "victim@elsewhere.com", 550);
            c.send("QUIT", 221);
        }
        Path log = tmp.resolve("decisions.jsonl");
        Files.write(log, gw.awaitDecisions(3));
        Path candidate = Files.createDirectories(tmp.resolve("candidate/rules"));
        Files.copy(rules.resolve("10-relay.rules"), candidate.resolve("10-relay.rules"));
        Files.createDirectories(tmp.resolve("candidate/lists"));
        try (Stream<Path> s = Files.list(tmp.resolve("lists"))) {
            for (Path p : s.toList()) {
                Files.copy(p, tmp.resolve("candidate/lists").resolve(p.getFileName()));
            }
        }
        Files.writeString(candidate.resolve("50-local.rules"), SPAMMER_RULE);
        RuleSet set = RuleLoader.load(RuleLoader.Dirs.single(candidate), gw.gateway.policy().catalogue());
        Replay.Report report = Replay.run(log, set, gw.gateway.policy().catalogue());
        assertThat(report.transactions()).isEqualTo(3);
        assertThat(report.changed()).isEqualTo(1);
        assertThat(report.byRule()).containsOnlyKeys("no-mail-from-spammer");
        assertThat(report.render(3)).contains("no-mail-from-spammer: 1", "user@example.net  accepted -> rejected: 550 5.7.1 Mail from spammer.example is not accepted");
    }

    @Test
    void replayDoesNotShowTheMailServersOwnRefusalsAsPolicyChanges() throws Exception {
        try (FaultyDownstream ds = new FaultyDownstream(FaultyDownstream.Fault.REFUSE_RCPT, 2, 0, "PIPELINING");
             GatewayHarness g = new GatewayHarness(ds.port(), tmp.resolve("var3"),
                     "rules: {directory: " + rules + ", local: " + tmp.resolve("local.d") + ", lists: " + tmp.resolve("lists") + "}");
             SmtpTestClient c = new SmtpTestClient(g.port())) {
            c.expect(220);
            c.send("EHLO client.other.org", 250);
            c.send("MAIL FROM:<a@other.org>", 250);
            c.send("RCPT TO:<one@example.net>", 250);
            c.send("RCPT TO:<unknown@example.net>", 550);
            c.send("DATA", 354);
            c.write("Subject: x\r\n\r\nx\r\n.\r\n");
            c.expect(250);
            c.send("QUIT", 221);
            Path log = tmp.resolve("decisions-ds.jsonl");
            Files.write(log, g.awaitDecisions(1));
            RuleSet same = RuleLoader.load(new RuleLoader.Dirs(rules, null, tmp.resolve("lists")), g.gateway.policy().catalogue());
            Replay.Report report = Replay.run(log, same, g.gateway.policy().catalogue());
            assertThat(report.recipients()).isEqualTo(2);
            assertThat(report.changed()).as(report.render(3)).isZero();
            assertThat(report.render(3, "the same rules")).startsWith("compared: the decisions recorded in " + log)
                    .contains("not compared: limits, syntax errors, routing tricks and the mail server's own answers");
        }
    }

    @Test
    void softBounceTurnsPolicyRefusalsIntoTemporaryOnes() throws Exception {
        Wiser ds = GatewayHarness.wiser((f, r) -> true);
        try (GatewayHarness soft = new GatewayHarness(GatewayHarness.port(ds), tmp.resolve("var2"), "soft_bounce: true");
             SmtpTestClient c = new SmtpTestClient(soft.port())) {
            c.expect(220);
            c.send("EHLO client.other.org", 250);
            c.send("MAIL FROM:<a@other.org>", 250);
            assertThat(c.send("RCPT TO:<victim@elsewhere.com>", 450)).startsWith("450 4.7.1 Relay access denied [ref ");
        } finally {
            ds.stop();
        }
    }
}
