package dev.dora.launcher.observability;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dora.launcher.e2e.RunningStack;
import dev.dora.streams.simulation.BuildHistory;
import dev.dora.streams.simulation.HistoryGenerator;
import dev.dora.streams.simulation.PerformanceLevel;
import dev.dora.streams.simulation.ServiceProfile;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * {@code GET /metrics} on a real stack (broker, pipeline, API) loaded with generated history: every DORA gauge of
 * every service, team and the organisation equals {@code GET /api/v1/metrics?window=30d} for that scope, and is
 * absent where the API answers null; the pipeline's health counts exactly what the test sent; promtool accepts the
 * dora_* series without a lint warning and parses the whole scrape; OpenMetrics is answered when asked for; and a real
 * Prometheus scraping the endpoint answers the same deployments and lead time as the API for a service and a team.
 */
@Tag("e2e")
@Timeout(value = 5, unit = TimeUnit.MINUTES)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PrometheusEndpointTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int BATCH = 1_000;
    private static final int INVALID_EVENTS = 3;
    private static final Set<String> DORA_LABELS = Set.of("scope", "service", "team", "window", "quantile");

    /** Each family with the API's value of it, for one scope's answer; null where the API answers null. */
    private static final Map<String, Function<JsonNode, JsonNode>> GAUGES = Map.ofEntries(
            Map.entry("dora_deployments", m -> m.at("/deploymentFrequency/deployments")),
            Map.entry("dora_deployments_per_day", m -> m.at("/deploymentFrequency/perDay")),
            Map.entry("dora_change_failure_rate", m -> m.at("/changeFailureRate/rate")),
            Map.entry("dora_rework_rate", m -> m.at("/reworkRate/rate")),
            Map.entry("dora_open_incidents", m -> m.at("/timeToRestore/openIncidents")),
            Map.entry("dora_builds", m -> m.at("/pipelineHealth/runs")),
            Map.entry("dora_build_success_rate", m -> m.at("/pipelineHealth/successRate")),
            Map.entry("dora_build_fast_rate", m -> m.at("/pipelineHealth/under10Minutes")),
            Map.entry("dora_default_branch_broken", m -> m.at("/pipelineHealth/brokenDefaultBranch/openNow")),
            Map.entry("dora_build_coverage", m -> m.at("/pipelineHealth/coverage/latest")));
    /** Each summary family with the API's block and its median and p90 fields. */
    private static final Map<String, String[]> QUANTILES = Map.of(
            "dora_lead_time_seconds", new String[] {"/leadTime", "medianSeconds", "p90Seconds"},
            "dora_time_to_restore_seconds", new String[] {"/timeToRestore", "medianSeconds", "p90Seconds"},
            "dora_failed_deployment_recovery_seconds",
            new String[] {"/failedDeploymentRecoveryTime", "medianSeconds", "p90Seconds"},
            "dora_build_duration_seconds",
            new String[] {"/pipelineHealth", "durationMedianSeconds", "durationP90Seconds"});

    private RunningStack stack;
    private int historyRequests;

    @BeforeAll
    void startAndLoad() throws Exception {
        // ending now, so that the rolling 30 days hold deployments; edge-proxy has no team
        final List<ServiceProfile> services = new ArrayList<>(HistoryGenerator.demoServices());
        services.add(ServiceProfile.of("edge-proxy", null, PerformanceLevel.LOW));
        final Instant end = Instant.now();
        final List<SpecificRecord> events = BuildHistory.merged(HistoryGenerator.builder().seed(11).end(end)
                .days(45).services(services).build().generate(), BuildHistory.generate(services, 11, end, 45));
        stack = RunningStack.start();
        historyRequests = stack.postAll(events, BATCH);
        // what the pipeline's health must count: invalid events, a refused content type, webhooks refused
        final HttpResponse<String> invalid = stack.post("application/x-ndjson",
                "{\"type\":\"deployment\"}\n{\"type\":\"nonsense\"}\n{\"id\":\"x\"}");
        assertEquals(202, invalid.statusCode(), invalid.body());
        assertEquals(INVALID_EVENTS, JSON.readTree(invalid.body()).get("rejected").size(), invalid.body());
        assertEquals(415, stack.post("text/plain", "hello").statusCode());
        assertEquals(401, stack.webhook("github", Map.of("X-GitHub-Event", "push"), "{}").statusCode());
        assertEquals(404, stack.webhook("no-such-source", Map.of(), "{}").statusCode());
        stack.awaitCaughtUp();
        awaitRefreshAfter(Instant.now());
    }

    @AfterAll
    void stop() throws Exception {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void everyDoraGaugeEqualsTheApisAnswerForItsScope() throws Exception {
        final Exposition scrape = Exposition.parse(scrape(null).body());
        final List<Map<String, String>> scopes = scopes();
        int present = 0;
        int absent = 0;
        for (final Map<String, String> scope : scopes) {
            final JsonNode api = stack.getJson("/api/v1/metrics?window=30d" + query(scope));
            final Map<String, String> labels = new LinkedHashMap<>(scope);
            labels.put("window", "30d");
            for (final var gauge : GAUGES.entrySet()) {
                final JsonNode expected = gauge.getValue().apply(api);
                final Optional<Double> actual = scrape.value(gauge.getKey(), labels);
                if (expected.isNull()) {
                    assertTrue(actual.isEmpty(), gauge.getKey() + labels + " has nothing to measure but is " + actual);
                    absent++;
                } else {
                    assertEquals(Optional.of(expected.asDouble()), actual, gauge.getKey() + labels);
                    present++;
                }
            }
            for (final var quantiles : QUANTILES.entrySet()) {
                final JsonNode block = api.at(quantiles.getValue()[0]);
                for (final String[] quantile : List.of(new String[] {"0.5", quantiles.getValue()[1]},
                        new String[] {"0.9", quantiles.getValue()[2]})) {
                    final Map<String, String> withQuantile = new LinkedHashMap<>(labels);
                    withQuantile.put("quantile", quantile[0]);
                    final Optional<Double> actual = scrape.value(quantiles.getKey(), withQuantile);
                    if (block.get(quantile[1]).isNull()) {
                        assertTrue(actual.isEmpty(), quantiles.getKey() + withQuantile + " is " + actual);
                        absent++;
                    } else {
                        assertEquals(Optional.of(block.get(quantile[1]).asDouble()), actual,
                                quantiles.getKey() + withQuantile);
                        present++;
                    }
                }
            }
        }
        assertTrue(present > 100, "most gauges have something to measure: " + present);
        assertTrue(absent > 0, "a scope without incidents or failures shows that some gauges can be absent");
        // no series but those of the scopes: services + teams + 1 per gauge, nothing finer
        for (final String family : GAUGES.keySet()) {
            assertTrue(scrape.samples(family).size() <= scopes.size(), family);
        }
        assertEquals(scopes.size(), scrape.samples("dora_deployments").size(), "one dora_deployments per scope");
        // pipeline health (issue 14): the history's builds are counted in every scope, measured in most
        assertEquals(scopes.size(), scrape.samples("dora_builds").size(), "one dora_builds per scope");
        assertTrue(scrape.samples("dora_builds").stream().allMatch(s -> s.value() > 0), "every scope has builds");
        assertTrue(scrape.samples("dora_build_success_rate").size() >= scopes.size() - 1,
                "a success rate almost everywhere: " + scrape.samples("dora_build_success_rate"));
        assertEquals(2 * scopes.size(), scrape.samples("dora_build_duration_seconds").size(), "two quantiles per scope");
        assertEquals(scopes.size(), scrape.samples("dora_default_branch_broken").size(), "a count per scope");
        for (final Exposition.Sample sample : scrape.samples()) {
            if (GAUGES.containsKey(sample.name()) || QUANTILES.containsKey(sample.name())) {
                assertTrue(DORA_LABELS.containsAll(sample.labels().keySet()), sample.toString());
                assertTrue(Set.of("service", "team", "organisation").contains(sample.labels().get("scope")),
                        sample.toString());
            }
        }
        assertEquals(Optional.of("summary"), scrape.type("dora_lead_time_seconds"));
        assertEquals(Optional.of("gauge"), scrape.type("dora_deployments"));
    }

    @Test
    void thePipelinesHealthCountsWhatWasSent() throws Exception {
        final Exposition scrape = Exposition.parse(scrape(null).body());
        assertEquals(Optional.of(1.0), scrape.value("dora_pipeline_running", Map.of()));
        assertEquals(Optional.of(0.0), scrape.value("dora_records_pending", Map.of()));
        assertEquals(Optional.of((double) INVALID_EVENTS), scrape.value("dora_dead_letter_records", Map.of()));
        assertEquals(Optional.of(historyRequests + 1.0),
                scrape.value("dora_ingest_requests_total", Map.of("source", "api", "status", "202")));
        assertEquals(Optional.of(1.0), scrape.value("dora_ingest_requests_total", Map.of("source", "api", "status", "415")));
        assertEquals(Optional.of(1.0),
                scrape.value("dora_ingest_requests_total", Map.of("source", "github", "status", "401")));
        assertEquals(Optional.of(1.0),
                scrape.value("dora_ingest_requests_total", Map.of("source", "unknown", "status", "404")));
        assertEquals(Optional.of(historyRequests + 2.0),
                scrape.value("dora_ingest_request_duration_seconds_count", Map.of("source", "api")));
        assertEquals(Optional.of(1.0),
                scrape.value("dora_webhook_deliveries_total", Map.of("source", "github", "outcome", "unauthorized")));
        assertEquals(Optional.of(0.0), scrape.value("dora_webhook_events_total", Map.of("source", "gitlab")));
        assertFalse(scrape.samples().stream().anyMatch(s -> "no-such-source".equals(s.labels().get("source"))),
                "an unknown source gets no label of its own");
        assertTrue(scrape.samples("dora_metrics_refresh_seconds_count").get(0).value() >= 1);
        // Kafka Streams' own metrics through KafkaStreamsMetrics, and the JVM's
        assertTrue(scrape.samples().stream().anyMatch(s -> s.name().startsWith("kafka_stream_thread_process")),
                "Kafka Streams' thread metrics");
        assertTrue(scrape.samples().stream().anyMatch(s -> s.name().equals("kafka_stream_thread_commit_latency_avg")),
                "the commit latency");
        assertFalse(scrape.samples("jvm_memory_used_bytes").isEmpty(), "JVM memory");
    }

    @Test
    void promtoolAcceptsTheDoraSeriesAndParsesTheWholeScrape() throws Exception {
        final String whole = scrape(null).body();
        final DebianTool.Result all = DebianTool.PROMTOOL.run(whole, "check", "metrics");
        // Kafka's own metric names break promtool's naming lint (exit 3); 1 would be a format error
        assertNotEquals(1, all.exitCode(), "promtool cannot parse the scrape:\n" + all.output());
        final String dora = whole.lines().filter(line -> family(line).startsWith("dora_"))
                .collect(Collectors.joining("\n", "", "\n"));
        assertTrue(dora.lines().count() > 50, dora);
        final DebianTool.Result ours = DebianTool.PROMTOOL.run(dora, "check", "metrics");
        assertEquals(0, ours.exitCode(), "promtool on the dora_* series:\n" + ours.output());
    }

    @Test
    void openMetricsIsAnsweredWhenAskedFor() throws Exception {
        final HttpResponse<String> text = scrape(null);
        assertTrue(text.headers().firstValue("Content-Type").orElse("").startsWith("text/plain; version=0.0.4"),
                text.headers().toString());
        final HttpResponse<String> open = scrape("application/openmetrics-text; version=1.0.0; charset=utf-8");
        assertTrue(open.headers().firstValue("Content-Type").orElse("").startsWith("application/openmetrics-text"),
                open.headers().toString());
        assertTrue(open.body().endsWith("# EOF\n"), "an OpenMetrics exposition ends with # EOF");
        final Exposition parsed = Exposition.parse(open.body());
        assertEquals(Exposition.parse(text.body()).samples("dora_deployments"), parsed.samples("dora_deployments"));
    }

    @Test
    void aRealPrometheusAnswersWhatTheApiAnswers() throws Exception {
        DebianTool.PROMETHEUS.assumeInstalled();
        final double refreshed = Exposition.parse(scrape(null).body())
                .value("dora_metrics_refreshed_timestamp_seconds", Map.of()).orElseThrow();
        try (PrometheusServer prometheus = PrometheusServer.start(stack.port(), Duration.ofSeconds(2))) {
            // a sample taken after the refresh that followed the catch-up: the numbers cannot move any more
            await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500))
                    .until(() -> prometheus.value("dora_metrics_refreshed_timestamp_seconds").orElse(0.0) >= refreshed);
            final String service = stack.getJson("/api/v1/services").at("/services/0/service").asText();
            final String team = stack.getJson("/api/v1/services").at("/services/0/team").asText();
            for (final Map<String, String> scope : List.of(Map.of("scope", "service", "service", service),
                    Map.of("scope", "team", "team", team))) {
                final JsonNode api = stack.getJson("/api/v1/metrics?window=30d" + query(scope));
                final String selector = scope.entrySet().stream().map(e -> e.getKey() + "=\"" + e.getValue() + "\"")
                        .collect(Collectors.joining(",")) + ",window=\"30d\"";
                assertEquals(api.at("/deploymentFrequency/deployments").asDouble(),
                        prometheus.awaitValue("dora_deployments{" + selector + "}"), "deployments of " + scope);
                assertEquals(api.at("/leadTime/medianSeconds").asDouble(),
                        prometheus.awaitValue("dora_lead_time_seconds{" + selector + ",quantile=\"0.5\"}"),
                        "median lead time of " + scope);
                assertEquals(api.at("/leadTime/p90Seconds").asDouble(),
                        prometheus.awaitValue("dora_lead_time_seconds{" + selector + ",quantile=\"0.9\"}"),
                        "p90 lead time of " + scope);
                assertEquals(api.at("/pipelineHealth/successRate").asDouble(),
                        prometheus.awaitValue("dora_build_success_rate{" + selector + "}"),
                        "build success rate of " + scope);
                assertEquals(api.at("/pipelineHealth/durationMedianSeconds").asDouble(),
                        prometheus.awaitValue("dora_build_duration_seconds{" + selector + ",quantile=\"0.5\"}"),
                        "median build duration of " + scope);
            }
            assertEquals(1.0, prometheus.awaitValue("up{job=\"dora\"}"));
        }
    }

    /** Every scope's labels: each service (with its team, when it has one), each team, the organisation. */
    private List<Map<String, String>> scopes() throws Exception {
        final List<Map<String, String>> scopes = new ArrayList<>();
        final Set<String> teams = new TreeSet<>();
        for (final JsonNode service : stack.getJson("/api/v1/services").get("services")) {
            final Map<String, String> scope = new LinkedHashMap<>();
            scope.put("scope", "service");
            scope.put("service", service.get("service").asText());
            if (!service.get("team").isNull()) {
                scope.put("team", service.get("team").asText());
                teams.add(service.get("team").asText());
            }
            scopes.add(scope);
        }
        assertTrue(scopes.stream().anyMatch(s -> !s.containsKey("team")), "a service without a team");
        teams.forEach(team -> scopes.add(Map.of("scope", "team", "team", team)));
        scopes.add(Map.of("scope", "organisation"));
        return scopes;
    }

    /** The query parameters that name the scope in the REST API. */
    private static String query(final Map<String, String> scope) {
        final String kind = scope.get("scope");
        if ("organisation".equals(kind)) {
            return "";
        }
        return "&" + kind + "=" + URLEncoder.encode(scope.get(kind), StandardCharsets.UTF_8);
    }

    private HttpResponse<String> scrape(final String accept) throws Exception {
        final HttpResponse<String> response = accept == null ? stack.get("/metrics") : stack.get("/metrics", accept);
        assertEquals(200, response.statusCode(), response.body());
        return response;
    }

    /**
     * Waits for a refresh of the DORA gauges that started after {@code instant}: the second to end after it (the
     * refresher starts one only when the previous one ended).
     */
    private void awaitRefreshAfter(final Instant instant) {
        final double[] first = {0};
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(() -> {
            first[0] = refreshedAt();
            return first[0] > instant.toEpochMilli() / 1000.0;
        });
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(() -> refreshedAt() > first[0]);
    }

    private double refreshedAt() throws Exception {
        return Exposition.parse(scrape(null).body()).value("dora_metrics_refreshed_timestamp_seconds", Map.of())
                .orElse(0.0);
    }

    /** The family a line of the text format belongs to. */
    private static String family(final String line) {
        if (line.startsWith("# HELP ") || line.startsWith("# TYPE ")) {
            return line.split(" ")[2];
        }
        final int end = line.indexOf('{') >= 0 ? line.indexOf('{') : line.indexOf(' ');
        return end < 0 ? line : line.substring(0, end);
    }
}
