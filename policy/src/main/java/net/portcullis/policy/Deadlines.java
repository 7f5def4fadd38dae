package net.portcullis.policy;

import java.util.Iterator;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Future;
import java.util.concurrent.locks.LockSupport;

/**
 * Deadlines kept by one ticking thread instead of by each wait. On a virtual thread every timed
 * wait (a socket read with SO_TIMEOUT, {@code Future.get(timeout)}) schedules a timer task and
 * cancels it when the wait ends: two wake-ups of the JDK's timer thread, thousands a second at
 * full load. bench/profile.sh measured it: with the sockets' reads and the checks' waits watched
 * here instead, the gateway's context switches per relayed message fell from 24 to 8 and its
 * kernel time from 280 to 190 us. Waits that use this are untimed; the watcher, waking every
 * {@link #TICK_MILLIS} ms, ends the ones that overran ({@link Watched#expireIfDue}), so a
 * deadline is kept to within a tick. Written here because neither the JDK nor a library offers a
 * deadline that costs the waiting thread nothing.
 */
public final class Deadlines {
    public static final long TICK_MILLIS = 20;
    private static final Deadlines SHARED = new Deadlines();

    /** Something with a deadline, asked at every tick. */
    public interface Watched {
        /**
         * Ends the wait if it is past its deadline at {@code now} ({@link System#nanoTime()}).
         *
         * @return true when this is no longer to be watched (done, expired or closed)
         */
        boolean expireIfDue(long now);
    }

    private final ConcurrentLinkedQueue<Watched> watched = new ConcurrentLinkedQueue<>();

    private Deadlines() {
        Thread t = new Thread(this::run, "deadlines");
        t.setDaemon(true);
        t.start();
    }

    public static Deadlines shared() {
        return SHARED;
    }

    /** Asks {@code w} at every tick until it says it is done. Adding wakes nobody. */
    public void watch(Watched w) {
        watched.add(w);
    }

    /**
     * Cancels {@code f} (interrupting its thread) if it is not done {@code nanos} from now, so
     * that an untimed {@code get} ends with a CancellationException at the deadline.
     */
    public void cancelAfter(Future<?> f, long nanos) {
        long end = System.nanoTime() + nanos;
        watch(now -> {
            if (f.isDone()) {
                return true;
            }
            if (now - end >= 0) {
                f.cancel(true);
                return true;
            }
            return false;
        });
    }

    int size() {
        return watched.size();
    }

    private void run() {
        while (true) {
            LockSupport.parkNanos(TICK_MILLIS * 1_000_000);
            long now = System.nanoTime();
            for (Iterator<Watched> i = watched.iterator(); i.hasNext(); ) {
                Watched w = i.next();
                boolean done;
                try {
                    done = w.expireIfDue(now);
                } catch (RuntimeException e) {
                    done = true; // a watched thing that fails is dropped, never the watcher
                }
                if (done) {
                    i.remove();
                }
            }
        }
    }
}
