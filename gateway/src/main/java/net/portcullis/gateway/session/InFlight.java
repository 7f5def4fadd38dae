package net.portcullis.gateway.session;

import java.time.Duration;

/** Counts transactions in progress, so that a shutdown can let them finish. */
public final class InFlight {
    private int count;

    public synchronized void enter() {
        count++;
    }

    public synchronized void leave() {
        count--;
        if (count == 0) {
            notifyAll();
        }
    }

    public synchronized int count() {
        return count;
    }

    /** Waits until no transaction is in progress or the grace time is over; true if none is left. */
    public synchronized boolean awaitIdle(Duration grace) throws InterruptedException {
        long deadline = System.nanoTime() + grace.toNanos();
        while (count > 0) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            wait(Math.max(1, left / 1_000_000));
        }
        return true;
    }
}
