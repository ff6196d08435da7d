package dev.dora.streams.topology;

import static dev.dora.streams.topology.PipelineDriver.commit;
import static dev.dora.streams.topology.PipelineDriver.deploy;
import static dev.dora.streams.topology.PipelineDriver.incidentBuilder;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.dora.events.ChangeEvent;
import dev.dora.events.DeploymentEvent;
import dev.dora.events.IncidentEvent;
import dev.dora.facts.DeploymentFact;
import dev.dora.facts.IncidentFact;
import dev.dora.schema.Topics;
import dev.dora.streams.MetricsPipeline;
import dev.dora.streams.config.MetricsConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * What history sent in bulk produces is marked as history too ({@link Topics#BULK_HEADER}), through the resolver,
 * the repartition topic and the ledger, so that every stage commits it at its interval; what a live event produces is
 * not marked, so every stage asks for a commit at once ({@link PromptCommits}).
 */
@Tag("topology")
class BulkMarkTopologyTest {

    private static final Instant T0 = Instant.parse("2026-10-01T00:00:00Z");

    @Test
    void theFactsOfHistoryAreMarkedAsHistoryAndThoseOfLiveEventsAreNot() throws Exception {
        final MetricsConfig config = MetricsConfig.defaults("unused:9092",
                Files.createTempDirectory(Path.of(System.getProperty("java.io.tmpdir")), "dora-bulk"));
        try (TopologyTestDriver driver = new TopologyTestDriver(DoraTopology.build(config),
                MetricsPipeline.streamsProperties(config))) {
            final var changes = driver.createInputTopic(Topics.CHANGES.name(), Serdes.String().serializer(),
                    Topics.CHANGES.valueSerde().serializer());
            final var deployments = driver.createInputTopic(Topics.DEPLOYMENTS.name(), Serdes.String().serializer(),
                    Topics.DEPLOYMENTS.valueSerde().serializer());
            final var incidents = driver.createInputTopic(Topics.INCIDENTS.name(), Serdes.String().serializer(),
                    Topics.INCIDENTS.valueSerde().serializer());
            final var deploymentFacts = driver.createOutputTopic(Topics.DEPLOYMENT_FACTS.name(),
                    Serdes.String().deserializer(), Topics.DEPLOYMENT_FACTS.valueSerde().deserializer());
            final var incidentFacts = driver.createOutputTopic(Topics.INCIDENT_FACTS.name(),
                    Serdes.String().deserializer(), Topics.INCIDENT_FACTS.valueSerde().deserializer());

            for (final boolean bulk : new boolean[] {true, false}) {
                final String service = bulk ? "history" : "live";
                final ChangeEvent change = commit(service, "a", T0);
                final DeploymentEvent deployment = deploy(service + "-d1", service, "a", T0.plusSeconds(3600));
                final IncidentEvent incident = incidentBuilder(service + "-i1", service, T0.plusSeconds(4000),
                        T0.plusSeconds(5000)).setCauseDeploymentId(service + "-d1").build();
                changes.pipeInput(record(service, change, bulk));
                deployments.pipeInput(record(deployment.getId(), deployment, bulk));
                incidents.pipeInput(record(incident.getId(), incident, bulk));
                driver.advanceWallClockTime(LedgerProcessor.LATE_DEPLOYMENTS_EVERY);
            }

            // per fact, whether each of its publications was marked
            final Map<String, Set<Boolean>> marked = new TreeMap<>();
            for (final TestRecord<String, DeploymentFact> fact : deploymentFacts.readRecordsToList()) {
                marked.computeIfAbsent(fact.key(), k -> new TreeSet<>()).add(Topics.isBulk(fact.headers()));
            }
            for (final TestRecord<String, IncidentFact> fact : incidentFacts.readRecordsToList()) {
                marked.computeIfAbsent(fact.key(), k -> new TreeSet<>()).add(Topics.isBulk(fact.headers()));
            }
            // the deployment's fact is published again once the incident's cause claim came back through the claims
            // loop, the resolver and the ledger: marked or not as the incident was
            assertEquals(Map.of("history-d1", Set.of(true), "history-i1", Set.of(true), "live-d1", Set.of(false),
                    "live-i1", Set.of(false)), marked, "every fact published, marked as history exactly when its "
                    + "events were");
        }
    }

    private static <V> TestRecord<String, V> record(final String key, final V value, final boolean bulk) {
        final TestRecord<String, V> record = new TestRecord<>(key, value, T0);
        if (bulk) {
            Topics.markBulk(record.headers());
        }
        return record;
    }
}
