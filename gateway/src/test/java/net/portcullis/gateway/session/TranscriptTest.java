package net.portcullis.gateway.session;

import java.util.stream.Stream;
import net.portcullis.gateway.testing.SessionShape;
import net.portcullis.gateway.testing.TestContext;
import net.portcullis.gateway.testing.Transcript;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/** Every transcript (src/test/resources/transcripts) played on the shared transaction itself, no socket. */
class TranscriptTest {
    @TestFactory
    Stream<DynamicTest> everyTranscriptOnTheSharedTransaction() throws Exception {
        return Transcript.all().map(t -> DynamicTest.dynamicTest(t.name, () -> {
            try (TestContext c = new TestContext()) {
                t.play(c, new SessionShape(c.context(t.config(), t.localRules()), c.dns));
            }
        }));
    }
}
