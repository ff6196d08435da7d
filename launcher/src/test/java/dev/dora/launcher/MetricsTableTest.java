package dev.dora.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("unit")
class MetricsTableTest {

    @Test
    void humanDurations() {
        assertEquals("-", MetricsTable.duration(null));
        assertEquals("45 s", MetricsTable.duration(45.0));
        assertEquals("12 min", MetricsTable.duration(720.0));
        assertEquals("3.2 h", MetricsTable.duration(3.2 * 3600));
        assertEquals("4.1 d", MetricsTable.duration(4.1 * 86400));
        assertEquals("11.9 %", MetricsTable.percent(0.119));
        assertEquals("-", MetricsTable.percent(null));
    }

    @Test
    void rendersTheApiAnswer() throws Exception {
        final MetricsTable.Row row = MetricsTable.Row.of("checkout", "commerce", new ObjectMapper().readTree("""
                {"scope": {"service": "checkout", "team": null},
                 "deploymentFrequency": {"deployments": 42, "perDay": 0.4666},
                 "leadTime": {"samples": 310, "medianSeconds": 60312.0, "p90Seconds": 250880.0},
                 "changeFailureRate": {"deployments": 42, "failed": 5, "rate": 0.119},
                 "timeToRestore": {"incidents": 5, "medianSeconds": 5400.0, "p90Seconds": 20100.0, "openIncidents": 1},
                 "pipelineHealth": {"runs": 120, "succeeded": 100, "failed": 12, "cancelled": 8,
                   "successRate": 0.8928, "durationMedianSeconds": 420.0,
                   "brokenDefaultBranch": {"episodes": 3, "medianTimeToFixSeconds": 7200.0, "openNow": 0}}}
                """));
        assertEquals(new MetricsTable.Row("checkout", "commerce", "0.47", "16.8 h", "11.9 %", "1.5 h", "1", "89.3 %",
                "7 min", "2.0 h"), row);

        final MetricsTable.Row empty = MetricsTable.Row.of("search", null, new ObjectMapper().readTree("""
                {"deploymentFrequency": {"deployments": 0, "perDay": 0.0},
                 "leadTime": {"samples": 0, "medianSeconds": null, "p90Seconds": null},
                 "changeFailureRate": {"deployments": 0, "failed": 0, "rate": null},
                 "timeToRestore": {"incidents": 0, "medianSeconds": null, "p90Seconds": null, "openIncidents": 0}}
                """));
        final String table = MetricsTable.render(List.of(row, empty));
        final List<String> lines = table.lines().toList();
        assertEquals(3, lines.size(), table);
        assertTrue(lines.get(0).startsWith("SERVICE   TEAM"), table);
        assertTrue(lines.get(2).startsWith("search    -"), table);
        assertEquals(lines.get(0).length(), lines.get(1).length(), "aligned:\n" + table);
    }
}
