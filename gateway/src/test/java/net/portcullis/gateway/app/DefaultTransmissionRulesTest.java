package net.portcullis.gateway.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;
import net.portcullis.gateway.app.PolicyWiring;
import net.portcullis.gateway.testing.TestConsent;
import net.portcullis.policy.Client;
import net.portcullis.policy.MessageFacts;
import net.portcullis.policy.PolicyEngine;
import net.portcullis.policy.PolicyTransaction;
import net.portcullis.policy.StageOutcome;
import net.portcullis.policy.dns.InMemoryDns;
import net.portcullis.rules.RuleLoader;
import net.portcullis.rules.RuleSet;
import net.portcullis.rules.StageResult;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * Every rule of conf/rules/20-transmission.rules, with the real checks on an in-memory zone:
 * a transaction where it fires and one where it does not.
 */
class DefaultTransmissionRulesTest {
    static final ExecutorService POOL = Executors.newCachedThreadPool();

    @AfterAll
    static void stop() {
        POOL.shutdownNow();
    }

    /** A clean transaction from a well-run sender; each test changes one thing. */
    static final class Scenario {
        String ip = "203.0.113.5";
        String ptr = "mail.sender.example";
        String helo = "mail.sender.example";
        String from = "news@sender.example";
        String rcpt = "user@example.net";
        String authUser = null;
        /** A whole message (header and body, CRLF) to use instead of {@link #headers}. */
        byte[] message;
        List<String> headers = new ArrayList<>(List.of("From: Sender <news@sender.example>", "To: user@example.net",
                "Subject: hello", "Date: " + DateTimeFormatter.ofPattern("EEE, d MMM yyyy HH:mm:ss Z", Locale.ENGLISH)
                        .format(ZonedDateTime.now()), "Message-ID: <1@sender.example>"));
        InMemoryDns dns = new InMemoryDns()
                .add("5.113.0.203.in-addr.arpa", "PTR", "mail.sender.example")
                .add("mail.sender.example", "A", "203.0.113.5")
                .add("sender.example", "TXT", "v=spf1 ip4:203.0.113.0/24 -all")
                .add("mail.sender.example", "TXT", "v=spf1 a -all")
                .add("_dmarc.sender.example", "TXT", "v=DMARC1; p=none");

        Scenario with(Consumer<Scenario> change) {
            change.accept(this);
            return this;
        }

        List<StageResult> run() throws Exception {
            // listen on 198.51.100.25: a HELO naming that address claims to be us
            PolicyWiring.Checks checks = PolicyWiring.checks("""
                    listen: 198.51.100.25:25
                    hostname: mx.example.net
                    downstream: 127.0.0.1:2526
                    domains: [example.net]
                    trusted_networks: [192.0.2.0/24]
                    """, dns, PolicyWiring.NO_LISTS, TestConsent.book(), Runnable::run);
            RuleSet rules = RuleLoader.load(new RuleLoader.Dirs(Path.of("../conf/rules"), null, Path.of("../conf/lists")),
                    PolicyEngine.catalogueOf(checks.all()));
            PolicyEngine engine = new PolicyEngine(checks.all(), checks.domains(), () -> rules, false, Duration.ofSeconds(5),
                    POOL, Set.of(), false);
            InetAddress addr = InetAddress.getByName(ip);
            PolicyTransaction t = engine.begin(new Client(addr, ptr, helo, false, authUser), from);
            StageOutcome r = t.recipient(rcpt);
            List<StageResult> all = new ArrayList<>(r.stages());
            if (!r.verdict().refused()) {
                if (message != null) {
                    String text = new String(message, StandardCharsets.ISO_8859_1);
                    int end = text.indexOf("\r\n\r\n") + 4;
                    byte[] h = java.util.Arrays.copyOf(message, end);
                    all.addAll(t.data(MessageFacts.parse(h, message.length,
                            () -> new java.io.ByteArrayInputStream(message, end, message.length - end)), List.of(rcpt)).stages());
                    return all;
                }
                byte[] h = (String.join("\r\n", headers) + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1);
                all.addAll(t.data(MessageFacts.parse(h, h.length + 10), List.of(rcpt)).stages());
            }
            return all;
        }
    }

    static String outcome(List<StageResult> stages, String rule) {
        for (StageResult s : stages) {
            for (StageResult.Trace t : s.trace()) {
                if (t.rule().equals(rule)) {
                    return t.outcome();
                }
            }
        }
        return "not-evaluated";
    }

    static void fires(String rule, Scenario s) throws Exception {
        assertThat(outcome(s.run(), rule)).as(rule + " should fire").isIn("matched", "monitor");
    }

    static void quiet(String rule, Scenario s) throws Exception {
        assertThat(outcome(s.run(), rule)).as(rule + " should not fire").isIn("not-matched", "skipped", "not-evaluated");
    }

    @Test
    void aCleanTransactionMatchesNoRule() throws Exception {
        List<StageResult> stages = new Scenario().run();
        // the two exceptions, both shipped in monitor mode, watch a first message from a new sender:
        // greylisting and the first-contact tag (known senders)
        Set<String> firstMessage = Set.of("greylist", "first-contact");
        assertThat(stages).flatExtracting(StageResult::trace).filteredOn(t -> !firstMessage.contains(t.rule()))
                .extracting(StageResult.Trace::outcome).doesNotContain("matched", "monitor");
        for (String rule : firstMessage) {
            assertThat(stages).flatExtracting(StageResult::trace).filteredOn(t -> t.rule().equals(rule))
                    .extracting(StageResult.Trace::outcome).as(rule).containsExactly("monitor");
        }
    }

    @Test
    void heloClaimsToBeUs() throws Exception {
        fires("helo-claims-to-be-us", new Scenario().with(s -> s.helo = "mx.example.net"));
        fires("helo-claims-to-be-us", new Scenario().with(s -> s.helo = "[198.51.100.25]"));
        quiet("helo-claims-to-be-us", new Scenario().with(s -> { s.helo = "mx.example.net"; s.ip = "192.0.2.7"; }));
        quiet("helo-claims-to-be-us", new Scenario());
    }

    @Test
    void heloNotAHostName() throws Exception {
        fires("helo-not-a-host-name", new Scenario().with(s -> s.helo = "203.0.113.5"));
        fires("helo-not-a-host-name", new Scenario().with(s -> s.helo = "localhost"));
        quiet("helo-not-a-host-name", new Scenario().with(s -> s.helo = "[203.0.113.5]"));
    }

    @Test
    void heloDoesNotResolve() throws Exception {
        fires("helo-does-not-resolve", new Scenario().with(s -> s.helo = "nowhere.sender.example"));
        quiet("helo-does-not-resolve", new Scenario());
    }

    @Test
    void noReverseDnsIsMonitoredOnly() throws Exception {
        List<StageResult> r = new Scenario().with(s -> s.ptr = null).run();
        assertThat(outcome(r, "no-reverse-dns")).isEqualTo("monitor");
        quiet("no-reverse-dns", new Scenario());
    }

    @Test
    void reverseDnsNotConfirmed() throws Exception {
        fires("reverse-dns-not-confirmed", new Scenario().with(s -> s.ptr = "liar.sender.example"));
        quiet("reverse-dns-not-confirmed", new Scenario());
    }

    @Test
    void dynamicLookingClient() throws Exception {
        fires("dynamic-looking-client", new Scenario().with(s -> s.ptr = "dyn-203-0-113-5.isp.example"));
        fires("dynamic-looking-client", new Scenario().with(s -> s.ptr = "5.113.0.203.static.isp.example"));
        quiet("dynamic-looking-client", new Scenario());
    }

    @Test
    void spfFailAndSoftfail() throws Exception {
        fires("spf-fail", new Scenario().with(s -> s.ip = "198.51.100.99"));
        quiet("spf-fail", new Scenario());
        fires("spf-softfail", new Scenario().with(s -> s.dns.add("soft.example", "TXT", "v=spf1 ~all"))
                .with(s -> s.from = "a@soft.example"));
        quiet("spf-softfail", new Scenario());
    }

    @Test
    void dmarcReject() throws Exception {
        Scenario forged = new Scenario().with(s -> {
            s.dns.add("_dmarc.bankco.com", "TXT", "v=DMARC1; p=reject");
            s.headers.set(0, "From: Bank <service@bankco.com>");
        });
        List<StageResult> r = forged.run();
        assertThat(outcome(r, "dmarc-reject")).isEqualTo("matched");
        quiet("dmarc-reject", new Scenario());
    }

    @Test
    void dmarcQuarantine() throws Exception {
        Scenario quarantined = new Scenario().with(s -> {
            s.dns.add("_dmarc.shopco.com", "TXT", "v=DMARC1; p=quarantine");
            s.headers.set(0, "From: <news@shopco.com>");
        });
        List<StageResult> stages = quarantined.run();
        assertThat(outcome(stages, "dmarc-quarantine")).isEqualTo("matched");
        StageResult data = stages.get(stages.size() - 1);
        assertThat(data.verdict().kind()).as("held for review, not refused").isEqualTo(net.portcullis.rules.Verdict.Kind.HOLD);
        assertThat(data.verdict().reason()).contains("DMARC policy of shopco.com asks for quarantine");
        quiet("dmarc-quarantine", new Scenario());
    }

    @Test
    void anUnsampledRejectIsQuarantinedNotLetThrough() throws Exception {
        // pct=0: no message is in the sample, so RFC 7489 6.6.4's next policy down (quarantine) applies to all
        Scenario unsampled = new Scenario().with(s -> {
            s.dns.add("_dmarc.bankco.com", "TXT", "v=DMARC1; p=reject; pct=0");
            s.headers.set(0, "From: Bank <service@bankco.com>");
        });
        List<StageResult> r = unsampled.run();
        assertThat(outcome(r, "dmarc-reject")).isEqualTo("not-matched");
        assertThat(outcome(r, "dmarc-quarantine")).isEqualTo("matched");
        assertThat(r.get(r.size() - 1).verdict().kind()).isEqualTo(net.portcullis.rules.Verdict.Kind.HOLD);
    }

    @Test
    void aNonExistentSubdomainGetsTheNpPolicy() throws Exception {
        // DMARCbis np=: the forger invents a subdomain the organisational domain never had
        fires("dmarc-reject", new Scenario().with(s -> {
            s.dns.add("_dmarc.shopco.com", "TXT", "v=DMARC1; p=none; np=reject");
            s.headers.set(0, "From: Shop <service@invented.shopco.com>");
        }));
        quiet("dmarc-reject", new Scenario().with(s -> {
            s.dns.add("_dmarc.shopco.com", "TXT", "v=DMARC1; p=none; np=reject").add("news.shopco.com", "A", "192.0.2.80");
            s.headers.set(0, "From: Shop <service@news.shopco.com>");
        }));
    }

    @Test
    void aSubdomainOfATldThePublicSuffixListLacksHasAnOrganisationalDomain() throws Exception {
        // RFC 7489 3.2 and the PSL's default rule "*": shop.test is the organisational domain of news.shop.test
        fires("dmarc-reject", new Scenario().with(s -> {
            s.dns.add("_dmarc.shop.test", "TXT", "v=DMARC1; p=reject");
            s.headers.set(0, "From: Shop <a@news.shop.test>");
        }));
    }

    @Test
    void aDmarcPassThatRestsOnAPartialBodySignatureIsHeld() throws Exception {
        Path tmp = java.nio.file.Files.createTempDirectory("l-tag");
        try {
            run(tmp, "dknewkey", "--ktype", "rsa", "key");
            String key = java.nio.file.Files.readString(tmp.resolve("key.dns")).strip();
            String msg = "From: Brand <news@brand.example>\r\nTo: user@example.net\r\nSubject: hello\r\nDate: "
                    + DateTimeFormatter.ofPattern("EEE, d MMM yyyy HH:mm:ss Z", Locale.ENGLISH).format(ZonedDateTime.now())
                    + "\r\nMessage-ID: <1@brand.example>\r\n\r\nThe real newsletter.\r\n";
            Path in = java.nio.file.Files.writeString(tmp.resolve("m.eml"), msg);
            Path py = java.nio.file.Files.writeString(tmp.resolve("sign.py"), "import dkim, sys\nmsg = open(sys.argv[1], 'rb').read()\n"
                    + "sys.stdout.buffer.write(dkim.sign(msg, b'sel', b'brand.example', open(sys.argv[2], 'rb').read(), "
                    + "length=True) + msg)\n");
            Process p = new ProcessBuilder("/usr/bin/python3", py.toString(), in.toString(), tmp.resolve("key.key").toString())
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            byte[] signed = p.getInputStream().readAllBytes();
            assertThat(p.waitFor()).isZero();
            byte[] appended = (new String(signed, StandardCharsets.ISO_8859_1) + "Claim your prize: http://phish.example/\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1);
            // the envelope sender is an ESP's (SPF not aligned): DMARC rests on DKIM alone
            java.util.function.Consumer<Scenario> esp = s -> {
                s.from = "bounce@esp.example";
                s.dns.add("sel._domainkey.brand.example", "TXT", key);
                s.dns.add("_dmarc.brand.example", "TXT", "v=DMARC1; p=reject");
            };
            Scenario tampered = new Scenario().with(esp).with(s -> s.message = appended);
            List<StageResult> r = tampered.run();
            assertThat(outcome(r, "dmarc-pass-on-partial-body")).isEqualTo("matched");
            assertThat(r.get(r.size() - 1).verdict().kind()).isEqualTo(net.portcullis.rules.Verdict.Kind.HOLD);
            assertThat(r.get(r.size() - 1).verdict().reason()).contains("leaves 41 octets of the body unsigned");
            // as signed, nothing appended: the signature covers the whole body and DMARC's pass stands
            quiet("dmarc-pass-on-partial-body", new Scenario().with(esp).with(s -> s.message = signed));
        } finally {
            try (var files = java.nio.file.Files.walk(tmp)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
    }

    private static void run(Path dir, String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor()).as(out).isZero();
    }

    @Test
    void dkimSignatureBroken() throws Exception {
        fires("dkim-signature-broken", new Scenario().with(s -> {
            s.dns.add("sel._domainkey.sender.example", "TXT", "v=DKIM1; k=ed25519; p=11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=");
            s.headers.add(0, "DKIM-Signature: v=1; a=ed25519-sha256; d=sender.example; s=sel; h=from; bh=47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=; b=AAAA");
        }));
        quiet("dkim-signature-broken", new Scenario());
    }

    @Test
    void severalFromFieldsAndNoFromField() throws Exception {
        fires("several-from-fields", new Scenario().with(s -> s.headers.add("From: other@sender.example")));
        quiet("several-from-fields", new Scenario());
        fires("no-from-field", new Scenario().with(s -> s.headers.remove(0)));
        quiet("no-from-field", new Scenario());
    }

    @Test
    void fromNotOneValidAddress() throws Exception {
        for (String bad : List.of("From: <<<><joe@joe.com>>>", "From: a@b.example, c@d.example", "From: joe@",
                "From: joe@joe..example", "From: undisclosed")) {
            fires("from-not-one-valid-address", new Scenario().with(s -> s.headers.set(0, bad)));
        }
        quiet("from-not-one-valid-address", new Scenario());
        quiet("from-not-one-valid-address", new Scenario().with(s -> s.headers.set(0, "From: \"Joe (work)\" <joe@sender.example> (comment)")));
        quiet("from-not-one-valid-address", new Scenario().with(s -> s.headers.set(0, "From: jürgen@bücher.example")));
    }

    @Test
    void forgedInternalHop() throws Exception {
        fires("forged-internal-hop", new Scenario().with(s -> s.headers.add(0, "Received: from x by mx.example.net; Tue, 1 Jan 2026 00:00:00 +0000")));
        quiet("forged-internal-hop", new Scenario().with(s -> {
            s.headers.add(0, "Received: from x by mx.example.net; Tue, 1 Jan 2026 00:00:00 +0000");
            s.ip = "192.0.2.7";
        }));
        quiet("forged-internal-hop", new Scenario());
    }

    @Test
    void displayNamePosesAsAddress() throws Exception {
        fires("display-name-poses-as-address", new Scenario().with(s -> s.headers.set(0, "From: \"service@bankco.com\" <x@sender.example>")));
        quiet("display-name-poses-as-address", new Scenario().with(s -> s.headers.set(0, "From: \"news@sender.example\" <news@sender.example>")));
    }

    @Test
    void dateFarOffAndMissingHeaders() throws Exception {
        fires("date-far-off", new Scenario().with(s -> s.headers.set(3, "Date: Mon, 1 Jan 2001 00:00:00 +0000")));
        quiet("date-far-off", new Scenario());
        fires("date-or-message-id-missing", new Scenario().with(s -> s.headers.remove(4)));
        quiet("date-or-message-id-missing", new Scenario());
        fires("malformed-header-lines", new Scenario().with(s -> s.headers.add("this is not a header")));
        quiet("malformed-header-lines", new Scenario());
    }

    @Test
    void manySignsTogetherAreRefusedAndTagged() throws Exception {
        Scenario bad = new Scenario().with(s -> {
            s.ip = "198.51.100.99";          // spf fail: 5
            s.ptr = "dyn-198-51-100-99.isp.example"; // dynamic: 3, not confirmed: 2
            s.headers.set(0, "From: \"service@bankco.com\" <x@sender.example>"); // display spoof: 4
        });
        List<StageResult> r = bad.run();
        assertThat(outcome(r, "too-many-signs-of-forgery")).isEqualTo("matched");
        Scenario some = new Scenario().with(s -> s.ip = "198.51.100.99");
        assertThat(outcome(some.run(), "tag-score")).isEqualTo("matched");
        quiet("too-many-signs-of-forgery", some);
        quiet("tag-score", new Scenario());
    }
}
