package net.portcullis.gateway.smtp;

import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import net.portcullis.policy.dns.DnsAnswer;
import net.portcullis.rules.Verdict;

/** What the gateway keeps per client connection beyond what SubEthaSMTP's Session holds. */
final class SessionState {
    final InetAddress address;
    private final CompletableFuture<DnsAnswer> reverse;
    volatile boolean ehlo;
    /** Every HELO/EHLO name of the session, in order: a second HELO is checked again. */
    final List<String> helos = new CopyOnWriteArrayList<>();
    /**
     * A refusal decided on the client itself (connect or HELO stage): it stays for the rest of
     * the session, so sending another HELO does not get a refused client through.
     */
    volatile Verdict sessionRefusal;

    SessionState(InetAddress address, CompletableFuture<DnsAnswer> reverse) {
        this.address = address;
        this.reverse = reverse;
    }

    /** The PTR answer, or a temporary failure when it has not come within the wait. */
    DnsAnswer reverse(Duration wait) {
        try {
            return reverse.get(wait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            return DnsAnswer.tempfail("reverse lookup gave no answer within " + wait.toMillis() + " ms");
        } catch (ExecutionException e) {
            return DnsAnswer.tempfail("reverse lookup failed: " + e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return DnsAnswer.tempfail("interrupted");
        }
    }
}
