package net.portcullis.gateway.testing;

import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import net.portcullis.policy.consent.ConsentBook;
import net.portcullis.policy.consent.ConsentStore;
import net.portcullis.policy.store.Database;

/** A consent book over a fresh embedded store, for tests that build the checks themselves. */
public final class TestConsent {
    private TestConsent() {
    }

    public static ConsentStore store() throws Exception {
        return new ConsentStore(Database.open("jdbc:sqlite:" + Files.createTempDirectory("consent").resolve("c.db"), "", "", null));
    }

    public static ConsentBook book() throws Exception {
        return new ConsentBook(store(), Duration.ofMillis(200), Clock.systemUTC());
    }
}
