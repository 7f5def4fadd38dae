package net.portcullis.gateway.proxy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import jakarta.mail.Session;
import jakarta.mail.Store;
import net.portcullis.policy.testing.Loopback;

/**
 * A throwaway Dovecot IMAP server (Debian packages dovecot-imapd, dovecot-sieve) on a free
 * loopback port, in a temp dir, with the shipped report inlet of conf/dovecot installed as an
 * admin would (its paths moved into the temp dir): any user logs in with password "secret".
 * Run as root, mail belongs to nobody, since Dovecot refuses mail processes running as root.
 */
final class DovecotServer implements AutoCloseable {
    static final String PASSWORD = "secret";

    final Path dir;
    final Path spool;
    final int port;
    private final Process process;
    private final Path bin;

    DovecotServer(String reportUrl, String token) throws Exception {
        // a directory of its own under /tmp, not a test's @TempDir: run as root, nobody must reach it
        dir = Files.createTempDirectory("portcullis-dovecot");
        bin = Files.createDirectories(dir.resolve("portcullis"));
        spool = dir.resolve("spool");
        Path shipped = Path.of("../conf/dovecot");
        for (String f : List.of("portcullis-report", "report-spam.sieve", "report-ham.sieve")) {
            Files.copy(shipped.resolve(f), bin.resolve(f));
        }
        bin.resolve("portcullis-report").toFile().setExecutable(true, false);
        pointAt(reportUrl, token);
        Files.writeString(dir.resolve("90-portcullis-report.conf"),
                Files.readString(shipped.resolve("90-portcullis-report.conf")).replace("/usr/lib/dovecot/portcullis", bin.toString()));
        boolean root = "root".equals(System.getProperty("user.name"));
        String user = root ? "nobody" : System.getProperty("user.name");
        String group = root ? "nogroup" : groupOf(dir);
        port = Loopback.freePort();
        Files.createDirectories(dir.resolve("mail"));
        Files.writeString(dir.resolve("dovecot.conf"), String.join("\n",
                "base_dir = " + dir.resolve("run"), "state_dir = " + dir.resolve("state"),
                "log_path = " + dir.resolve("dovecot.log"), "ssl = no", "disable_plaintext_auth = no", "listen = 127.0.0.1",
                "protocols = imap", "mail_debug = yes", "default_internal_user = " + user, "default_login_user = " + user,
                "default_internal_group = " + group, "first_valid_uid = 0", "mail_location = maildir:" + dir.resolve("mail") + "/%u",
                "passdb {", "  driver = static", "  args = password=" + PASSWORD, "}",
                "userdb {", "  driver = static", "  args = uid=" + user + " gid=" + group + " home=" + dir.resolve("mail") + "/%u", "}",
                "service imap-login {", "  inet_listener imap {", "    address = 127.0.0.1", "    port = " + port, "  }",
                "  inet_listener imaps {", "    port = 0", "  }", "}",
                "service stats {", "  inet_listener http {", "    port = 0", "  }", "}",
                "!include " + dir.resolve("90-portcullis-report.conf"), ""));
        if (root) {
            // the mail processes run as nobody: they must write the mail, the spool and the compiled scripts
            UserPrincipalLookupService users = dir.getFileSystem().getUserPrincipalLookupService();
            for (Path p : List.of(dir, dir.resolve("mail"), bin)) {
                Files.setOwner(p, users.lookupPrincipalByName(user));
            }
        }
        String dovecot = Files.isExecutable(Path.of("/usr/sbin/dovecot")) ? "/usr/sbin/dovecot" : "dovecot";
        process = new ProcessBuilder(dovecot, "-F", "-c", dir.resolve("dovecot.conf").toString()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("dovecot.out").toFile()).start();
        Loopback.awaitListening(process, port, Duration.ofSeconds(30), dir.resolve("dovecot.out"), "dovecot");
    }

    /** Rewrites the inlet's settings, as an admin edits portcullis-report.conf. */
    void pointAt(String reportUrl, String token) throws Exception {
        Files.writeString(bin.resolve("portcullis-report.conf"),
                "url=" + reportUrl + "\ntoken=" + token + "\nspool=" + spool + "\n");
    }

    private static String groupOf(Path p) throws Exception {
        return Files.readAttributes(p, java.nio.file.attribute.PosixFileAttributes.class).group().getName();
    }

    /** An IMAP session as {@code user}, through Jakarta Mail's IMAP provider. */
    Store login(String user) throws Exception {
        Properties props = new Properties();
        props.put("mail.imap.host", "127.0.0.1");
        props.put("mail.imap.port", String.valueOf(port));
        props.put("mail.imap.connectiontimeout", "10000");
        props.put("mail.imap.timeout", "20000");
        Store store = Session.getInstance(props).getStore("imap");
        store.connect("127.0.0.1", port, user, PASSWORD);
        return store;
    }

    /** What Dovecot logged (errors of the sieve pipe included), for a failing assertion's message. */
    String log() throws Exception {
        Path log = dir.resolve("dovecot.log");
        return Files.exists(log) ? Files.readString(log) : "(no log)";
    }

    @Override
    public void close() throws Exception {
        process.destroy();
        if (!process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
        try (var walk = Files.walk(dir)) {
            walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
