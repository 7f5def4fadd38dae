package net.portcullis.gateway.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import net.portcullis.gateway.app.PolicyWiring;
import net.portcullis.rules.RuleCompiler;
import net.portcullis.rules.RuleErrors;
import org.junit.jupiter.api.Test;

/** Every rule example in the docs (docs/*.md, README.md) compiles against the real signal catalogue. */
class DocsExamplesTest {
    @Test
    void everyRuleExampleInTheDocsCompiles() throws Exception {
        StringBuilder all = new StringBuilder(Files.readString(Path.of("../README.md")));
        try (var docs = Files.list(Path.of("../docs"))) {
            for (Path p : docs.filter(f -> f.toString().endsWith(".md")).sorted().toList()) {
                all.append('\n').append(Files.readString(p));
            }
        }
        String doc = all.toString();
        List<String> blocks = new ArrayList<>();
        StringBuilder cur = null;
        for (String line : doc.split("\n")) {
            if (line.startsWith("```")) {
                if (cur == null) {
                    cur = line.equals("```") ? new StringBuilder() : new StringBuilder("#lang");
                } else {
                    if (!cur.toString().startsWith("#lang")) {
                        blocks.add(cur.toString());
                    }
                    cur = null;
                }
            } else if (cur != null) {
                cur.append(line).append('\n');
            }
        }
        List<String> failures = new ArrayList<>();
        int compiled = 0;
        for (String block : blocks) {
            if (!block.contains("rule ") || !block.contains("stage")) {
                continue;
            }
            if (block.matches("(?s).*^\\s*rule NAME.*")) {
                continue; // the grammar outline, not an example
            }
            try {
                RuleCompiler.compile(List.of(new RuleCompiler.Source("example", block)),
                        Map.of("partner_networks", List.of("192.0.2.0/24")), PolicyWiring.catalogue());
                compiled++;
            } catch (RuleErrors e) {
                failures.add(e.getMessage());
            }
        }
        assertThat(failures).isEmpty();
        assertThat(compiled).isGreaterThanOrEqualTo(9);
    }
}
