package net.portcullis.gateway.milter;

import java.util.stream.Stream;
import net.portcullis.gateway.testing.TestContext;
import net.portcullis.gateway.testing.Transcript;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/** Every transcript through the milter adapter: the same answers and records as the shared transaction gives directly. */
class MilterTranscriptTest {
    @TestFactory
    Stream<DynamicTest> everyTranscriptThroughTheMilter() throws Exception {
        return Transcript.all().map(t -> DynamicTest.dynamicTest(t.name, () -> {
            try (TestContext c = new TestContext()) {
                t.play(c, new MilterShape(c.context(t.config(), t.localRules()), c.dns));
            }
        }));
    }
}
