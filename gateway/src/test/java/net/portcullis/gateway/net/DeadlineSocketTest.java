package net.portcullis.gateway.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import net.portcullis.policy.Deadlines;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Read timeouts kept by {@link Deadlines} behave as SO_TIMEOUT's do, over loopback sockets. */
class DeadlineSocketTest {
    private ServerSocket server;
    private Socket peer;
    private DeadlineSocket socket;

    @BeforeEach
    void connect() throws Exception {
        server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        socket = (DeadlineSocket) new DeadlineSocket.Factory().createSocket(InetAddress.getLoopbackAddress(), server.getLocalPort());
        peer = server.accept();
    }

    @AfterEach
    void close() throws Exception {
        socket.close();
        peer.close();
        server.close();
    }

    @Test
    void aSilentPeerEndsTheReadInATimeoutAtTheDeadlineAndTheSocketCanStillSay421() throws Exception {
        socket.setSoTimeout(300);
        assertThat(socket.getSoTimeout()).isEqualTo(300);
        InputStream in = socket.getInputStream();
        long t0 = System.nanoTime();
        assertThatThrownBy(in::read).isInstanceOf(SocketTimeoutException.class).hasMessageContaining("300 ms");
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertThat(ms).as("the deadline, kept to within a few ticks").isBetween(300L, 300 + 50 * Deadlines.TICK_MILLIS);
        assertThatThrownBy(in::read).as("and so does every later read").isInstanceOf(SocketTimeoutException.class);

        socket.getOutputStream().write("421 4.4.2 Timeout\r\n".getBytes(StandardCharsets.US_ASCII));
        socket.getOutputStream().flush();
        byte[] got = peer.getInputStream().readNBytes(19);
        assertThat(new String(got, StandardCharsets.US_ASCII)).isEqualTo("421 4.4.2 Timeout\r\n");
    }

    @Test
    void bytesBeforeTheDeadlineAreReadAndEachReadHasItsOwnDeadline() throws Exception {
        socket.setSoTimeout(400);
        InputStream in = socket.getInputStream();
        for (int i = 0; i < 4; i++) { // 4 x 150 ms: longer than one timeout in all, never in one read
            Thread.sleep(150);
            peer.getOutputStream().write('a' + i);
            assertThat(in.read()).isEqualTo('a' + i);
        }
        peer.getOutputStream().write("rest".getBytes(StandardCharsets.US_ASCII));
        assertThat(in.readNBytes(4)).asString(StandardCharsets.US_ASCII).isEqualTo("rest");
        peer.close();
        assertThat(in.read()).as("the peer's end of stream is an end of stream, not a timeout").isEqualTo(-1);
    }

    @Test
    void noTimeoutWaitsForThePeer() throws Exception {
        socket.setSoTimeout(0);
        InputStream in = socket.getInputStream();
        CompletableFuture<Integer> read = CompletableFuture.supplyAsync(() -> {
            try {
                return in.read();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        Thread.sleep(200);
        assertThat(read).isNotDone();
        peer.getOutputStream().write('x');
        assertThat(read.get(5, TimeUnit.SECONDS)).isEqualTo('x');
    }

    @Test
    void aVirtualThreadReadingTimesOutToo() throws Exception {
        socket.setSoTimeout(200);
        InputStream in = socket.getInputStream();
        ExecutorService vt = virtualOrPlatform();
        try {
            Future<Throwable> f = vt.submit(() -> {
                try {
                    in.read();
                    return null;
                } catch (Exception e) {
                    return e;
                }
            });
            assertThat(f.get(5, TimeUnit.SECONDS)).isInstanceOf(SocketTimeoutException.class);
        } finally {
            vt.shutdownNow();
        }
    }

    @Test
    void aClosedSocketIsNoLongerWatched() throws Exception {
        socket.setSoTimeout(1000);
        socket.getInputStream();
        assertThat(socket.expireIfDue(System.nanoTime())).isFalse();
        socket.close();
        assertThat(socket.expireIfDue(System.nanoTime())).isTrue();
        assertThatThrownBy(() -> socket.setSoTimeout(5)).hasMessageContaining("closed");
    }

    @Test
    void aFutureNotDoneByItsDeadlineIsCancelledAndADoneOneForgotten() throws Exception {
        CompletableFuture<String> never = new CompletableFuture<>();
        CompletableFuture<String> done = CompletableFuture.completedFuture("ok");
        Deadlines.shared().cancelAfter(never, TimeUnit.MILLISECONDS.toNanos(100));
        Deadlines.shared().cancelAfter(done, TimeUnit.MILLISECONDS.toNanos(100));
        long t0 = System.nanoTime();
        assertThatThrownBy(never::get).isInstanceOf(CancellationException.class);
        assertThat((System.nanoTime() - t0) / 1_000_000).isBetween(90L, 100 + 50 * Deadlines.TICK_MILLIS);
        assertThat(done.get()).isEqualTo("ok");
    }

    private static ExecutorService virtualOrPlatform() {
        try {
            return (ExecutorService) Executors.class.getMethod("newVirtualThreadPerTaskExecutor").invoke(null);
        } catch (ReflectiveOperationException e) {
            return Executors.newSingleThreadExecutor(); // Java 17: no virtual threads
        }
    }
}
