package net.portcullis.policy.testing;

import org.junit.jupiter.api.extension.AfterTestExecutionCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Registered for every test (META-INF/services, junit-platform.properties): each test starts with
 * an empty {@link CapturedLog}, and one that fails has its log printed under its name.
 */
public final class LogOnFailure implements BeforeEachCallback, AfterTestExecutionCallback {
    @Override
    public void beforeEach(ExtensionContext context) {
        CapturedLog.clear();
    }

    @Override
    public void afterTestExecution(ExtensionContext context) {
        if (context.getExecutionException().isPresent()) {
            StringBuilder b = new StringBuilder("---- log of " + context.getDisplayName() + " (" + context.getRequiredTestClass().getName()
                    + "), which failed ----\n");
            CapturedLog.lines().forEach(l -> b.append(l).append('\n'));
            System.err.print(b.append("---- end of log ----\n"));
        }
    }
}
