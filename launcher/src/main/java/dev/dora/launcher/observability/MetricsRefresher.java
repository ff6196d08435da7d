package dev.dora.launcher.observability;

import dev.dora.streams.MetricsPipeline;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one background thread that reads what {@code GET /metrics} shows: every scope's DORA metrics from the state
 * stores and the pipeline's progress from Kafka, every refresh interval. A scrape reads only what the last refresh
 * left, so scrapes never scan a store, however many series or scrapers there are.
 *
 * <p>While the pipeline is not running (starting, rebalancing) the DORA gauges keep their last values; the
 * {@code dora_metrics_refreshed_timestamp_seconds} series says how old they are.
 */
final class MetricsRefresher implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(MetricsRefresher.class);

    private final MetricsPipeline pipeline;
    private final DoraScopes reader;
    private final Clock clock;
    private final Duration interval;
    private final Timer duration;
    private final Counter failures;
    private final AtomicReference<List<DoraScope>> scopes = new AtomicReference<>(List.of());
    private final AtomicReference<PipelineHealth> health = new AtomicReference<>(PipelineHealth.UNKNOWN);
    private final ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(runnable -> {
        final Thread thread = new Thread(runnable, "dora-metrics-refresh");
        thread.setDaemon(true);
        return thread;
    });
    private boolean failing;

    MetricsRefresher(final MetricsPipeline pipeline, final DoraScopes reader, final Duration interval,
                     final Clock clock, final MeterRegistry registry) {
        this.pipeline = pipeline;
        this.reader = reader;
        this.interval = interval;
        this.clock = clock;
        this.duration = Timer.builder("dora.metrics.refresh")
                .description("Time to read every scope's DORA metrics and the pipeline's progress for GET /metrics")
                .register(registry);
        this.failures = Counter.builder("dora.metrics.refresh.failures")
                .description("Refreshes of GET /metrics that could not read the stores or Kafka").register(registry);
    }

    void start() {
        executor.scheduleWithFixedDelay(this::refresh, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** The scopes read last; empty before the first refresh. */
    List<DoraScope> scopes() {
        return scopes.get();
    }

    PipelineHealth health() {
        return health.get();
    }

    /**
     * Reads everything once; a part that fails keeps its previous value and counts as a failure. Runs on the
     * refresher's thread only.
     */
    private void refresh() {
        duration.record(() -> {
            final PipelineHealth previous = health.get();
            Double refreshedAt = previous.refreshedAt();
            boolean failed = false;
            if (pipeline.isRunning()) {
                try {
                    scopes.set(reader.read(pipeline.query()));
                    refreshedAt = clock.millis() / 1000.0;
                } catch (final RuntimeException e) {
                    failed = problem("the DORA metrics", e);
                }
            }
            Long pending = previous.pendingRecords();
            Long deadLetters = previous.deadLetterRecords();
            try {
                pending = pipeline.pendingRecords();
                deadLetters = pipeline.deadLetterRecords();
            } catch (final RuntimeException e) {
                failed = problem("the pipeline's progress", e);
            } catch (final InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            health.set(new PipelineHealth(pending, deadLetters, refreshedAt));
            if (!failed && failing) {
                LOG.info("GET /metrics reads the stores and Kafka again");
            }
            failing = failed;
        });
    }

    /** Counts a failure, warning once per run of failures: a rebalance or a broker restart would flood the log. */
    private boolean problem(final String what, final RuntimeException e) {
        failures.increment();
        if (!failing) {
            LOG.warn("GET /metrics cannot read {} now; the series keep their last values: {}", what, e.toString());
        }
        failing = true;
        LOG.debug("refresh of {} failed", what, e);
        return true;
    }

    @Override
    public void close() {
        executor.shutdownNow();
        try {
            executor.awaitTermination(10, TimeUnit.SECONDS);
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
