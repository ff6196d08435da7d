package dev.dora.launcher.e2e;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dora.events.BuildEvent;
import dev.dora.events.BuildStatus;
import dev.dora.launcher.CliRun;
import dev.dora.launcher.observability.Exposition;
import dev.dora.streams.model.PipelineHealthAnswer;
import dev.dora.streams.model.ReferenceModel;
import dev.dora.streams.query.WindowMetrics;
import dev.dora.streams.reports.WeeklyReports;
import dev.dora.streams.simulation.BuildHistory;
import dev.dora.streams.simulation.HistoryGenerator;
import dev.dora.streams.topology.ConvergenceTest;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.concurrent.TimeUnit;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Pipeline health end to end, on a real broker through the launcher's stack: CI builds beside a generated delivery
 * history, posted in order and then shuffled with duplicates and a late third. Every scope's {@code pipelineHealth}
 * counts exactly the builds sent and is the reference model's (its breakdown by pipeline too); the answers are the
 * same in every arrival order; {@code GET /api/v1/builds} lists each build once; each weekly series bucket, each
 * weekly report and each Prometheus gauge says what {@code GET /api/v1/metrics} says for the same scope and days;
 * and {@code dora report} prints the pipeline's columns.
 */
@Tag("e2e")
@Timeout(value = 8, unit = TimeUnit.MINUTES)
class PipelineHealthEndToEndTest {

    private static final int DAYS = 42;
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void pipelineHealthIsTheSameInEveryOrderAndEverywhereTheMetricsAre() throws Exception {
        // ending today, so that the rolling window of the gauges holds builds; the weeks before today are closed
        final Instant end = Instant.now().truncatedTo(ChronoUnit.DAYS);
        final HistoryGenerator generator = HistoryGenerator.builder().seed(21).end(end).days(DAYS).build();
        // the demo's builds: two or three pipelines a service, re-runs, red runs on the default branch (trunk on
        // some services), coverage on some, each first sent in progress, then finished
        final List<BuildEvent> builds = BuildHistory.generate(generator.services(), 21, end, DAYS);
        final List<SpecificRecord> events = BuildHistory.merged(generator.generate(), builds);
        final ReferenceModel model = ReferenceModel.defaults().load(events);
        final Map<String, String> teams = model.teams();
        final Map<String, BuildEvent> finals = finalStates(builds);
        final List<String[]> scopes = scopes(teams);
        final LocalDate to = LocalDate.ofInstant(end, ZoneOffset.UTC).plusDays(1);
        final List<String[]> windows = List.of(new String[] {to.minusDays(DAYS + 7).toString(), to.toString()},
                new String[] {to.minusDays(14).toString(), to.minusDays(7).toString()},
                new String[] {to.minusDays(30).toString(), to.toString()});

        // the builds go through POST /api/v1/events, which stamps each with its service's default branch from the
        // catalog, as the model reads them
        final String catalog = catalog(builds);
        final Map<String, JsonNode> inOrder = new LinkedHashMap<>();
        try (RunningStack stack = RunningStack.start(catalog, Map.of())) {
            stack.postAll(events, 500);
            stack.awaitCaughtUp();
            for (final String[] window : windows) {
                for (final String[] scope : scopes) {
                    final JsonNode answer = stack.metrics(scope[0], scope[1], window[0], window[1]);
                    assertCountsTheBuildsSent(finals, teams, scope, window, answer.get("pipelineHealth"));
                    assertIsTheModels(model, scope, window, answer);
                    inOrder.put(key(scope, window), pipelineOf(answer));
                }
            }
            assertDrillDownListsTheBuilds(stack, teams, windows.get(0), finals);
            assertSeriesBucketsAreTheMetricsOfTheirWeeks(stack, scopes);
            assertReportsCarryTheWeeksPipeline(stack);
            assertGaugesAreTheApis(stack, scopes, teams);
        }

        final List<SpecificRecord> late = ConvergenceTest.lateBackfill(
                ConvergenceTest.shuffledWithDuplicates(events, 21));
        try (RunningStack stack = RunningStack.start(catalog, Map.of())) {
            stack.postAll(late, 333);
            stack.awaitCaughtUp();
            for (final String[] window : windows) {
                for (final String[] scope : scopes) {
                    assertSamePipeline(inOrder.get(key(scope, window)),
                            pipelineOf(stack.metrics(scope[0], scope[1], window[0], window[1])),
                            "shuffled, duplicated and late: " + key(scope, window));
                }
            }
        }
    }

    /** The organisation, every team and every service; each {service, team}. */
    private static List<String[]> scopes(final Map<String, String> teams) {
        final List<String[]> scopes = new ArrayList<>();
        scopes.add(new String[] {null, null});
        new TreeSet<>(teams.values()).forEach(team -> scopes.add(new String[] {null, team}));
        new TreeSet<>(teams.keySet()).forEach(service -> scopes.add(new String[] {service, null}));
        return scopes;
    }

    private static String key(final String[] scope, final String[] window) {
        return (scope[0] != null ? "service " + scope[0] : scope[1] != null ? "team " + scope[1] : "organisation")
                + " " + window[0] + ".." + window[1];
    }

    /** The pipeline block and its breakdown by pipeline: what must not depend on the arrival order. */
    private static JsonNode pipelineOf(final JsonNode answer) {
        final ObjectNode out = answer.deepCopy();
        out.retain("pipelineHealth", "breakdowns");
        ((ObjectNode) out.get("breakdowns")).retain("pipeline");
        return out;
    }

    /** The same pipeline blocks, every count, rate, quantile and coverage exactly, to the last bit. */
    private static void assertSamePipeline(final JsonNode expected, final JsonNode actual, final String where) {
        assertEquals(expected, actual, where);
    }

    /** The catalog naming the default branch of the services whose builds are stamped with one ({@code trunk}). */
    private static String catalog(final List<BuildEvent> builds) {
        final Set<String> stamped = builds.stream().filter(b -> b.getDefaultBranch() != null)
                .map(BuildEvent::getService).collect(Collectors.toCollection(TreeSet::new));
        assertFalse(stamped.isEmpty(), "some services work on a branch only the catalog names");
        return "services:\n" + stamped.stream().map(service -> "  - name: " + service + "\n    defaultBranch: "
                + builds.stream().filter(b -> service.equals(b.getService())).findFirst().orElseThrow()
                        .getDefaultBranch() + "\n").collect(Collectors.joining());
    }

    /** The latest state of each build id, as the pipeline must keep it (latest occurredAt wins). */
    private static Map<String, BuildEvent> finalStates(final List<BuildEvent> builds) {
        final Map<String, BuildEvent> finals = new HashMap<>();
        for (final BuildEvent build : builds) {
            finals.merge(build.getId(), build, (a, b) -> a.getOccurredAt().isAfter(b.getOccurredAt()) ? a : b);
        }
        return finals;
    }

    /** Runs and their outcomes, counted from the builds sent: those of the scope that finished in the window. */
    private static void assertCountsTheBuildsSent(final Map<String, BuildEvent> finals, final Map<String, String> teams,
                                                  final String[] scope, final String[] window,
                                                  final JsonNode pipeline) {
        final Instant from = LocalDate.parse(window[0]).atStartOfDay(ZoneOffset.UTC).toInstant();
        final Instant until = LocalDate.parse(window[1]).atStartOfDay(ZoneOffset.UTC).toInstant();
        final Map<BuildStatus, Long> counts = new HashMap<>();
        final Set<String> pipelines = new TreeSet<>();
        for (final BuildEvent build : finals.values()) {
            final boolean inScope = scope[0] != null ? scope[0].equals(build.getService())
                    : scope[1] == null || scope[1].equals(teams.get(build.getService()));
            if (inScope && build.getFinishedAt() != null && !build.getFinishedAt().isBefore(from)
                    && build.getFinishedAt().isBefore(until)) {
                counts.merge(build.getStatus(), 1L, Long::sum);
                pipelines.add(build.getPipeline());
            }
        }
        final String where = key(scope, window) + ": " + pipeline;
        final long runs = counts.values().stream().mapToLong(Long::longValue).sum();
        assertTrue(runs > 10, "the window has builds: " + where);
        assertEquals(runs, pipeline.get("runs").asLong(), where);
        assertEquals(counts.getOrDefault(BuildStatus.success, 0L), pipeline.get("succeeded").asLong(), where);
        assertEquals(counts.getOrDefault(BuildStatus.failure, 0L), pipeline.get("failed").asLong(), where);
        assertEquals(counts.getOrDefault(BuildStatus.cancelled, 0L), pipeline.get("cancelled").asLong(), where);
        final long decided = pipeline.get("succeeded").asLong() + pipeline.get("failed").asLong();
        assertEquals((double) pipeline.get("succeeded").asLong() / decided, pipeline.get("successRate").asDouble(),
                1e-12, where);
        assertEquals(runs, pipeline.get("durationSamples").asLong(), where);
        assertTrue(pipeline.get("durationMedianSeconds").asDouble() <= pipeline.get("durationP90Seconds").asDouble(),
                where);
    }

    /** The block and each pipeline's are the reference model's, computed from scratch from the same events. */
    private static void assertIsTheModels(final ReferenceModel model, final String[] scope, final String[] window,
                                          final JsonNode answer) throws Exception {
        final PipelineHealthAnswer expected = model.pipelineHealth(scope[0], scope[1],
                LocalDate.parse(window[0]).atStartOfDay(ZoneOffset.UTC).toInstant(),
                LocalDate.parse(window[1]).atStartOfDay(ZoneOffset.UTC).toInstant());
        final String where = key(scope, window);
        final String total = expected.total().mismatch(JSON.treeToValue(answer.get("pipelineHealth"),
                WindowMetrics.PipelineHealth.class));
        assertEquals(null, total, where);
        final JsonNode byPipeline = answer.at("/breakdowns/pipeline");
        assertEquals(new TreeSet<>(expected.byPipeline().keySet()), fieldNames(byPipeline), where);
        for (final Map.Entry<String, PipelineHealthAnswer.Block> pipeline : expected.byPipeline().entrySet()) {
            assertEquals(null, pipeline.getValue().mismatch(JSON.treeToValue(byPipeline.get(pipeline.getKey()),
                    WindowMetrics.PipelineHealth.class)), where + " pipeline " + pipeline.getKey());
        }
        // the model's episodes are counted from scratch: some broke, some were fixed, some are open at the end
        assertTrue(expected.total().episodes() > 0 || scope[0] != null, where + ": episodes of a broken branch");
    }

    private static Set<String> fieldNames(final JsonNode node) {
        final Set<String> names = new TreeSet<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    /**
     * {@code GET /api/v1/builds}, page by page: each service's finished builds of the window, once each, with their
     * duration, and as many fixes of the default branch as the answer counts episodes.
     */
    private static void assertDrillDownListsTheBuilds(final RunningStack stack, final Map<String, String> teams,
                                                      final String[] window, final Map<String, BuildEvent> finals)
            throws Exception {
        for (final String service : new TreeSet<>(teams.keySet())) {
            final String query = "&service=" + URLEncoder.encode(service, StandardCharsets.UTF_8) + "&from="
                    + window[0] + "&to=" + window[1];
            final Set<String> listed = new TreeSet<>();
            long fixed = 0;
            String cursor = null;
            do {
                final JsonNode page = stack.getJson("/api/v1/builds?limit=50" + query
                        + (cursor == null ? "" : "&cursor=" + URLEncoder.encode(cursor, StandardCharsets.UTF_8)));
                for (final JsonNode build : page.get("builds")) {
                    assertTrue(listed.add(build.get("id").asText()), "listed once: " + build);
                    final BuildEvent sent = finals.get(build.get("id").asText());
                    assertEquals(service, build.get("service").asText());
                    assertEquals(Duration.between(sent.getStartedAt(), sent.getFinishedAt()).toSeconds(),
                            build.get("durationSeconds").asLong(), build.toString());
                    assertEquals(sent.getStatus().name(), build.get("status").asText(), build.toString());
                    fixed += build.get("fixedDefaultBranch").asBoolean() ? 1 : 0;
                }
                cursor = page.get("next").isNull() ? null : page.get("next").asText();
            } while (cursor != null);
            final JsonNode pipeline = stack.getJson("/api/v1/metrics?" + query.substring(1)).get("pipelineHealth");
            assertEquals(pipeline.get("runs").asLong(), listed.size(), "every finished build of " + service);
            assertEquals(pipeline.at("/brokenDefaultBranch/episodes").asLong(), fixed, "the fixes of " + service);
        }
    }

    /** Each week of the weekly series is the metrics answer of that week, pipeline included. */
    private static void assertSeriesBucketsAreTheMetricsOfTheirWeeks(final RunningStack stack,
                                                                     final List<String[]> scopes) throws Exception {
        for (final String[] scope : scopes.subList(0, 3)) {
            final JsonNode series = stack.getJson("/api/v1/metrics/series?granularity=week&window=" + DAYS + "d"
                    + param(scope));
            int withBuilds = 0;
            for (final JsonNode bucket : series.get("buckets")) {
                final JsonNode week = stack.metrics(scope[0], scope[1], bucket.get("start").asText(),
                        bucket.get("end").asText());
                assertEquals(week.get("pipelineHealth"), bucket.get("pipelineHealth"),
                        "series bucket " + bucket.get("start") + " of " + key(scope, new String[] {"", ""}));
                withBuilds += bucket.at("/pipelineHealth/runs").asLong() > 0 ? 1 : 0;
            }
            assertTrue(withBuilds >= 5, "weeks with builds: " + withBuilds);
        }
    }

    private static String param(final String[] scope) {
        return scope[0] != null ? "&service=" + URLEncoder.encode(scope[0], StandardCharsets.UTF_8)
                : scope[1] != null ? "&team=" + URLEncoder.encode(scope[1], StandardCharsets.UTF_8) : "";
    }

    /**
     * Every published report carries the pipeline block of {@code GET /api/v1/metrics} for its week and the build
     * trends of its numbers; {@code dora report} shows the pipeline's columns.
     */
    private static void assertReportsCarryTheWeeksPipeline(final RunningStack stack) throws Exception {
        final List<JsonNode> reports = new ArrayList<>();
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
            reports.clear();
            final JsonNode latest = stack.getJson("/api/v1/reports/weekly").get("reports");
            assertTrue(latest.size() > 0, "reports published");
            final LocalDate lastWeek = LocalDate.ofInstant(Instant.parse(latest.get(0).get("weekStart").asText()),
                    ZoneOffset.UTC);
            for (int back = 0; back < 4; back++) {
                stack.getJson("/api/v1/reports/weekly?week=" + WeeklyReports.isoWeek(lastWeek.minusWeeks(back)))
                        .get("reports").forEach(reports::add);
            }
            for (final JsonNode report : reports) {
                final JsonNode scope = report.get("scope");
                final String name = scope.get("name").isNull() ? null : scope.get("name").asText();
                final String kind = scope.get("kind").asText();
                final JsonNode metrics = stack.metrics("service".equals(kind) ? name : null,
                        "team".equals(kind) ? name : null,
                        LocalDate.ofInstant(Instant.parse(report.get("weekStart").asText()), ZoneOffset.UTC).toString(),
                        LocalDate.ofInstant(Instant.parse(report.get("weekEnd").asText()), ZoneOffset.UTC).toString());
                final String where = kind + " " + name + " " + report.get("week").asText();
                assertEquals(metrics.get("pipelineHealth"), report.get("pipelineHealth"), where);
                assertEquals(metrics.at("/pipelineHealth/successRate"),
                        report.at("/trends/buildSuccessRate/thisWeek"), where);
                assertEquals(metrics.at("/pipelineHealth/durationMedianSeconds"),
                        report.at("/trends/buildDuration/thisWeek"), where);
                assertTrue(report.at("/trends/buildSuccessRate/trend").isTextual(), where);
            }
        });
        assertTrue(reports.stream().filter(r -> r.at("/pipelineHealth/runs").asLong() > 0).count() > 10,
                "reports with builds: " + reports.size());
        final JsonNode organisation = reports.stream().filter(r -> "organisation".equals(r.at("/scope/kind").asText()))
                .max(Comparator.comparing(r -> r.get("week").asText())).orElseThrow();
        final CliRun table = CliRun.of("report", "--url", stack.baseUrl(), "--week", organisation.get("week").asText());
        assertEquals(0, table.code(), table.toString());
        final String line = table.out().lines().filter(l -> l.startsWith("organisation")).findFirst().orElseThrow();
        final String rate = String.format(Locale.ROOT, "%.1f %%",
                organisation.at("/pipelineHealth/successRate").asDouble() * 100);
        assertTrue(table.out().contains("BUILDS OK") && line.contains(rate), table.out());
    }

    /** The pipeline gauges of every scope are the API's answer for the gauges' rolling window. */
    private static void assertGaugesAreTheApis(final RunningStack stack, final List<String[]> scopes,
                                               final Map<String, String> teams) throws Exception {
        // a refresh that started after the catch-up: the gauges can no longer move
        final double caughtUp = Instant.now().toEpochMilli() / 1000.0;
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(() -> scrape(stack)
                .value("dora_metrics_refreshed_timestamp_seconds", Map.of()).orElse(0.0) > caughtUp + 1.5);
        final Exposition scrape = scrape(stack);
        for (final String[] scope : scopes) {
            final JsonNode api = stack.getJson("/api/v1/metrics?window=30d" + param(scope));
            final Map<String, String> labels = new HashMap<>(Map.of("window", "30d"));
            if (scope[0] != null) {
                labels.put("scope", "service");
                labels.put("service", scope[0]);
                if (teams.get(scope[0]) != null) {
                    labels.put("team", teams.get(scope[0]));
                }
            } else if (scope[1] != null) {
                labels.put("scope", "team");
                labels.put("team", scope[1]);
            } else {
                labels.put("scope", "organisation");
            }
            final String where = key(scope, new String[] {"30d", ""}) + " " + labels;
            final JsonNode pipeline = api.get("pipelineHealth");
            assertEquals(Optional.of(pipeline.get("runs").asDouble()), scrape.value("dora_builds", labels), where);
            assertEquals(Optional.of(pipeline.get("successRate").asDouble()),
                    scrape.value("dora_build_success_rate", labels), where);
            assertEquals(Optional.of(pipeline.at("/brokenDefaultBranch/openNow").asDouble()),
                    scrape.value("dora_default_branch_broken", labels), where);
            assertEquals(Optional.of(pipeline.get("under10Minutes").asDouble()),
                    scrape.value("dora_build_fast_rate", labels), where);
            for (final String[] quantile : List.of(new String[] {"0.5", "durationMedianSeconds"},
                    new String[] {"0.9", "durationP90Seconds"})) {
                final Map<String, String> withQuantile = new HashMap<>(labels);
                withQuantile.put("quantile", quantile[0]);
                assertEquals(Optional.of(pipeline.get(quantile[1]).asDouble()),
                        scrape.value("dora_build_duration_seconds", withQuantile), where);
            }
        }
    }

    private static Exposition scrape(final RunningStack stack) throws Exception {
        return Exposition.parse(stack.get("/metrics").body());
    }
}
