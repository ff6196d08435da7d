package dev.dora.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dora.streams.query.WindowMetrics;
import dev.dora.streams.query.WindowMetrics.SeverityBreakdown;
import dev.dora.streams.query.WindowMetrics.StrategyBreakdown;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The {@code breakdowns} block every metrics answer (range and series bucket) carries, as Jackson writes it. */
@Tag("unit")
class BreakdownsJsonTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static WindowMetrics metrics(final Map<String, SeverityBreakdown> bySeverity,
                                         final Map<String, StrategyBreakdown> byStrategy) {
        return new WindowMetrics(new WindowMetrics.DeploymentFrequency(3, 3.0 / 7),
                new WindowMetrics.LeadTime(2, 3_600.0, 7_200.0), new WindowMetrics.ChangeFailureRate(3, 1, 1.0 / 3),
                new WindowMetrics.TimeToRestore(2, 600.0, 1_200.0, 0),
                new WindowMetrics.FailedDeploymentRecoveryTime(1, 900.0, 900.0),
                new WindowMetrics.ReworkRate(3, 1, 1.0 / 3),
                new WindowMetrics.Incidents(2, new TreeMap<>(Map.of("SEV1", 1L, "unspecified", 1L)), 0, null, null),
                new WindowMetrics.DataQuality(0, 0, 0, 0L),
                WindowMetrics.PipelineHealth.NONE,
                new WindowMetrics.Breakdowns(new TreeMap<>(bySeverity), new TreeMap<>(byStrategy), new TreeMap<>()));
    }

    private static JsonNode write(final WindowMetrics m) {
        return JSON.valueToTree(m);
    }

    @Test
    void severityAndStrategyBlocksWithTheirFieldsAndNulls() {
        final JsonNode node = write(metrics(
                Map.of("SEV1", new SeverityBreakdown(1, 2, 600.0, 1_200.0),
                        "unspecified", new SeverityBreakdown(1, 0, null, null)),
                Map.of("canary", new StrategyBreakdown(2, 1, 0.5, 1, 0.5, 2, 3_600.0, 7_200.0, 1, 900.0, 900.0),
                        "unspecified", new StrategyBreakdown(1, 0, 0.0, 0, 0.0, 0, null, null, 0, null, null))));
        final JsonNode severity = node.at("/breakdowns/severity");
        assertEquals(List.of("SEV1", "unspecified"), fieldNames(severity));
        assertEquals(List.of("incidentsOpened", "incidentsResolved", "restoreMedianSeconds", "restoreP90Seconds"),
                fieldNames(severity.get("SEV1")));
        assertEquals(2, severity.at("/SEV1/incidentsResolved").asLong());
        assertEquals(1_200.0, severity.at("/SEV1/restoreP90Seconds").asDouble());
        assertTrue(severity.at("/unspecified/restoreMedianSeconds").isNull(), "null without samples, present");
        final JsonNode strategy = node.at("/breakdowns/strategy");
        assertEquals(List.of("canary", "unspecified"), fieldNames(strategy));
        assertEquals(List.of("deployments", "failedDeployments", "changeFailureRate", "reworkDeployments", "reworkRate",
                        "leadTimeSamples", "leadTimeMedianSeconds", "leadTimeP90Seconds", "recoverySamples",
                        "recoveryMedianSeconds", "recoveryP90Seconds"), fieldNames(strategy.get("canary")));
        assertEquals(0.5, strategy.at("/canary/changeFailureRate").asDouble());
        assertEquals(1, strategy.at("/canary/failedDeployments").asLong());
        assertEquals(7_200.0, strategy.at("/canary/leadTimeP90Seconds").asDouble());
        assertTrue(strategy.at("/unspecified/recoveryMedianSeconds").isNull());
        assertTrue(strategy.at("/unspecified/leadTimeMedianSeconds").isNull());
        // the existing blocks are still there, unchanged
        assertEquals(List.of("deploymentFrequency", "leadTime", "changeFailureRate", "timeToRestore",
                "failedDeploymentRecoveryTime", "reworkRate", "incidents", "dataQuality", "pipelineHealth", "breakdowns"),
                fieldNames(node));
        assertEquals(1, node.at("/incidents/bySeverity/SEV1").asLong());
    }

    @Test
    void emptyBreakdownsAreEmptyObjects() {
        final JsonNode node = write(metrics(Map.of(), Map.of()));
        assertTrue(node.at("/breakdowns/severity").isObject() && node.at("/breakdowns/severity").isEmpty());
        assertTrue(node.at("/breakdowns/strategy").isObject() && node.at("/breakdowns/strategy").isEmpty());
        assertTrue(node.at("/breakdowns/pipeline").isObject() && node.at("/breakdowns/pipeline").isEmpty());
    }

    /** The pipeline-health block's field names are a contract the dashboard, Grafana and the reports read. */
    @Test
    void pipelineHealthBlockWithItsFieldsAndNulls() {
        final WindowMetrics.PipelineHealth ci = new WindowMetrics.PipelineHealth(8, 3, 4, 1, 3.0 / 7, 8, 480.0, 900.0,
                2.0 / 3, new WindowMetrics.BrokenDefaultBranch(1, 12_480.0, 1), new WindowMetrics.Coverage(0.82, 0.07));
        final WindowMetrics base = metrics(Map.of(), Map.of());
        final JsonNode node = write(new WindowMetrics(base.deploymentFrequency(), base.leadTime(),
                base.changeFailureRate(), base.timeToRestore(), base.failedDeploymentRecoveryTime(), base.reworkRate(),
                base.incidents(), base.dataQuality(), ci, new WindowMetrics.Breakdowns(new TreeMap<>(),
                new TreeMap<>(), new TreeMap<>(Map.of("ci", ci, "e2e", WindowMetrics.PipelineHealth.NONE)))));
        assertEquals(List.of("runs", "succeeded", "failed", "cancelled", "successRate", "durationSamples",
                "durationMedianSeconds", "durationP90Seconds", "under10Minutes", "brokenDefaultBranch", "coverage"),
                fieldNames(node.get("pipelineHealth")));
        assertEquals(List.of("episodes", "medianTimeToFixSeconds", "openNow"),
                fieldNames(node.at("/pipelineHealth/brokenDefaultBranch")));
        assertEquals(List.of("latest", "change"), fieldNames(node.at("/pipelineHealth/coverage")));
        assertEquals(12_480.0, node.at("/pipelineHealth/brokenDefaultBranch/medianTimeToFixSeconds").asDouble());
        assertEquals(List.of("ci", "e2e"), fieldNames(node.at("/breakdowns/pipeline")));
        assertTrue(node.at("/breakdowns/pipeline/e2e/successRate").isNull(), "null without builds, present");
        assertTrue(node.at("/breakdowns/pipeline/e2e/coverage/latest").isNull());
        assertEquals(0, node.at("/breakdowns/pipeline/e2e/brokenDefaultBranch/openNow").asLong());
    }

    private static List<String> fieldNames(final JsonNode node) {
        final List<String> names = new java.util.ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
