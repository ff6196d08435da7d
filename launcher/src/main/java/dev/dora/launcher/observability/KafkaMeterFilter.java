package dev.dora.launcher.observability;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.config.MeterFilter;

/**
 * Leaves out the Kafka client metrics whose number grows with the stores and partitions: Kafka Streams' per-store
 * metrics ({@code kafka.stream.state.*}, some thirty per store and task) and the consumers' per-partition fetch
 * metrics. They were three scrape lines in five on a three-partition pipeline, and made a scrape slower than a
 * second on two cores. What remains (per client, thread and task) is what the Pipeline health dashboard reads,
 * including the consumers' client-wide {@code records-lag-max}.
 */
final class KafkaMeterFilter {

    private KafkaMeterFilter() {
    }

    static void apply(final MeterRegistry registry) {
        registry.config().meterFilter(MeterFilter.deny(id -> id.getName().startsWith("kafka.stream.state.")));
        registry.config().meterFilter(MeterFilter.deny(id -> id.getName().startsWith("kafka.consumer.fetch.manager.")
                && id.getTag("partition") != null));
    }
}
