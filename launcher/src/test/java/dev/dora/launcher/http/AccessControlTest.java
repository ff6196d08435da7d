package dev.dora.launcher.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dora.launcher.e2e.RunningStack;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * The API behind tokens, on a real stack: who gets in with which token, what the refusals say and carry, that
 * health, the dashboard's files and the webhooks stay open, that no spelling of a protected path slips through, the
 * security headers on every kind of answer, and CORS only for the origins given.
 */
@Tag("e2e")
@Timeout(value = 3, unit = TimeUnit.MINUTES)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AccessControlTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String READ = "read-token-0123456789";
    private static final String INGEST = "ingest-token-0123456789";
    private static final String ADMIN = "admin-token-0123456789";
    private static final String GRAFANA = "https://grafana.example.com";
    private static final String EVENT = "{\"type\":\"incident\",\"id\":\"INC-access\",\"service\":\"checkout\","
            + "\"occurredAt\":\"2026-11-20T15:30:00Z\",\"environment\":\"production\",\"status\":\"resolved\","
            + "\"openedAt\":\"2026-11-20T15:00:00Z\",\"resolvedAt\":\"2026-11-20T15:30:00Z\"}";

    private final HttpClient client = HttpClient.newHttpClient();
    private RunningStack stack;

    static ApiTokens tokens() {
        return ApiTokens.parse("tokens:\n"
                + "  - {name: grafana, scope: read, sha256: " + ApiTokens.sha256Hex(READ) + "}\n"
                + "  - {name: ci, scope: ingest, sha256: " + ApiTokens.sha256Hex(INGEST) + "}\n"
                + "  - {name: ops, scope: admin, sha256: " + ApiTokens.sha256Hex(ADMIN) + "}\n");
    }

    @BeforeAll
    void start() throws Exception {
        stack = RunningStack.start(null, Map.of(), HttpEdge.Settings.local(0).withTokens(tokens())
                .withCorsOrigins(List.of(GRAFANA)), null);
        stack.awaitCaughtUp();
    }

    @AfterAll
    void stop() throws Exception {
        if (stack != null) {
            stack.close();
        }
    }

    private HttpResponse<String> send(final String method, final String path, final String token,
                                      final String body) throws Exception {
        final HttpRequest.Builder request = HttpRequest.newBuilder(stack.uri(path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        if (token != null) {
            request.header("Authorization", token.contains(" ") ? token : "Bearer " + token);
        }
        return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String error(final HttpResponse<String> response) throws Exception {
        return JSON.readTree(response.body()).get("error").asText();
    }

    private long failures(final String token, final AuthFailureCounts.Reason reason) {
        return stack.edge().authFailures().count(new AuthFailureCounts.Series(token, reason));
    }

    @Test
    void noTokenOrAnUnknownOneIsA401WithABearerChallenge() throws Exception {
        final long missingBefore = failures(AuthFailureCounts.UNKNOWN, AuthFailureCounts.Reason.MISSING);
        final long invalidBefore = failures(AuthFailureCounts.UNKNOWN, AuthFailureCounts.Reason.INVALID);

        final HttpResponse<String> none = send("GET", "/api/v1/metrics", null, null);
        assertEquals(401, none.statusCode(), none.body());
        assertEquals(Optional.of("Bearer realm=\"dora\""), none.headers().firstValue("WWW-Authenticate"));
        assertEquals("authorization: this API needs a token: send Authorization: Bearer <token>", error(none));
        assertTrue(none.headers().firstValue("Content-Type").orElse("").startsWith("application/json"));

        // the case: "Authorization: Bearer garbage" got 202
        final HttpResponse<String> garbage = send("POST", "/api/v1/events", "garbage", EVENT);
        assertEquals(401, garbage.statusCode(), garbage.body());
        assertEquals(Optional.of("Bearer realm=\"dora\", error=\"invalid_token\""),
                garbage.headers().firstValue("WWW-Authenticate"));
        assertFalse(garbage.body().contains("garbage"), "a presented token is never echoed");

        assertEquals(401, send("GET", "/api/v1/services", "Basic " + READ, null).statusCode(), "not a bearer token");
        assertEquals(401, send("GET", "/api/v1/services", "Bearer ", null).statusCode(), "a bearer of nothing");
        assertEquals(401, send("GET", "/api/v1/services", "x".repeat(5_000), null).statusCode());

        // none, Basic and a bearer of nothing name no token; garbage and 5,000 x's name an unknown one
        assertEquals(missingBefore + 3, failures(AuthFailureCounts.UNKNOWN, AuthFailureCounts.Reason.MISSING));
        assertEquals(invalidBefore + 2, failures(AuthFailureCounts.UNKNOWN, AuthFailureCounts.Reason.INVALID));
    }

    @Test
    void scopesGrantWhatTheySayAndNothingMore() throws Exception {
        final long forbiddenBefore = failures("grafana", AuthFailureCounts.Reason.FORBIDDEN);
        assertEquals(200, send("GET", "/api/v1/services", READ, null).statusCode());
        final HttpResponse<String> readPosts = send("POST", "/api/v1/events", READ, EVENT);
        assertEquals(403, readPosts.statusCode(), readPosts.body());
        assertEquals("authorization: token 'grafana' has scope read; POST /api/v1/events needs ingest (or admin)",
                error(readPosts));
        assertEquals(Optional.of("Bearer realm=\"dora\", error=\"insufficient_scope\", scope=\"ingest\""),
                readPosts.headers().firstValue("WWW-Authenticate"));
        assertEquals(forbiddenBefore + 1, failures("grafana", AuthFailureCounts.Reason.FORBIDDEN));

        assertEquals(202, send("POST", "/api/v1/events", INGEST, EVENT).statusCode());
        assertEquals(403, send("GET", "/api/v1/metrics", INGEST, null).statusCode(), "ingest does not read");
        assertEquals(202, send("POST", "/api/v1/events", ADMIN, EVENT).statusCode());
        assertEquals(200, send("GET", "/api/v1/metrics", ADMIN, null).statusCode());
        assertEquals(400, send("GET", "/api/v1/metrics?window=0d", READ, null).statusCode(),
                "a token gets the same validation as anyone");
    }

    @Test
    void healthTheDashboardFilesAndTheWebhooksNeedNoToken() throws Exception {
        final HttpResponse<String> health = send("GET", "/api/v1/health", null, null);
        assertTrue(health.statusCode() == 200 || health.statusCode() == 503, health.body());
        final JsonNode answer = JSON.readTree(health.body());
        assertTrue(answer.has("status") && answer.size() <= 3, "the state and nothing more: " + health.body());
        assertEquals(200, send("GET", "/", null, null).statusCode());
        assertEquals(200, send("GET", "/js/api.js", null, null).statusCode());
        assertEquals(200, send("GET", "/api", null, null).statusCode());
        final HttpResponse<String> webhook = send("POST", "/webhooks/github", null, "{}");
        assertEquals(401, webhook.statusCode(), webhook.body());
        assertTrue(error(webhook).contains("no secret is configured"), "the webhook's own check answers: "
                + webhook.body());
    }

    @Test
    void noSpellingOfAProtectedPathGetsInWithoutAToken() throws Exception {
        for (final String path : List.of("/api/v1/metrics/", "/api/v1//metrics", "//api/v1/metrics",
                "/api/v1/./metrics", "/api/v1/x/../metrics", "/%61pi/v1/metrics", "/api/v1/%6Detrics",
                "/API/v1/metrics", "/api/v1/metrics;x=y", "/api/v1/health/../metrics", "/api/v1/health/..%2Fmetrics",
                "/api/v1/deployments/x", "/metrics", "/metrics/", "/api/v2/anything")) {
            final HttpResponse<String> response = send("GET", path, null, null);
            assertNotEquals(200, response.statusCode(), path + " answered " + response.body());
            assertTrue(response.statusCode() == 401 || response.statusCode() == 404 || response.statusCode() == 400,
                    path + " answered " + response.statusCode() + " " + response.body());
        }
        assertEquals(401, send("GET", "/metrics", null, null).statusCode(),
                "/metrics needs a token whichever module serves it");
        final HttpResponse<String> scrape = send("GET", "/metrics", READ, null);
        assertEquals(200, scrape.statusCode(), "a read token scrapes the Prometheus endpoint");
        assertTrue(scrape.body().lines().anyMatch(line -> line.startsWith("dora_api_auth_failures_total{")
                        && line.contains("reason=\"missing\"") && line.contains("token=\"unknown\"")
                        && !line.endsWith(" 0.0")),
                "the refusals above are counted: " + scrape.body().lines()
                        .filter(line -> line.startsWith("dora_api_auth_failures")).toList());
        assertEquals(401, send("DELETE", "/api/v1/events", null, null).statusCode());
    }

    @Test
    void everyAnswerCarriesTheSecurityHeaders() throws Exception {
        for (final HttpResponse<String> response : List.of(send("GET", "/api/v1/services", READ, null),
                send("GET", "/api/v1/services", null, null), send("GET", "/api/v1/metrics?from=x", READ, null),
                send("GET", "/no-such-page", null, null), send("GET", "/", null, null),
                send("POST", "/api/v1/events", INGEST, "not json"), send("GET", "/api/v1/health", null, null))) {
            final String what = response.request().method() + " " + response.uri() + " " + response.statusCode();
            assertEquals(Optional.of("nosniff"), response.headers().firstValue("X-Content-Type-Options"), what);
            assertEquals(Optional.of("DENY"), response.headers().firstValue("X-Frame-Options"), what);
            assertEquals(Optional.of(SecurityHeaders.CONTENT_SECURITY_POLICY),
                    response.headers().firstValue("Content-Security-Policy"), what);
            if (response.uri().getPath().startsWith("/api/")) {
                assertEquals(Optional.of("no-store"), response.headers().firstValue("Cache-Control"), what);
            }
        }
    }

    @Test
    void corsAnswersOnlyTheOriginsGiven() throws Exception {
        final HttpResponse<String> preflight = client.send(HttpRequest.newBuilder(stack.uri("/api/v1/metrics"))
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody()).header("Origin", GRAFANA)
                .header("Access-Control-Request-Method", "GET")
                .header("Access-Control-Request-Headers", "authorization").build(), HttpResponse.BodyHandlers.ofString());
        assertTrue(preflight.statusCode() < 300, preflight.statusCode() + " " + preflight.body());
        assertEquals(Optional.of(GRAFANA), preflight.headers().firstValue("Access-Control-Allow-Origin"));
        final HttpResponse<String> fromGrafana = client.send(HttpRequest.newBuilder(stack.uri("/api/v1/services"))
                .header("Origin", GRAFANA).header("Authorization", "Bearer " + READ).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, fromGrafana.statusCode());
        assertEquals(Optional.of(GRAFANA), fromGrafana.headers().firstValue("Access-Control-Allow-Origin"));
        final HttpResponse<String> fromElsewhere = client.send(HttpRequest.newBuilder(stack.uri("/api/v1/services"))
                .header("Origin", "https://evil.example").header("Authorization", "Bearer " + READ).build(),
                HttpResponse.BodyHandlers.ofString());
        assertTrue(fromElsewhere.headers().firstValue("Access-Control-Allow-Origin").isEmpty(),
                fromElsewhere.headers().map().toString());
    }
}
