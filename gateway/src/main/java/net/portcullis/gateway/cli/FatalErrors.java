package net.portcullis.gateway.cli;

import java.util.function.IntConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A thread that dies of an Error (OutOfMemoryError, StackOverflowError, a linkage error) takes the
 * process with it: the deadline watcher, the admin server or a listener gone while the rest runs
 * on is a gateway that looks alive (its port answers) and is not. Exit 70 (EX_SOFTWARE) and let
 * systemd (Restart=on-failure) start a whole one. Exceptions that end a thread are logged, as
 * the JDK would print them, without a stack trace on the operator's console.
 */
final class FatalErrors implements Thread.UncaughtExceptionHandler {
    private static final Logger LOG = LoggerFactory.getLogger(FatalErrors.class);
    static final int EXIT = 70;

    private final IntConsumer halt;

    FatalErrors(IntConsumer halt) {
        this.halt = halt;
    }

    /** For the serving commands: every thread, virtual ones too, from now on. */
    static void install() {
        // halt, not exit: shutdown hooks would wait on the very threads that may be gone or out of memory
        Thread.setDefaultUncaughtExceptionHandler(new FatalErrors(code -> Runtime.getRuntime().halt(code)));
    }

    @Override
    public void uncaughtException(Thread t, Throwable e) {
        if (e instanceof Error) {
            try {
                LOG.error("thread {} died of {}: exiting with {} rather than serving without it", t.getName(), e, EXIT);
            } finally {
                halt.accept(EXIT);
            }
            return;
        }
        LOG.error("thread {} ended with {}", t.getName(), e.toString(), e);
    }
}
