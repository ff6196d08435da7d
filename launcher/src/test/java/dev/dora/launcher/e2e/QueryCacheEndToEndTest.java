package dev.dora.launcher.e2e;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * The answer cache on a real stack: a repeated question is answered from the cache while nothing changes, byte for
 * byte what computing it afresh answers, and never after the state moved: once a new deployment is visible by its id,
 * the cached list and metrics that were asked before it include it at once.
 */
@Tag("e2e")
@Timeout(value = 4, unit = TimeUnit.MINUTES)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class QueryCacheEndToEndTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SHA = "a".repeat(40);
    private static final String LIST = "/api/v1/deployments?service=shop&from=2026-10-01&to=2026-10-31&limit=100";
    private static final String METRICS = "/api/v1/metrics?service=shop&from=2026-10-01&to=2026-10-31";
    private static final String TEAM_SERIES = "/api/v1/metrics/series?team=retail&from=2026-10-01&to=2026-10-31"
            + "&granularity=day";

    private RunningStack stack;

    @BeforeAll
    void start() throws Exception {
        stack = RunningStack.start();
        final HttpResponse<String> posted = stack.post("""
                {"type":"change","id":"%1$s","service":"shop","team":"retail","occurredAt":"2026-10-01T00:00:00Z","sha":"%1$s","parents":[],"committedAt":"2026-10-01T00:00:00Z"}
                {"type":"deployment","id":"d0","service":"shop","occurredAt":"2026-10-01T03:00:00Z","environment":"production","status":"success","finishedAt":"2026-10-01T03:00:00Z","sha":"%1$s"}
                """.formatted(SHA));
        assertEquals(202, posted.statusCode(), posted.body());
        stack.awaitCaughtUp();
    }

    @AfterAll
    void stop() throws Exception {
        stack.close();
    }

    @Test
    void aRepeatedQuestionIsAnsweredFromTheCacheAsComputedAfresh() throws Exception {
        for (final String query : new String[] {LIST, METRICS, TEAM_SERIES}) {
            final long hitsBefore = cache().get("hits").asLong();
            final String first = body(query);
            final String again = body(query);
            assertEquals(first, again, query);
            // the same question in another order is another request: computed afresh, the same bytes
            assertEquals(first, body(reordered(query)), query);
            assertTrue(cache().get("hits").asLong() > hitsBefore, "no answer of " + query + " was given again: "
                    + cache());
        }
    }

    @Test
    void noCachedAnswerOutlivesTheStateItWasComputedFrom() throws Exception {
        for (int i = 1; i <= 4; i++) {
            final String before = body(LIST);
            final String metricsBefore = body(METRICS);
            body(LIST);
            final String id = "d" + i;
            final HttpResponse<String> posted = stack.post("""
                    {"type":"deployment","id":"%s","service":"shop","occurredAt":"2026-10-0%dT03:00:00Z","environment":"production","status":"success","finishedAt":"2026-10-0%dT03:00:00Z","sha":"%s"}
                    """.formatted(id, i + 1, i + 1, SHA));
            assertEquals(202, posted.statusCode(), posted.body());
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(20))
                    .until(() -> stack.get("/api/v1/deployments/" + id).statusCode() == 200);
            // at once, no waiting: the answers asked (and kept) before must not be given again
            final JsonNode list = JSON.readTree(body(LIST));
            assertTrue(list.toString().contains("\"" + id + "\""), id + " is visible by id but not in the list: "
                    + list);
            assertEquals(i + 1, list.get("deployments").size(), list.toString());
            assertTrue(!before.equals(list.toString()));
            final JsonNode metrics = JSON.readTree(body(METRICS));
            assertTrue(!metricsBefore.equals(metrics.toString()), "the metrics did not move with " + id);
        }
        stack.awaitCaughtUp();
        for (final String query : new String[] {LIST, METRICS, TEAM_SERIES}) {
            // the last two parameters first: a request not asked before, computed afresh
            assertEquals(body(query), body(reordered(reordered(query))), query);
        }
    }

    /**
     * A weekly series whose window moved by a day is a new request, yet its whole weeks are the ones asked before:
     * they are taken again, the same numbers, and once a deployment lands in one of them none of them is given again.
     */
    @Test
    void aMovedSeriesTakesItsKeptWeeksUntilTheStateMoves() throws Exception {
        final String deploy = """
                {"type":"deployment","id":"%s","service":"ledger","team":"payments","occurredAt":"%3$s","environment":"production","status":"success","finishedAt":"%3$s","sha":"%2$s"}
                """;
        assertEquals(202, stack.post(deploy.formatted("l0", SHA, "2026-10-07T03:00:00Z")).statusCode());
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(20))
                .until(() -> stack.get("/api/v1/deployments/l0").statusCode() == 200);
        stack.awaitCaughtUp();
        final String series = "/api/v1/metrics/series?team=payments&granularity=week&from=%s&to=%s";
        final JsonNode first = buckets(body(series.formatted("2026-09-30", "2026-11-01")));
        final long given = cache().get("seriesPeriodsGiven").asLong();
        final JsonNode moved = buckets(body(series.formatted("2026-10-01", "2026-11-01")));
        assertTrue(cache().get("seriesPeriodsGiven").asLong() >= given + first.size() - 2,
                "the whole weeks were computed again: " + cache());
        for (int i = 1; i < first.size(); i++) {
            assertEquals(first.get(i), moved.get(i), "the week of " + first.get(i).get("start"));
        }
        assertEquals(1, first.get(1).path("deploymentFrequency").path("deployments").asInt(), first.toString());

        assertEquals(202, stack.post(deploy.formatted("l1", SHA, "2026-10-08T03:00:00Z")).statusCode());
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(20))
                .until(() -> stack.get("/api/v1/deployments/l1").statusCode() == 200);
        // at once, and asked over a window not asked before: the week of 10-05 has both deployments
        final JsonNode after = buckets(body(series.formatted("2026-10-02", "2026-11-01")));
        assertEquals("2026-10-05", after.get(1).get("start").asText());
        assertEquals(2, after.get(1).path("deploymentFrequency").path("deployments").asInt(), after.toString());
    }

    private static JsonNode buckets(final String answer) throws Exception {
        return JSON.readTree(answer).get("buckets");
    }

    /**
     * A deployment older than one already in place is held and applied by the ledger's punctuation, whose writes have
     * no input record and so move no store's position: the answers cached before must not outlive them either.
     */
    @Test
    void aDeploymentAppliedByThePunctuationIsInTheAnswersCachedBeforeIt() throws Exception {
        final String list = "/api/v1/deployments?service=stock&from=2026-10-01&to=2026-10-31&limit=100";
        final String metrics = "/api/v1/metrics?service=stock&from=2026-10-01&to=2026-10-31";
        final HttpResponse<String> newest = stack.post("""
                {"type":"change","id":"%1$s","service":"stock","team":"retail","occurredAt":"2026-10-01T00:00:00Z","sha":"%1$s","parents":[],"committedAt":"2026-10-01T00:00:00Z"}
                {"type":"deployment","id":"stock-2","service":"stock","occurredAt":"2026-10-05T03:00:00Z","environment":"production","status":"success","finishedAt":"2026-10-05T03:00:00Z","sha":"%1$s"}
                """.formatted(SHA));
        assertEquals(202, newest.statusCode(), newest.body());
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50))
                .until(() -> stack.get(metrics).statusCode() == 200 && body(list).contains("\"stock-2\"")
                        && JSON.readTree(body(metrics)).path("deploymentFrequency").path("deployments").asInt() == 1);
        assertEquals(body(metrics), body(metrics), "asked twice, kept");
        final HttpResponse<String> older = stack.post("""
                {"type":"deployment","id":"stock-1","service":"stock","occurredAt":"2026-10-02T03:00:00Z","environment":"production","status":"success","finishedAt":"2026-10-02T03:00:00Z","sha":"%s"}
                """.formatted(SHA));
        assertEquals(202, older.statusCode(), older.body());
        // asked again and again meanwhile, so every answer before the punctuation is kept
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(20))
                .until(() -> body(list).contains("\"stock-1\"")
                        && JSON.readTree(body(metrics)).path("deploymentFrequency").path("deployments").asInt() == 2);
        final JsonNode answer = JSON.readTree(body(list));
        assertEquals(2, answer.get("deployments").size(), answer.toString());
    }

    private JsonNode cache() throws Exception {
        return stack.getJson("/api/v1/health").get("queryCache");
    }

    private String body(final String query) throws Exception {
        final HttpResponse<String> response = stack.get(query);
        assertEquals(200, response.statusCode(), query + ": " + response.body());
        return response.body();
    }

    /** The same parameters, the last one first. */
    private static String reordered(final String query) {
        final int question = query.indexOf('?');
        final String[] parameters = query.substring(question + 1).split("&");
        final StringBuilder out = new StringBuilder(query.substring(0, question + 1))
                .append(parameters[parameters.length - 1]);
        for (int i = 0; i < parameters.length - 1; i++) {
            out.append('&').append(parameters[i]);
        }
        return out.toString();
    }
}
