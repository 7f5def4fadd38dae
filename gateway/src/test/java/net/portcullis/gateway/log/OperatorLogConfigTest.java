package net.portcullis.gateway.log;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The operator's log as conf/logback.xml (shipped as /etc/portcullis/logback.xml) sets it up: our own
 * warnings reach it, HikariCP's per-connection stack traces when the database dies do not (the store's
 * callers say it in one line).
 */
class OperatorLogConfigTest {
    @TempDir
    Path logs;

    @Test
    void thePoolsStackTracesStayOutAndOurWarningsStayIn() throws Exception {
        LoggerContext ctx = new LoggerContext();
        ctx.putProperty("portcullis.logs", logs.toString());
        JoranConfigurator j = new JoranConfigurator();
        j.setContext(ctx);
        j.doConfigure(Path.of("../conf/logback.xml").toFile());
        try {
            assertThat(ctx.getLogger("com.zaxxer.hikari.pool.ProxyConnection").isWarnEnabled()).isFalse();
            assertThat(ctx.getLogger("com.zaxxer.hikari.pool.HikariPool").isErrorEnabled()).isFalse();
            assertThat(ctx.getLogger("net.portcullis.gateway.log.DecisionWriter").isWarnEnabled()).isTrue();
            assertThat(ctx.getLogger("net.portcullis.policy.store.ListStore").isInfoEnabled()).isTrue();
        } finally {
            ctx.stop();
        }
    }
}
