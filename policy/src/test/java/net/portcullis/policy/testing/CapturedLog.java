package net.portcullis.policy.testing;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.AppenderBase;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * The test suites' log: every event is kept here instead of printed, and {@link LogOnFailure} prints
 * a test's events only when it fails. A green run then shows what a reader needs (which tests ran),
 * not the warnings that tests provoke on purpose; a test that expects a warning asserts on
 * {@link #lines()}. The last {@link #KEEP} events are kept.
 */
public final class CapturedLog extends AppenderBase<ILoggingEvent> {
    static final int KEEP = 5000;
    private static final Deque<String> EVENTS = new ArrayDeque<>();

    @Override
    protected void append(ILoggingEvent e) {
        String line = String.format("%tT.%<tL %-5s [%s] %s - %s", e.getTimeStamp(), e.getLevel(), e.getThreadName(),
                e.getLoggerName().replaceAll("(\\w)\\w*\\.", "$1."), e.getFormattedMessage());
        if (e.getThrowableProxy() != null) {
            line += "\n" + ThrowableProxyUtil.asString(e.getThrowableProxy());
        }
        synchronized (EVENTS) {
            if (EVENTS.size() >= KEEP) {
                EVENTS.removeFirst();
            }
            EVENTS.addLast(line);
        }
    }

    /** The events since the current test began, oldest first. */
    public static List<String> lines() {
        synchronized (EVENTS) {
            return new ArrayList<>(EVENTS);
        }
    }

    static void clear() {
        synchronized (EVENTS) {
            EVENTS.clear();
        }
    }
}
