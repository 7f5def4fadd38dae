package net.portcullis.gateway.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** A thread that dies of an Error ends the process (exit 70); one that ends with an exception does not. */
class FatalErrorsTest {
    @Test
    void anErrorInAnyThreadHaltsAndAnExceptionIsOnlyLogged() throws Exception {
        CopyOnWriteArrayList<Integer> halted = new CopyOnWriteArrayList<>();
        FatalErrors handler = new FatalErrors(halted::add);
        for (String name : new String[] {"deadline-watcher", "admin-http"}) {
            run(handler, name, () -> {
                throw new OutOfMemoryError("Java heap space");
            });
        }
        assertThat(halted).containsExactly(70, 70);
        run(handler, "task", () -> {
            throw new IllegalStateException("a bug in one task");
        });
        assertThat(halted).hasSize(2);
    }

    static void run(Thread.UncaughtExceptionHandler handler, String name, Runnable body) throws InterruptedException {
        Thread t = new Thread(body, name);
        t.setUncaughtExceptionHandler(handler);
        t.start();
        t.join();
    }
}
