package net.portcullis.gateway.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import net.portcullis.gateway.app.ConfigLoader;
import net.portcullis.gateway.app.Gateway;
import net.portcullis.gateway.config.ConfigException;
import net.portcullis.gateway.config.GatewayConfig;
import net.portcullis.gateway.log.DecisionLog;
import net.portcullis.policy.dns.DnsJavaResolver;
import net.portcullis.rules.RuleErrors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "serve", description = "Run the gateway in the foreground until SIGTERM or SIGINT.")
final class ServeCommand implements Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger(ServeCommand.class);

    @Option(names = "--config", description = "gateway configuration (default: ${DEFAULT-VALUE})", defaultValue = "conf/gateway.yaml")
    Path config;

    /** A listen address that cannot be bound, named by its key. */
    private static String bindProblem(GatewayConfig cfg, Exception e) {
        String why = e.getMessage() == null ? e.toString() : e.getMessage();
        Throwable c = e;
        while (c != null && !(c instanceof java.net.BindException)) {
            c = c.getCause();
        }
        if (c != null || why.toLowerCase(java.util.Locale.ROOT).contains("address already in use")) {
            String which = why.startsWith("listen") || why.startsWith("milter.listen") ? why : "listen: '" + cfg.listen() + "' cannot be bound: "
                    + (c != null ? c.getMessage() : why);
            return which + " (another server on that port? check also admin.listen and consent.api_listen)";
        }
        return why;
    }

    @Override
    public Integer call() throws Exception {
        return run(config, false);
    }

    /**
     * Runs the gateway until SIGTERM or SIGINT.
     *
     * @param milterOnly only the milter server: milter.listen must be on, the SMTP listeners stay closed
     */
    static int run(Path config, boolean milterOnly) throws Exception {
        FatalErrors.install();
        GatewayConfig cfg;
        try {
            GatewayConfig loaded = ConfigLoader.load(config);
            cfg = milterOnly ? loaded.milterOnly() : loaded;
            net.portcullis.gateway.config.Preflight.check(cfg);
        } catch (ConfigException e) {
            System.err.println("portcullis: configuration error: " + e.getMessage());
            System.err.println("portcullis: not started");
            return 78; // EX_CONFIG
        }
        Gateway gateway;
        try {
            gateway = new Gateway(cfg, new DnsJavaResolver(cfg.dns().servers(), cfg.dns().timeout()), DecisionLog.toLogback());
        } catch (RuleErrors e) {
            System.err.println("portcullis: " + e.getMessage());
            System.err.println("portcullis: not started");
            return 78;
        } catch (ConfigException e) {
            System.err.println("portcullis: configuration error: " + e.getMessage());
            System.err.println("portcullis: not started");
            return 78;
        } catch (java.io.IOException | java.security.GeneralSecurityException e) {
            System.err.println("portcullis: cannot start: " + e.getMessage());
            System.err.println("portcullis: not started");
            return 78;
        }
        try {
            gateway.start();
        } catch (java.io.IOException | RuntimeException e) {
            gateway.close();
            System.err.println("portcullis: configuration error: " + bindProblem(cfg, e));
            System.err.println("portcullis: not started");
            return 78;
        }
        gateway.loadedFrom(config);
        Path running = null;
        try {
            running = RunningGateway.announce(cfg, config);
        } catch (java.io.IOException e) {
            LOG.warn("cannot write {} in {}: admin commands will not warn about a store other than ours ({})", RunningGateway.FILE,
                    cfg.varDir(), e.getMessage());
        }
        Path announced = running;
        gateway.rules().watch();
        Reload.onSighup(gateway, config);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                gateway.shutdown(cfg.shutdownGrace());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                if (announced != null) {
                    try {
                        java.nio.file.Files.deleteIfExists(announced);
                    } catch (java.io.IOException ignored) {
                        // a stale file names a dead process: the commands ignore it
                    }
                }
                LOG.info("Portcullis stopped");
                // Logback is stopped here, last, so the decision lines of the transactions that
                // finished during the drain are flushed and this hook's own lines are written.
                if (org.slf4j.LoggerFactory.getILoggerFactory() instanceof ch.qos.logback.classic.LoggerContext lc) {
                    lc.stop();
                }
                stopped.countDown();
            }
        }, "portcullis-shutdown"));
        LOG.info("session threads: {}", Gateway.virtualThreads() ? "virtual" : "bounded platform pool");
        stopped.await();
        return 0;
    }
}
