package dev.dora.launcher.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.dora.launcher.e2e.RunningStack;
import dev.dora.events.DeploymentEvent;
import dev.dora.events.DeploymentStatus;
import dev.dora.events.DeploymentStrategy;
import dev.dora.events.IncidentEvent;
import dev.dora.events.IncidentStatus;
import dev.dora.streams.simulation.BuildHistory;
import dev.dora.streams.simulation.HistoryGenerator;
import dev.dora.streams.simulation.PerformanceLevel;
import dev.dora.streams.simulation.ServiceProfile;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * Every Infinity query of the provisioned dashboards, panels and variables alike, run as Grafana and the plugin would
 * run it against a real stack loaded with generated history: with the dashboard's default time range and every value
 * of the variables it names (All included), each call answers 200, and every column it selects is present in every
 * row and holds data in some answer.
 */
@Tag("e2e")
@Timeout(value = 5, unit = TimeUnit.MINUTES)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GrafanaInfinityQueriesTest {

    private static final Pattern RELATIVE = Pattern.compile("now-(\\d+)([dh])");

    private RunningStack stack;

    @BeforeAll
    void startAndLoad() throws Exception {
        final List<ServiceProfile> services = new ArrayList<>(HistoryGenerator.demoServices());
        services.add(ServiceProfile.of("edge-proxy", null, PerformanceLevel.LOW));
        final Instant end = Instant.now();
        final List<SpecificRecord> events = new ArrayList<>(BuildHistory.merged(HistoryGenerator.builder().seed(3)
                .end(end).days(100).services(services).build().generate(), BuildHistory.generate(services, 3, end, 100)));
        events.addAll(rolledBack(services.get(0), end.minus(Duration.ofDays(2))));
        events.add(unattributed(services.get(0), end.minus(Duration.ofDays(3))));
        stack = RunningStack.start();
        stack.postAll(events, 1_000);
        stack.awaitCaughtUp(Duration.ofSeconds(150));
    }

    /**
     * A production deployment and the one rolling it back. The generated history has rollbacks, but whether one falls
     * within the dashboards' last 30 days depends on the day the test runs; the "rolled back by" column needs one.
     */
    private static List<SpecificRecord> rolledBack(final ServiceProfile service, final Instant at) {
        final DeploymentEvent bad = DeploymentEvent.newBuilder().setId("grafana-check-bad").setService(service.name())
                .setTeam(service.team()).setSource("github-actions").setEnvironment(service.productionEnvironment())
                .setStatus(DeploymentStatus.success).setSha("5f0c0de5f0c0de5f0c0de5f0c0de5f0c0de5f0c0")
                .setStartedAt(at).setFinishedAt(at.plusSeconds(300)).setOccurredAt(at.plusSeconds(300))
                .setStrategy(DeploymentStrategy.rolling).build();
        final Instant back = at.plus(Duration.ofMinutes(30));
        final DeploymentEvent rollback = DeploymentEvent.newBuilder(bad).setId("grafana-check-rollback")
                .setSha("0b5e55ed0b5e55ed0b5e55ed0b5e55ed0b5e55ed").setStartedAt(back)
                .setFinishedAt(back.plusSeconds(240)).setOccurredAt(back.plusSeconds(240)).setRollbackOf(bad.getId())
                .build();
        return List.of(bad, rollback);
    }

    /**
     * An incident charged to no deployment. Whether the generated history has one in the dashboards' last 30 days
     * depends on the time of day the test runs; the "why none" column needs one. It names a deployment that does not
     * exist, so no rule charges it.
     */
    private static IncidentEvent unattributed(final ServiceProfile service, final Instant at) {
        return IncidentEvent.newBuilder().setId("grafana-check-unattributed").setService(service.name())
                .setTeam(service.team()).setSource("pagerduty").setEnvironment(service.productionEnvironment())
                .setStatus(IncidentStatus.resolved).setOpenedAt(at).setResolvedAt(at.plus(Duration.ofMinutes(40)))
                .setOccurredAt(at.plus(Duration.ofMinutes(40))).setCauseDeploymentId("grafana-check-no-such-deployment")
                .build();
    }

    @AfterAll
    void stop() throws Exception {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void everyInfinityQueryAnswersWithTheColumnsItSelects() throws Exception {
        int calls = 0;
        int queries = 0;
        for (final var entry : Dashboards.all().entrySet()) {
            final JsonNode dashboard = entry.getValue();
            final InfinityCall infinity = new InfinityCall(stack.baseUrl(), day(dashboard.at("/time/from").asText()),
                    day(dashboard.at("/time/to").asText()));
            final Map<String, List<InfinityCall.Value>> choices = variableChoices(dashboard, infinity);
            for (final Dashboards.Query query : Dashboards.queries(dashboard)) {
                if (!Dashboards.INFINITY.equals(query.datasource().path("type").asText())) {
                    continue;
                }
                final String where = entry.getKey().getFileName() + " " + query.where();
                queries++;
                calls += check(where, query.query(), infinity, choices);
            }
        }
        assertTrue(queries >= 20, "the dashboards' Infinity queries: " + queries);
        // the demo's services, with the demo's builds, each have a pipeline to show in the Pipeline health row
        for (final JsonNode service : stack.getJson("/api/v1/services").get("services")) {
            final JsonNode pipeline = stack.getJson("/api/v1/metrics?window=90d&service="
                    + service.get("service").asText()).get("pipelineHealth");
            assertTrue(pipeline.get("runs").asLong() > 0, service + " has builds: " + pipeline);
        }
        assertTrue(calls > queries, "every value of the variables was tried: " + calls + " calls");
        final String service = HistoryGenerator.demoServices().get(0).name();
        final JsonNode rows = stack.getJson("/api/v1/deployments?format=rows&limit=1000&service=" + service).get("rows");
        final List<String> rolledBack = new ArrayList<>();
        rows.forEach(row -> rolledBack.add(row.path("id").asText() + "<-" + row.path("rollbackDeploymentId").asText()));
        assertTrue(rolledBack.contains("grafana-check-bad<-grafana-check-rollback"), "the added rollback: " + rolledBack);
    }

    /** Runs the query with every combination of its variables' values; the number of calls. */
    private static int check(final String where, final JsonNode query, final InfinityCall infinity,
                             final Map<String, List<InfinityCall.Value>> choices) throws Exception {
        assertEquals("backend", query.path("parser").asText(), where + ": the backend parser (alerting, caching)");
        assertTrue(query.path("url").asText().startsWith("/api/v1/"), where + ": a path below the data source's URL");
        assertTrue(InfinityCall.isPlainPath(query.path("root_selector").asText()), where + ": a plain root selector");
        final List<Map<String, InfinityCall.Value>> combinations = new ArrayList<>(List.of(Map.of()));
        for (final String variable : InfinityCall.variables(query)) {
            assertTrue(choices.containsKey(variable), where + " names $" + variable);
            final List<Map<String, InfinityCall.Value>> extended = new ArrayList<>();
            for (final Map<String, InfinityCall.Value> combination : combinations) {
                for (final InfinityCall.Value value : choices.get(variable)) {
                    final Map<String, InfinityCall.Value> next = new HashMap<>(combination);
                    next.put(variable, value);
                    extended.add(next);
                }
            }
            combinations.clear();
            combinations.addAll(extended);
        }
        final Map<String, Boolean> holdsData = new LinkedHashMap<>();
        for (final JsonNode column : query.path("columns")) {
            assertTrue(InfinityCall.isPlainPath(column.path("selector").asText()), where + ": plain selector " + column);
            holdsData.put(column.path("selector").asText(), false);
        }
        assertFalse(holdsData.isEmpty(), where + " selects its columns");
        for (final Map<String, InfinityCall.Value> values : combinations) {
            final InfinityCall.Answer answer = infinity.run(query, values);
            for (final int status : answer.statuses()) {
                assertEquals(200, status, where + " " + answer.url());
            }
            for (final JsonNode row : answer.rows()) {
                for (final JsonNode column : query.path("columns")) {
                    final JsonNode value = InfinityCall.select(row, column.path("selector").asText());
                    assertFalse(value.isMissingNode(), () -> where + " " + answer.url() + ": no column "
                            + column.path("selector").asText() + " in " + abbreviated(row));
                    if (!value.isNull()) {
                        assertTyped(where, column, value);
                        holdsData.put(column.path("selector").asText(), true);
                    }
                }
            }
        }
        holdsData.forEach((selector, held) -> assertTrue(held, where + ": column " + selector
                + " holds no data for any value of " + InfinityCall.variables(query)));
        return combinations.size();
    }

    private static String abbreviated(final JsonNode row) {
        final String text = row.toString();
        return text.length() <= 300 ? text : text.substring(0, 300) + "…";
    }

    /** The value is what the column's type makes of it, as Infinity's framer reads it. */
    private static void assertTyped(final String where, final JsonNode column, final JsonNode value) {
        final String what = where + " column " + column.path("selector").asText() + " = " + value;
        switch (column.path("type").asText()) {
            case "number" -> assertTrue(value.isNumber(), what + " is a number");
            case "string" -> assertTrue(value.isValueNode(), what + " is a value");
            case "timestamp" -> {
                try {
                    if ("2006-01-02".equals(column.path("timestampFormat").asText())) {
                        LocalDate.parse(value.asText());
                    } else {
                        Instant.parse(value.asText());
                    }
                } catch (final DateTimeParseException e) {
                    throw new AssertionError(what + " is not a timestamp in its format", e);
                }
            }
            default -> throw new AssertionError(what + ": a column type this check does not know");
        }
    }

    /** Each variable's values, from its own query: All first when it has it, then every value the API lists. */
    private Map<String, List<InfinityCall.Value>> variableChoices(final JsonNode dashboard, final InfinityCall infinity)
            throws Exception {
        final Map<String, List<InfinityCall.Value>> choices = new HashMap<>();
        for (final JsonNode variable : dashboard.path("templating").path("list")) {
            if (!Dashboards.INFINITY.equals(variable.path("datasource").path("type").asText())) {
                continue;
            }
            final JsonNode query = variable.at("/query/infinityQuery");
            final String column = query.at("/columns/0/selector").asText();
            final Set<String> values = new LinkedHashSet<>();
            for (final JsonNode row : infinity.run(query, Map.of()).rows()) {
                final JsonNode value = InfinityCall.select(row, column);
                if (value.isTextual()) {
                    values.add(value.asText());
                }
            }
            assertTrue(values.size() >= 2, "variable " + variable.path("name") + " has values: " + values);
            final List<InfinityCall.Value> list = new ArrayList<>();
            if (variable.path("includeAll").asBoolean()) {
                list.add(new InfinityCall.Value(variable.path("allValue").asText(), "All"));
            }
            values.forEach(v -> list.add(new InfinityCall.Value(v, v)));
            choices.put(variable.path("name").asText(), list);
        }
        return choices;
    }

    /** The UTC day of one end of a dashboard's relative time range ({@code now}, {@code now-90d}, {@code now-6h}). */
    private static LocalDate day(final String relative) {
        final Instant now = Instant.now();
        if ("now".equals(relative)) {
            return LocalDate.ofInstant(now, ZoneOffset.UTC);
        }
        final Matcher matcher = RELATIVE.matcher(relative);
        assertTrue(matcher.matches(), "a relative time: " + relative);
        final long amount = Long.parseLong(matcher.group(1));
        return LocalDate.ofInstant(now.minus(Duration.ofSeconds(amount * ("d".equals(matcher.group(2)) ? 86_400 : 3_600))),
                ZoneOffset.UTC);
    }
}
