package net.portcullis.gateway.checks;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import net.portcullis.gateway.app.ConfigLoader;
import net.portcullis.gateway.testing.TestConsent;
import net.portcullis.policy.Check;
import net.portcullis.policy.dns.InMemoryDns;
import net.portcullis.policy.store.Lists;
import net.portcullis.rules.SignalSpec;
import org.junit.jupiter.api.Test;

/** What every check's declaration must hold, over all of them as the registry builds them. */
class CheckRegistryTest {
    private static List<Check> all() throws Exception {
        // every module that can be switched on is on, so that each of its checks is built
        var cfg = ConfigLoader.parse("hostname: mx.example.net\ndownstream: 127.0.0.1:2526\ndomains: [example.net]\n"
                + "dnsbl: {zones: [{zone: bl.example.org}]}\nrhsbl: {zones: [{zone: dbl.example.org}]}\n");
        CheckEnv env = new CheckEnv(cfg, new InMemoryDns(), () -> Lists.of(List.of(), java.time.Clock.systemUTC()), TestConsent.book(),
                Runnable::run, new SharedState(), null, null, true, null);
        return CheckRegistry.build(env);
    }

    @Test
    void everySignalHasOneCheckAndIsKnownAtThatChecksStage() throws Exception {
        Map<String, String> by = new HashMap<>();
        for (Check c : all()) {
            for (SignalSpec s : c.spec().produces()) {
                String other = by.put(s.name(), c.spec().name());
                assertThat(other).as("signal %s from %s and %s", s.name(), other, c.spec().name()).isNull();
                assertThat(s.stage()).as("signal %s of %s", s.name(), c.spec().name()).isEqualTo(c.spec().stage());
            }
        }
        assertThat(by).hasSizeGreaterThan(100);
    }

    @Test
    void checkNamesAreUniqueAndEveryCheckEmitsSomething() throws Exception {
        Set<String> names = new HashSet<>();
        for (Check c : all()) {
            assertThat(names.add(c.spec().name())).as("check name %s", c.spec().name()).isTrue();
            assertThat(c.spec().produces()).as(c.spec().name()).isNotEmpty();
        }
    }

    @Test
    void everyModuleSectionIsATopLevelKeyOfTheShippedConfiguration() throws Exception {
        Set<String> shipped = ConfigLoader.fileKeys(java.nio.file.Path.of("../conf/gateway.yaml"));
        for (CheckModule<?> m : CheckRegistry.MODULES) {
            if (m.section() != null) {
                assertThat(shipped).as("conf/gateway.yaml documents %s:", m.section()).contains(m.section());
            }
        }
    }
}
