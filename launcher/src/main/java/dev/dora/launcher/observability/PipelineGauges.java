package dev.dora.launcher.observability;

import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * The pipeline's health series: whether Kafka Streams runs (read at the scrape, it costs nothing), and, as the
 * refresher read them last, the records pending, the dead-letter records and when the DORA gauges were refreshed. A
 * figure that could not be read has no series.
 */
final class PipelineGauges implements MultiCollector {

    static final String RUNNING = "dora_pipeline_running";
    static final String PENDING = "dora_records_pending";
    static final String DEAD_LETTERS = "dora_dead_letter_records";
    static final String REFRESHED = "dora_metrics_refreshed_timestamp_seconds";

    private final BooleanSupplier running;
    private final Supplier<PipelineHealth> health;

    PipelineGauges(final BooleanSupplier running, final Supplier<PipelineHealth> health) {
        this.running = running;
        this.health = health;
    }

    @Override
    public MetricSnapshots collect() {
        final PipelineHealth current = health.get();
        final List<MetricSnapshot> families = new ArrayList<>();
        families.add(gauge(RUNNING, "1 while the Kafka Streams pipeline is RUNNING, else 0 (see /api/v1/health)",
                running.getAsBoolean() ? 1 : 0));
        if (current.pendingRecords() != null) {
            families.add(gauge(PENDING, "Records in the event, repartition and loop topics the pipeline has not "
                    + "processed yet (pendingRecords of /api/v1/health)", current.pendingRecords()));
        }
        if (current.deadLetterRecords() != null) {
            families.add(gauge(DEAD_LETTERS, "Records in the dora.dead-letter topic: events the ingest edge "
                    + "refused and records the pipeline could not process", current.deadLetterRecords()));
        }
        if (current.refreshedAt() != null) {
            families.add(gauge(REFRESHED, "When the dora_* DORA gauges were last read from the state stores "
                    + "(Unix time, seconds)", current.refreshedAt()));
        }
        return new MetricSnapshots(families);
    }

    @Override
    public List<String> getPrometheusNames() {
        return List.of(RUNNING, PENDING, DEAD_LETTERS, REFRESHED);
    }

    private static GaugeSnapshot gauge(final String name, final String help, final double value) {
        return GaugeSnapshot.builder().name(name).help(help)
                .dataPoint(GaugeSnapshot.GaugeDataPointSnapshot.builder().labels(Labels.EMPTY).value(value).build())
                .build();
    }
}
