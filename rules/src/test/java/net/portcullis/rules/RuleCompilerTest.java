package net.portcullis.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.net.InetAddress;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RuleCompilerTest {
    static final Catalogue CAT = new Catalogue(List.of(
            new SignalSpec("client.ip", Type.IP, Stage.CONNECT, "client address", "192.0.2.1"),
            new SignalSpec("client.authenticated", Type.BOOL, Stage.CONNECT, "AUTH done", "false"),
            new SignalSpec("dnsbl.listed", Type.BOOL, Stage.CONNECT, "listed", "true"),
            new SignalSpec("dnsbl.zone", Type.STRING, Stage.CONNECT, "zone", "bl.example.org"),
            new SignalSpec("helo.name", Type.STRING, Stage.HELO, "HELO", "mail.example.com"),
            new SignalSpec("spf.result", Type.STRING, Stage.MAIL, "SPF", "pass"),
            new SignalSpec("rcpt.domain", Type.STRING, Stage.RELAY, "recipient domain", "example.net"),
            new SignalSpec("message.size", Type.NUMBER, Stage.DATA, "size", "5120"),
            new SignalSpec("engine.symbol.*", Type.BOOL, Stage.DATA, "a symbol the engine found", "true")));

    static RuleSet compile(String text) throws RuleErrors {
        return RuleCompiler.compile(List.of(new RuleCompiler.Source("t.rules", text)),
                Map.of("partner_networks", List.of("192.0.2.0/24", "2001:db8::/32")), CAT);
    }

    static String firstError(String text) {
        RuleErrors e = catchThrowableOfType(RuleErrors.class, () -> compile(text));
        assertThat(e).as("expected an error for:\n%s", text).isNotNull();
        return e.errors().get(0).toString();
    }

    /** The error's first line: where, and what (the rest quotes the line with a caret). */
    static String firstLine(String text) {
        return firstError(text).lines().findFirst().orElse("");
    }

    static Signals signals(Object... kv) {
        Map<String, Object> m = new HashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m::get;
    }

    @Test
    void aFamilyOfSignalsIsNamedMemberByMember() throws Exception {
        RuleSet rs = compile("rule gtube\n  stage data\n  when engine.symbol.GTUBE\n  reject 554 5.7.1 \"test pattern\"\n");
        assertThat(rs.neededSignals()).contains("engine.symbol.GTUBE");
        assertThat(CAT.find("engine.symbol.R_SPF_FAIL")).hasValueSatisfying(s -> assertThat(s.type()).isEqualTo(Type.BOOL));
        assertThat(CAT.find("engine.symbol.*")).hasValueSatisfying(s -> assertThat(s.family()).isTrue());
        assertThat(firstLine("rule x\n  stage data\n  when engine.symbol.bad-name\n  accept\n"))
                .contains("unknown signal 'engine.symbol.bad-name'");
        assertThat(firstLine("rule x\n  stage mail\n  when engine.symbol.GTUBE\n  accept\n"))
                .contains("is known only from stage data on");
    }

    @Test
    void theExamplesOfTheIssueCompileAndDecide() throws Exception {
        RuleSet rs = compile("""
                rule partners-may-relay
                  stage relay
                  when client.ip in @partner_networks
                  permit

                rule listed-and-unauthenticated
                  stage connect
                  when dnsbl.listed and not client.authenticated
                  reject 554 5.7.1 "Client host {client.ip} is listed by {dnsbl.zone}"
                """);
        InetAddress partner = InetAddress.getByName("192.0.2.7");
        InetAddress other = InetAddress.getByName("203.0.113.9");
        assertThat(rs.evaluate(Stage.RELAY, "x.org", signals("client.ip", partner), 0).verdict().kind()).isEqualTo(Verdict.Kind.ACCEPT);
        assertThat(rs.evaluate(Stage.RELAY, "x.org", signals("client.ip", other), 0).verdict().kind()).isEqualTo(Verdict.Kind.CONTINUE);
        Verdict v = rs.evaluate(Stage.CONNECT, null, signals("client.ip", other, "dnsbl.listed", true,
                "client.authenticated", false, "dnsbl.zone", "bl.example.org"), 0).verdict();
        assertThat(v.kind()).isEqualTo(Verdict.Kind.REJECT);
        assertThat(v.reply().line("R")).isEqualTo("554 5.7.1 Client host 203.0.113.9 is listed by bl.example.org [ref R]");
        assertThat(v.decidedBy()).isEqualTo("listed-and-unauthenticated");
        assertThat(rs.neededSignals()).containsExactlyInAnyOrder("client.ip", "dnsbl.listed", "client.authenticated", "dnsbl.zone");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            // condition | signals (name=value;...) | matches
            "spf.result == \"fail\"|spf.result=fail|true",
            "spf.result == \"FAIL\"|spf.result=fail|true",
            "spf.result != \"fail\"|spf.result=pass|true",
            "spf.result in [fail, softfail]|spf.result=softfail|true",
            "spf.result matches /^(soft)?fail$/|spf.result=neutral|false",
            "spf.result exists|spf.result=none|true",
            "spf.result exists||false",
            "spf.result == \"fail\"||false",
            "not spf.result == \"pass\"||true",
            "message.size > 1000|message.size=5120|true",
            "message.size <= 1000|message.size=5120|false",
            "message.size >= 5120 and spf.result == \"pass\"|message.size=5120;spf.result=pass|true",
            "(spf.result == \"fail\" or dnsbl.listed) and not client.authenticated|dnsbl.listed=true;client.authenticated=false|true",
            "client.ip == 192.0.2.1|client.ip=192.0.2.1|true",
            "client.ip == \"192.0.2.1\"|client.ip=192.0.2.2|false",
            "client.ip in [198.51.100.0/24]|client.ip=198.51.100.200|true",
            "client.ip in @partner_networks|client.ip=2001:db8::5|true",
            "score >= 10|score=12|true",
    })
    void conditionsEvaluate(String cond, String sigs, boolean expected) throws Exception {
        RuleSet rs = compile("rule r\n stage data\n when " + cond + "\n reject 550 5.7.1 \"no\"\n");
        Map<String, Object> m = new HashMap<>();
        long score = 0;
        if (sigs != null) {
            for (String kv : sigs.split(";")) {
                String[] p = kv.split("=", 2);
                Object v = switch (p[0]) {
                    case "message.size" -> Long.parseLong(p[1]);
                    case "dnsbl.listed", "client.authenticated" -> Boolean.parseBoolean(p[1]);
                    case "client.ip" -> InetAddress.getByName(p[1]);
                    default -> p[1];
                };
                if (p[0].equals("score")) {
                    score = Long.parseLong(p[1]);
                } else {
                    m.put(p[0], v);
                }
            }
        }
        StageResult r = rs.evaluate(Stage.DATA, "example.net", m::get, score);
        assertThat(r.verdict().refused()).as(cond).isEqualTo(expected);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "rule r\\n stage data\\n when spf.result > 3\\n accept|t.rules:3:7: '>' compares numbers, but string signal 'spf.result' is not a number",
            "rule r\\n stage data\\n when spf.result == 3\\n accept|t.rules:3:21: cannot compare string signal 'spf.result' with a number",
            "rule r\\n stage data\\n when spf.resutl == \"x\"\\n accept|t.rules:3:7: unknown signal 'spf.resutl'; did you mean 'spf.result'? (see: portcullis signals)",
            "rule r\\n stage connect\\n when spf.result == \"fail\"\\n accept|t.rules:3:7: signal 'spf.result' is known only from stage mail on; this rule runs at stage connect, before it",
            "rule r\\n stage data\\n when client.ip in @nope\\n accept|t.rules:3:20: unknown list '@nope': define it with 'list nope = [...]' or in lists/nope.txt",
            "rule r\\n stage data\\n when spf.result\\n accept|t.rules:3:7: string signal 'spf.result' is not true/false: compare it (==, !=, in, matches) or test 'exists'",
            "rule r\\n stage data\\n when spf.result matches /(/\\n accept|t.rules:3:26: invalid regex: Unclosed group",
            "rule r\\n stage data\\n when dnsbl.listed and\\n accept|t.rules:4:2: the condition ends too early: expected a signal or a value before 'accept'",
            "rule r\\n stage data\\n reject 450 5.7.1 \"x\"|t.rules:3:9: 'reject' needs a 5xx reply code, found 450",
            "rule r\\n stage data\\n reject 550 4.7.1 \"x\"|t.rules:3:13: enhanced status 4.7.1 does not match the class of reply code 550",
            "rule r\\n stage data\\n tempfail 451 4.7.1 x|t.rules:3:21: expected the reply text in double quotes, found 'x'",
            "rule r\\n stage data\\n reject 550 5.7.1 \"unterminated\\n|t.rules:3:19: unterminated string: expected a closing '\"' on the same line",
            "rule r\\n stage data\\n reject 550 5.7.1 \"{spf.rslt}\"|t.rules:3:20: unknown signal 'spf.rslt'; did you mean 'spf.result'? (see: portcullis signals)",
            "rule r\\n stage relay\\n accept|t.rules:3:2: the relay stage says 'permit', not 'accept'",
            "rule r\\n stage data\\n permit|t.rules:3:2: 'permit' belongs to the relay stage; in stage data use 'accept'",
            "rule r\\n stage dta\\n accept|t.rules:2:8: unknown stage 'dta': expected connect, helo, mail, relay, rcpt or data",
            "rule r\\n when dnsbl.listed\\n accept|t.rules:1:6: rule 'r' has no stage: add 'stage' with one of connect, helo, mail, relay, rcpt, data",
            "rule r\\n stage data|t.rules:1:6: rule 'r' has no action: add accept, permit, reject, tempfail, hold, tag or score",
            "rule r\\n stage data\\n accept\\n reject 550 5.7.1 \"x\"|t.rules:4:2: rule 'r' already has an action ('accept'): one action per rule",
            "rule r\\n stage data\\n tag Received \"x\"|t.rules:3:6: rules may not add Received: it carries trace or authentication results",
            "rule r\\n stage data\\n score lots|t.rules:3:8: expected a number of points after 'score' (e.g. score 5, score -2), found 'lots'",
            "rule r\\n stage data\\n accept\\nrule r\\n stage data\\n when dnsbl.listed\\n accept|t.rules:4:1: duplicate rule name 'r': already defined at t.rules:1",
            "rule a\\n stage data\\n accept\\nrule b\\n stage data\\n when dnsbl.listed\\n accept|t.rules:4:1: rule 'b' can never run: rule 'a' at t.rules:1 always decides stage data before it",
            "list l = [10.0.0.1/8]\\nrule r\\n stage data\\n accept|t.rules:1:11: list entry is not a valid address or CIDR range: '10.0.0.1/8' has host bits set beyond /8 (did you mean 10.0.0.0/8?)",
            "rul r\\n stage data\\n accept|t.rules:1:1: expected 'rule', 'list' or 'exempt', found 'rul'",
            "rule r\\n stage data\\n scope bad_domain\\n accept|t.rules:3:8: expected a recipient domain or @list in scope, found 'bad_domain'",
    })
    void errorsNameFileLineColumnAndSayWhatWasExpected(String text, String message) {
        String src = text.replace("\\n", "\n");
        String err = firstError(src);
        assertThat(err.lines().findFirst().orElseThrow()).isEqualTo(message);
    }

    @Test
    void errorsShowTheLineWithACaret() {
        String err = firstError("rule r\n  stage data\n  when spf.result > 3\n  accept\n");
        assertThat(err).isEqualTo("""
                t.rules:3:8: '>' compares numbers, but string signal 'spf.result' is not a number
                      when spf.result > 3
                           ^""");
    }

    @Test
    void everyErrorIsReportedNotOnlyTheFirst() {
        RuleErrors e = catchThrowableOfType(RuleErrors.class, () -> compile("""
                rule a
                  stage data
                  when nope.x
                  accept
                rule b
                  stage data
                  when spf.result > 1
                  accept
                """));
        assertThat(e.errors()).hasSize(2);
        assertThat(e.errors()).extracting(RuleError::line).containsExactly(3, 7);
    }

    @Test
    void tagsAndScoresAccumulateAndTheFirstTerminalActionDecides() throws Exception {
        RuleSet rs = compile("""
                rule s1
                  stage data
                  when spf.result == "softfail"
                  score 4
                rule s2
                  stage data
                  when message.size > 100
                  score 7
                rule tag-it
                  stage data
                  when score >= 5
                  tag X-Spam-Score "{score}"
                rule too-spammy
                  stage data
                  when score >= 10
                  reject 550 5.7.1 "Message scored {score}"
                rule never
                  stage data
                  tag X-After "x"
                """);
        StageResult r = rs.evaluate(Stage.DATA, null, signals("spf.result", "softfail", "message.size", 500L), 0);
        assertThat(r.score()).isEqualTo(11);
        assertThat(r.tags()).extracting(StageResult.Tag::value).containsExactly("11");
        assertThat(r.verdict().reply().text()).isEqualTo("Message scored 11");
        assertThat(r.trace()).extracting(StageResult.Trace::outcome).containsExactly("matched", "matched", "matched", "matched", "skipped");
    }

    @Test
    void monitorRulesRecordWhatTheyWouldHaveDoneAndDecideNothing() throws Exception {
        RuleSet rs = compile("""
                rule new-rule
                  stage connect
                  when dnsbl.listed
                  reject 554 5.7.1 "listed by {dnsbl.zone}"
                  monitor
                """);
        StageResult r = rs.evaluate(Stage.CONNECT, null, signals("dnsbl.listed", true, "dnsbl.zone", "z.example"), 0);
        assertThat(r.verdict().kind()).isEqualTo(Verdict.Kind.CONTINUE);
        assertThat(r.trace().get(0)).isEqualTo(new StageResult.Trace("new-rule", "monitor",
                "would have: reject 554 5.7.1 \"listed by z.example\"", java.util.Set.of("dnsbl.listed")));
    }

    @Test
    void scopeLimitsARuleToRecipientDomains() throws Exception {
        RuleSet rs = RuleCompiler.compile(List.of(new RuleCompiler.Source("t.rules", """
                list cn_domains = [example.cn, example.com.cn]
                rule strict-for-cn
                  stage rcpt
                  scope @cn_domains, strict.example
                  when spf.result == "softfail"
                  reject 550 5.7.23 "SPF softfail is refused here"
                """)), Map.of(), CAT);
        Signals s = signals("spf.result", "softfail");
        assertThat(rs.evaluate(Stage.RCPT, "example.cn", s, 0).verdict().refused()).isTrue();
        assertThat(rs.evaluate(Stage.RCPT, "Strict.Example", s, 0).verdict().refused()).isTrue();
        assertThat(rs.evaluate(Stage.RCPT, "example.net", s, 0).verdict().refused()).isFalse();
    }

    @Test
    void aSignalWhoseCheckFailedFailsTemporarilyNeverOpen() throws Exception {
        RuleSet rs = compile("rule r\n stage connect\n when dnsbl.listed\n reject 554 5.7.1 \"listed\"\n");
        Signals broken = name -> {
            throw new Signals.Unavailable("dnsbl: timeout after 5s", true);
        };
        Verdict v = rs.evaluate(Stage.CONNECT, null, broken, 0).verdict();
        assertThat(v.kind()).isEqualTo(Verdict.Kind.TEMPFAIL);
        assertThat(v.reply().status()).isEqualTo("4.4.3");
    }

    @Test
    void hugeNumbersAreErrorsWithAPlace() {
        assertThat(firstError("rule r\n stage data\n reject 99999999999 5.7.1 \"x\"\n").lines().findFirst().orElseThrow())
                .isEqualTo("t.rules:3:9: a reply code has three digits, found '99999999999'");
        assertThat(firstError("rule r\n stage data\n score 99999999999999999999999\n").lines().findFirst().orElseThrow())
                .startsWith("t.rules:3:8: a score is between -1000000 and 1000000");
        assertThat(firstError("rule r\n stage data\n when message.size > 99999999999999999999999\n accept\n"))
                .startsWith("t.rules:3:");
    }

    @Test
    void deepNestingAndEndlessConditionsAreErrorsNotAStackOverflow() {
        String deep = "rule r\n stage data\n when " + "(".repeat(5000) + "dnsbl.listed" + ")".repeat(5000) + "\n accept\n";
        assertThat(firstError(deep)).startsWith("t.rules:3:").contains("nest deeper than 64");
        String nots = "rule r\n stage data\n when " + "not ".repeat(5000) + "dnsbl.listed\n accept\n";
        assertThat(firstError(nots)).contains("nest deeper than 64");
        String longOr = "rule r\n stage data\n when " + "dnsbl.listed or ".repeat(5000) + "dnsbl.listed\n accept\n";
        assertThat(firstError(longOr)).contains("more than 256 tests");
    }

    @Test
    void aRuleBehindAScopedThenAnUnscopedCatchAllIsUnreachable() {
        String text = """
                rule a
                  stage data
                  scope example.net
                  accept
                rule b
                  stage data
                  accept
                rule c
                  stage data
                  when dnsbl.listed
                  reject 550 5.7.1 "listed"
                """;
        assertThat(firstError(text).lines().findFirst().orElseThrow())
                .isEqualTo("t.rules:8:1: rule 'c' can never run: rule 'b' at t.rules:5 always decides stage data before it");
        String scoped = """
                rule a
                  stage data
                  scope example.net
                  accept
                rule a2
                  stage data
                  scope example.org
                  accept
                rule d
                  stage data
                  scope example.org, example.net
                  when dnsbl.listed
                  reject 550 5.7.1 "listed"
                """;
        assertThat(firstError(scoped)).contains("rule 'd' can never run");
    }

    @Test
    void randomAndMutatedRuleFilesGiveErrorsNeverExceptions() throws Exception {
        String seed = """
                list l = [192.0.2.0/24, 2001:db8::/32]
                rule r1
                  stage data
                  scope example.net @l
                  when (dnsbl.listed or not client.ip in @partner_networks) and spf.result matches /^(fail|softfail)$/i
                  reject 550 5.7.1 "refused {spf.result} for {client.ip}"
                  monitor
                rule r2
                  stage data
                  when message.size >= 5120 and helo.name != "x"
                  score -3
                rule r3
                  stage rcpt
                  tempfail 451 4.7.1 "later"
                """;
        java.util.Random rnd = new java.util.Random(42);
        String pieces = "()\"/@{}=<>!-.,:;#\n\t 0123456789abcdefrulestagwhnotand";
        for (int n = 0; n < 3000; n++) {
            StringBuilder b = new StringBuilder(seed);
            for (int k = rnd.nextInt(8); k >= 0; k--) {
                int at = rnd.nextInt(b.length() + 1);
                switch (rnd.nextInt(4)) {
                    case 0 -> b.insert(at, pieces.charAt(rnd.nextInt(pieces.length())));
                    case 1 -> b.delete(at, Math.min(b.length(), at + 1 + rnd.nextInt(10)));
                    case 2 -> b.insert(at, String.valueOf(rnd.nextLong()) + rnd.nextInt(1_000_000));
                    default -> b.insert(at, "(".repeat(rnd.nextInt(200)));
                }
            }
            try {
                compile(b.toString());
            } catch (RuleErrors e) {
                assertThat(e.errors()).allSatisfy(err -> assertThat(err.toString()).startsWith("t.rules:"));
            }
        }
    }

    @Test
    void holdKeepsTheMessageAtTheDataStageOnly() throws Exception {
        RuleSet set = compile("rule big-and-odd\n stage data\n when message.size > 100\n hold \"{message.size} octets, unusual\"\n");
        StageResult r = set.evaluate(Stage.DATA, "example.net", signals("message.size", 5000L), 0);
        assertThat(r.verdict().kind()).isEqualTo(Verdict.Kind.HOLD);
        assertThat(r.verdict().decidedBy()).isEqualTo("big-and-odd");
        assertThat(r.verdict().reason()).isEqualTo("5000 octets, unusual");
        assertThat(r.verdict().refused()).isFalse();
        assertThat(firstError("rule h\n stage rcpt\n hold \"x\"\n").lines().findFirst().orElseThrow())
                .isEqualTo("t.rules:3:2: 'hold' keeps a whole message: it belongs to the data stage, not rcpt");
        assertThat(firstError("rule h\n stage data\n hold\n")).contains("expected why it is held, in double quotes");
    }

    @Test
    void anExemptStatementSparesThoseClientsFromTheRulesAfterItInItsFileOnly() throws Exception {
        RuleSet rs = RuleCompiler.compile(List.of(new RuleCompiler.Source("a.rules", """
                exempt client.authenticated, dnsbl.listed
                rule big
                  stage data
                  when message.size > 10
                  reject 552 5.3.4 "too big"

                rule always
                  stage connect
                  tempfail 450 4.7.1 "later"

                exempt none
                rule huge
                  stage data
                  when message.size > 1000
                  reject 552 5.3.4 "far too big"
                """), new RuleCompiler.Source("b.rules", """
                rule other-file
                  stage data
                  when message.size > 100
                  reject 552 5.3.4 "too big for b"
                """)), Map.of(), CAT);
        Signals plain = signals("message.size", 5000L, "client.authenticated", false, "dnsbl.listed", false);
        Signals authed = signals("message.size", 5000L, "client.authenticated", true, "dnsbl.listed", false);
        Signals listed = signals("message.size", 5000L, "client.authenticated", false, "dnsbl.listed", true);
        assertThat(rs.evaluate(Stage.DATA, null, plain, 0).verdict().decidedBy()).isEqualTo("big");
        assertThat(rs.evaluate(Stage.DATA, null, authed, 0).verdict().decidedBy()).isEqualTo("huge");
        assertThat(rs.evaluate(Stage.DATA, null, listed, 0).verdict().decidedBy()).isEqualTo("huge");
        assertThat(rs.evaluate(Stage.CONNECT, null, authed, 0).verdict().kind()).isEqualTo(Verdict.Kind.CONTINUE);
        assertThat(rs.evaluate(Stage.CONNECT, null, plain, 0).verdict().refused()).isTrue();
        // the exemption's signals count as read: the engine computes them
        assertThat(rs.rules(Stage.CONNECT).get(0).signals()).containsExactlyInAnyOrder("client.authenticated", "dnsbl.listed");
        assertThat(rs.rules(Stage.DATA)).filteredOn(r -> r.name().equals("other-file")).singleElement()
                .satisfies(r -> assertThat(r.signals()).containsExactly("message.size"));
    }

    @Test
    void exemptTakesKnownTrueFalseSignalsOfAnEarlierStage() {
        assertThat(firstLine("exempt client.trusted\nrule r\n  stage connect\n  accept\n"))
                .isEqualTo("t.rules:1:8: unknown signal 'client.trusted' (see: portcullis signals)");
        assertThat(firstLine("exempt client.ip\nrule r\n  stage connect\n  accept\n"))
                .isEqualTo("t.rules:1:8: exempt takes true/false signals; 'client.ip' is ip");
        assertThat(firstLine("exempt client.authenticated,\nrule r\n  stage connect\n  accept\n"))
                .startsWith("t.rules:2:1: expected a true/false signal");
        assertThat(firstLine("exempt client.authenticated\nrule r\n  stage connect\n  when dnsbl.listed\n  exempt\n"))
                .isEqualTo("t.rules:2:6: rule 'r' has no action: add accept, permit, reject, tempfail, hold, tag or score");
    }
}
