package net.portcullis.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import net.portcullis.rules.Signals;
import org.junit.jupiter.api.Test;

class SignalMapTest {
    @Test
    void aFamilyThatFailedMakesEachOfItsNamesUnavailableNotAbsent() throws Exception {
        SignalMap m = new SignalMap(null);
        m.put(Signal.unavailable("rspamd.symbol.*", "rspamd unavailable: timeout", false));
        assertThatThrownBy(() -> m.value("rspamd.symbol.GTUBE")).isInstanceOf(Signals.Unavailable.class)
                .hasMessageContaining("rspamd unavailable");
        assertThat(m.value("rspamd.symbolic")).isNull();

        SignalMap ok = new SignalMap(null);
        ok.put(Signal.of("rspamd.symbol.GTUBE", true, "matched"));
        assertThat(ok.value("rspamd.symbol.GTUBE")).isEqualTo(true);
        assertThat(ok.value("rspamd.symbol.PHISHING")).as("a symbol that did not match is absent: false to a rule").isNull();
    }
}
