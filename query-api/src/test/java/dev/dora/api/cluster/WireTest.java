package dev.dora.api.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.dora.state.DayBucket;
import dev.dora.state.DeployRef;
import dev.dora.streams.metrics.Histograms;
import java.util.Map;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * What one instance sends another arrives exactly: a day bucket with its histograms and counts by severity and
 * strategy is the same record after the trip, so a gathered answer adds up what a local one does.
 */
@Tag("unit")
class WireTest {

    @Test
    void aDayBucketWithItsHistogramsArrivesExactly() {
        final Histogram leadTimes = Histograms.empty();
        for (final long seconds : new long[] {61, 3_600, 3_601, 86_400, 1_000_000}) {
            leadTimes.recordValue(seconds);
        }
        final DayBucket bucket = DayBucket.newBuilder()
                .setDeployments(5).setFailedDeployments(2).setLeadTimeSamples(5)
                .setLeadTimeHistogram(Histograms.encode(leadTimes))
                .setIncidentsBySeverity(Map.of("SEV1", 2L))
                .setDeploymentsByStrategy(Map.of("canary", 3L, "rolling", 2L))
                .build();
        final String text = Wire.encode(bucket);
        final DayBucket arrived = Wire.decode(new TextNode(text), DayBucket.class);
        assertEquals(bucket, arrived);
        assertEquals(Histograms.quantile(leadTimes, 0.5),
                Histograms.quantile(Histograms.decode(arrived.getLeadTimeHistogram()), 0.5));
        assertEquals(new DeployRef(1_700_000_000_000L, "d-1"),
                Wire.decode(new TextNode(Wire.encode(new DeployRef(1_700_000_000_000L, "d-1"))), DeployRef.class));
        assertNull(Wire.decode(NullNode.getInstance(), DayBucket.class));
        assertNull(Wire.encode(null));
    }
}
