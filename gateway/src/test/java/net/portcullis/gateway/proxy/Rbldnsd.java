package net.portcullis.gateway.proxy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import net.portcullis.gateway.testing.Eventually;
import net.portcullis.policy.dns.DnsJavaResolver;

/**
 * Debian's rbldnsd serving zones from files in a temp dir on a free loopback UDP port, stopped
 * at close: the DNS list server operators run, for tests of the DNS list checks.
 */
final class Rbldnsd implements AutoCloseable {
    private final Process process;
    private final Path out;
    final DnsJavaResolver resolver;

    /**
     * @param zones     zone name to "TYPE:FILE-TEXT", e.g. {@code "dbl.test" -> "dnset:bad.example :127.0.1.2:spam"}
     * @param probeName a name that is listed, asked until rbldnsd answers
     */
    Rbldnsd(Path dir, Map<String, String> zones, String probeName) throws Exception {
        Path data = Files.createDirectories(dir.resolve("rbldnsd"));
        // rbldnsd refuses to run as root and drops to an unprivileged user, who must read the files
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.setPosixFilePermissions(data, PosixFilePermissions.fromString("rwxr-xr-x"));
        int port = freeUdpPort();
        String bin = Files.isExecutable(Path.of("/usr/sbin/rbldnsd")) ? "/usr/sbin/rbldnsd" : "rbldnsd";
        List<String> cmd = new ArrayList<>(List.of(bin, "-n", "-b", "127.0.0.1/" + port, "-w", data.toString()));
        if (System.getProperty("user.name").equals("root")) {
            cmd.addAll(List.of("-u", "nobody"));
        }
        int i = 0;
        for (Map.Entry<String, String> z : zones.entrySet()) {
            String[] typeAndText = z.getValue().split(":", 2);
            Path f = data.resolve("zone" + i++ + ".txt");
            Files.writeString(f, typeAndText[1]);
            Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-r--r--"));
            cmd.add(z.getKey() + ":" + typeAndText[0] + ":" + f.getFileName());
        }
        out = dir.resolve("rbldnsd.out");
        process = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile()).start();
        resolver = new DnsJavaResolver(List.of(new InetSocketAddress("127.0.0.1", port)), Duration.ofSeconds(2));
        if (!Eventually.within(Duration.ofSeconds(10), () -> resolver.lookup(probeName, "A").found())) {
            close();
            throw new IllegalStateException("rbldnsd did not answer for " + probeName + ": " + Files.readString(out));
        }
    }

    /** A loopback port free for UDP (rbldnsd answers on UDP only). */
    static int freeUdpPort() throws IOException {
        try (java.net.DatagramSocket d = new java.net.DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            return d.getLocalPort();
        }
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        process.waitFor();
    }
}
