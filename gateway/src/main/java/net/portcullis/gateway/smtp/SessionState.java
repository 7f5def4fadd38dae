package net.portcullis.gateway.smtp;

import java.net.InetAddress;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** What the gateway keeps per client connection beyond what SubEthaSMTP's Session holds. */
final class SessionState {
    final InetAddress address;
    final long connectedNanos = System.nanoTime();
    private final CompletableFuture<String> reverseName;
    volatile boolean ehlo;

    SessionState(InetAddress address, CompletableFuture<String> reverseName) {
        this.address = address;
        this.reverseName = reverseName;
    }

    /** The PTR name, or null when there is none or the lookup has not answered within the wait. */
    String reverseName(Duration wait) {
        try {
            return reverseName.get(wait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException | ExecutionException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }
}
