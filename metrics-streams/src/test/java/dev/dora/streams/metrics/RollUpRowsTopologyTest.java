package dev.dora.streams.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dora.events.ChangeEvent;
import dev.dora.state.DayBucket;
import dev.dora.streams.store.BucketKey;
import dev.dora.streams.store.Scope;
import dev.dora.streams.store.Span;
import dev.dora.streams.store.StoreNames;
import dev.dora.streams.topology.ConvergenceTest;
import dev.dora.streams.topology.PipelineDriver;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * A team's and the organisation's month rows must always hold exactly the sum of their day rows, whatever the order
 * of arrival, corrections, duplicates and a service changing teams.
 */
@Tag("topology")
class RollUpRowsTopologyTest {

    @Test
    void everyMonthRowIsTheSumOfItsDays() {
        final List<SpecificRecord> events = new ArrayList<>(ConvergenceTest.history(4));
        final ChangeEvent first = events.stream().filter(ChangeEvent.class::isInstance).map(ChangeEvent.class::cast)
                .filter(c -> c.getTeam() != null).findFirst().orElseThrow();
        // the service changes hands at the end: its whole history moves to the new team's rows
        events.add(ChangeEvent.newBuilder(first).setSha("f".repeat(40)).setParents(List.of()).setTeam("newcomers")
                .setOccurredAt(Instant.parse("2026-11-02T00:00:00Z"))
                .setCommittedAt(Instant.parse("2026-10-30T00:00:00Z")).build());
        for (final List<SpecificRecord> order : List.of(events, ConvergenceTest.shuffledWithDuplicates(events, 4))) {
            try (PipelineDriver driver = new PipelineDriver().pipe(order)) {
                final Map<BucketKey, DayBucket> expected = new HashMap<>();
                final Map<BucketKey, DayBucket> actual = new HashMap<>();
                final KeyValueStore<Bytes, DayBucket> store = driver.store(StoreNames.DAY_BUCKETS);
                try (KeyValueIterator<Bytes, DayBucket> it = store.all()) {
                    while (it.hasNext()) {
                        final KeyValue<Bytes, DayBucket> row = it.next();
                        final BucketKey key = BucketKey.decode(row.key);
                        if (key.span() != Span.DAY) {
                            actual.put(key, row.value);
                        } else if (key.scope().kind() != Scope.Kind.SERVICE) {
                            addToRollUps(expected, key, row.value);
                        }
                    }
                }
                assertEquals(expected, actual);
                assertTrue(actual.values().stream().anyMatch(month -> month.getDeploymentsByDay().size() > 1),
                        "month rows count the deployments of their days");
                assertTrue(actual.keySet().stream().anyMatch(k -> k.scope().equals(Scope.team("newcomers"))),
                        "the moved service's rows reached its new team");
                assertTrue(actual.keySet().stream().filter(k -> k.day() != BucketKey.LIFETIME)
                        .map(BucketKey::day).distinct().count() >= 2, "the history spans months: " + actual.keySet());
            }
        }
    }

    private static void addToRollUps(final Map<BucketKey, DayBucket> expected, final BucketKey day,
                                     final DayBucket row) {
        if (day.day() == BucketKey.LIFETIME) {
            expected.put(new BucketKey(day.scope(), Span.MONTH, day.group(), BucketKey.LIFETIME),
                    BucketDelta.of(row, 1).applyTo(DayBucket.newBuilder().build()));
            return;
        }
        final long start = Span.MONTH.start(day.day());
        final DayBucket sum = expected.computeIfAbsent(new BucketKey(day.scope(), Span.MONTH, day.group(), start),
                k -> DayBucket.newBuilder().build());
        BucketDelta.of(row, 1).applyTo(sum);
        // and the day's deployments at its place in the month, without trailing zeros
        if (row.getDeployments() > 0) {
            final List<Long> byDay = new ArrayList<>(sum.getDeploymentsByDay());
            final int at = (int) (day.day() - start);
            while (byDay.size() <= at) {
                byDay.add(0L);
            }
            byDay.set(at, byDay.get(at) + row.getDeployments());
            sum.setDeploymentsByDay(byDay);
        }
    }
}
