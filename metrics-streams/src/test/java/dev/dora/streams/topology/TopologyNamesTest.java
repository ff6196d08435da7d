package dev.dora.streams.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.dora.streams.config.MetricsConfig;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.kafka.streams.TopologyDescription;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The names the changelog and repartition topics are derived from are part of the on-disk state: renaming a store,
 * a processor or the repartition would orphan a running installation's state. They are pinned here.
 */
@Tag("unit")
class TopologyNamesTest {

    private static final MetricsConfig CONFIG = MetricsConfig.defaults("unused:9092", Path.of("unused"));

    @Test
    void storesProcessorsAndTopicsKeepTheirNames() {
        final TopologyDescription description = DoraTopology.build(CONFIG).describe();
        final Set<String> stores = new TreeSet<>();
        final Set<String> processors = new TreeSet<>();
        final Set<String> topics = new TreeSet<>();
        for (final TopologyDescription.Subtopology sub : description.subtopologies()) {
            for (final TopologyDescription.Node node : sub.nodes()) {
                if (node instanceof TopologyDescription.Processor processor) {
                    stores.addAll(processor.stores());
                    processors.add(processor.name());
                } else if (node instanceof TopologyDescription.Source source) {
                    topics.addAll(source.topicSet());
                } else if (node instanceof TopologyDescription.Sink sink) {
                    topics.add(sink.topic());
                }
            }
        }
        assertEquals(Set.of("deployment-entities", "deployment-cause-claims", "incident-entities", "ledger-entities",
                "ledger-indexes", "metrics-day-buckets", "metrics-services", "build-entities", "metrics-build-buckets"),
                stores);
        assertEquals(Set.of("resolve-deployments", "resolve-incidents", "resolve-builds", "ledger"),
                Set.copyOf(processors.stream().filter(p -> p.startsWith("resolve-") || p.equals("ledger")).toList()));
        final String app = CONFIG.streamsApplicationId();
        assertEquals(Set.of("dora.events.changes", "dora.events.deployments", "dora.events.incidents",
                "dora.events.builds", "dora.facts.deployments", "dora.facts.incidents", app + "-cause-claims", app + "-attributions",
                "ledger-entities-repartition", "dora.dead-letter"), topics, "dora.dead-letter: held deployments the "
                + "ledger cannot apply");
    }

    @Test
    void theSubtopologiesKeepTheirNumbers() {
        // a task's directory is named after its subtopology's number: renumbering (adding or removing a node group
        // before them, the global store's included) would have each task open another subtopology's stores
        final Map<Integer, Set<String>> storesBySubtopology = new TreeMap<>();
        for (final TopologyDescription.Subtopology sub : DoraTopology.build(CONFIG).describe().subtopologies()) {
            for (final TopologyDescription.Node node : sub.nodes()) {
                if (node instanceof TopologyDescription.Processor processor) {
                    storesBySubtopology.computeIfAbsent(sub.id(), id -> new TreeSet<>()).addAll(processor.stores());
                }
            }
        }
        assertEquals(Map.of(
                1, Set.of("build-entities", "deployment-cause-claims", "deployment-entities", "incident-entities"),
                2, Set.of("ledger-entities", "ledger-indexes", "metrics-build-buckets", "metrics-day-buckets",
                        "metrics-services")), storesBySubtopology);
    }

    @Test
    void theWeeklyReportsGlobalStoreKeepsItsNames() {
        final Set<String> stores = new TreeSet<>();
        final Set<String> sources = new TreeSet<>();
        final Set<String> topics = new TreeSet<>();
        for (final TopologyDescription.GlobalStore global : DoraTopology.build(CONFIG).describe().globalStores()) {
            stores.addAll(global.processor().stores());
            sources.add(global.source().name());
            sources.add(global.processor().name());
            topics.addAll(global.source().topicSet());
        }
        assertEquals(Set.of("weekly-reports"), stores);
        assertEquals(Set.of("weekly-reports-source", "weekly-reports"), sources, "the source and the processor");
        assertEquals(Set.of("dora.reports.weekly"), topics);
    }
}
