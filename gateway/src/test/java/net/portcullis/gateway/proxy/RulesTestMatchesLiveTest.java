package net.portcullis.gateway.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import net.portcullis.policy.dns.DnsJavaResolver;
import net.portcullis.policy.dns.NsdServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * `rules test` gives the reply live traffic gets, also where the SMTP command layer refuses before
 * any rule (a HELO with a space, a sender path that is no RFC 5321 Path) and where a rule refuses
 * what is valid syntax (an address literal): each case is sent over SMTP to a real gateway and asked
 * of the tool with the same configuration, and the two replies' codes must agree.
 */
class RulesTestMatchesLiveTest {
    @TempDir
    Path var;

    record Case(String helo, String sender, String code) { }

    @Test
    void theToolAndTheWireGiveTheSameReply() throws Exception {
        List<Case> cases = List.of(
                new Case("client.other.org", "a@" + "x".repeat(64) + ".example", "501 5.1.7"),
                new Case("client.other.org", "a@empty..example", "501 5.1.7"),
                new Case("client.other.org", "@example.net", "501 5.1.7"),
                new Case("client.other.org", "a@[1.2.3.5]", "550 5.7.1"),
                new Case("client.other.org", "jürgen@bücher.example", "553 5.6.7"),
                new Case("client other.org", "a@other.org", "501 5.5.4"));
        // one real DNS server (NSD on loopback) for the gateway and the tool: the same answers both ways
        org.subethamail.wiser.Wiser sink = GatewayHarness.wiser((f, r) -> true);
        try (NsdServer nsd = FleetTest.dns(var);
             GatewayHarness gw = new GatewayHarness(GatewayHarness.port(sink), var,
                     "dns: {servers: [\"127.0.0.1:" + nsd.address().getPort() + "\"], timeout: 2s}\n",
                     new DnsJavaResolver(List.of(nsd.address()), Duration.ofSeconds(2)))) {
            Path conf = Files.writeString(var.resolve("g.yaml"), gw.yaml);
            for (Case c : cases) {
                String live;
                try (SmtpTestClient client = new SmtpTestClient("127.0.0.9", gw.port())) {
                    client.expect(220);
                    live = "";
                    for (String command : List.of("EHLO " + c.helo(), "MAIL FROM:<" + c.sender() + ">", "RCPT TO:<user@example.net>")) {
                        client.write(command + "\r\n");
                        String[] lines = client.reply().split("\n");
                        live = lines[lines.length - 1];
                        if (!live.startsWith("250")) {
                            break;
                        }
                    }
                }
                assertThat(live).as("live " + c).startsWith(c.code());
                DecisionStoreEndToEndTest.Out tool = DecisionStoreEndToEndTest.cli("rules", "test", "--config", conf.toString(),
                        "--client-ip", "127.0.0.9", "--helo", c.helo(), "--from", c.sender(), "--to", "user@example.net", "--json");
                assertThat(tool.exit()).as(c + "\n" + tool.err()).isEqualTo(1);
                JsonNode report = new ObjectMapper().readTree(tool.out());
                String reply = report.has("refused") ? report.get("refused").get("verdict").get("reply").asText()
                        : report.get("recipients").get(0).get("verdict").get("reply").asText();
                assertThat(reply).as("rules test " + c).startsWith(c.code());
                assertThat(live.substring(0, 9)).isEqualTo(reply.substring(0, 9));
            }
            // and a plain sender is accepted by both, the tool exiting 0
            DecisionStoreEndToEndTest.Out ok = DecisionStoreEndToEndTest.cli("rules", "test", "--config", conf.toString(),
                    "--client-ip", "127.0.0.2", "--helo", "client.other.org", "--from", "a@other.org", "--to", "user@example.net");
            assertThat(ok.exit()).as(ok.out() + ok.err()).isZero();
        } finally {
            sink.stop();
        }
    }
}
