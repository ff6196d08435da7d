package dev.dora.streams.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.dora.facts.DeploymentFact;
import dev.dora.facts.FailureRule;
import dev.dora.streams.model.WorkedBuildsExample;
import dev.dora.streams.model.WorkedExampleFixture;
import dev.dora.streams.query.WindowMetrics;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The worked example of docs/METRICS.md through the streaming topology: the published numbers, within 1%. */
@Tag("topology")
class WorkedExampleTopologyTest {

    @Test
    void theTopologyGivesTheDocumentsNumbers() {
        try (PipelineDriver driver = new PipelineDriver().pipe(WorkedExampleFixture.history())) {
            final WindowMetrics week = driver.metrics("checkout", null,
                    Instant.parse("2026-07-06T00:00:00Z"), Instant.parse("2026-07-13T00:00:00Z"));
            assertEquals(4, week.deploymentFrequency().deployments());
            assertEquals(4.0 / 7, week.deploymentFrequency().perDay(), 1e-12);
            assertEquals(6, week.leadTime().samples());
            assertEquals(21_600.0, week.leadTime().medianSeconds(), 216);
            assertEquals(104_400.0, week.leadTime().p90Seconds(), 1_044);
            assertEquals(2, week.changeFailureRate().failed());
            assertEquals(0.5, week.changeFailureRate().rate());
            assertEquals(2, week.timeToRestore().incidents());
            assertEquals(2_700.0, week.timeToRestore().medianSeconds(), 27);
            assertEquals(12_600.0, week.timeToRestore().p90Seconds(), 126);
            assertEquals(1, week.timeToRestore().openIncidents());
            final Map<String, DeploymentFact> facts = driver.deploymentFacts();
            assertEquals(true, facts.get("D1").getBaseline());
            assertEquals(FailureRule.cause_sha, facts.get("D2").getFailureRule());
            assertEquals(5, facts.get("D2").getDeployedChanges());
            assertEquals(0, facts.get("R1").getDeployedChanges());
            assertEquals(FailureRule.time_window, facts.get("D3").getFailureRule());
        }
    }

    @Test
    void theTopologyGivesTheDocumentsPipelineHealth() {
        try (PipelineDriver driver = new PipelineDriver().pipe(WorkedExampleFixture.history())
                .pipe(WorkedBuildsExample.builds())) {
            final WindowMetrics.PipelineHealth week = driver.metrics("checkout", null,
                    Instant.parse("2026-07-06T00:00:00Z"), Instant.parse("2026-07-13T00:00:00Z")).pipelineHealth();
            assertEquals(8, week.runs());
            assertEquals(3, week.succeeded());
            assertEquals(4, week.failed());
            assertEquals(1, week.cancelled());
            assertEquals(3.0 / 7, week.successRate());
            assertEquals(8, week.durationSamples());
            assertEquals(480.0, week.durationMedianSeconds(), 4.8);
            assertEquals(900.0, week.durationP90Seconds(), 9);
            assertEquals(2.0 / 3, week.under10Minutes());
            assertEquals(new WindowMetrics.BrokenDefaultBranch(1, week.brokenDefaultBranch().medianTimeToFixSeconds(),
                    1), week.brokenDefaultBranch());
            assertEquals(12_480.0, week.brokenDefaultBranch().medianTimeToFixSeconds(), 124.8);
            assertEquals(0.82, week.coverage().latest());
            assertEquals(0.07, week.coverage().change(), 1e-12);
        }
    }
}
