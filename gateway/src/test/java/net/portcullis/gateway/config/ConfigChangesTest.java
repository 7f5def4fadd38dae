package net.portcullis.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;

import net.portcullis.gateway.app.ConfigLoader;
import net.portcullis.gateway.checks.CheckRegistry;
import org.junit.jupiter.api.Test;

class ConfigChangesTest {
    static final String BASE = "hostname: mx.example.net\ndownstream: 127.0.0.1:2526\ndomains: [example.net]\n";

    static java.util.List<String> restart(String was, String now) throws Exception {
        return ConfigChanges.restartNeeded(ConfigLoader.parse(BASE + was), ConfigLoader.parse(BASE + now),
                CheckRegistry.reloadableSections());
    }

    @Test
    void blacklistZonesReloadAtOnceStatefulChecksWaitForARestart() throws Exception {
        assertThat(restart("", "dnsbl: {zones: [{zone: bl.example.org}]}\nrhsbl: {zones: [{zone: dbl.example.org}]}\n")).isEmpty();
        assertThat(restart("", "greylist: {delay: 10m}\nknown_senders: {remember: 30d}\n"))
                .containsExactly("greylist", "known_senders");
        assertThat(restart("", "shutdown_grace: 10s\n")).containsExactly("shutdown_grace");
    }

    @Test
    void aDnsblErrorNamesItsKey() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> ConfigLoader.parse(BASE + "dnsbl: {zones: [{zone: \"not a zone\"}]}\n"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("dnsbl.zones[0].zone");
    }
}
