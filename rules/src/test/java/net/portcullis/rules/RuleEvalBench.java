package net.portcullis.rules;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Benchmark, not a test: the cost of evaluating a transaction's rules (connect, helo, mail,
 * rcpt and data stages) with N rules loaded, against the same with no rules, in one run.
 * Run with bench/rules-eval.sh.
 */
public final class RuleEvalBench {
    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 500;
        List<SignalSpec> specs = List.of(
                new SignalSpec("client.ip", Type.IP, Stage.CONNECT, "", ""),
                new SignalSpec("client.name", Type.STRING, Stage.CONNECT, "", ""),
                new SignalSpec("client.authenticated", Type.BOOL, Stage.CONNECT, "", ""),
                new SignalSpec("helo.name", Type.STRING, Stage.HELO, "", ""),
                new SignalSpec("mail.from_domain", Type.STRING, Stage.MAIL, "", ""),
                new SignalSpec("rcpt.domain", Type.STRING, Stage.RELAY, "", ""),
                new SignalSpec("message.size", Type.NUMBER, Stage.DATA, "", ""));
        Catalogue cat = new Catalogue(specs);
        StringBuilder src = new StringBuilder("list nets = [192.0.2.0/24, 198.51.100.0/24, 2001:db8::/32]\n");
        String[] stages = {"connect", "helo", "mail", "rcpt", "data"};
        for (int i = 0; i < n; i++) {
            String stage = stages[i % stages.length];
            String cond = switch (i % 5) {
                case 0 -> "client.ip in @nets and not client.authenticated";
                case 1 -> "helo.name matches /^(dyn|dhcp|pool)-[0-9]+\\./ or client.name == \"host" + i + ".example\"";
                case 2 -> "mail.from_domain in [spam" + i + ".example, bulk" + i + ".example]";
                case 3 -> "rcpt.domain == \"d" + i + ".example\" and client.ip in [203.0.113." + (i % 250) + "]";
                default -> "message.size > " + (100_000 + i) + " and score >= 3";
            };
            String action = i % 7 == 0 ? "score 1" : "reject 550 5.7.1 \"rule " + i + " matched for {client.ip}\"";
            src.append("rule r").append(i).append("\n  stage ").append(stage).append("\n  when ").append(cond)
                    .append("\n  ").append(action).append("\n");
        }
        RuleSet full = RuleCompiler.compile(List.of(new RuleCompiler.Source("bench.rules", src.toString())), Map.of(), cat);
        RuleSet none = RuleCompiler.compile(List.of(), Map.of(), cat);
        Map<String, Object> m = new HashMap<>();
        m.put("client.ip", InetAddress.getByName("203.0.113.77"));
        m.put("client.name", "mail.sender.example");
        m.put("client.authenticated", false);
        m.put("helo.name", "mail.sender.example");
        m.put("mail.from_domain", "sender.example");
        m.put("rcpt.domain", "example.net");
        m.put("message.size", 5120L);
        Signals s = m::get;
        System.out.println("rules loaded: " + full.rules().size());
        double[] withRules = new double[5];
        double[] baseline = new double[5];
        for (int round = 0; round < 5; round++) {
            baseline[round] = nanosPerTransaction(none, s);
            withRules[round] = nanosPerTransaction(full, s);
            System.out.printf("round %d: no rules %.0f ns/transaction, %d rules %.0f ns/transaction%n",
                    round + 1, baseline[round], n, withRules[round]);
        }
        Arrays.sort(withRules);
        Arrays.sort(baseline);
        System.out.printf("median: no rules %.0f ns, %d rules %.0f ns per transaction (%.1f us)%n",
                baseline[2], n, withRules[2], withRules[2] / 1000);
    }

    private static double nanosPerTransaction(RuleSet rs, Signals s) {
        int iterations = 20_000;
        long sink = 0;
        long t0 = System.nanoTime();
        for (int i = 0; i < iterations; i++) {
            long score = 0;
            List<StageResult> results = new ArrayList<>(5);
            for (Stage st : new Stage[] {Stage.CONNECT, Stage.HELO, Stage.MAIL, Stage.RCPT, Stage.DATA}) {
                StageResult r = rs.evaluate(st, "example.net", s, score);
                score += r.score();
                results.add(r);
            }
            sink += results.size() + score;
        }
        long t1 = System.nanoTime();
        if (sink == 42) {
            System.out.print("");
        }
        return (t1 - t0) / (double) iterations;
    }
}
