package dev.dora.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** {@code dora report}'s table: the pipeline's columns, and "-" for a report published before they existed. */
@Tag("unit")
class ReportTableTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static ObjectNode report(final String kind, final String name) throws Exception {
        return (ObjectNode) JSON.readTree("""
                {"week": "2026-W44", "weekStart": "2026-10-26T00:00:00Z", "scope": {"kind": "%s", "name": %s},
                 "revision": 2, "deploymentFrequency": {"perDay": 0.8}, "leadTime": {"medianSeconds": 7200.0},
                 "changeFailureRate": {"rate": 0.125}, "timeToRestore": {"medianSeconds": 2700.0, "openIncidents": 1},
                 "tiers": {"overall": "high", "benchmark": "dora-2024"},
                 "pipelineHealth": {"runs": 40, "successRate": 0.925, "durationMedianSeconds": 420.0,
                                    "brokenDefaultBranch": {"episodes": 2, "openNow": 1}},
                 "trends": {"deploymentFrequency": {"trend": "improving"}, "leadTime": {"trend": "steady"},
                            "changeFailureRate": {"trend": "unknown"}, "timeToRestore": {"trend": "unknown"},
                            "buildSuccessRate": {"trend": "worsening"}, "buildDuration": {"trend": "steady"}}}
                """.formatted(kind, name == null ? "null" : "\"" + name + "\""));
    }

    @Test
    void thePipelineColumnsShowTheSuccessRateTheMedianDurationAndTheRedBranches() throws Exception {
        final String table = ReportTable.render(List.of(report("organisation", null), report("team", "commerce")));
        final List<String> lines = table.lines().toList();
        assertEquals("Weekly report 2026-W44 (2026-10-26 to 2026-11-01), production", lines.get(0));
        assertTrue(lines.get(2).contains("BUILDS OK") && lines.get(2).contains("BUILD TIME")
                && lines.get(2).contains("RED"), table);
        final String organisation = lines.get(3);
        assertTrue(organisation.startsWith("organisation"), table);
        assertTrue(organisation.contains("92.5 % (worsening)"), organisation);
        assertTrue(organisation.contains("7 min (steady)"), organisation);
        assertTrue(organisation.matches(".*\\s1\\s+2$"), "one red default branch, revision 2: " + organisation);
        assertTrue(lines.get(4).startsWith("team commerce"), table);
    }

    @Test
    void aReportPublishedBeforePipelineHealthShowsNoPipelineFigures() throws Exception {
        final ObjectNode old = report("organisation", null);
        old.remove("pipelineHealth");
        ((ObjectNode) old.get("trends")).remove(List.of("buildSuccessRate", "buildDuration"));
        final JsonNode nulls = old.deepCopy().put("pipelineHealth", (String) null);
        for (final JsonNode report : List.of(old, nulls)) {
            final String row = ReportTable.render(List.of(report)).lines().toList().get(3);
            assertTrue(row.matches("organisation .*high\\s+-\\s+-\\s+-\\s+2$"), row);
        }
    }
}
