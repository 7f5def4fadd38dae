package net.portcullis.gateway.cli;

import java.io.InputStream;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import net.portcullis.gateway.app.ConfigLoader;
import net.portcullis.gateway.app.Gateway;
import net.portcullis.gateway.app.PolicyWiring;
import net.portcullis.gateway.config.ConfigException;
import net.portcullis.gateway.config.GatewayConfig;
import net.portcullis.policy.Client;
import net.portcullis.policy.MessageFacts;
import net.portcullis.policy.PolicyEngine;
import net.portcullis.policy.PolicyTransaction;
import net.portcullis.policy.RuleStore;
import net.portcullis.policy.Signal;
import net.portcullis.policy.SignalMap;
import net.portcullis.policy.StageOutcome;
import net.portcullis.policy.dns.Dns;
import net.portcullis.policy.dns.DnsAnswer;
import net.portcullis.policy.dns.DnsJavaResolver;
import net.portcullis.rules.RuleErrors;
import net.portcullis.rules.RuleLoader;
import net.portcullis.rules.StageResult;
import net.portcullis.rules.Verdict;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Runs the real checks and rules of a configuration for an imagined transaction, without
 * sending mail, and explains the outcome: how a false positive is debugged.
 */
@Command(name = "test", description = "Explain what the policy decides for a transaction, without sending mail.")
final class RulesTestCommand implements Callable<Integer> {
    @Option(names = "--client-ip", required = true, description = "the client's address")
    String clientIp;

    @Option(names = "--helo", description = "HELO/EHLO name")
    String helo;

    @Option(names = "--from", defaultValue = "", description = "envelope sender (default: the null sender <>)")
    String from;

    @Option(names = "--to", required = true, arity = "1..*", description = "recipients")
    List<String> to;

    @Option(names = "--eml", description = "a message file (RFC 5322) for the data stage")
    Path eml;

    @Option(names = "--auth", description = "pretend the client authenticated as USER")
    String auth;

    @Option(names = "--tls", description = "pretend the session used STARTTLS")
    boolean tls;

    @Option(names = "--pregreet", description = "pretend the client talked before the banner (seen only with greeting.pause on)")
    boolean pregreet;

    @Option(names = "--pipelining", description = "pretend the client sent commands ahead where it must wait (RFC 2920)")
    boolean pipelining;

    @Option(names = "--smtputf8", description = "pretend MAIL FROM carried the SMTPUTF8 parameter (needed for a non-ASCII sender)")
    boolean smtputf8;

    @Option(names = "--bare-newline", description = "pretend the client ended command lines with a bare LF")
    boolean bareNewline;

    @Option(names = "--config", defaultValue = "conf/gateway.yaml", description = "(default: ${DEFAULT-VALUE})")
    Path config;

    @Option(names = "--json", description = "print one JSON document instead of text")
    boolean json;

    /** For tests: a resolver to use instead of the configured one. */
    Dns dnsOverride;

    @Override
    @SuppressWarnings("unchecked")
    public Integer call() throws Exception {
        GatewayConfig cfg;
        try {
            cfg = ConfigLoader.load(config);
        } catch (ConfigException e) {
            System.err.println("portcullis: configuration error: " + e.getMessage());
            return 78;
        }
        InetAddress ip;
        try {
            ip = net.portcullis.rules.Network.address(clientIp);
        } catch (IllegalArgumentException e) {
            System.err.println("portcullis: --client-ip: " + e.getMessage());
            return 2;
        }
        // what the command layer refuses before any check or rule, as live traffic hears it
        String stage = "helo";
        net.portcullis.policy.EnvelopeSyntax.Refusal early = helo == null ? null : net.portcullis.policy.EnvelopeSyntax.greeting("EHLO", helo);
        if (early == null) {
            stage = "mail";
            early = net.portcullis.policy.EnvelopeSyntax.sender(net.portcullis.policy.MailAddress.bare(from), smtputf8);
        }
        if (early != null) {
            Map<String, Object> refused = new LinkedHashMap<>();
            refused.put("stage", stage);
            refused.put("verdict", verdict(Verdict.refuse(early.reply(), early.decidedBy(), early.reason())));
            Map<String, Object> report = new LinkedHashMap<>();
            report.put("client", Map.of("ip", ip.getHostAddress()));
            report.put("refused", refused);
            report.put("recipients", List.of());
            if (json) {
                System.out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(report));
            } else {
                System.out.println("client " + ip.getHostAddress());
                System.out.println((stage.equals("helo") ? "EHLO " + helo : "MAIL FROM:<" + from + ">") + ": "
                        + describe((Map<String, Object>) refused.get("verdict")));
                System.out.println("  refused by the SMTP command layer, before any check or rule runs");
            }
            return 1;
        }
        Dns dns = dnsOverride != null ? dnsOverride : new DnsJavaResolver(cfg.dns().servers(), cfg.dns().timeout());
        PolicyWiring.Checks checks;
        try {
            var db = ListsAccess.store(cfg).database();
            checks = PolicyWiring.checks(cfg, dns, ListsAccess.snapshots(cfg), new net.portcullis.policy.consent.ConsentBook(
                    new net.portcullis.policy.consent.ConsentStore(db), java.time.Duration.ofSeconds(1),
                    java.time.Clock.systemUTC()), Runnable::run, db);
        } catch (ConfigException e) {
            System.err.println("portcullis: configuration error: " + e.getMessage());
            return 78;
        }
        GatewayConfig.Rules r = cfg.rules();
        RuleStore store;
        try {
            store = RuleStore.open(new RuleLoader.Dirs(r.directory(), r.local(), r.lists()), PolicyEngine.catalogueOf(checks.all()));
        } catch (RuleErrors e) {
            System.err.println("portcullis: " + e.getMessage());
            return 1;
        }
        ExecutorService ex = Gateway.sessionExecutor(16);
        try {
            PolicyEngine engine = new PolicyEngine(checks.all(), checks.domains(), store, cfg.softBounce(), r.checkDeadline(), ex,
                    Set.of(), true);
            DnsAnswer ptr = dns.ptr(ip);
            // the greeting as the gateway would have seen it: a pause only when greeting.pause is on
            var pause = (net.portcullis.gateway.checks.GreetingModule.Config) cfg.checkSections().get(
                    net.portcullis.gateway.checks.CheckRegistry.GREETING.section());
            Client.Greeting greeting = pause.pause() == null ? Client.Greeting.OFF
                    : cfg.trustedNetworks().match(ip).isPresent() ? new Client.Greeting("exempt", 0)
                    : new Client.Greeting("waited", pregreet ? 1 : 0);
            Client client = new Client(ip, ptr.found() ? ptr.values().get(0) : null, helo, tls, auth, null, greeting,
                    new Client.Conduct(pipelining, bareNewline));
            PolicyTransaction t = engine.begin(client, from);
            Map<String, Object> report = new LinkedHashMap<>();
            report.put("client", Map.of("ip", ip.getHostAddress(), "ptr", ptr.found() ? ptr.values().get(0)
                    : ptr.status().name().toLowerCase() + (ptr.detail().isEmpty() ? "" : ": " + ptr.detail())));
            report.put("rules", store.get().files());
            report.put("signals", signals(t.early()));
            // for scripts: every signal's value by name (connect, helo, mail; then data when --eml)
            Map<String, Object> values = values(t.early());
            report.put("values", values);
            List<Map<String, Object>> rcpts = new ArrayList<>();
            List<String> domains = new ArrayList<>();
            for (String rcpt : to) {
                StageOutcome o = t.recipient(rcpt);
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("recipient", rcpt);
                m.put("verdict", verdict(o.verdict()));
                m.put("score", o.score());
                m.put("signals", signals(o.signals()));
                m.put("values", values(o.signals()));
                m.put("stages", stages(o.stages()));
                rcpts.add(m);
                if (o.verdict().kind() == Verdict.Kind.ACCEPT) {
                    domains.add(rcpt);
                }
            }
            report.put("recipients", rcpts);
            if (eml != null) {
                byte[] all;
                try (InputStream in = Files.newInputStream(eml)) {
                    all = in.readAllBytes();
                }
                // As the gateway sees it after DATA: CRLF lines, the header block, and the body for
                // DKIM's body hash (without it every signed message would fail here, and pass live).
                byte[] norm = new String(all, java.nio.charset.StandardCharsets.ISO_8859_1).replaceAll("(?<!\r)\n", "\r\n")
                        .getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
                String text = new String(norm, java.nio.charset.StandardCharsets.ISO_8859_1);
                int end = text.indexOf("\r\n\r\n");
                int headerLength = end < 0 ? norm.length : end + 4;
                byte[] header = java.util.Arrays.copyOf(norm, headerLength);
                StageOutcome d = t.data(MessageFacts.parse(header, norm.length,
                        () -> new java.io.ByteArrayInputStream(norm, headerLength, norm.length - headerLength)), domains);
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("verdict", verdict(d.verdict()));
                m.put("score", d.score());
                m.put("tags", d.tags().stream().map(tg -> tg.header() + ": " + tg.value()).toList());
                m.put("signals", signals(d.signals()));
                m.put("stages", stages(d.stages()));
                report.put("data", m);
                values.putAll(values(d.signals()));
            }
            if (json) {
                System.out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(report));
            } else {
                printText(report);
            }
            return exitCode(report);
        } finally {
            ex.shutdownNow();
        }
    }

    /**
     * 0 when live traffic would have the message delivered to every recipient, 1 when anything of it
     * would be refused, deferred or held (README "Exit codes"): scripts test a rule change by exit code.
     */
    private static final Set<Object> PASSES = Set.of("accept", "continue");

    @SuppressWarnings("unchecked")
    static int exitCode(Map<String, Object> report) {
        boolean delivered = true;
        for (Map<String, Object> r : (List<Map<String, Object>>) report.get("recipients")) {
            delivered &= PASSES.contains(((Map<String, Object>) r.get("verdict")).get("kind"));
        }
        if (report.get("data") instanceof Map<?, ?> d) {
            delivered &= PASSES.contains(((Map<String, Object>) d.get("verdict")).get("kind"));
        }
        return delivered ? 0 : 1;
    }

    private static List<Map<String, Object>> signals(SignalMap m) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (Signal s : m.own().values()) {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("name", s.name());
            e.put("value", SignalMap.jsonValue(s.value()));
            e.put("evidence", s.evidence());
            out.add(e);
        }
        m.ownErrors().forEach((k, v) -> {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("name", k);
            e.put("unavailable", v);
            out.add(e);
        });
        return out;
    }

    /** The same values as the decision log's "signals" ({@link SignalMap#toJson}), so scripts read one shape. */
    private static Map<String, Object> values(SignalMap m) {
        return m.toJson();
    }

    private static Map<String, Object> verdict(Verdict v) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("kind", v.kind().name().toLowerCase());
        m.put("reply", v.reply() == null ? null : v.reply().code() + " " + v.reply().status() + " " + v.reply().text());
        m.put("decided_by", v.decidedBy());
        m.put("reason", v.reason());
        return m;
    }

    private static List<Map<String, Object>> stages(List<StageResult> stages) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (StageResult r : stages) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("stage", r.stage().keyword());
            m.put("verdict", r.verdict().kind().name().toLowerCase());
            m.put("rules", r.trace().stream().map(t -> Map.of("rule", t.rule(), "outcome", t.outcome(), "detail", t.detail())).toList());
            out.add(m);
        }
        return out;
    }

    @SuppressWarnings("unchecked")
    private static void printText(Map<String, Object> report) {
        Map<String, Object> c = (Map<String, Object>) report.get("client");
        System.out.println("client " + c.get("ip") + " (PTR: " + c.get("ptr") + ")");
        System.out.println("rules from " + report.get("rules"));
        System.out.println();
        System.out.println("signals (connect, helo, mail):");
        printSignals((List<Map<String, Object>>) report.get("signals"));
        for (Map<String, Object> r : (List<Map<String, Object>>) report.get("recipients")) {
            System.out.println();
            Map<String, Object> v = (Map<String, Object>) r.get("verdict");
            System.out.println("recipient " + r.get("recipient") + ": " + describe(v) + "  (score " + r.get("score") + ")");
            printSignals((List<Map<String, Object>>) r.get("signals"));
            printStages((List<Map<String, Object>>) r.get("stages"));
        }
        Map<String, Object> d = (Map<String, Object>) report.get("data");
        if (d != null) {
            System.out.println();
            System.out.println("message: " + describe((Map<String, Object>) d.get("verdict")) + "  (score " + d.get("score") + ")");
            for (Object tag : (List<Object>) d.get("tags")) {
                System.out.println("  adds header  " + tag);
            }
            printSignals((List<Map<String, Object>>) d.get("signals"));
            printStages((List<Map<String, Object>>) d.get("stages"));
        }
    }

    private static String describe(Map<String, Object> v) {
        String kind = String.valueOf(v.get("kind"));
        if (kind.equals("continue") || kind.equals("accept")) {
            return "ACCEPTED" + (v.get("decided_by") == null ? "" : " (" + v.get("decided_by") + ")");
        }
        return kind.toUpperCase() + " " + v.get("reply") + "  by " + v.get("decided_by") + ": " + v.get("reason");
    }

    private static void printSignals(List<Map<String, Object>> signals) {
        for (Map<String, Object> s : signals) {
            if (s.containsKey("unavailable")) {
                System.out.printf("  %-24s UNAVAILABLE  %s%n", s.get("name"), s.get("unavailable"));
            } else {
                System.out.printf("  %-24s = %-24s %s%n", s.get("name"), s.get("value"), s.get("evidence"));
            }
        }
    }

    @SuppressWarnings("unchecked")
    private static void printStages(List<Map<String, Object>> stages) {
        for (Map<String, Object> st : stages) {
            System.out.println("  stage " + st.get("stage") + " -> " + st.get("verdict"));
            for (Map<String, Object> t : (List<Map<String, Object>>) st.get("rules")) {
                String detail = String.valueOf(t.get("detail"));
                System.out.printf("    %-12s %s%s%n", t.get("outcome"), t.get("rule"), detail.isEmpty() ? "" : "  " + detail);
            }
        }
    }
}
