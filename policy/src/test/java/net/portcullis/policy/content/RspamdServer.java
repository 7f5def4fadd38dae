package net.portcullis.policy.content;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import net.portcullis.policy.testing.Loopback;

/**
 * A throwaway rspamd (Debian package rspamd) with Debian's configuration and its workers moved
 * to free loopback ports, its state, logs and run files in a temp dir, DNS pointed at a dead
 * port (no look-up leaves the machine); one per test JVM, stopped at its exit.
 */
public final class RspamdServer {
    private static RspamdServer shared;

    private final Process process;
    public final int port;

    private RspamdServer() throws Exception {
        Path dir = Files.createTempDirectory("portcullis-rspamd");
        Path local = Files.createDirectories(dir.resolve("etc/local.d"));
        for (String d : List.of("db", "run", "log")) {
            Files.createDirectories(dir.resolve(d));
        }
        port = freePort();
        Files.writeString(local.resolve("worker-normal.inc"), "bind_socket = \"127.0.0.1:" + port + "\";\ncount = 1;\n");
        Files.writeString(local.resolve("worker-controller.inc"), "bind_socket = \"127.0.0.1:" + freePort() + "\";\ncount = 1;\n");
        Files.writeString(local.resolve("worker-proxy.inc"), "bind_socket = \"127.0.0.1:" + freePort() + "\";\ncount = 1;\n");
        Files.writeString(local.resolve("logging.inc"), "type = \"file\";\nfilename = \"" + dir.resolve("log/rspamd.log") + "\";\nlevel = \"error\";\n");
        Files.writeString(local.resolve("options.inc"), "dns {\n  nameserver = [\"127.0.0.1:" + freePort() + "\"];\n  timeout = 0.2s;\n"
                + "  retransmits = 1;\n}\n");
        try (var walk = Files.walk(dir)) {
            for (Path p : walk.toList()) {
                Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(Files.isDirectory(p) ? "rwxrwxrwx" : "rw-rw-rw-"));
            }
        }
        List<String> cmd = new ArrayList<>(List.of("rspamd", "-f", "-c", "/etc/rspamd/rspamd.conf", "--var", "LOCAL_CONFDIR=" + dir.resolve("etc"),
                "--var", "DBDIR=" + dir.resolve("db"), "--var", "RUNDIR=" + dir.resolve("run"), "--var", "LOGDIR=" + dir.resolve("log")));
        if (System.getProperty("user.name").equals("root")) {
            cmd.addAll(List.of("-u", "nobody", "-g", "nogroup")); // rspamd refuses to run its workers as root
        }
        process = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve("rspamd.out").toFile()).start();
        Loopback.awaitListening(process, port, Duration.ofSeconds(90), dir.resolve("rspamd.out"), "rspamd"); // it compiles its rules, ~10 s
        Runtime.getRuntime().addShutdownHook(new Thread(process::destroy));
    }

    public static synchronized RspamdServer shared() throws Exception {
        if (shared == null) {
            shared = new RspamdServer();
        }
        return shared;
    }

    public String url() {
        return "http://127.0.0.1:" + port;
    }

    public Rspamd client() {
        return new Rspamd(List.of(URI.create(url())), Duration.ofSeconds(10));
    }

    private static int freePort() throws IOException {
        return Loopback.freePort();
    }
}
