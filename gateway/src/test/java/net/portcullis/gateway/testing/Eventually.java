package net.portcullis.gateway.testing;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Predicate;

/**
 * Waiting for the product by what it shows, not by a guessed time: the condition is asked
 * again (every 10 ms, then up to every 100 ms) until it holds or the bound passes, and then the
 * test fails saying what it waited for and what it last saw. What a test must wait out — a
 * slow client it plays, a delay the product enforces in real time — is a different thing, and
 * those tests say so where they pause.
 */
public final class Eventually {
    private Eventually() {
    }

    /** Waits until {@code condition} is true; fails naming {@code what} after {@code max}. */
    public static void until(String what, Duration max, Callable<Boolean> condition) throws Exception {
        value(what, max, condition, Boolean.TRUE::equals);
    }

    /** Waits until {@code condition} is true or {@code max} passes, and says which: for a caller that asserts on what it then finds. */
    public static boolean within(Duration max, Callable<Boolean> condition) throws Exception {
        try {
            until("the condition", max, condition);
            return true;
        } catch (AssertionError e) {
            return false;
        }
    }

    /** Asks {@code attempt} until its answer satisfies {@code done}, and returns that answer; fails with the last one after {@code max}. */
    public static <T> T value(String what, Duration max, Callable<T> attempt, Predicate<T> done) throws Exception {
        long end = System.nanoTime() + max.toNanos();
        long pause = Duration.ofMillis(10).toNanos();
        T last;
        while (true) {
            last = attempt.call();
            if (done.test(last)) {
                return last;
            }
            if (System.nanoTime() > end) {
                throw new AssertionError("waited " + max.toMillis() + " ms for " + what + "; last saw: " + last);
            }
            LockSupport.parkNanos(pause);
            pause = Math.min(pause * 2, Duration.ofMillis(100).toNanos());
        }
    }
}
