package dev.dora.launcher.e2e;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dora.launcher.CliRun;
import dev.dora.streams.simulation.HistoryGenerator;
import dev.dora.streams.topology.ConvergenceTest;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.IsoFields;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The weekly reports over HTTP: for every week of a generated history and every scope, the report's numbers are the
 * answer of {@code GET /api/v1/metrics} for that scope from its weekStart to its weekEnd; posted in order, or
 * shuffled with duplicates and then a late third, the reports end up with the same numbers.
 */
@Tag("e2e")
@Timeout(value = 8, unit = TimeUnit.MINUTES)
class WeeklyReportsEndToEndTest {

    private static final Instant END = Instant.parse("2026-11-01T00:00:00Z");
    /** The blocks a report shares with {@code GET /api/v1/metrics}, field for field. */
    private static final List<String> BLOCKS = List.of("deploymentFrequency", "leadTime", "changeFailureRate",
            "timeToRestore", "failedDeploymentRecoveryTime", "reworkRate", "incidents", "dataQuality", "pipelineHealth",
            "tiers");

    @Test
    void everyReportIsTheMetricsOfItsWeekInAnyArrivalOrder() throws Exception {
        final List<SpecificRecord> events = HistoryGenerator.builder().seed(11).end(END).days(60).build().generate();
        final Map<String, JsonNode> inOrder;
        try (RunningStack stack = RunningStack.start()) {
            stack.postAll(events, 500);
            inOrder = awaitReportsMatchingMetrics(stack);
            assertRequestsAreChecked(stack);
            assertReportCommandPrintsThem(stack);
        }
        final List<SpecificRecord> late = ConvergenceTest.lateBackfill(ConvergenceTest.shuffledWithDuplicates(events, 11));
        try (RunningStack stack = RunningStack.start()) {
            stack.postAll(late, 333);
            final Map<String, JsonNode> shuffled = awaitReportsMatchingMetrics(stack);
            assertEquals(inOrder.keySet(), shuffled.keySet(), "the same scopes and weeks");
            inOrder.forEach((key, report) -> assertEquals(report, shuffled.get(key), "the same numbers: " + key));
        }
    }

    /** Once the pipeline caught up, every published report equals the metrics of its week; the reports by key. */
    private static Map<String, JsonNode> awaitReportsMatchingMetrics(final RunningStack stack) {
        stack.awaitCaughtUp();
        final Map<String, JsonNode> reports = new TreeMap<>();
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
            reports.clear();
            final JsonNode latest = stack.getJson("/api/v1/reports/weekly").get("reports");
            assertTrue(latest.size() > 0, "reports published");
            // the history ends on a Sunday's midnight: that week closes a day later, after the last event
            assertEquals("2026-W43", latest.get(0).get("week").asText(), "the last closed week by event time");
            for (LocalDate monday = LocalDate.parse("2026-08-31"); monday.isBefore(LocalDate.parse("2026-10-26"));
                 monday = monday.plusWeeks(1)) {
                final String week = String.format("%d-W%02d", monday.get(IsoFields.WEEK_BASED_YEAR),
                        monday.get(IsoFields.WEEK_OF_WEEK_BASED_YEAR));
                for (final JsonNode report : stack.getJson("/api/v1/reports/weekly?week=" + week).get("reports")) {
                    assertMatchesMetrics(stack, report);
                    final ObjectNode numbers = report.deepCopy();
                    numbers.remove(List.of("revision", "generatedAt"));
                    reports.put(key(report), numbers);
                }
            }
        });
        assertTrue(reports.keySet().stream().anyMatch(k -> k.startsWith("organisation:"))
                && reports.keySet().stream().anyMatch(k -> k.startsWith("team:"))
                && reports.keySet().stream().anyMatch(k -> k.startsWith("service:")), reports.keySet().toString());
        return reports;
    }

    private static String key(final JsonNode report) {
        final JsonNode scope = report.get("scope");
        return scope.get("kind").asText() + (scope.get("name").isNull() ? "" : ":" + scope.get("name").asText()) + ":"
                + report.get("week").asText();
    }

    private static void assertMatchesMetrics(final RunningStack stack, final JsonNode report) throws Exception {
        final JsonNode scope = report.get("scope");
        final String kind = scope.get("kind").asText();
        final String from = LocalDate.ofInstant(Instant.parse(report.get("weekStart").asText()), ZoneOffset.UTC)
                .toString();
        final String to = LocalDate.ofInstant(Instant.parse(report.get("weekEnd").asText()), ZoneOffset.UTC)
                .toString();
        final String name = scope.get("name").isNull() ? null : scope.get("name").asText();
        final JsonNode metrics = stack.metrics(kind.equals("service") ? name : null, kind.equals("team") ? name : null,
                from, to);
        for (final String block : BLOCKS) {
            final JsonNode expected = metrics.get(block);
            final JsonNode actual = report.get(block);
            actual.fieldNames().forEachRemaining(field -> assertEquals(expected.get(field), actual.get(field),
                    key(report) + " " + block + "." + field));
        }
        final JsonNode trends = report.get("trends");
        assertEquals(report.get("deploymentFrequency").get("perDay"),
                trends.get("deploymentFrequency").get("thisWeek"), key(report));
        assertEquals(report.get("leadTime").get("medianSeconds"), trends.get("leadTime").get("thisWeek"), key(report));
        assertEquals(report.at("/pipelineHealth/successRate"), trends.at("/buildSuccessRate/thisWeek"), key(report));
        assertEquals(report.at("/pipelineHealth/durationMedianSeconds"), trends.at("/buildDuration/thisWeek"),
                key(report));
        assertTrue(report.get("revision").asInt() >= 1, key(report));
        assertTrue(report.get("failedDeployments").size() <= 3, key(report));
        assertEquals(Math.min(3, report.get("changeFailureRate").get("failed").asInt()),
                report.get("failedDeployments").size(), "the failed deployments named " + key(report));
    }

    /** Bad requests name what is wrong; an unknown scope is a 404; the organisation's report names no one. */
    private static void assertRequestsAreChecked(final RunningStack stack) throws Exception {
        for (final String bad : List.of("week=2026-44", "week=2025-W53", "week=2026-W00", "week=W44",
                "week=2026-W44&week=2026-W45", "service=a&team=b")) {
            final HttpResponse<String> answer = stack.get("/api/v1/reports/weekly?" + bad);
            assertEquals(400, answer.statusCode(), bad + ": " + answer.body());
            final String error = new ObjectMapper().readTree(answer.body()).get("error").asText();
            assertTrue(error.startsWith("week") || error.startsWith("service"), bad + ": " + error);
        }
        final HttpResponse<String> unknown = stack.get("/api/v1/reports/weekly?week=2026-W40&service="
                + URLEncoder.encode("no such service", StandardCharsets.UTF_8));
        assertEquals(404, unknown.statusCode(), unknown.body());
        final JsonNode organisation = stack.getJson("/api/v1/reports/weekly?week=2026-W40").get("reports").get(0);
        assertEquals("organisation", organisation.get("scope").get("kind").asText());
        assertTrue(organisation.get("scope").get("name").isNull());
        final List<String> kinds = new ArrayList<>();
        stack.getJson("/api/v1/reports/weekly?week=2026-W40").get("reports")
                .forEach(r -> kinds.add(r.get("scope").get("kind").asText()));
        assertEquals(kinds.stream().sorted((a, b) -> Integer.compare(rank(a), rank(b))).toList(), kinds,
                "the organisation, then the teams, then the services");
        assertEquals(0, stack.getJson("/api/v1/reports/weekly?week=2020-W10").get("reports").size(),
                "a week without reports has none");
    }

    /** {@code dora report}: from the API or the topic, as JSON lines or a table, and its exit codes. */
    private static void assertReportCommandPrintsThem(final RunningStack stack) throws Exception {
        final List<JsonNode> summary = new ArrayList<>();
        stack.getJson("/api/v1/reports/weekly").get("reports").forEach(r -> {
            if (!r.get("scope").get("kind").asText().equals("service")) {
                summary.add(r);
            }
        });
        final CliRun fromApi = CliRun.of("report", "--url", stack.baseUrl(), "--json");
        assertEquals(0, fromApi.code(), fromApi.toString());
        assertEquals(summary, lines(fromApi.out()), "the organisation and every team of the last week");
        final CliRun fromTopic = CliRun.of("report", "--bootstrap-servers", stack.bootstrapServers(), "--json");
        assertEquals(0, fromTopic.code(), fromTopic.toString());
        assertEquals(summary, lines(fromTopic.out()), "the same, read from the topic");
        final String team = summary.get(1).get("scope").get("name").asText();
        final CliRun oneTeam = CliRun.of("report", "--bootstrap-servers", stack.bootstrapServers(), "--json", "--week",
                "2026-W40", "--team", team);
        assertEquals(stack.getJson("/api/v1/reports/weekly?week=2026-W40&team=" + team).get("reports").get(0),
                lines(oneTeam.out()).get(0), oneTeam.toString());
        final CliRun table = CliRun.of("report", "--url", stack.baseUrl(), "--week", "2026-W40");
        assertEquals(0, table.code(), table.toString());
        assertTrue(table.out().startsWith("Weekly report 2026-W40 (2026-09-28 to 2026-10-04), production"),
                table.out());
        assertTrue(table.out().contains("organisation") && table.out().contains("team " + team), table.out());
        assertTrue(table.out().contains("BUILDS OK") && table.out().contains("BUILD TIME"), table.out());
        assertEquals(2, CliRun.of("report", "--url", stack.baseUrl(), "--week", "2026-W99").code(), "no such week");
        assertEquals(2, CliRun.of("report", "--service", "a", "--team", "b").code(), "one scope at most");
        final CliRun unknown = CliRun.of("report", "--url", stack.baseUrl(), "--service", "no-such-service");
        assertEquals(1, unknown.code(), unknown.toString());
        assertTrue(unknown.err().contains("No weekly report"), unknown.toString());
    }

    private static List<JsonNode> lines(final String out) throws Exception {
        final List<JsonNode> lines = new ArrayList<>();
        for (final String line : out.split("\\R")) {
            if (!line.isBlank()) {
                lines.add(new ObjectMapper().readTree(line));
            }
        }
        return lines;
    }


    private static int rank(final String kind) {
        return switch (kind) {
            case "organisation" -> 0;
            case "team" -> 1;
            default -> 2;
        };
    }
}
