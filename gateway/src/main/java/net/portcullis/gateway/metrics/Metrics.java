package net.portcullis.gateway.metrics;

import java.time.Duration;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

/** The gateway's metrics (Micrometer, exposed in Prometheus format by {@link net.portcullis.gateway.admin.AdminServer}). */
public final class Metrics {
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final Timer latency = Timer.builder("portcullis.transaction.duration")
            .description("from MAIL to the end of the transaction").publishPercentileHistogram(false).register(registry);

    public PrometheusMeterRegistry registry() {
        return registry;
    }

    /** A transaction ended with this verdict (accepted, rejected, tempfail, aborted). */
    public void transaction(String verdict, Duration took) {
        Counter.builder("portcullis.transactions").tag("verdict", verdict).register(registry).increment();
        latency.record(took);
    }

    public void connectionRefused(String reason) {
        Counter.builder("portcullis.connections.refused").tag("reason", reason).register(registry).increment();
    }

    public <T> void counter(String name, String description, T obj, ToDoubleFunction<T> f) {
        FunctionCounter.builder(name, obj, f).description(description).register(registry);
    }

    public void gauge(String name, String description, Supplier<Number> f) {
        Gauge.builder(name, f).description(description).register(registry);
    }

    public void gauge(String name, String description, String tag, String value, Supplier<Number> f) {
        Gauge.builder(name, f).description(description).tag(tag, value).register(registry);
    }

    public String scrape() {
        return registry.scrape();
    }
}
