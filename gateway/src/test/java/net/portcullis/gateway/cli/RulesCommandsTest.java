package net.portcullis.gateway.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import net.portcullis.policy.dns.InMemoryDns;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RulesCommandsTest {
    @TempDir
    Path dir;

    @Test
    void theShippedRulesPassRulesCheck() {
        Cli.Result r = Cli.run("rules", "check", "../conf/rules");
        assertThat(r.exit()).as(r.out() + r.err()).isZero();
        assertThat(r.out()).startsWith("ok: ");
    }

    @Test
    void rulesCheckListsEveryErrorAndFails() throws Exception {
        Path rules = Files.createDirectories(dir.resolve("rules"));
        Files.writeString(rules.resolve("a.rules"), "rule a\n  stage mail\n  when spf.nothing\n  accept\n");
        Files.writeString(rules.resolve("b.rules"), "rule b\n  stage data\n  when message.size > \"big\"\n  accept\n");
        Cli.Result r = Cli.run("rules", "check", rules.toString());
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.out()).contains(rules.resolve("a.rules") + ":3:8: unknown signal 'spf.nothing'",
                rules.resolve("b.rules") + ":3:23: cannot compare number signal 'message.size' with a string", "2 error(s)");
    }

    @Test
    void checkAndReplayResolveTheListsOfACopiedRulesFolderAlike() throws Exception {
        Path copy = Files.createDirectories(dir.resolve("candidate"));
        AdviceCommandsTest.copy(Path.of("../conf/rules"), copy);
        Path conf = Files.writeString(dir.resolve("g.yaml"), "hostname: mx.example.net\ndownstream: 127.0.0.1:2526\n"
                + "domains: [example.net]\nrules: {directory: ../conf/rules, lists: ../conf/lists}\n");
        // the lists live traffic reads: those of the configuration, as replay takes them
        Cli.Result check = Cli.run("rules", "check", copy.toString(), "--config", conf.toString());
        assertThat(check.exit()).as(check.out() + check.err()).isZero();
        assertThat(check.out()).startsWith("ok: ").doesNotContain("unknown list");
        Cli.Result explicit = Cli.run("rules", "check", copy.toString(), "--lists", "../conf/lists", "--local", "../conf/local.d");
        assertThat(explicit.exit()).as(explicit.out() + explicit.err()).isZero();
        // without lists, every rule that names one says so, in check as in replay
        Path none = Files.createDirectories(dir.resolve("empty-lists"));
        Cli.Result bare = Cli.run("rules", "check", copy.toString(), "--lists", none.toString());
        assertThat(bare.exit()).isEqualTo(1);
        assertThat(bare.out()).contains("unknown list");
        Path log = Files.writeString(dir.resolve("d.jsonl"), "{\"event\":\"transaction\",\"ref\":\"AAAAAAAA\",\"signals\":{},\"recipients\":[]}\n");
        Cli.Result replay = Cli.run("rules", "replay", "--log", log.toString(), "--rules", copy.toString(), "--lists", none.toString());
        assertThat(replay.exit()).isEqualTo(1);
        assertThat(replay.err()).contains("unknown list");
    }

    @Test
    void signalsPrintsTheCatalogue() {
        Cli.Result r = Cli.run("signals");
        assertThat(r.exit()).isZero();
        assertThat(r.out()).contains("client.ip", "rcpt.local_domain", "message.size", "score");
    }

    @Test
    void rulesTestExplainsSignalsRulesAndVerdictsAsJson() throws Exception {
        Path conf = dir.resolve("gateway.yaml");
        Files.writeString(conf, """
                hostname: mx.example.net
                downstream: 127.0.0.1:2526
                domains: [example.net]
                trusted_networks: [192.0.2.0/24]
                rules: {directory: ../conf/rules, local: %s, lists: ../conf/lists}
                """.formatted(dir.resolve("local.d")));
        Path eml = dir.resolve("m.eml");
        Files.writeString(eml, "From: a@other.org\nMessage-ID: <x@other.org>\nSubject: hi\n\nbody\n");
        RulesTestCommand cmd = new RulesTestCommand();
        cmd.dnsOverride = new InMemoryDns().add("5.113.0.203.in-addr.arpa", "PTR", "mail.other.org")
                .add("mail.other.org", "A", "203.0.113.5")
                .add("other.org", "TXT", "v=spf1 ip4:203.0.113.0/24 -all");
        Cli.Result r = Cli.run(cmd, "--config", conf.toString(), "--client-ip", "203.0.113.5", "--helo", "mail.other.org",
                "--from", "a@other.org", "--to", "user@example.net", "--to", "victim@elsewhere.com", "--eml", eml.toString(), "--json");
        assertThat(r.exit()).as("a recipient refused: exit 1\n" + r.err()).isEqualTo(1);
        JsonNode j = new ObjectMapper().readTree(r.out());
        assertThat(j.at("/client/ptr").asText()).isEqualTo("mail.other.org");
        assertThat(j.at("/recipients/0/verdict/kind").asText()).isEqualTo("accept");
        assertThat(j.at("/recipients/1/verdict/kind").asText()).isEqualTo("reject");
        assertThat(j.at("/recipients/1/verdict/decided_by").asText()).isEqualTo("relay.closed");
        assertThat(j.at("/recipients/1/stages/0/stage").asText()).isEqualTo("relay");
        assertThat(j.at("/recipients/1/stages/0/rules/0/rule").asText()).isEqualTo("trusted-networks-may-relay");
        assertThat(j.at("/recipients/1/stages/0/rules/0/outcome").asText()).isEqualTo("not-matched");
        assertThat(r.out()).contains("\"evidence\" : \"203.0.113.5 is not in trusted_networks\"");
        assertThat(j.at("/data/signals").toString()).contains("message.id", "<x@other.org>");
        assertThat(j.at("/values/spf.result").asText()).isEqualTo("pass");
        assertThat(j.at("/values/spf.helo.result").asText()).isEqualTo("none");
        assertThat(j.at("/values/dkim.result").asText()).isEqualTo("none");
        assertThat(j.at("/values/dmarc.result").asText()).isEqualTo("none");
        String early = j.at("/signals").toString();
        assertThat(early).contains("{\"name\":\"spf.result\",\"value\":\"pass\",\"evidence\":\"'ip4:203.0.113.0/24' matched 203.0.113.5 in \\\"v=spf1 ip4:203.0.113.0/24 -all\\\"\"}");
        assertThat(early).contains("\"name\":\"client.fcrdns\",\"value\":true", "\"name\":\"helo.syntax\",\"value\":\"fqdn\"");
        String data = j.at("/data/signals").toString();
        assertThat(data).contains("\"name\":\"dkim.result\",\"value\":\"none\"", "\"name\":\"dmarc.result\",\"value\":\"none\"");

        RulesTestCommand plain = new RulesTestCommand();
        plain.dnsOverride = cmd.dnsOverride;
        Cli.Result text = Cli.run(plain, "--config", conf.toString(), "--client-ip", "203.0.113.5", "--to", "victim@elsewhere.com");
        assertThat(text.out()).contains("recipient victim@elsewhere.com: REJECT 550 5.7.1 Relay access denied  by relay.closed",
                "not-matched  trusted-networks-may-relay");
    }

    /** A gateway.yaml with the shipped rules, a local.d of the test's own, and {@code extra} sections. */
    private Path config(String extra) throws Exception {
        return Files.writeString(dir.resolve("gateway.yaml"), "hostname: mx.example.net\ndownstream: 127.0.0.1:2526\n"
                + "domains: [example.net]\nrules: {directory: ../conf/rules, local: " + dir.resolve("local.d") + ", lists: ../conf/lists}\n"
                + extra);
    }

    @Test
    void rulesTestExplainsALinkToAListedDomain() throws Exception {
        Path conf = config("uribl: {zones: [{zone: dbl.example.org, codes: {\"127.0.1.4\": phishing domain}}]}\n");
        Path eml = dir.resolve("phish.eml");
        Files.writeString(eml, "From: a@other.org\nSubject: account\nContent-Type: text/html\n\n"
                + "<a href=\"https://login.bank-login.example/\">verify</a>\n");
        RulesTestCommand cmd = new RulesTestCommand();
        cmd.dnsOverride = new InMemoryDns().add("bank-login.example.dbl.example.org", "A", "127.0.1.4");
        Cli.Result r = Cli.run(cmd, "--config", conf.toString(), "--client-ip", "203.0.113.5", "--helo", "mail.other.org",
                "--from", "a@other.org", "--to", "user@example.net", "--eml", eml.toString(), "--json");
        assertThat(r.exit()).as(r.err()).isEqualTo(1);
        JsonNode j = new ObjectMapper().readTree(r.out());
        assertThat(j.at("/values/uribl.listed").asBoolean()).isTrue();
        assertThat(j.at("/values/uribl.reason").asText()).isEqualTo("phishing domain");
        assertThat(r.out()).contains("uribl-listed-link", "bank-login.example.dbl.example.org answered 127.0.1.4");
    }

    @Test
    void rulesTestExplainsMalwareAndRspamdsVerdictWithTheSameScannersAsLiveTraffic() throws Exception {
        Path conf = config("antivirus: {servers: [\"" + net.portcullis.policy.av.ClamdServer.shared().address() + "\"]}\n"
                + "rspamd: {servers: [\"" + net.portcullis.policy.content.RspamdServer.shared().url() + "\"]}\n");
        Path eml = dir.resolve("eicar.eml");
        Files.writeString(eml, "From: a@other.org\nSubject: invoice\nMIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=b\n\n"
                + "--b\nContent-Type: text/plain\n\nsee attached\n--b\nContent-Type: application/octet-stream; name=x.com\n"
                + "Content-Transfer-Encoding: base64\n\n" + java.util.Base64.getEncoder().encodeToString(
                        net.portcullis.policy.av.ClamdServer.EICAR.getBytes()) + "\n--b--\n");
        RulesTestCommand cmd = new RulesTestCommand();
        cmd.dnsOverride = new InMemoryDns();
        Cli.Result r = Cli.run(cmd, "--config", conf.toString(), "--client-ip", "203.0.113.5", "--helo", "mail.other.org",
                "--from", "a@other.org", "--to", "user@example.net", "--eml", eml.toString(), "--json");
        assertThat(r.exit()).as(r.err()).isEqualTo(1);
        JsonNode j = new ObjectMapper().readTree(r.out());
        assertThat(j.at("/values/av.infected").asBoolean()).isTrue();
        assertThat(j.at("/values/av.name").asText()).startsWith("Eicar-Test-Signature");
        assertThat(j.at("/values/rspamd.scanned").asBoolean()).isTrue();
        assertThat(r.out()).contains("av-infected");
    }

    /** What the gateway saw on the wire is given by flags, and decides as it would live. */
    @Test
    void rulesTestTakesTheClientsConductOnTheWire() throws Exception {
        Path conf = dir.resolve("gateway.yaml");
        Files.writeString(conf, """
                hostname: mx.example.net
                downstream: 127.0.0.1:2526
                domains: [example.net]
                rules: {directory: ../conf/rules, local: %s, lists: ../conf/lists}
                """.formatted(dir.resolve("local.d")));
        Path eml = dir.resolve("m.eml");
        Files.writeString(eml, "From: a@other.org\nMessage-ID: <x@other.org>\nSubject: hi\n\nbody\n");
        InMemoryDns dns = new InMemoryDns().add("5.113.0.203.in-addr.arpa", "PTR", "mail.other.org")
                .add("mail.other.org", "A", "203.0.113.5").add("other.org", "TXT", "v=spf1 ip4:203.0.113.0/24 -all");
        String[] args = {"--config", conf.toString(), "--client-ip", "203.0.113.5", "--helo", "mail.other.org",
                "--from", "a@other.org", "--to", "user@example.net", "--eml", eml.toString(), "--json"};
        RulesTestCommand clean = new RulesTestCommand();
        clean.dnsOverride = dns;
        Cli.Result ok = Cli.run(clean, args);
        assertThat(ok.exit()).as(ok.err()).isZero();
        JsonNode j = new ObjectMapper().readTree(ok.out());
        assertThat(j.at("/values/client.pipelining").asBoolean(true)).isFalse();
        assertThat(ok.out()).doesNotContain("Protocol error");

        RulesTestCommand bot = new RulesTestCommand();
        bot.dnsOverride = dns;
        String[] botArgs = java.util.stream.Stream.concat(java.util.Arrays.stream(args), java.util.stream.Stream.of("--pipelining"))
                .toArray(String[]::new);
        Cli.Result refused = Cli.run(bot, botArgs);
        assertThat(refused.exit()).as(refused.err()).isEqualTo(1);
        JsonNode b = new ObjectMapper().readTree(refused.out());
        assertThat(b.at("/values/client.pipelining").asBoolean()).isTrue();
        assertThat(refused.out()).contains("pipelining-without-waiting", "550 5.5.1 Protocol error: commands sent before our reply");
    }

    /** The tool meant to explain false positives verifies DKIM as live traffic does: with the body. */
    @Test
    void rulesTestVerifiesDkimOverTheWholeMessage() throws Exception {
        Path conf = dir.resolve("gateway.yaml");
        Files.writeString(conf, """
                hostname: mx.example.net
                downstream: 127.0.0.1:2526
                domains: [example.net]
                var_dir: %s
                rules: {directory: ../conf/rules, local: %s, lists: ../conf/lists}
                """.formatted(dir.resolve("var"), dir.resolve("local.d")));
        Path data = Path.of("../policy/src/test/resources/dkim/dkimpy-data");
        InMemoryDns dns = new InMemoryDns();
        for (String line : Files.readAllLines(data.resolve("FAKE_DNS.tsv"))) {
            if (!line.startsWith("#") && !line.isBlank()) {
                String[] f = line.split("\t");
                dns.add(f[0], "TXT", f[1]);
            }
        }
        RulesTestCommand cmd = new RulesTestCommand();
        cmd.dnsOverride = dns;
        Cli.Result r = Cli.run(cmd, "--config", conf.toString(), "--client-ip", "203.0.113.5", "--helo", "mail.football.example.com",
                "--from", "joe@football.example.com", "--to", "user@example.net", "--eml", data.resolve("rfc6376.signed.msg").toString(),
                "--json");
        assertThat(r.exit()).as(r.err()).isZero();
        JsonNode values = new ObjectMapper().readTree(r.out()).get("values");
        assertThat(values.get("dkim.result").asText()).isEqualTo("pass");
        assertThat(values.get("dkim.domains").asText()).contains("football.example.com");
    }

    @Test
    void replayTakesItsListsFromListsOrTheConfiguration() throws Exception {
        Path log = Files.writeString(dir.resolve("d.jsonl"), "{\"event\":\"transaction\",\"ref\":\"AAAAAAAA\",\"signals\":{},\"recipients\":[]}\n"
                + "{\"event\":\"transaction\",\"recipients\":\"hand-edited\"}\nnot json at all\nnull\n"
                + "{\"event\":\"transaction\",\"size\":\"big\",\"signals\":[1]}\n{\"event\":\"connection_refused\"}\n");
        Cli.Result ok = Cli.run("rules", "replay", "--log", log.toString(), "--rules", "../conf/rules", "--lists", "../conf/lists");
        assertThat(ok.exit()).as(ok.err()).isZero();
        assertThat(ok.out()).startsWith("compared: the decisions recorded in " + log).contains("with: ../conf/rules (lists from ../conf/lists)",
                "replayed 1 transaction(s)", "skipped 3 line(s) that are not decision records", "0 decision(s) would change");
        Path conf = Files.writeString(dir.resolve("g.yaml"), "hostname: mx.example.net\ndownstream: 127.0.0.1:2526\n"
                + "domains: [example.net]\nrules: {directory: ../conf/rules, lists: ../conf/lists}\n");
        Cli.Result fromConfig = Cli.run("rules", "replay", "--log", log.toString(), "--rules", "../conf/rules", "--config", conf.toString());
        assertThat(fromConfig.exit()).as(fromConfig.err()).isZero();
        assertThat(fromConfig.out()).contains("(lists from ../conf/lists)");
        Cli.Result noLists = Cli.run("rules", "replay", "--log", log.toString(), "--rules", "../conf/rules", "--lists", dir.resolve("none").toString());
        assertThat(noLists.exit()).isEqualTo(2);
        assertThat(noLists.err()).contains("--lists: '" + dir.resolve("none") + "' is not a directory");
    }
}
