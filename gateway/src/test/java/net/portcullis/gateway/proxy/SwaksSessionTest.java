package net.portcullis.gateway.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.subethamail.wiser.Wiser;

/** An independent SMTP client, swaks (Debian package swaks, installed by bin/test), through the gateway. */
class SwaksSessionTest {
    @TempDir
    Path var;

    private static Process swaks(List<String> args) throws Exception {
        List<String> cmd = new java.util.ArrayList<>(List.of("swaks", "--hide-informational", "--timeout", "15"));
        cmd.addAll(args);
        return new ProcessBuilder(cmd).redirectErrorStream(true).start();
    }

    private static String run(List<String> args) throws Exception {
        Process p = swaks(args);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).as("swaks finished").isTrue();
        return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    }

    @Test
    void swaksDeliversOverStartTlsAndIsRefusedWhenRelaying() throws Exception {
        Wiser downstream = GatewayHarness.wiser((f, r) -> true);
        try (GatewayHarness gw = new GatewayHarness(GatewayHarness.port(downstream), var, null)) {
            String server = "127.0.0.1:" + gw.port();
            String ok = run(List.of("--server", server, "--tls", "--from", "sender@other.org", "--to", "user@example.net",
                    "--helo", "client.other.org", "--header", "Subject: via swaks"));
            assertThat(ok).contains("<~  250 ").doesNotContain("<~* ");
            String denied = run(List.of("--server", server, "--from", "sender@other.org", "--to", "victim@elsewhere.com",
                    "--helo", "client.other.org"));
            assertThat(denied).containsPattern("<\\*\\* +550 5\\.7\\.1 Relay access denied \\[ref \\w{8}\\]");
        } finally {
            downstream.stop();
        }
        assertThat(downstream.getMessages()).hasSize(1);
        String data = new String(downstream.getMessages().get(0).getData(), StandardCharsets.ISO_8859_1);
        assertThat(data).startsWith("Received: from client.other.org").contains("with ESMTPS", "Subject: via swaks");
    }
}
