package dev.dora.launcher.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.dora.streams.model.MetricsAnswer;
import dev.dora.streams.model.ReferenceModel;
import dev.dora.streams.simulation.HistoryGenerator;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.apache.avro.specific.SpecificRecord;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Events in over HTTP, numbers out of the query API, on a real broker: against the independent reference model,
 * and the same history posted in order and shuffled giving identical answers. Hand-computed values are checked by
 * {@link HandComputedApiTest}.
 */
@Tag("e2e")
@Timeout(value = 6, unit = TimeUnit.MINUTES)
class EndToEndTest {

    /** Around the whole generated history, within the ten years a query may span (docs/SECURITY.md). */
    private static final String EVERYTHING = "from=2022-01-01&to=2031-01-01";

    @Test
    void aGeneratedHistoryPostedInOrderOrShuffledGivesTheModelsAnswers() throws Exception {
        final Instant end = Instant.parse("2026-11-01T00:00:00Z");
        final List<SpecificRecord> events = HistoryGenerator.builder().seed(11).end(end).days(60).build().generate();
        final ReferenceModel model = ReferenceModel.defaults().load(events);
        final List<SpecificRecord> shuffled = new ArrayList<>(events);
        final Random random = new Random(11);
        for (int i = 0; i < events.size() / 20; i++) {
            shuffled.add(events.get(random.nextInt(events.size())));
        }
        Collections.shuffle(shuffled, random);

        final List<String> queries = new ArrayList<>();
        final List<String[]> scopes = new ArrayList<>();
        scopes.add(new String[] {null, null});
        model.teams().forEach((service, team) -> {
            scopes.add(new String[] {service, null});
            scopes.add(new String[] {null, team});
        });
        final String[][] windows = {{"2026-09-01", "2026-11-01"}, {"2026-10-01", "2026-10-08"}, {"2026-10-31", "2026-11-02"}};
        final List<JsonNode> inOrder = new ArrayList<>();
        try (RunningStack stack = RunningStack.start()) {
            stack.postAll(events, 500);
            stack.awaitCaughtUp();
            assertSeriesAddUpAndMatchTheModel(stack, model);
            assertDrillDownMatchesTheModel(stack, model);
            for (final String[] window : windows) {
                for (final String[] scope : scopes) {
                    final JsonNode actual = stack.metrics(scope[0], scope[1], window[0], window[1]);
                    assertMatchesModel(model.metrics(scope[0], scope[1], Instant.parse(window[0] + "T00:00:00Z"),
                            Instant.parse(window[1] + "T00:00:00Z")), actual, scope[0] + "/" + scope[1] + " " + window[0]);
                    inOrder.add(actual);
                    queries.add(scope[0] + "/" + scope[1] + " " + window[0]);
                }
            }
        }
        try (RunningStack stack = RunningStack.start()) {
            stack.postAll(shuffled, 333);
            stack.awaitCaughtUp();
            int i = 0;
            for (final String[] window : windows) {
                for (final String[] scope : scopes) {
                    assertEquals(inOrder.get(i), stack.metrics(scope[0], scope[1], window[0], window[1]),
                            "shuffled answer differs for " + queries.get(i));
                    i++;
                }
            }
        }
    }

    /** Paging through every service's deployments finds the model's production deployments, each with its rule. */
    private static void assertDrillDownMatchesTheModel(final RunningStack stack, final ReferenceModel model)
            throws Exception {
        final java.util.Map<String, JsonNode> listed = new java.util.HashMap<>();
        String cursor = "";
        int pages = 0;
        do {
            final JsonNode page = stack.getJson("/api/v1/deployments?" + EVERYTHING + "&limit=37" + cursor);
            assertTrue(page.get("deployments").size() <= 37);
            page.get("deployments").forEach(d -> listed.put(d.get("id").asText(), d));
            cursor = page.get("next").isNull() ? null : "&cursor=" + page.get("next").asText();
            pages++;
        } while (cursor != null && pages < 1_000);
        assertEquals(model.deployments().keySet(), listed.keySet(), "every production deployment, each once");
        model.deployments().forEach((id, view) -> {
            final JsonNode d = listed.get(id);
            assertEquals(view.failed(), d.get("failed").asBoolean(), id);
            assertEquals(view.baseline(), d.get("baseline").asBoolean(), id);
            assertEquals(view.deployedChanges().size(), d.get("deployedChanges").asInt(), id);
            if (view.failed()) {
                assertEquals(view.rule(), d.at("/failure/rule").asText(), "rule of " + id);
                assertTrue(d.at("/failure/incidentId").isTextual() || d.at("/failure/rollbackDeploymentId").isTextual(),
                        "the failure names its evidence: " + d);
            }
            if (!view.baseline()) {
                assertEquals(view.leadTimeSamples().size(), java.util.stream.StreamSupport
                        .stream(d.get("changes").spliterator(), false)
                        .filter(c -> !c.get("leadTimeSeconds").isNull()).count(), "lead times of " + id);
            }
        });
        final JsonNode incidents = stack.getJson("/api/v1/incidents?" + EVERYTHING + "&limit=1000");
        int charged = 0;
        for (final JsonNode incident : incidents.get("incidents")) {
            final JsonNode attribution = incident.get("attribution");
            // a staging incident is charged within staging, which the model computes the same way
            final ReferenceModel group = incident.get("production").asBoolean() ? model
                    : model.inEnvironment(incident.get("environment").asText().trim().toLowerCase(java.util.Locale.ROOT));
            assertEquals(group.attributedIncidents().contains(incident.get("id").asText()),
                    !attribution.get("deploymentId").isNull(), "attributed as the model says: " + incident);
            if (!attribution.get("deploymentId").isNull()) {
                charged++;
                assertTrue(group.deployments().get(attribution.get("deploymentId").asText()).failed(),
                        "an incident is only charged to a failed change: " + incident);
            } else {
                assertTrue(attribution.get("reason").isTextual(), "an uncharged incident says why: " + incident);
            }
        }
        assertTrue(charged > 0, "some incidents were charged");
        final String failedId = model.deployments().values().stream().filter(v -> v.failed()).findFirst().orElseThrow().id();
        assertEquals(failedId, stack.getJson("/api/v1/deployments/" + failedId).get("id").asText());
        assertEquals(404, stack.get("/api/v1/deployments/no-such-deployment").statusCode());
        assertEquals(400, stack.get("/api/v1/deployments?limit=1001").statusCode());
    }

    /** Each bucket of a series is the model's answer for its period, and the buckets add up to the range's counts. */
    private static void assertSeriesAddUpAndMatchTheModel(final RunningStack stack, final ReferenceModel model)
            throws Exception {
        final String team = model.teams().values().stream().filter(java.util.Objects::nonNull).findFirst().orElseThrow();
        for (final String granularity : List.of("day", "week", "month")) {
            final JsonNode series = stack.getJson("/api/v1/metrics/series?team=" + team
                    + "&from=2026-09-03&to=2026-11-01&granularity=" + granularity);
            final JsonNode range = stack.metrics(null, team, "2026-09-03", "2026-11-01");
            long deployments = 0;
            long failed = 0;
            long samples = 0;
            long incidents = 0;
            String expectedStart = "2026-09-03";
            for (final JsonNode bucket : series.get("buckets")) {
                assertEquals(expectedStart, bucket.get("start").asText(), "buckets tile the window");
                expectedStart = bucket.get("end").asText();
                assertMatchesModel(model.metrics(null, team, Instant.parse(bucket.get("start").asText() + "T00:00:00Z"),
                        Instant.parse(bucket.get("end").asText() + "T00:00:00Z")), bucket, granularity + " " + bucket.get("start"));
                deployments += bucket.at("/deploymentFrequency/deployments").asLong();
                failed += bucket.at("/changeFailureRate/failed").asLong();
                samples += bucket.at("/leadTime/samples").asLong();
                incidents += bucket.at("/timeToRestore/incidents").asLong();
            }
            assertEquals("2026-11-01", expectedStart);
            assertEquals(range.at("/deploymentFrequency/deployments").asLong(), deployments, granularity);
            assertEquals(range.at("/changeFailureRate/failed").asLong(), failed, granularity);
            assertEquals(range.at("/leadTime/samples").asLong(), samples, granularity);
            assertEquals(range.at("/timeToRestore/incidents").asLong(), incidents, granularity);
        }
        final JsonNode weeks = stack.getJson("/api/v1/metrics/series?team=" + team
                + "&from=2026-09-03&to=2026-10-01&granularity=week").get("buckets");
        assertEquals(5, weeks.size(), "a Thursday start gives a clipped first week and four more");
        for (int i = 1; i < weeks.size(); i++) {
            assertEquals(java.time.DayOfWeek.MONDAY,
                    java.time.LocalDate.parse(weeks.get(i).get("start").asText()).getDayOfWeek());
        }
    }

    private static void assertMatchesModel(final MetricsAnswer expected, final JsonNode actual, final String where) {
        assertEquals(expected.deployments(), actual.at("/deploymentFrequency/deployments").asLong(), where);
        assertEquals(expected.perDay(), actual.at("/deploymentFrequency/perDay").asDouble(), 1e-12, where);
        assertEquals(expected.leadTimeSamples(), actual.at("/leadTime/samples").asLong(), where);
        assertTrue(MetricsAnswer.withinOnePercent(expected.leadTimeMedianSeconds(), number(actual, "/leadTime/medianSeconds")), where);
        assertTrue(MetricsAnswer.withinOnePercent(expected.leadTimeP90Seconds(), number(actual, "/leadTime/p90Seconds")), where);
        assertEquals(expected.failed(), actual.at("/changeFailureRate/failed").asLong(), where);
        assertEquals(expected.changeFailureRate(), number(actual, "/changeFailureRate/rate"), where);
        assertEquals(expected.incidents(), actual.at("/timeToRestore/incidents").asLong(), where);
        assertTrue(MetricsAnswer.withinOnePercent(expected.restoreMedianSeconds(), number(actual, "/timeToRestore/medianSeconds")), where);
        assertTrue(MetricsAnswer.withinOnePercent(expected.restoreP90Seconds(), number(actual, "/timeToRestore/p90Seconds")), where);
        assertEquals(expected.openIncidents(), actual.at("/timeToRestore/openIncidents").asLong(), where);
        assertEquals(expected.reworkDeployments(), actual.at("/reworkRate/rework").asLong(), where);
        assertEquals(expected.unattributedIncidents(), actual.at("/dataQuality/incidentsNotAttributed").asLong(), where);
        assertBreakdownsMatchModel(expected, actual.get("breakdowns"), where);
    }

    /** The {@code breakdowns} block: one entry per severity and per strategy the model has, with its numbers. */
    private static void assertBreakdownsMatchModel(final MetricsAnswer expected, final JsonNode actual, final String where) {
        assertEquals(expected.bySeverity().keySet(), fieldNames(actual.get("severity")), "severities " + where);
        expected.bySeverity().forEach((severity, e) -> {
            final JsonNode a = actual.get("severity").get(severity);
            final String at = severity + " " + where;
            assertEquals(e.incidentsOpened(), a.get("incidentsOpened").asLong(), at);
            assertEquals(e.incidentsResolved(), a.get("incidentsResolved").asLong(), at);
            assertTrue(MetricsAnswer.withinOnePercent(e.restoreMedianSeconds(), number(a, "/restoreMedianSeconds")), at);
            assertTrue(MetricsAnswer.withinOnePercent(e.restoreP90Seconds(), number(a, "/restoreP90Seconds")), at);
        });
        assertEquals(expected.byStrategy().keySet(), fieldNames(actual.get("strategy")), "strategies " + where);
        expected.byStrategy().forEach((strategy, e) -> {
            final JsonNode a = actual.get("strategy").get(strategy);
            final String at = strategy + " " + where;
            assertEquals(e.deployments(), a.get("deployments").asLong(), at);
            assertEquals(e.failed(), a.get("failedDeployments").asLong(), at);
            assertEquals(e.changeFailureRate(), number(a, "/changeFailureRate"), at);
            assertEquals(e.reworkDeployments(), a.get("reworkDeployments").asLong(), at);
            assertEquals(e.reworkRate(), number(a, "/reworkRate"), at);
            assertTrue(MetricsAnswer.withinOnePercent(e.leadTimeMedianSeconds(), number(a, "/leadTimeMedianSeconds")), at);
            assertTrue(MetricsAnswer.withinOnePercent(e.leadTimeP90Seconds(), number(a, "/leadTimeP90Seconds")), at);
            assertTrue(MetricsAnswer.withinOnePercent(e.recoveryMedianSeconds(), number(a, "/recoveryMedianSeconds")), at);
            assertTrue(MetricsAnswer.withinOnePercent(e.recoveryP90Seconds(), number(a, "/recoveryP90Seconds")), at);
        });
    }

    private static java.util.Set<String> fieldNames(final JsonNode node) {
        final java.util.Set<String> names = new java.util.TreeSet<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    private static Double number(final JsonNode node, final String pointer) {
        final JsonNode value = node.at(pointer);
        return value.isNull() || value.isMissingNode() ? null : value.asDouble();
    }
}
