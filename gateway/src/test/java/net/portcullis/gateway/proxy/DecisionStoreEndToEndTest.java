package net.portcullis.gateway.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import net.portcullis.gateway.testing.Eventually;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Decisions reach the store off the SMTP path and `portcullis log` explains them; a store that
 * fails never stops mail.
 */
class DecisionStoreEndToEndTest {
    static final String MESSAGE = "From: a@other.org\r\nSubject: x\r\n\r\nbody\r\n";

    @TempDir
    Path var;

    static String ref(String reply) {
        Matcher m = Pattern.compile("\\[ref (\\w{8})\\]").matcher(reply);
        assertThat(m.find()).as(reply).isTrue();
        return m.group(1);
    }

    static void awaitStored(GatewayHarness gw, long n) throws Exception {
        Eventually.within(Duration.ofSeconds(10), () -> gw.gateway.decisionWriter().stored() >= n);
        assertThat(gw.gateway.decisionWriter().stored()).isGreaterThanOrEqualTo(n);
    }

    record Out(int exit, String out, String err) { }


    static synchronized Out cli(String... args) {
        java.io.PrintStream oldOut = System.out;
        java.io.PrintStream oldErr = System.err;
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
        try {
            System.setOut(new java.io.PrintStream(out, true, java.nio.charset.StandardCharsets.UTF_8));
            System.setErr(new java.io.PrintStream(err, true, java.nio.charset.StandardCharsets.UTF_8));
            int code = net.portcullis.gateway.cli.Main.commandLine().execute(args);
            return new Out(code, out.toString(java.nio.charset.StandardCharsets.UTF_8), err.toString(java.nio.charset.StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    static final String PG_URL = System.getenv().getOrDefault("PORTCULLIS_TEST_PG_URL", "jdbc:postgresql://127.0.0.1:5432/test");

    /** The same on the embedded store and on a PostgreSQL schema of its own (dropped at the end). */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"sqlite", "postgresql"})
    void decisionsAreStoredAndExplainedByRef(String kind) throws Exception {
        String schema = "t_" + java.util.UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        String storeYaml = kind.equals("sqlite") ? "" : "store: {url: \"" + PG_URL + "\", user: postgres, password: \"\", schema: " + schema + "}\n";
        try {
            run(storeYaml);
        } finally {
            if (kind.equals("postgresql")) {
                try (var c = java.sql.DriverManager.getConnection(PG_URL, "postgres", ""); var st = c.createStatement()) {
                    st.execute("DROP SCHEMA IF EXISTS \"" + schema + "\" CASCADE");
                }
            }
        }
    }

    private void run(String storeYaml) throws Exception {
        try (GatewayHarness gw = GatewayHarness.withWiser(var, storeYaml.isEmpty() ? null : storeYaml)) {
            String refused;
            String delivered;
            try (SmtpTestClient c = new SmtpTestClient(gw.port())) {
                c.expect(220);
                c.send("EHLO client.other.org", 250);
                c.send("MAIL FROM:<a@other.org>", 250);
                refused = ref(c.send("RCPT TO:<victim@elsewhere.com>", 550));
                c.send("RSET", 250);
                delivered = ref(c.deliver("a@other.org", "user@example.net", MESSAGE, 250));
                c.send("QUIT", 221);
            }
            awaitStored(gw, 2);
            Path conf = Files.writeString(var.resolve("g.yaml"), "hostname: mx.example.net\ndownstream: 127.0.0.1:2526\n"
                    + "domains: [example.net]\nvar_dir: " + var + "\n" + storeYaml);
            Out show = cli("log", "show", refused, "--config", conf.toString());
            assertThat(show.exit()).as(show.err()).isZero();
            assertThat(show.out()).contains("ref " + refused, "REJECTED", "recipient victim@elsewhere.com: rejected by relay.closed",
                    "reply: 550 5.7.1 Relay access denied [ref " + refused + "]",
                    "what now  the recipient's domain is not one of ours");
            assertThat(cli("log", "show", delivered, "--config", conf.toString()).out()).contains("ACCEPTED",
                    "what now  nothing: the mail server took the message");
            Out q = cli("log", "query", "--rcpt", "victim@elsewhere.com", "--since", "1h", "--json", "--config", conf.toString());
            JsonNode arr = new ObjectMapper().readTree(q.out());
            assertThat(arr.isArray()).isTrue();
            assertThat(arr).singleElement().satisfies(n -> assertThat(n.get("ref").asText()).isEqualTo(refused));
            JsonNode stats = new ObjectMapper().readTree(cli("log", "stats", "--json", "--config", conf.toString()).out());
            assertThat(stats.get("verdict").get("accepted").asLong()).isEqualTo(1);
            assertThat(stats.get("rule").get("relay.closed").asLong()).isEqualTo(1);
            assertThat(cli("log", "show", "NOPE0000", "--config", conf.toString()).exit()).isEqualTo(1);
            assertThat(cli("log", "query", "--verdict", "maybe", "--config", conf.toString()).err()).contains("--verdict 'maybe'");

            CompletableFuture<Out> tail = CompletableFuture.supplyAsync(() -> cli("log", "tail", "--max", "1", "--json",
                    "--config", conf.toString()));
            Thread.sleep(800);
            String third;
            try (SmtpTestClient c = new SmtpTestClient(gw.port())) {
                c.expect(220);
                c.send("EHLO client.other.org", 250);
                third = ref(c.deliver("a@other.org", "user@example.net", MESSAGE, 250));
            }
            assertThat(tail.get(15, java.util.concurrent.TimeUnit.SECONDS).out()).contains("\"ref\":\"" + third + "\"");
        }
    }

    @Test
    void aFailingStoreIsCountedAndMailKeepsFlowing() throws Exception {
        try (GatewayHarness gw = GatewayHarness.withWiser(var, null)) {
            // the decision table goes away under the gateway (as a full disk or a broken database would
            // fail its writes), while lists and consent, in the same database, still answer
            try (var c = gw.gateway.listStore().database().connect(); var st = c.createStatement()) {
                st.execute("ALTER TABLE decision RENAME TO decision_gone");
            }
            for (int i = 0; i < 3; i++) {
                try (SmtpTestClient c = new SmtpTestClient(gw.port())) {
                    c.expect(220);
                    c.send("EHLO client.other.org", 250);
                    c.deliver("a@other.org", "user@example.net", MESSAGE, 250);
                }
            }
            assertThat(gw.downstream().getMessages()).hasSize(3);
            assertThat(gw.awaitDecisions(3)).hasSize(3); // the JSON lines are written regardless
            Eventually.within(Duration.ofSeconds(10), () -> gw.gateway.decisionWriter().failed() >= 3);
            assertThat(gw.gateway.decisionWriter().failed()).isEqualTo(3);
            assertThat(gw.gateway.metrics().scrape()).contains("portcullis_decisions_store_failures_total 3.0");
        }
    }
}
