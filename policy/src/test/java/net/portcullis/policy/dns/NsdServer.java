package net.portcullis.policy.dns;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A real authoritative DNS server (NSD, Debian package nsd) on a loopback port the OS picked,
 * serving zone files from src/test/resources/zones. A zone mapped to a missing file is
 * configured but not loadable, so NSD answers SERVFAIL for it.
 */
public final class NsdServer implements AutoCloseable {
    private final Process process;
    private final int port;
    private final Path dir;

    public NsdServer(Path workDir, Map<String, Path> zones) throws Exception {
        this.dir = workDir;
        this.port = freePort();
        StringBuilder conf = new StringBuilder();
        conf.append("server:\n")
                .append("  ip-address: 127.0.0.1@").append(port).append('\n')
                .append("  port: ").append(port).append('\n')
                .append("  username: \"\"\n  chroot: \"\"\n  database: \"\"\n")
                .append("  zonesdir: \"").append(dir).append("\"\n")
                .append("  zonelistfile: \"").append(dir.resolve("zone.list")).append("\"\n")
                .append("  xfrdfile: \"").append(dir.resolve("xfrd.state")).append("\"\n")
                .append("  xfrdir: \"").append(dir).append("\"\n")
                .append("  pidfile: \"").append(dir.resolve("nsd.pid")).append("\"\n")
                .append("  logfile: \"").append(dir.resolve("nsd.log")).append("\"\n")
                .append("  server-count: 1\n  verbosity: 1\n  hide-version: yes\n")
                .append("remote-control:\n  control-enable: no\n");
        for (Map.Entry<String, Path> z : zones.entrySet()) {
            conf.append("zone:\n  name: \"").append(z.getKey()).append("\"\n  zonefile: \"").append(z.getValue()).append("\"\n");
        }
        Path cfg = dir.resolve("nsd.conf");
        Files.writeString(cfg, conf);
        String binary = Files.isExecutable(Path.of("/usr/sbin/nsd")) ? "/usr/sbin/nsd" : "nsd";
        process = new ProcessBuilder(binary, "-d", "-c", cfg.toString()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("nsd.out").toFile()).start();
        DnsJavaResolver probe = new DnsJavaResolver(List.of(address()), Duration.ofMillis(300));
        long end = System.currentTimeMillis() + 15_000;
        while (System.currentTimeMillis() < end) {
            if (!process.isAlive()) {
                throw new IllegalStateException("nsd exited: " + Files.readString(dir.resolve("nsd.out"))
                        + (Files.exists(dir.resolve("nsd.log")) ? Files.readString(dir.resolve("nsd.log")) : ""));
            }
            String first = zones.keySet().iterator().next();
            if (probe.lookup(first, "SOA").found()) {
                return;
            }
            Thread.sleep(100);
        }
        close();
        throw new IllegalStateException("nsd did not answer on 127.0.0.1:" + port);
    }

    public InetSocketAddress address() {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
    }

    /** A port free for both UDP and TCP, picked by the OS. */
    public static int freePort() throws IOException {
        for (int i = 0; i < 20; i++) {
            try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                int p = s.getLocalPort();
                try (DatagramSocket d = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), p))) {
                    return p;
                } catch (IOException taken) {
                    // UDP side in use: try another
                }
            }
        }
        throw new IOException("no free port");
    }

    @Override
    public void close() {
        process.destroy();
        try {
            process.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
