package net.portcullis.policy.content;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

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
        long end = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (true) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 200);
                break;
            } catch (IOException notYet) {
                if (!process.isAlive() || System.nanoTime() > end) {
                    process.destroy();
                    throw new IllegalStateException("rspamd did not start: " + Files.readString(dir.resolve("rspamd.out")));
                }
                Thread.sleep(100); // rspamd compiling its rules (about 10 s): polled, as any server's start
            }
        }
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
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
