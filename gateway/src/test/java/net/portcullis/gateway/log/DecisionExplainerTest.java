package net.portcullis.gateway.log;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** log show's plain words: the signals that decided first and marked, the rest folded; times to the second. */
class DecisionExplainerTest {
    @Test
    void theDecidingSignalsComeFirstAndEveryLineFits() {
        Map<String, Object> signals = new LinkedHashMap<>();
        for (int i = 0; i < 80; i++) {
            signals.put("check" + i + ".some_signal", "value-" + i);
        }
        signals.put("spf.result", "fail");
        signals.put("dmarc.result", "fail");
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("event", "transaction");
        d.put("ref", "ABCD1234");
        d.put("time", "2026-12-03T10:00:00.123456789Z");
        d.put("client", "192.0.2.9");
        d.put("sender", "a@b.example");
        d.put("verdict", "rejected");
        d.put("decided_by", "dmarc-reject");
        d.put("signals", signals);
        d.put("rules", List.of(Map.of("stage", "data", "rule", "dmarc-reject", "outcome", "matched", "detail", "reject 550",
                "reads", List.of("dmarc.result", "dmarc.policy"))));
        d.put("recipients", List.of());
        String text = DecisionExplainer.explain(d);
        assertThat(text).startsWith("ref ABCD1234  2026-12-03T10:00:00Z  REJECTED").doesNotContain(".123456789");
        assertThat(text).contains("  signals   dmarc.result=fail*\n", "  others    check0.some_signal=value-0 ",
                "(* read by the rules that matched)");
        assertThat(text.lines()).allSatisfy(l -> assertThat(l.length()).as(l).isLessThanOrEqualTo(DecisionExplainer.WIDTH + 40));
        assertThat(text.lines().filter(l -> l.contains("some_signal")).count()).isGreaterThan(10);
        assertThat(text.indexOf("dmarc.result=fail*")).isLessThan(text.indexOf("check0.some_signal"));
    }
}
