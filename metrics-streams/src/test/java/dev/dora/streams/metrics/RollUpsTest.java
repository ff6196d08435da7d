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
        rollUps.add(List.of(new RollUps.Change(MONTH, BucketDelta.of(a, 1))));
        rollUps.add(List.of(new RollUps.Change(MONTH, BucketDelta.of(b, 1))));
        assertEquals(1, rollUps.rows());
        final Map<Bytes, DayBucket> merged = apply(rollUps, new HashMap<>());
        final DayBucket oneByOne = BucketDelta.of(b, 1).applyTo(BucketDelta.of(a, 1).applyTo(
                DayBucket.newBuilder().build()));
        assertEquals(oneByOne, merged.get(MONTH));
        assertEquals(0, rollUps.rows(), "applied once");
        assertEquals(3, merged.get(MONTH).getDeployments());

        rollUps.add(List.of(new RollUps.Change(MONTH, BucketDelta.of(a, -1)),
                new RollUps.Change(MONTH, BucketDelta.of(b, -1))));
        assertNull(apply(rollUps, merged).get(MONTH), "a row that holds nothing is deleted");

        rollUps.add(List.of(new RollUps.Change(MONTH, BucketDelta.of(a, 1))));
        rollUps.drop();
        assertEquals(Map.of(), apply(rollUps, new HashMap<>()), "dropped changes are never applied");
    }
}
