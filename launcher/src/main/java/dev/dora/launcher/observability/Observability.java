package dev.dora.launcher.observability;

import dev.dora.ingest.webhook.WebhookStats;
import dev.dora.launcher.http.AuthFailureCounts;
import dev.dora.streams.MetricsPipeline;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.prometheus.metrics.expositionformats.ExpositionFormats;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Clock;
import java.util.Collection;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /metrics}, in one place: a Micrometer Prometheus registry with the DORA gauges of every service, team
 * and the organisation over a rolling window (docs/MONITORING.md lists every series), the pipeline's health, the
 * ingest edge's requests, the webhook counters, Kafka Streams' metrics and the JVM's. One background refresher reads
 * the stores; a scrape only formats. The answer is in the Prometheus text format, or OpenMetrics when the
 * {@code Accept} header asks for it (Prometheus itself does).
 *
 * <p>Access control is not this class's: {@code /metrics} sits behind whatever guards the API.
 */
public final class Observability implements AutoCloseable {

    /** Where the metrics are scraped. */
    public static final String PATH = "/metrics";

    private static final ExpositionFormats FORMATS = ExpositionFormats.init();

    private static final Logger LOG = LoggerFactory.getLogger(Observability.class);

    private final PrometheusMeterRegistry registry;
    private final IngestMeters ingest;
    private final AutoCloseable[] closeables;

    /** @param closeables closed in this order by {@link #close()}: the refresher first, the registry last */
    private Observability(final PrometheusMeterRegistry registry, final IngestMeters ingest,
                          final AutoCloseable... closeables) {
        this.registry = registry;
        this.ingest = ingest;
        this.closeables = closeables;
    }

    /**
     * Binds every meter and starts the refresher; {@link #register} then adds the route.
     *
     * @param webhooks       the webhook endpoints' counters
     * @param webhookSources the webhook sources' names, the only values of the {@code source} label besides
     *                       {@code api} and {@code unknown}
     * @param authFailures   the refused requests of the HTTP edge, by token name and reason
     */
    public static Observability start(final MetricsPipeline pipeline, final WebhookStats webhooks,
                                      final Collection<String> webhookSources, final AuthFailureCounts authFailures,
                                      final ObservabilitySettings settings) {
        final Clock clock = Clock.systemUTC();
        final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        KafkaMeterFilter.apply(registry);
        new JvmMemoryMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        final JvmGcMetrics gc = new JvmGcMetrics();
        gc.bindTo(registry);
        final KafkaStreamsMetrics streams = new KafkaStreamsMetrics(pipeline.kafkaStreams());
        streams.bindTo(registry);
        WebhookMeters.bind(registry, webhooks, webhookSources);
        // the series are fixed once the tokens are read, so one counter function per series covers every refusal
        for (final AuthFailureCounts.Series series : authFailures.series()) {
            FunctionCounter.builder("dora.api.auth.failures", authFailures, counts -> counts.count(series))
                    .description("Requests refused by the API's access control, by token name and reason")
                    .tag("token", series.token()).tag("reason", series.reason().label()).register(registry);
        }
        final MetricsRefresher refresher = new MetricsRefresher(pipeline,
                new DoraScopes(settings.windowDays(), clock), settings.refreshInterval(), clock, registry);
        registry.getPrometheusRegistry().register(new DoraGauges(refresher::scopes, settings.windowLabel()));
        registry.getPrometheusRegistry().register(new PipelineGauges(pipeline::isRunning, refresher::health));
        refresher.start();
        return new Observability(registry, new IngestMeters(registry, Set.copyOf(webhookSources)),
                refresher, streams, gc, registry::close);
    }

    /** Adds {@code GET /metrics} and the counting of ingest requests to a Javalin configuration. */
    public void register(final JavalinConfig config) {
        ingest.register(config);
        config.routes.get(PATH, this::scrape);
    }

    private void scrape(final Context ctx) throws IOException {
        final String accept = ctx.header("Accept");
        final ByteArrayOutputStream body = new ByteArrayOutputStream(64 * 1024);
        registry.scrape(body, accept);
        ctx.contentType(FORMATS.findWriter(accept).getContentType()).result(body.toByteArray());
    }

    @Override
    public void close() {
        for (final AutoCloseable closeable : closeables) {
            try {
                closeable.close();
            } catch (final Exception e) {
                LOG.warn("cannot close {}", closeable, e);
            }
        }
    }
}
