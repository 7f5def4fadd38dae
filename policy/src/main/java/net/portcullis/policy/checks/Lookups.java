package net.portcullis.policy.checks;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

/** The look-ups of a DNS list check, asked all at once on the executor, and what they came to. */
final class Lookups {
    private Lookups() {
    }

    /** Runs every task at once and waits for all: non-null answers into {@code answers}, each failure's message into {@code errors}. */
    static <T> void all(List<Supplier<T>> tasks, Executor executor, List<T> answers, List<String> errors) {
        List<CompletableFuture<T>> futures = new ArrayList<>(tasks.size());
        for (Supplier<T> t : tasks) {
            futures.add(CompletableFuture.supplyAsync(t, executor));
        }
        for (CompletableFuture<T> f : futures) {
            try {
                T a = f.join();
                if (a != null) {
                    answers.add(a);
                }
            } catch (CompletionException ex) {
                errors.add(ex.getCause().getMessage());
            }
        }
    }
}
