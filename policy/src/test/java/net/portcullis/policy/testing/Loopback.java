package net.portcullis.policy.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/** Throwaway servers on loopback: a free TCP port, and waiting for a started server to listen. */
public final class Loopback {
    private Loopback() {
    }

    /** A loopback TCP port the OS says is free (nobody listens on it once this returns). */
    public static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /**
     * Waits until {@code server} accepts connections on 127.0.0.1:{@code port}, at most
     * {@code max}; fails with the server's output ({@code out}) when it exits or takes longer.
     */
    public static void awaitListening(Process server, int port, Duration max, Path out, String name) throws Exception {
        long end = System.nanoTime() + max.toNanos();
        while (true) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return;
            } catch (IOException notYet) {
                if (!server.isAlive() || System.nanoTime() > end) {
                    server.destroy();
                    throw new IllegalStateException(name + " did not start: " + (Files.exists(out) ? Files.readString(out) : "(no output)"));
                }
                Thread.sleep(50); // the server loading its data: polled, as any server's start
            }
        }
    }
}
