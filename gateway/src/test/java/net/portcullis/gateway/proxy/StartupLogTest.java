package net.portcullis.gateway.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Both serving commands, as processes, say where each of their listeners is, one line each, when it is ready. */
class StartupLogTest {
    @TempDir
    Path tmp;

    @Test
    void serveAndMilterNameEveryListenerAtStart() throws Exception {
        String common = """
                hostname: mx.example.net
                downstream: 127.0.0.1:%d
                domains: [example.net]
                var_dir: %s
                admin: {listen: "127.0.0.1:%d"}
                dns: {servers: ["127.0.0.1:9"], timeout: 1s}
                rules: {directory: ../conf/rules, local: ../conf/local.d, lists: ../conf/lists}
                """;
        int milter = net.portcullis.policy.dns.NsdServer.freePort();
        int smtp = net.portcullis.policy.dns.NsdServer.freePort();
        Path milterConf = Files.writeString(tmp.resolve("milter.yaml"), common.formatted(2526, tmp.resolve("var1"),
                net.portcullis.policy.dns.NsdServer.freePort()) + "milter: {listen: \"inet:127.0.0.1:" + milter + "\"}\n");
        Path serveConf = Files.writeString(tmp.resolve("gateway.yaml"), common.formatted(2526, tmp.resolve("var2"),
                net.portcullis.policy.dns.NsdServer.freePort()) + "listen: 127.0.0.1:" + smtp + "\n");
        List<String> m = started("milter", milterConf, "milter server listening on ", "metrics on http://");
        assertThat(m).anyMatch(l -> l.contains("milter server listening on ") && l.contains(String.valueOf(milter)))
                .anyMatch(l -> l.contains("metrics on http://127.0.0.1:"));
        List<String> s = started("serve", serveConf, "Portcullis listening on ", "metrics on http://");
        assertThat(s).anyMatch(l -> l.contains("Portcullis listening on 127.0.0.1:" + smtp)).anyMatch(l -> l.contains("metrics on http://"));
    }

    /** The process's log until every one of {@code ready} was said (at most 30 s); the process is stopped. */
    private List<String> started(String command, Path conf, String... ready) throws Exception {
        Process p = new ProcessBuilder(FleetTest.portcullis(tmp.resolve("logs-" + command), command, "--config", conf.toString()))
                .redirectErrorStream(true).start();
        List<String> lines = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            long end = System.nanoTime() + 30_000_000_000L;
            String l;
            while (System.nanoTime() < end && (l = r.readLine()) != null) {
                lines.add(l);
                if (java.util.Arrays.stream(ready).allMatch(w -> lines.stream().anyMatch(x -> x.contains(w)))) {
                    break;
                }
            }
        } finally {
            p.destroy();
            p.waitFor(10, TimeUnit.SECONDS);
            p.destroyForcibly();
        }
        for (String w : ready) {
            assertThat(lines).as(command + " said " + w).anyMatch(l -> l.contains(w));
        }
        return lines;
    }
}
