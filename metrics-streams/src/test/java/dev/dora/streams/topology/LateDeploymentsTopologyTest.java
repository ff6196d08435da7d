package dev.dora.streams.topology;

import static dev.dora.streams.topology.PipelineDriver.commit;
import static dev.dora.streams.topology.PipelineDriver.deploy;
import static dev.dora.streams.topology.PipelineDriver.deployment;
import static dev.dora.streams.topology.PipelineDriver.incident;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dora.events.DeploymentEvent;
import dev.dora.facts.DeploymentFact;
import dev.dora.streams.store.Entity;
import dev.dora.streams.store.Keys;
import dev.dora.streams.store.StoreNames;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Deployments that arrive after a later one of their group are held and applied in batches, oldest first, at the
 * ledger's wall-clock punctuation: the facts, the metrics and the published facts' final values are those of applying
 * every record at once; and in a history arriving newest first, each fact is derived and published once per batch
 * instead of again for each older deployment.
 */
@Tag("topology")
class LateDeploymentsTopologyTest {

    private static final Instant T0 = Instant.parse("2026-09-01T00:00:00Z");
    private static final Instant END = T0.plusSeconds(86_400L * 30);

    private static Instant h(final int hours) {
        return T0.plusSeconds(3_600L * hours);
    }

    /** Forty commits on one line, and ten deployments along it, oldest first. */
    private static List<SpecificRecord> line() {
        final List<SpecificRecord> commits = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            commits.add(i == 0 ? commit("shop", "c0", h(0)) : commit("shop", "c" + i, h(i), "c" + (i - 1)));
        }
        return commits;
    }

    private static List<DeploymentEvent> deploymentsOldestFirst() {
        final List<DeploymentEvent> deployments = new ArrayList<>();
        for (int d = 1; d <= 10; d++) {
            deployments.add(deploy("d" + d, "shop", "c" + (4 * d - 1), h(4 * d - 1).plusSeconds(600)));
        }
        return deployments;
    }

    @Test
    void aHistoryArrivingNewestFirstIsAppliedInOneBatchWithTheSameFacts() {
        final List<DeploymentEvent> newestFirst = deploymentsOldestFirst();
        Collections.reverse(newestFirst);
        final List<SpecificRecord> late = List.of(incident("i1", "shop", h(20), h(21)));
        try (PipelineDriver eachRecord = new PipelineDriver().pipe(line()).pipe(newestFirst);
             PipelineDriver batched = new PipelineDriver().punctuateEvery(1_000).pipe(line()).pipe(newestFirst)) {
            // record by record, each older deployment takes every commit up to it from the one after it, whose fact
            // is published again; in one batch every fact is published once, d10's once more
            assertEquals(19, total(eachRecord.publications()), "record by record: " + eachRecord.publications());
            assertEquals(11, total(batched.publications()), "in a batch: " + batched.publications());
            eachRecord.pipe(late);
            batched.pipe(late);
            assertSameAnswers(eachRecord, batched);
            assertEquals(4, batched.deploymentFacts().get("d1").getDeployedChanges(), "d1 delivered c0..c3");
        }
    }

    /**
     * A held deployment whose newer version arrives before its batch, held again or applied at once, or which
     * moves to another service: only its last version counts, as when every record is applied at once.
     */
    @Test
    void aHeldDeploymentSupersededOrMovedBeforeItsBatchCountsOnlyAsItsLastVersion() {
        final DeploymentEvent d1 = deploy("d1", "shop", "c3", h(3));
        final DeploymentEvent d2 = deploy("d2", "shop", "c7", h(7));
        final List<SpecificRecord> arrivals = List.of(deploy("d9", "shop", "c30", h(31)), d1, d2,
                // d1 again, later and deploying c5: held again, in place of the first version
                deployment("d1", "shop", "c5", h(5)).setOccurredAt(h(40)).build(),
                // d2 again, now the newest of the service: applied at once, and the held version dropped
                deployment("d2", "shop", "c35", h(36)).setOccurredAt(h(41)).build(),
                deploy("d3", "shop", "c9", h(9)),
                // d3 moves to another service before its batch
                deployment("d3", "shop-two", "c9", h(9)).setOccurredAt(h(42)).build());
        try (PipelineDriver eachRecord = new PipelineDriver().pipe(line()).pipe(arrivals);
             PipelineDriver batched = new PipelineDriver().punctuateEvery(1_000).pipe(line()).pipe(arrivals)) {
            assertSameAnswers(eachRecord, batched);
            assertNothingHeld(batched);
            final Map<String, DeploymentFact> facts = batched.deploymentFacts();
            assertEquals(6, facts.get("d1").getDeployedChanges(), "d1's last version delivered c0..c5");
            assertEquals("shop-two", facts.get("d3").getService(), "d3 moved");
            assertEquals(3, facts.values().stream().filter(f -> "shop".equals(f.getService())).count(),
                    "shop's deployments: " + facts.keySet());
        }
    }

    /** No superseded or moved version is left behind in the store, where a restart would find it again. */
    private static void assertNothingHeld(final PipelineDriver driver) {
        final KeyValueStore<Bytes, SpecificRecord> entities = driver.store(StoreNames.LEDGER_ENTITIES);
        final Bytes prefix = Entity.LATE_DEPLOYMENT.prefix();
        try (KeyValueIterator<Bytes, SpecificRecord> held = entities.range(prefix, Keys.after(prefix))) {
            assertFalse(held.hasNext(), "a held deployment left after its batch");
        }
    }

    private static int total(final Map<String, Integer> publications) {
        return publications.values().stream().mapToInt(Integer::intValue).sum();
    }

    private static void assertSameAnswers(final PipelineDriver expected, final PipelineDriver actual) {
        assertEquals(new TreeMap<>(expected.deploymentFacts()), new TreeMap<>(actual.deploymentFacts()),
                "the published facts");
        assertTrue(expected.deploymentFacts().size() > 1, "facts were published");
        for (final String team : new String[] {null, "team-shop"}) {
            assertEquals(expected.metrics(null, team, T0, END), actual.metrics(null, team, T0, END),
                    "the metrics of " + (team == null ? "the organisation" : team));
        }
        assertEquals(expected.metrics("shop", null, T0, END), actual.metrics("shop", null, T0, END),
                "the service's metrics");
    }
}
