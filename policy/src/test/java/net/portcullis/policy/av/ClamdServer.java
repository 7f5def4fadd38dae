package net.portcullis.policy.av;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import net.portcullis.policy.testing.Loopback;

/**
 * A throwaway clamd (Debian package clamav-daemon) on a free loopback port, with the test
 * signature databases of src/test/resources/clamav only (EICAR's MD5 and its bytes), StreamMaxLength 2M so that
 * tests can pass it; one per test JVM, stopped at its exit.
 */
public final class ClamdServer {
    /** The test's EICAR file: 68 bytes, harmless by design. */
    public static final String EICAR = "X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*";
    public static final long STREAM_MAX = 2L << 20;

    private static ClamdServer shared;

    private final Process process;
    public final int port;
    private final Path dir;

    private ClamdServer() throws Exception {
        dir = Files.createTempDirectory("portcullis-clamd");
        Path db = Files.createDirectories(dir.resolve("db"));
        Path sigs = Path.of("src/test/resources/clamav");
        if (!Files.exists(sigs.resolve("portcullis-test.hdb"))) {
            sigs = Path.of("../policy/src/test/resources/clamav"); // from the gateway module
        }
        for (String f : List.of("portcullis-test.hdb", "portcullis-test.ndb")) {
            Files.copy(sigs.resolve(f), db.resolve(f));
        }
        port = Loopback.freePort();
        Files.writeString(dir.resolve("clamd.conf"), String.join("\n",
                "Foreground yes", "TCPSocket " + port, "TCPAddr 127.0.0.1", "LocalSocket " + dir.resolve("clamd.sock"), "DatabaseDirectory " + db,
                "StreamMaxLength " + (STREAM_MAX >> 20) + "M", "LogFile " + dir.resolve("clamd.log"), "PidFile " + dir.resolve("clamd.pid"),
                "TemporaryDirectory " + dir, "") );
        String bin = Files.isExecutable(Path.of("/usr/sbin/clamd")) ? "/usr/sbin/clamd" : "clamd";
        process = new ProcessBuilder(bin, "-c", dir.resolve("clamd.conf").toString()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("clamd.out").toFile()).start();
        Loopback.awaitListening(process, port, Duration.ofSeconds(60), dir.resolve("clamd.out"), "clamd");
        Runtime.getRuntime().addShutdownHook(new Thread(process::destroy));
    }

    /** The test JVM's clamd, started on first use. */
    public static synchronized ClamdServer shared() throws Exception {
        if (shared == null) {
            shared = new ClamdServer();
        }
        return shared;
    }

    public String address() {
        return "127.0.0.1:" + port;
    }

    /** The same clamd's Unix socket, as {@code unix:/path}. */
    public String unixAddress() {
        return "unix:" + dir.resolve("clamd.sock");
    }

    public Clamd client() {
        return new Clamd(List.of(Clamd.Server.parse(address())), Duration.ofSeconds(10));
    }

    /** A loopback port nobody listens on: a clamd that is down. */
    public static int deadPort() throws IOException {
        return Loopback.freePort();
    }
}
