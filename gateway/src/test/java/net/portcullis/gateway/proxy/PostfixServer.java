package net.portcullis.gateway.proxy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipal;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A throwaway Postfix instance, the server operators run behind us: its own configuration,
 * queue and log under a temp dir, smtpd on a free loopback port, relaying everything to
 * {@code relayhost} (a recording sink). It asks no DNS server (smtpd_peername_lookup = no, the
 * relay host a literal address): the suite's traffic stays on loopback. Started with {@code postfix -c DIR start}, which needs
 * root (as CI runs) and the Debian package postfix (bin/test installs it).
 */
final class PostfixServer implements AutoCloseable {
    final Path dir;
    final int port;

    static boolean available() {
        return Files.isExecutable(Path.of("/usr/sbin/postfix")) && "root".equals(System.getProperty("user.name"));
    }

    /**
     * @param extraMainCf more main.cf lines, e.g. recipient restrictions. The instance lives in a
     *                    temp dir of its own (JUnit's are closed to other users; Postfix's daemons
     *                    run as the postfix user), removed at close.
     */
    PostfixServer(int relayPort, String extraMainCf) throws Exception {
        this.dir = Files.createTempDirectory("portcullis-postfix",
                java.nio.file.attribute.PosixFilePermissions.asFileAttribute(java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x")));
        this.port = freePort();
        Path etc = Files.createDirectories(dir.resolve("etc"));
        Path data = Files.createDirectories(dir.resolve("data"));
        Files.createDirectories(dir.resolve("queue"));
        Files.writeString(etc.resolve("main.cf"), """
                compatibility_level = 3.6
                queue_directory = %1$s/queue
                data_directory = %1$s/data
                mail_owner = postfix
                setgid_group = postdrop
                inet_interfaces = 127.0.0.1
                inet_protocols = ipv4
                myhostname = internal.example.net
                mydestination =
                mynetworks = 127.0.0.0/8
                relay_domains = example.net
                relayhost = [127.0.0.1]:%2$d
                smtputf8_enable = yes
                maillog_file = %1$s/maillog
                maillog_file_prefixes = %1$s
                smtpd_relay_restrictions = permit_mynetworks, reject_unauth_destination
                smtp_tls_security_level = none
                smtpd_peername_lookup = no
                alias_maps =
                alias_database =
                %3$s
                """.formatted(dir, relayPort, extraMainCf == null ? "" : extraMainCf));
        StringBuilder master = new StringBuilder("127.0.0.1:" + port + " inet n - n - - smtpd\n");
        for (String s : List.of("pickup unix n - n 60 1 pickup", "cleanup unix n - n - 0 cleanup", "qmgr unix n - n 300 1 qmgr",
                "rewrite unix - - n - - trivial-rewrite", "bounce unix - - n - 0 bounce", "defer unix - - n - 0 bounce",
                "trace unix - - n - 0 bounce", "verify unix - - n - 1 verify", "flush unix n - n 1000? 0 flush",
                "proxymap unix - - n - - proxymap", "smtp unix - - n - - smtp", "relay unix - - n - - smtp",
                "showq unix n - n - - showq", "error unix - - n - - error", "retry unix - - n - - error",
                "discard unix - - n - - discard", "anvil unix - - n - 1 anvil", "scache unix - - n - 1 scache",
                "postlog unix-dgram n - n - 1 postlogd")) {
            master.append(s).append('\n');
        }
        Files.writeString(etc.resolve("master.cf"), master);
        // Postfix's daemons run as the postfix user: they must reach the queue and own data/
        UserPrincipal postfix = dir.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("postfix");
        Files.setOwner(data, postfix);
        run("start");
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (System.nanoTime() < end) {
            try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
                return;
            } catch (IOException notYet) {
                Thread.sleep(100);
            }
        }
        close();
        throw new IllegalStateException("Postfix did not start: " + log());
    }

    String log() throws IOException {
        Path l = dir.resolve("maillog");
        return Files.exists(l) ? Files.readString(l, StandardCharsets.UTF_8) : "(no maillog)";
    }

    private void run(String verb) throws Exception {
        Process p = new ProcessBuilder("/usr/sbin/postfix", "-c", dir.resolve("etc").toString(), verb)
                .redirectErrorStream(true).redirectOutput(dir.resolve("postfix-" + verb + ".out").toFile()).start();
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException("postfix " + verb + " did not finish");
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    @Override
    public void close() throws Exception {
        try {
            run("stop");
        } finally {
            try (var walk = Files.walk(dir)) {
                walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }
}
