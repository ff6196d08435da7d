package dev.dora.launcher.e2e;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * A small history posted over HTTP to a real stack, and the numbers that come out of the query API checked against
 * values computed by hand from docs/METRICS.md: one named case per part of the contract, on one shared stack.
 */
@Tag("e2e")
@Timeout(value = 3, unit = TimeUnit.MINUTES)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HandComputedApiTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String A = "a".repeat(40);
    private static final String B = "b".repeat(40);
    private static final String C = "c".repeat(40);
    private static final String X1 = "1".repeat(40);
    private static final String X2 = "2".repeat(40);
    private static final String X3 = "3".repeat(40);

    /**
     * shop (team retail): a ← b ← c; d1 ships a (baseline) at 03:00, d2 ships c at 10:00, s1 ships c to staging;
     * i1 opens 2 h after d2 naming no cause; i2 is still open; the last line is invalid (no finishedAt).
     */
    private static final String SHOP = """
            {"type":"change","id":"%1$s","service":"shop","team":"retail","occurredAt":"2026-10-01T00:00:00Z","sha":"%1$s","parents":[],"committedAt":"2026-10-01T00:00:00Z"}
            {"type":"change","id":"%2$s","service":"shop","occurredAt":"2026-10-01T01:00:00Z","sha":"%2$s","parents":["%1$s"],"committedAt":"2026-10-01T03:00:00+02:00"}
            {"type":"change","id":"%3$s","service":"shop","occurredAt":"2026-10-01T02:00:00Z","sha":"%3$s","parents":["%2$s"],"committedAt":"2026-10-01T02:00:00Z"}
            {"type":"deployment","id":"d1","service":"shop","occurredAt":"2026-10-01T03:00:00Z","environment":"production","status":"success","finishedAt":"2026-10-01T03:00:00Z","sha":"%1$s"}
            {"type":"deployment","id":"d2","service":"shop","occurredAt":"2026-10-01T10:00:00Z","environment":"production","status":"success","finishedAt":"2026-10-01T10:00:00Z","sha":"%3$s"}
            {"type":"deployment","id":"s1","service":"shop","occurredAt":"2026-10-01T09:00:00Z","environment":"staging","status":"success","finishedAt":"2026-10-01T09:00:00Z","sha":"%3$s"}
            {"type":"incident","id":"i1","service":"shop","occurredAt":"2026-10-01T14:00:00Z","environment":"production","status":"resolved","openedAt":"2026-10-01T12:00:00Z","resolvedAt":"2026-10-01T14:00:00Z"}
            {"type":"incident","id":"i2","service":"shop","occurredAt":"2026-10-02T00:00:00Z","environment":"production","status":"open","openedAt":"2026-10-02T00:00:00Z"}
            {"type":"deployment","id":"bad","service":"shop","occurredAt":"2026-10-01T10:00:00Z","environment":"production","status":"success"}
            """.formatted(A, B, C);

    /**
     * cart: x1 ← x2 ← x3, each deployed (c1 baseline, c2, c3); incident k1 names c2 as its cause deployment and x3,
     * which c3 delivered, as its cause commit: both are failed changes, by two rules.
     */
    private static final String CART = """
            {"type":"change","id":"%1$s","service":"cart","team":"basket","occurredAt":"2026-10-01T00:00:00Z","sha":"%1$s","parents":[],"committedAt":"2026-10-01T00:00:00Z"}
            {"type":"change","id":"%2$s","service":"cart","occurredAt":"2026-10-01T01:00:00Z","sha":"%2$s","parents":["%1$s"],"committedAt":"2026-10-01T01:00:00Z"}
            {"type":"change","id":"%3$s","service":"cart","occurredAt":"2026-10-01T02:00:00Z","sha":"%3$s","parents":["%2$s"],"committedAt":"2026-10-01T02:00:00Z"}
            {"type":"deployment","id":"c1","service":"cart","occurredAt":"2026-10-01T03:00:00Z","environment":"production","status":"success","finishedAt":"2026-10-01T03:00:00Z","sha":"%1$s"}
            {"type":"deployment","id":"c2","service":"cart","occurredAt":"2026-10-01T04:00:00Z","environment":"production","status":"success","finishedAt":"2026-10-01T04:00:00Z","sha":"%2$s"}
            {"type":"deployment","id":"c3","service":"cart","occurredAt":"2026-10-01T05:00:00Z","environment":"production","status":"success","finishedAt":"2026-10-01T05:00:00Z","sha":"%3$s"}
            {"type":"incident","id":"k1","service":"cart","occurredAt":"2026-10-01T07:00:00Z","environment":"production","status":"resolved","openedAt":"2026-10-01T06:00:00Z","resolvedAt":"2026-10-01T07:00:00Z","causeDeploymentId":"c2","causeSha":"%3$s"}
            """.formatted(X1, X2, X3);

    private RunningStack stack;
    private JsonNode acknowledgement;

    @BeforeAll
    void postTheHistory() throws Exception {
        stack = RunningStack.start();
        final HttpResponse<String> posted = stack.post("application/x-ndjson", SHOP + CART);
        assertEquals(202, posted.statusCode(), posted.body());
        acknowledgement = JSON.readTree(posted.body());
        stack.awaitCaughtUp();
    }

    @AfterAll
    void stop() throws Exception {
        stack.close();
    }

    private JsonNode shop(final String from, final String to) throws Exception {
        return stack.metrics("shop", null, from, to);
    }

    @Test
    void validEventsAreAcceptedAndTheInvalidOneIsNamedByIndexAndField() {
        final JsonNode rejected = acknowledgement.get("rejected");
        assertAll(
                () -> assertEquals(15, acknowledgement.get("accepted").asInt()),
                () -> assertEquals(1, rejected.size()),
                () -> assertEquals(8, rejected.get(0).get("index").asInt()),
                () -> assertTrue(rejected.get(0).get("error").asText().startsWith("finishedAt")));
    }

    @Test
    void theServiceHasTheHandComputedNumbers() throws Exception {
        final JsonNode m = shop("2026-10-01", "2026-10-02");
        assertAll(
                () -> assertEquals("shop", m.at("/scope/service").asText()),
                () -> assertEquals("2026-10-01T00:00:00Z", m.at("/scope/from").asText()),
                () -> assertEquals("2026-10-02T00:00:00Z", m.at("/scope/to").asText()),
                () -> assertEquals("production", m.at("/scope/environment").asText()),
                () -> assertEquals(2, m.at("/deploymentFrequency/deployments").asLong()),
                () -> assertEquals(2.0, m.at("/deploymentFrequency/perDay").asDouble()),
                // d1 is the baseline; d2 ships b (committed 01:00Z) and c (02:00Z): 9 h and 8 h
                () -> assertEquals(2, m.at("/leadTime/samples").asLong()),
                () -> assertEquals(28_800, m.at("/leadTime/medianSeconds").asDouble(), 288),
                () -> assertEquals(32_400, m.at("/leadTime/p90Seconds").asDouble(), 324),
                // i1 opened 2 h after d2 without a cause: d2 failed
                () -> assertEquals(1, m.at("/changeFailureRate/failed").asLong()),
                () -> assertEquals(0.5, m.at("/changeFailureRate/rate").asDouble()),
                () -> assertEquals(1, m.at("/timeToRestore/incidents").asLong()),
                () -> assertEquals(7_200, m.at("/timeToRestore/medianSeconds").asDouble(), 72),
                () -> assertEquals(0, m.at("/timeToRestore/openIncidents").asLong()),
                () -> assertEquals(1, m.at("/dataQuality/baselineDeployments").asLong()),
                () -> assertEquals(0, m.at("/dataQuality/changesNeverDeployed").asLong()),
                () -> assertEquals(0, m.at("/dataQuality/incidentsNotAttributed").asLong(), "i1 is charged to d2"));
    }

    @Test
    void incidentsCountOnTheDayTheyOpenAndStayOpenAtTheWindowEnd() throws Exception {
        assertEquals(2, shop("2026-10-01", "2026-10-02").at("/incidents/opened").asLong()
                + shop("2026-10-02", "2026-10-03").at("/incidents/opened").asLong(), "i1 opened on the 1st, i2 on the 2nd");
        assertEquals(1, shop("2026-10-01", "2026-10-03").at("/timeToRestore/openIncidents").asLong());
    }

    @Test
    void tiersFollowTheChosenBenchmark() throws Exception {
        final JsonNode m = shop("2026-10-01", "2026-10-02");
        assertAll(
                () -> assertEquals("dora-2024", m.at("/tiers/benchmark").asText()),
                () -> assertEquals("elite", m.at("/tiers/leadTime").asText(), "a lead time of 8 h is under a day"),
                () -> assertEquals("low", m.at("/tiers/changeFailureRate").asText(), "half of the deployments failed"),
                () -> assertEquals("low", m.at("/tiers/overall").asText(), "overall is the worst tier"),
                () -> assertEquals("dora-2019", stack.getJson("/api/v1/metrics?service=shop&from=2026-10-01"
                        + "&to=2026-10-02&benchmark=dora-2019").at("/tiers/benchmark").asText()),
                () -> assertTrue(stack.get("/api/v1/metrics?benchmark=dora-2025").body()
                        .startsWith("{\"error\":\"benchmark:")));
    }

    @Test
    void aTeamCoversItsServices() throws Exception {
        assertEquals(2, stack.metrics(null, "retail", "2026-10-01", "2026-10-02")
                .at("/deploymentFrequency/deployments").asLong());
    }

    @Test
    void theDrillDownShowsTheRuleTheIncidentAndTheDeliveredChanges() throws Exception {
        final JsonNode d2 = stack.getJson("/api/v1/deployments/d2");
        final JsonNode i1 = stack.getJson("/api/v1/incidents/i1");
        assertAll(
                () -> assertEquals("time_window", d2.at("/failure/rule").asText()),
                () -> assertEquals("i1", d2.at("/failure/incidentId").asText()),
                () -> assertEquals(2, d2.get("changes").size()),
                () -> assertTrue(stack.getJson("/api/v1/deployments/d1").get("baseline").asBoolean()),
                () -> assertEquals("d2", i1.at("/attribution/deploymentId").asText()),
                () -> assertEquals("time_window", i1.at("/attribution/rule").asText()),
                () -> assertEquals(7200, i1.get("restoreSeconds").asLong()),
                () -> assertEquals(2, stack.getJson("/api/v1/incidents?service=shop&from=2026-10-01&to=2026-10-03")
                        .get("incidents").size()));
    }

    /**
     * An incident naming deployment c2 as its cause and a commit that c3 delivered charges both, by two rules, in
     * the change failure rate and in the drill-down alike.
     */
    @Test
    void anIncidentNamingADeploymentAndALaterDeploymentsCommitChargesBoth() throws Exception {
        final JsonNode cart = stack.metrics("cart", null, "2026-10-01", "2026-10-02");
        final JsonNode k1 = stack.getJson("/api/v1/incidents/k1").get("attribution");
        assertAll(
                () -> assertEquals(3, cart.at("/changeFailureRate/deployments").asLong()),
                () -> assertEquals(2, cart.at("/changeFailureRate/failed").asLong(), "c2 and c3"),
                () -> assertEquals("cause_deployment_id",
                        stack.getJson("/api/v1/deployments/c2").at("/failure/rule").asText()),
                () -> assertEquals("cause_sha", stack.getJson("/api/v1/deployments/c3").at("/failure/rule").asText()),
                () -> assertEquals("k1", stack.getJson("/api/v1/deployments/c3").at("/failure/incidentId").asText()),
                () -> assertEquals(List.of("c2 cart cause_deployment_id", "c3 cart cause_sha"),
                        charges(k1.get("deployments"))),
                () -> assertEquals("c2", k1.get("deploymentId").asText(), "the first by the rules' order"),
                () -> assertEquals("cause_deployment_id", k1.get("rule").asText()),
                () -> assertTrue(k1.get("reason").isNull()));
    }

    private static List<String> charges(final JsonNode deployments) {
        return java.util.stream.StreamSupport.stream(deployments.spliterator(), false)
                .map(d -> d.get("deploymentId").asText() + " " + d.get("deploymentService").asText() + " "
                        + d.get("rule").asText())
                .toList();
    }

    @Test
    void invalidParametersAreAnsweredWithTheParameterNamed() throws Exception {
        assertAll(
                () -> assertEquals(400, stack.get("/api/v1/metrics?from=yesterday").statusCode()),
                () -> assertTrue(stack.get("/api/v1/metrics?from=yesterday").body().contains("from")),
                () -> assertTrue(stack.get("/api/v1/metrics?to=2026-10-01T12:00:00Z").body().contains("to:")),
                () -> assertEquals(400, stack.get("/api/v1/metrics?from=2026-10-02&to=2026-10-01").statusCode()),
                () -> assertEquals(400, stack.get("/api/v1/metrics?service=shop&team=retail").statusCode()),
                () -> assertEquals(404, stack.get("/api/v1/metrics?service=nope").statusCode()));
    }

    @Test
    void stagingIsAnEnvironmentGroupOfItsOwn() throws Exception {
        final JsonNode staging = stack.getJson("/api/v1/metrics?service=shop&from=2026-10-01&to=2026-10-02"
                + "&environment=Staging");
        final HttpResponse<String> typo = stack.get("/api/v1/metrics?service=shop&environment=stagin");
        assertAll(
                () -> assertEquals("staging", staging.at("/scope/environment").asText()),
                () -> assertEquals(1, staging.at("/deploymentFrequency/deployments").asLong(), "s1, its own baseline"),
                () -> assertEquals(0, staging.at("/changeFailureRate/failed").asLong(), "production's incident"),
                () -> assertTrue(staging.at("/dataQuality/changesNeverDeployed").isNull()),
                () -> assertEquals("s1", stack.getJson("/api/v1/deployments?service=shop&from=2026-10-01"
                        + "&to=2026-10-02&environment=staging").at("/deployments/0/id").asText()),
                () -> assertEquals(404, typo.statusCode()),
                () -> assertTrue(typo.body().contains("known: production, staging"), typo.body()));
    }

    @Test
    void servicesNameTheirTeamAndEnvironments() throws Exception {
        final JsonNode services = stack.getJson("/api/v1/services");
        assertAll(
                () -> assertEquals("cart", services.at("/services/0/service").asText()),
                () -> assertEquals("shop", services.at("/services/1/service").asText()),
                () -> assertEquals("retail", services.at("/services/1/team").asText()),
                () -> assertEquals("[\"production\",\"staging\"]", services.at("/services/1/environments").toString()));
    }
}
