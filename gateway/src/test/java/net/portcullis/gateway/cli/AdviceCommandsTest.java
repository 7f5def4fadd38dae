package net.portcullis.gateway.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import net.portcullis.gateway.log.DecisionExplainer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every command that log show and the review page print as advice (`bin/portcullis …` in backquotes)
 * is run here as printed, against an installation laid out as the package lays it (conf/rules,
 * conf/local.d, logs/decisions.jsonl): advice that names a flag that does not exist fails here.
 */
class AdviceCommandsTest {
    @TempDir
    Path home;

    static final Pattern COMMAND = Pattern.compile("`bin/portcullis ([^`]+)`");

    @Test
    void everyAdvisedCommandRunsAsPrinted() throws Exception {
        Path conf = Files.createDirectories(home.resolve("conf"));
        copy(Path.of("../conf/rules"), conf.resolve("rules"));
        copy(Path.of("../conf/lists"), conf.resolve("lists"));
        Files.createDirectories(conf.resolve("local.d"));
        Path yaml = Files.writeString(conf.resolve("gateway.yaml"), """
                hostname: mx.example.net
                downstream: 127.0.0.1:2526
                domains: [example.net]
                var_dir: %s
                rules: {directory: %s, local: %s, lists: %s}
                """.formatted(home.resolve("var"), conf.resolve("rules"), conf.resolve("local.d"), conf.resolve("lists")));
        Path log = Files.createDirectories(home.resolve("logs")).resolve("decisions.jsonl");
        Files.writeString(log, "{\"event\":\"transaction\",\"ref\":\"AAAAAAAA\",\"signals\":{},\"recipients\":[]}\n");

        List<String> texts = new ArrayList<>();
        for (String by : List.of("relay.closed", "relay.routing_trick", "rcpt.syntax", "limits.message_size", "data.bare_newline",
                "downstream", "shutdown", "transmission.spf_fail", "blacklists.dnsbl")) {
            texts.add(DecisionExplainer.explain(decision(by, "rejected", Map.of("mail.from", "o'brien+x@sender.example",
                    "client.ip", "192.0.2.9", "spf.result", "fail", "spf.domain", "sender.example"))));
            texts.add(DecisionExplainer.explain(decision(by, "rejected", Map.of())));
        }
        texts.add(DecisionExplainer.explain(decision("consent.unknown_sender", "held", Map.of())));
        texts.add(DecisionExplainer.explain(Map.of("event", "connection_refused", "ref", "CCCCCCCC", "client", "192.0.2.9",
                "reply", "421 4.7.0 Too many connections", "decided_by", "limits.connections_per_client")));

        List<String> commands = new ArrayList<>();
        for (String t : texts) {
            Matcher m = COMMAND.matcher(t);
            while (m.find()) {
                commands.add(m.group(1));
            }
        }
        assertThat(commands).as("the advice names commands").anyMatch(c -> c.startsWith("list add"))
                .anyMatch(c -> c.startsWith("rules replay")).anyMatch(c -> c.startsWith("hold release"));
        for (String c : commands.stream().distinct().toList()) {
            List<String> args = new ArrayList<>();
            for (String word : shellWords(c)) {
                // the printed paths are relative to the installation's root, as bin/portcullis runs there
                args.add(word.startsWith("conf/") || word.startsWith("logs/") ? home.resolve(word).toString() : word);
            }
            args.add("--config");
            args.add(yaml.toString());
            Cli.Result r = Cli.run(args.toArray(String[]::new));
            if (c.startsWith("hold ")) {
                // no message is held in this store: the command ran and said so (exit 1, not found), it did not fail to parse
                assertThat(r.exit()).as(c + "\n" + r.err()).isEqualTo(1);
                assertThat(r.err()).contains("no held message with ref BBBBBBBB");
            } else {
                assertThat(r.exit()).as(c + "\n" + r.out() + r.err()).isZero();
            }
        }
        assertThat(Cli.run("list", "show", "--white", "--config", yaml.toString()).out())
                .contains("white address o'brien+x@sender.example", "white ip      192.0.2.9");
    }

    static Map<String, Object> decision(String by, String verdict, Map<String, Object> signals) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("event", "transaction");
        d.put("ref", "BBBBBBBB");
        d.put("time", "2026-12-03T10:00:00Z");
        d.put("client", "192.0.2.9");
        d.put("helo", "client.sender.example");
        d.put("sender", "o'brien+x@sender.example");
        d.put("verdict", verdict);
        d.put("decided_by", by);
        d.put("signals", signals);
        d.put("recipients", List.of(Map.of("address", "u@example.net", "outcome", verdict, "decided_by", by)));
        return d;
    }

    /** A POSIX shell's reading of single-quoted words, which is all the advice uses. */
    static List<String> shellWords(String line) {
        List<String> out = new ArrayList<>();
        StringBuilder w = new StringBuilder();
        boolean quoted = false;
        boolean any = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c == '\'') {
                quoted = !quoted;
                any = true;
            } else if (c == ' ' && !quoted) {
                if (any) {
                    out.add(w.toString());
                }
                w.setLength(0);
                any = false;
            } else if (c == '\\' && !quoted && i + 1 < line.length()) {
                w.append(line.charAt(++i));
                any = true;
            } else {
                w.append(c);
                any = true;
            }
        }
        assertThat(quoted).as("unbalanced quote in " + line).isFalse();
        if (any) {
            out.add(w.toString());
        }
        return out;
    }

    static void copy(Path from, Path to) throws Exception {
        Files.createDirectories(to);
        try (var files = Files.list(from)) {
            for (Path f : files.toList()) {
                Files.copy(f, to.resolve(f.getFileName()));
            }
        }
    }
}
