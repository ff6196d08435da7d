package dev.dora.streams.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.dora.state.DayBucket;
import dev.dora.streams.store.DeferredChanges;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.utils.Bytes;
import org.junit.jupiter.api.Test;

/** What many records change in a month row is merged and applied once, with the same result as one by one. */
class RollUpsTest {

    private static final Bytes MONTH = Bytes.wrap("month".getBytes(StandardCharsets.UTF_8));

    /** A row with deployments, a lead-time histogram and a strategy count. */
    private static DayBucket row(final long deployments, final long leadTime, final String strategy) {
        final Map<Long, Long> leadTimes = new HashMap<>(Map.of(Histograms.bucketValue(leadTime), deployments));
        final ByteBuffer histogram = Histograms.apply(null, leadTimes);
        return DayBucket.newBuilder().setDeployments(deployments).setLeadTimeSamples(deployments)
                .setLeadTimeHistogram(histogram).setDeploymentsByStrategy(Map.of(strategy, deployments)).build();
    }

    private static Map<Bytes, DayBucket> apply(final RollUps rollUps, final Map<Bytes, DayBucket> rows) {
        rollUps.applyTo(new DeferredChanges.Rows<>() {
            @Override
            public DayBucket get(final Bytes key) {
                return rows.get(key);
            }

            @Override
            public void put(final Bytes key, final DayBucket value) {
                if (value == null) {
                    rows.remove(key);
                } else {
                    rows.put(key, value);
                }
            }
        });
        return rows;
    }

    @Test
    void changesOfSeveralRecordsAddUpToTheirSumAndRetractionsEmptyTheRow() {
        final DayBucket a = row(2, 3_600, "canary");
        final DayBucket b = row(1, 60, "rolling");
        final RollUps rollUps = new RollUps();
        rollUps.add(List.of(new RollUps.Change(MONTH, BucketDelta.of(a, 1), 0)));
        rollUps.add(List.of(new RollUps.Change(MONTH, BucketDelta.of(b, 1), 4)));
        assertEquals(1, rollUps.rows());
        final Map<Bytes, DayBucket> merged = apply(rollUps, new HashMap<>());
        final DayBucket oneByOne = BucketDelta.of(b, 1).applyTo(BucketDelta.of(a, 1).applyTo(
                DayBucket.newBuilder().build()));
        oneByOne.setDeploymentsByDay(List.of(2L, 0L, 0L, 0L, 1L));
        assertEquals(oneByOne, merged.get(MONTH));
        assertEquals(0, rollUps.rows(), "applied once");
        assertEquals(3, merged.get(MONTH).getDeployments());

        rollUps.add(List.of(new RollUps.Change(MONTH, BucketDelta.of(a, -1), 0),
                new RollUps.Change(MONTH, BucketDelta.of(b, -1), 4)));
        assertNull(apply(rollUps, merged).get(MONTH), "a row that holds nothing is deleted");

        rollUps.add(List.of(new RollUps.Change(MONTH, BucketDelta.of(a, 1), 0)));
        rollUps.drop();
        assertEquals(Map.of(), apply(rollUps, new HashMap<>()), "dropped changes are never applied");
    }

    @Test
    void aMonthRowCountsTheDeploymentsOfEachDayWithoutTrailingZeros() {
        final DayBucket one = row(1, 600, "rolling");
        final RollUps rollUps = new RollUps();
        rollUps.add(List.of(new RollUps.Change(MONTH, BucketDelta.of(one, 1), 2),
                new RollUps.Change(MONTH, BucketDelta.of(one, 1), 30)));
        final Map<Bytes, DayBucket> rows = apply(rollUps, new HashMap<>());
        assertEquals(31, rows.get(MONTH).getDeploymentsByDay().size());
        assertEquals(List.of(1L, 1L), List.of(rows.get(MONTH).getDeploymentsByDay().get(2),
                rows.get(MONTH).getDeploymentsByDay().get(30)));

        // the last day's deployment moves to day 5: no total changes, the days do, and the list is trimmed
        rollUps.add(List.of(new RollUps.Change(MONTH, BucketDelta.of(one, -1), 30),
                new RollUps.Change(MONTH, BucketDelta.of(one, 1), 5)));
        apply(rollUps, rows);
        assertEquals(List.of(0L, 0L, 1L, 0L, 0L, 1L), rows.get(MONTH).getDeploymentsByDay());
        assertEquals(2, rows.get(MONTH).getDeployments());

        rollUps.add(List.of(new RollUps.Change(MONTH, BucketDelta.of(one, -1), 2),
                new RollUps.Change(MONTH, BucketDelta.of(one, -1), 5)));
        assertNull(apply(rollUps, rows).get(MONTH), "nothing left, no row");

        rollUps.add(List.of(new RollUps.Change(MONTH, BucketDelta.of(one, 1), -1)));
        assertEquals(List.of(), apply(rollUps, new HashMap<>()).get(MONTH).getDeploymentsByDay(),
                "the lifetime row counts no days");
    }
}
