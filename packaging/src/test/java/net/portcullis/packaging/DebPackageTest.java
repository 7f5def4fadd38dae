package net.portcullis.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import net.portcullis.policy.dns.NsdServer;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.subethamail.smtp.server.SMTPServer;
import org.subethamail.wiser.Wiser;

/**
 * The Debian package as an operator meets it: built by this module (jdeb), installed with
 * dpkg on this machine, the service started as the unit starts it (as its own user, from its
 * own directory), a message sent through it to a recording sink, stopped, and purged without a
 * trace. Runs as root on a machine without Portcullis installed (CI); skipped elsewhere, since
 * it installs a package. No systemd here: the unit's ExecStart is run directly, and the unit's
 * hardening is checked as written.
 */
class DebPackageTest {
    @TempDir
    Path tmp;

    static String run(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(String.join(" ", cmd) + " did not finish: " + out);
        }
        if (p.exitValue() != 0) {
            throw new AssertionError(String.join(" ", cmd) + " exited " + p.exitValue() + ": " + out);
        }
        return out;
    }

    static boolean installed() throws Exception {
        Process p = new ProcessBuilder("dpkg", "-s", "portcullis").redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        return p.waitFor() == 0;
    }

    static Path deb() throws IOException {
        try (var s = Files.list(Path.of("target"))) {
            List<Path> debs = s.filter(f -> f.getFileName().toString().matches("portcullis_.*_all\\.deb")).toList();
            assertThat(debs).as("the package this module built").hasSize(1);
            return debs.get(0).toAbsolutePath();
        }
    }

    @Test
    void installRunAndPurge() throws Exception {
        Assumptions.assumeTrue("root".equals(System.getProperty("user.name")) && Files.isExecutable(Path.of("/usr/bin/dpkg"))
                && !Files.exists(Path.of("/usr/share/portcullis")) && !installed(),
                "installs a package: runs as root where Portcullis is not installed (CI)");
        Path deb = deb();
        try {
            run("dpkg", "-i", deb.toString());
            // what the package put in place
            assertThat(Path.of("/usr/bin/portcullis")).isExecutable();
            assertThat(Files.readSymbolicLink(Path.of("/usr/share/portcullis/conf"))).isEqualTo(Path.of("/etc/portcullis"));
            assertThat(Files.readSymbolicLink(Path.of("/usr/share/portcullis/var"))).isEqualTo(Path.of("/var/lib/portcullis"));
            assertThat(Path.of("/etc/portcullis/gateway.yaml")).exists();
            assertThat(Path.of("/etc/portcullis/rules/10-relay.rules")).exists();
            assertThat(run("getent", "passwd", "portcullis")).contains("/var/lib/portcullis");
            assertThat(Files.getOwner(Path.of("/var/lib/portcullis")).getName()).isEqualTo("portcullis");
            assertThat(Files.getOwner(Path.of("/var/log/portcullis")).getName()).isEqualTo("portcullis");
            assertThat(run("dpkg-query", "-W", "-f=${Conffiles}", "portcullis")).contains("/etc/portcullis/gateway.yaml",
                    "/etc/portcullis/milter.yaml", "/etc/portcullis/rules/20-transmission.rules");
            String unit = Files.readString(Path.of("/lib/systemd/system/portcullis.service"));
            assertThat(unit).contains("User=portcullis", "ExecStart=/usr/bin/portcullis serve", "ExecReload=/bin/kill -HUP $MAINPID",
                    "AmbientCapabilities=CAP_NET_BIND_SERVICE", "ProtectSystem=strict", "NoNewPrivileges=true",
                    "ReadWritePaths=/var/lib/portcullis /var/log/portcullis", "RestartPreventExitStatus=78",
                    "RuntimeDirectory=portcullis");
            // the commands work as installed, the shipped configuration and rules included
            assertThat(run("/usr/bin/portcullis", "--help")).contains("serve");
            assertThat(run("runuser", "-u", "portcullis", "--", "/usr/bin/portcullis", "rules", "check")).isNotNull();

            serveAndDeliver();
        } finally {
            if (installed()) {
                run("dpkg", "--purge", "portcullis");
            }
        }
        assertThat(Path.of("/usr/share/portcullis")).doesNotExist();
        assertThat(Path.of("/etc/portcullis")).doesNotExist();
        assertThat(Path.of("/var/lib/portcullis")).doesNotExist();
        assertThat(Path.of("/usr/bin/portcullis")).doesNotExist();
        Process who = new ProcessBuilder("getent", "passwd", "portcullis").start();
        assertThat(who.waitFor()).as("the system user is gone").isNotZero();
    }

    /** The service as its unit runs it, on ports the OS picks, with a real DNS server on loopback. */
    private void serveAndDeliver() throws Exception {
        Path zones = Files.createDirectories(tmp.resolve("zones"));
        Files.writeString(zones.resolve("other.org.zone"), """
                $ORIGIN other.org.
                $TTL 300
                @ IN SOA ns.other.org. hostmaster.other.org. 1 3600 600 86400 300
                @ IN NS ns.other.org.
                ns IN A 127.0.0.1
                @ IN TXT "v=spf1 ip4:127.0.0.0/8 -all"
                client IN A 127.0.0.3
                """);
        Files.writeString(zones.resolve("127.zone"), """
                $ORIGIN 0.0.127.in-addr.arpa.
                $TTL 300
                @ IN SOA ns.other.org. hostmaster.other.org. 1 3600 600 86400 300
                @ IN NS ns.other.org.
                3 IN PTR client.other.org.
                """);
        Wiser sink = Wiser.accepter((f, r) -> true).server(SMTPServer.port(0).bindAddress(InetAddress.getLoopbackAddress())
                .hostName("internal.example.net"));
        sink.start();
        Process gateway = null;
        StringBuffer serviceLog = new StringBuffer();
        try (NsdServer dns = new NsdServer(zones, Map.of("other.org", zones.resolve("other.org.zone"),
                "0.0.127.in-addr.arpa", zones.resolve("127.zone")))) {
            int sinkPort = sink.getServer().getPortAllocated();
            // what an operator edits: where to listen, the protected server, the resolvers
            String yaml = Files.readString(Path.of("/etc/portcullis/gateway.yaml"))
                    .replace("listen: 127.0.0.1:2525", "listen: 127.0.0.1:0")
                    .replace("downstream: 127.0.0.1:2526", "downstream: 127.0.0.1:" + sinkPort)
                    .replace("  servers: []                  # e.g. [\"127.0.0.1:5353\"]",
                            "  servers: [\"127.0.0.1:" + dns.address().getPort() + "\"]  # e.g. [\"127.0.0.1:5353\"]") // dns:, not antivirus:
                    .replace("  listen: 127.0.0.1:9325", "  listen: 127.0.0.1:0");
            assertThat(yaml).contains("listen: 127.0.0.1:0", "127.0.0.1:" + dns.address().getPort());
            Files.writeString(Path.of("/etc/portcullis/gateway.yaml"), yaml);

            gateway = new ProcessBuilder("runuser", "-u", "portcullis", "--", "/usr/bin/portcullis", "serve")
                    .directory(Path.of("/usr/share/portcullis").toFile()).redirectErrorStream(true).start();
            int port = listeningPort(gateway, serviceLog);
            String reply;
            try (var c = new java.net.Socket()) {
                c.bind(new java.net.InetSocketAddress(InetAddress.getByName("127.0.0.3"), 0));
                c.connect(new java.net.InetSocketAddress(InetAddress.getLoopbackAddress(), port), 5000);
                c.setSoTimeout(15000);
                var in = new BufferedReader(new InputStreamReader(c.getInputStream(), StandardCharsets.US_ASCII));
                var out = c.getOutputStream();
                List<String> replies = new ArrayList<>();
                replies.add(lastLine(in));
                for (String cmd : List.of("EHLO client.other.org", "MAIL FROM:<a@other.org>", "RCPT TO:<u@example.net>", "DATA")) {
                    out.write((cmd + "\r\n").getBytes(StandardCharsets.US_ASCII));
                    replies.add(lastLine(in));
                }
                out.write(("From: a@other.org\r\nTo: u@example.net\r\nSubject: installed\r\nDate: Sat, 28 Nov 2026 10:00:00 +0000\r\n"
                        + "Message-ID: <deb-test@other.org>\r\n\r\nthrough the package\r\n.\r\n").getBytes(StandardCharsets.US_ASCII));
                reply = lastLine(in);
                replies.add(reply);
                out.write("QUIT\r\n".getBytes(StandardCharsets.US_ASCII));
                assertThat(replies).as("the dialogue").element(0).asString().startsWith("220 ");
                assertThat(replies.get(4)).startsWith("354");
            }
            assertThat(reply).startsWith("250 ");
            assertThat(sink.getMessages()).hasSize(1);
            assertThat(new String(sink.getMessages().get(0).getData(), StandardCharsets.UTF_8)).contains("through the package");
            // its state and logs where the package put them, owned by its user
            assertThat(Files.getOwner(Path.of("/var/lib/portcullis/portcullis.db")).getName()).isEqualTo("portcullis");
            Matcher ref = Pattern.compile("\\[ref (\\w{8})]").matcher(reply);
            assertThat(ref.find()).isTrue();
            long end = System.currentTimeMillis() + 10_000;
            Path decisions = Path.of("/var/log/portcullis/decisions.jsonl");
            while (System.currentTimeMillis() < end && !(Files.exists(decisions) && Files.readString(decisions).contains(ref.group(1)))) {
                Thread.sleep(100);
            }
            assertThat(Files.readString(decisions)).as("the decision log; the service said:\n%s", serviceLog)
                    .contains("\"ref\":\"" + ref.group(1) + "\"");
        } finally {
            if (gateway != null) {
                gateway.destroy(); // SIGTERM to runuser, passed on: the gateway's graceful stop
                if (!gateway.waitFor(60, TimeUnit.SECONDS)) {
                    gateway.destroyForcibly();
                }
            }
            sink.stop();
        }
    }

    private static String lastLine(BufferedReader in) throws IOException {
        String l;
        do {
            l = in.readLine();
            if (l == null) {
                throw new IOException("connection closed");
            }
        } while (l.length() > 3 && l.charAt(3) == '-');
        return l;
    }

    /** Reads the service's log until it says where it listens. */
    private static int listeningPort(Process gateway, StringBuffer seen) throws Exception {
        BufferedReader log = new BufferedReader(new InputStreamReader(gateway.getInputStream(), StandardCharsets.UTF_8));
        Pattern listening = Pattern.compile("Portcullis listening on 127\\.0\\.0\\.1:(\\d+)");
        CompletableFuture<Integer> port = CompletableFuture.supplyAsync(() -> {
            try {
                String line;
                while ((line = log.readLine()) != null) {
                    seen.append(line).append('\n');
                    Matcher m = listening.matcher(line);
                    if (m.find()) {
                        Thread drain = new Thread(() -> {
                            try {
                                String more;
                                while ((more = log.readLine()) != null) { // the service must never block on its log
                                    seen.append(more).append('\n');
                                }
                            } catch (IOException ignored) {
                                // the process ended
                            }
                        });
                        drain.setDaemon(true);
                        drain.start();
                        return Integer.parseInt(m.group(1));
                    }
                }
                throw new IllegalStateException("the service ended before listening:\n" + seen);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
        try {
            return port.get(60, TimeUnit.SECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new AssertionError("the service did not say where it listens within 60 s:\n" + seen);
        }
    }
}
