package dev.dora.launcher.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dora.streams.model.MetricsAnswer;
import dev.dora.streams.model.ReferenceModel;
import dev.dora.streams.simulation.HistoryGenerator;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;

/**
 * Events in over HTTP, numbers out of the query API, on a real broker: against hand-computed values, against
 * the independent reference model, and the same history posted in order and shuffled giving identical answers.
 */
class EndToEndTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void aSmallHistoryGivesTheHandComputedNumbersThroughTheApi() throws Exception {
        try (RunningStack stack = RunningStack.start()) {
            final String a = "a".repeat(40);
            final String b = "b".repeat(40);
            final String c = "c".repeat(40);
            final String body = String.join("\n",
                    "{\"type\":\"change\",\"id\":\"" + a + "\",\"service\":\"shop\",\"team\":\"retail\",\"occurredAt\":\"2026-10-01T00:00:00Z\",\"sha\":\"" + a + "\",\"parents\":[],\"committedAt\":\"2026-10-01T00:00:00Z\"}",
                    "{\"type\":\"change\",\"id\":\"" + b + "\",\"service\":\"shop\",\"occurredAt\":\"2026-10-01T01:00:00Z\",\"sha\":\"" + b + "\",\"parents\":[\"" + a + "\"],\"committedAt\":\"2026-10-01T03:00:00+02:00\"}",
                    "{\"type\":\"change\",\"id\":\"" + c + "\",\"service\":\"shop\",\"occurredAt\":\"2026-10-01T02:00:00Z\",\"sha\":\"" + c + "\",\"parents\":[\"" + b + "\"],\"committedAt\":\"2026-10-01T02:00:00Z\"}",
                    "{\"type\":\"deployment\",\"id\":\"d1\",\"service\":\"shop\",\"occurredAt\":\"2026-10-01T03:00:00Z\",\"environment\":\"production\",\"status\":\"success\",\"finishedAt\":\"2026-10-01T03:00:00Z\",\"sha\":\"" + a + "\"}",
                    "{\"type\":\"deployment\",\"id\":\"d2\",\"service\":\"shop\",\"occurredAt\":\"2026-10-01T10:00:00Z\",\"environment\":\"production\",\"status\":\"success\",\"finishedAt\":\"2026-10-01T10:00:00Z\",\"sha\":\"" + c + "\"}",
                    "{\"type\":\"deployment\",\"id\":\"s1\",\"service\":\"shop\",\"occurredAt\":\"2026-10-01T09:00:00Z\",\"environment\":\"staging\",\"status\":\"success\",\"finishedAt\":\"2026-10-01T09:00:00Z\",\"sha\":\"" + c + "\"}",
                    "{\"type\":\"incident\",\"id\":\"i1\",\"service\":\"shop\",\"occurredAt\":\"2026-10-01T14:00:00Z\",\"environment\":\"production\",\"status\":\"resolved\",\"openedAt\":\"2026-10-01T12:00:00Z\",\"resolvedAt\":\"2026-10-01T14:00:00Z\"}",
                    "{\"type\":\"incident\",\"id\":\"i2\",\"service\":\"shop\",\"occurredAt\":\"2026-10-02T00:00:00Z\",\"environment\":\"production\",\"status\":\"open\",\"openedAt\":\"2026-10-02T00:00:00Z\"}",
                    "{\"type\":\"deployment\",\"id\":\"bad\",\"service\":\"shop\",\"occurredAt\":\"2026-10-01T10:00:00Z\",\"environment\":\"production\",\"status\":\"success\"}");
            final HttpResponse<String> posted = stack.post("application/x-ndjson", body);
            assertEquals(202, posted.statusCode(), posted.body());
            final JsonNode ack = JSON.readTree(posted.body());
            assertEquals(8, ack.get("accepted").asInt());
            assertEquals(8, ack.get("rejected").get(0).get("index").asInt());
            assertTrue(ack.get("rejected").get(0).get("error").asText().startsWith("finishedAt"));

            stack.awaitCaughtUp();
            final JsonNode m = stack.metrics("shop", null, "2026-10-01", "2026-10-02");
            assertEquals("shop", m.at("/scope/service").asText());
            assertEquals("2026-10-01T00:00:00Z", m.at("/scope/from").asText());
            assertEquals("2026-10-02T00:00:00Z", m.at("/scope/to").asText());
            assertEquals(2, m.at("/deploymentFrequency/deployments").asLong());
            assertEquals(2.0, m.at("/deploymentFrequency/perDay").asDouble());
            // d1 is the baseline; d2 ships b (committed 01:00Z) and c (02:00Z): 9 h and 8 h
            assertEquals(2, m.at("/leadTime/samples").asLong());
            assertEquals(28_800, m.at("/leadTime/medianSeconds").asDouble(), 288);
            assertEquals(32_400, m.at("/leadTime/p90Seconds").asDouble(), 324);
            // i1 opened 2 h after d2 without a cause: d2 failed
            assertEquals(1, m.at("/changeFailureRate/failed").asLong());
            assertEquals(0.5, m.at("/changeFailureRate/rate").asDouble());
            assertEquals(1, m.at("/timeToRestore/incidents").asLong());
            assertEquals(7_200, m.at("/timeToRestore/medianSeconds").asDouble(), 72);
            assertEquals(0, m.at("/timeToRestore/openIncidents").asLong());
            assertEquals(1, m.at("/dataQuality/baselineDeployments").asLong());
            assertEquals(0, m.at("/dataQuality/changesNeverDeployed").asLong());
            assertEquals(2, m.at("/incidents/opened").asLong() + stack.metrics("shop", null, "2026-10-02", "2026-10-03")
                    .at("/incidents/opened").asLong(), "i1 opened on the 1st, i2 on the 2nd");
            assertEquals("dora-2024", m.at("/tiers/benchmark").asText());
            assertEquals("elite", m.at("/tiers/leadTime").asText(), "a lead time of 8 h is under a day");
            assertEquals("low", m.at("/tiers/changeFailureRate").asText(), "half of the deployments failed");
            assertEquals("low", m.at("/tiers/overall").asText(), "overall is the worst tier");
            assertEquals("dora-2019", stack.getJson("/api/v1/metrics?service=shop&from=2026-10-01&to=2026-10-02"
                    + "&benchmark=dora-2019").at("/tiers/benchmark").asText());
            assertTrue(stack.get("/api/v1/metrics?benchmark=dora-2025").body().startsWith("{\"error\":\"benchmark:"));
            assertEquals(1, stack.metrics("shop", null, "2026-10-01", "2026-10-03")
                    .at("/timeToRestore/openIncidents").asLong());
            assertEquals(2, stack.metrics(null, "retail", "2026-10-01", "2026-10-02")
                    .at("/deploymentFrequency/deployments").asLong());

            final JsonNode d2 = stack.getJson("/api/v1/deployments/d2");
            assertEquals("time_window", d2.at("/failure/rule").asText());
            assertEquals("i1", d2.at("/failure/incidentId").asText());
            assertEquals(2, d2.get("changes").size());
            assertTrue(stack.getJson("/api/v1/deployments/d1").get("baseline").asBoolean());
            final JsonNode i1 = stack.getJson("/api/v1/incidents/i1");
            assertEquals("d2", i1.at("/attribution/deploymentId").asText());
            assertEquals("time_window", i1.at("/attribution/rule").asText());
            assertEquals(7200, i1.get("restoreSeconds").asLong());
            assertEquals(2, stack.getJson("/api/v1/incidents?service=shop&from=2026-10-01&to=2026-10-03")
                    .get("incidents").size());
            final JsonNode services = stack.getJson("/api/v1/services");
            assertEquals("shop", services.at("/services/0/service").asText());
            assertEquals("retail", services.at("/services/0/team").asText());

            assertEquals(400, stack.get("/api/v1/metrics?from=yesterday").statusCode());
            assertTrue(stack.get("/api/v1/metrics?from=yesterday").body().contains("from"));
            assertTrue(stack.get("/api/v1/metrics?to=2026-10-01T12:00:00Z").body().contains("to:"));
            assertEquals(400, stack.get("/api/v1/metrics?from=2026-10-02&to=2026-10-01").statusCode());
            assertEquals(400, stack.get("/api/v1/metrics?service=shop&team=retail").statusCode());
            assertEquals(404, stack.get("/api/v1/metrics?service=nope").statusCode());

            assertEquals(0, m.at("/dataQuality/incidentsNotAttributed").asLong(), "i1 is charged to d2");
            assertEquals("production", m.at("/scope/environment").asText());
            final JsonNode staging = stack.getJson("/api/v1/metrics?service=shop&from=2026-10-01&to=2026-10-02"
                    + "&environment=Staging");
            assertEquals("staging", staging.at("/scope/environment").asText());
            assertEquals(1, staging.at("/deploymentFrequency/deployments").asLong(), "s1, staging's own baseline");
            assertEquals(0, staging.at("/changeFailureRate/failed").asLong(), "production's incident is not staging's");
            assertTrue(staging.at("/dataQuality/changesNeverDeployed").isNull());
            assertEquals("s1", stack.getJson("/api/v1/deployments?service=shop&from=2026-10-01&to=2026-10-02"
                    + "&environment=staging").at("/deployments/0/id").asText());
            final HttpResponse<String> typo = stack.get("/api/v1/metrics?service=shop&environment=stagin");
            assertEquals(404, typo.statusCode());
            assertTrue(typo.body().contains("known: production, staging"), typo.body());
            assertEquals("[\"production\",\"staging\"]", services.at("/services/0/environments").toString());
        }
    }

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
            final JsonNode page = stack.getJson("/api/v1/deployments?from=2000-01-01&to=2100-01-01&limit=37" + cursor);
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
        final JsonNode incidents = stack.getJson("/api/v1/incidents?from=2000-01-01&to=2100-01-01&limit=1000");
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
