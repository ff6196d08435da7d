package dev.dora.launcher.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Signed GitHub push, deployment_status and incident issue webhooks and a PagerDuty triggered/resolved pair,
 * mapped through the catalog, on a real broker: the metrics come out of {@code GET /api/v1/metrics}.
 */
@Tag("e2e")
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class WebhooksEndToEndTest {

    private static final String GITHUB_SECRET = "gh-secret";
    private static final String PAGERDUTY_SECRET = "pd-secret";
    private static final String C1 = "1".repeat(40);
    private static final String C2 = "2".repeat(40);
    private static final String REPO = "{\"id\": 1, \"name\": \"shop-repo\", \"full_name\": \"acme/shop-repo\","
            + " \"default_branch\": \"main\", \"pushed_at\": 1762765200}";
    private static final String CATALOG = """
            production: [production]
            services:
              - name: shop
                team: retail
                repositories: [acme/shop-repo]
                pagerduty: [Shop API]
            """;

    private static String hmac(final String secret, final String body) throws Exception {
        final Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        return HexFormat.of().formatHex(mac.doFinal(body.getBytes(StandardCharsets.UTF_8)));
    }

    private static HttpResponse<String> github(final RunningStack stack, final String event, final String delivery,
                                               final String body) throws Exception {
        return stack.webhook("github", Map.of("X-GitHub-Event", event, "X-GitHub-Delivery", delivery,
                "X-Hub-Signature-256", "sha256=" + hmac(GITHUB_SECRET, body)), body);
    }

    private static HttpResponse<String> pagerduty(final RunningStack stack, final String body) throws Exception {
        return stack.webhook("pagerduty", Map.of("X-PagerDuty-Signature", "v1=" + hmac(PAGERDUTY_SECRET, body)), body);
    }

    private static String deploymentStatus(final long id, final String sha, final String at) {
        return "{\"action\": \"created\", \"deployment_status\": {\"id\": " + (id * 10) + ", \"state\": \"success\","
                + " \"environment\": \"production\", \"created_at\": \"" + at + "\", \"updated_at\": \"" + at + "\"},"
                + " \"deployment\": {\"id\": " + id + ", \"sha\": \"" + sha + "\", \"ref\": \"main\", \"payload\": {},"
                + " \"environment\": \"production\", \"production_environment\": true, \"created_at\": \"" + at + "\","
                + " \"updated_at\": \"" + at + "\"}, \"repository\": " + REPO + "}";
    }

    private static String pagerdutyEvent(final String eventId, final String type, final String at) {
        return "{\"event\": {\"id\": \"" + eventId + "\", \"event_type\": \"" + type + "\", \"resource_type\": \"incident\","
                + " \"occurred_at\": \"" + at + "\", \"data\": {\"id\": \"PD1\", \"type\": \"incident\", \"number\": 7,"
                + " \"status\": \"" + ("incident.resolved".equals(type) ? "resolved" : "triggered") + "\","
                + " \"created_at\": \"2026-11-10T14:00:00Z\", \"title\": \"Shop API errors\","
                + " \"service\": {\"id\": \"PSHOP\", \"summary\": \"Shop API\", \"type\": \"service_reference\"},"
                + " \"priority\": null, \"urgency\": \"high\"}}}";
    }

    @Test
    void webhooksFromGitHubAndPagerDutyBecomeMetrics() throws Exception {
        try (RunningStack stack = RunningStack.start(CATALOG,
                Map.of("github", GITHUB_SECRET, "pagerduty", PAGERDUTY_SECRET))) {
            final String push = "{\"ref\": \"refs/heads/main\", \"before\": \"" + "0".repeat(40) + "\", \"after\": \"" + C2
                    + "\", \"created\": false, \"deleted\": false, \"forced\": false, \"repository\": " + REPO + ","
                    + " \"commits\": [{\"id\": \"" + C1 + "\", \"distinct\": true, \"message\": \"one\","
                    + " \"timestamp\": \"2026-11-10T11:00:00+02:00\", \"author\": {\"name\": \"A\", \"email\": \"a@example.com\"}},"
                    + " {\"id\": \"" + C2 + "\", \"distinct\": true, \"message\": \"two\","
                    + " \"timestamp\": \"2026-11-10T10:00:00Z\", \"author\": {\"name\": \"A\", \"email\": \"a@example.com\"}}],"
                    + " \"head_commit\": {\"id\": \"" + C2 + "\", \"timestamp\": \"2026-11-10T10:00:00Z\"}}";
            assertEquals(202, github(stack, "push", "d-1", push).statusCode());
            assertEquals(202, github(stack, "deployment_status", "d-2", deploymentStatus(111, C1, "2026-11-10T09:30:00Z")).statusCode());
            assertEquals(202, github(stack, "deployment_status", "d-3", deploymentStatus(222, C2, "2026-11-10T12:00:00Z")).statusCode());
            final String issue = "{\"action\": \"opened\", \"issue\": {\"id\": 9001, \"number\": 5, \"title\": \"Checkout broken\","
                    + " \"labels\": [{\"name\": \"incident\"}], \"state\": \"open\", \"created_at\": \"2026-11-10T13:00:00Z\","
                    + " \"updated_at\": \"2026-11-10T13:00:00Z\", \"closed_at\": null, \"body\": \"Broken since noon.\\ncaused by: 222\\n\"},"
                    + " \"repository\": " + REPO + "}";
            assertEquals(202, github(stack, "issues", "d-4", issue).statusCode());
            final HttpResponse<String> wrong = stack.webhook("github", Map.of("X-GitHub-Event", "issues",
                    "X-GitHub-Delivery", "d-5", "X-Hub-Signature-256", "sha256=" + hmac("not-the-secret", issue)), issue);
            assertEquals(401, wrong.statusCode());
            assertEquals(202, pagerduty(stack, pagerdutyEvent("e-1", "incident.triggered", "2026-11-10T14:00:00.000Z")).statusCode());
            final HttpResponse<String> resolved =
                    pagerduty(stack, pagerdutyEvent("e-2", "incident.resolved", "2026-11-10T15:30:00.000Z"));
            assertEquals(202, resolved.statusCode(), resolved.body());
            assertEquals(202, github(stack, "push", "d-1", push).statusCode(), "a redelivery is acknowledged");

            stack.awaitCaughtUp();
            final JsonNode m = stack.metrics("shop", null, "2026-11-10", "2026-11-11");
            assertEquals(2, m.at("/deploymentFrequency/deployments").asLong(), m.toString());
            // deployment 111 is the baseline; 222 ships c2, committed at 10:00Z, finished at 12:00Z
            assertEquals(1, m.at("/leadTime/samples").asLong(), m.toString());
            assertEquals(7_200, m.at("/leadTime/medianSeconds").asDouble(), 72);
            assertEquals(1, m.at("/changeFailureRate/failed").asLong(), m.toString());
            assertEquals(1, m.at("/timeToRestore/incidents").asLong(), m.toString());
            assertEquals(5_400, m.at("/timeToRestore/medianSeconds").asDouble(), 54);
            assertEquals(1, m.at("/timeToRestore/openIncidents").asLong(), "the GitHub incident issue is still open");
            assertEquals("retail", stack.getJson("/api/v1/services").at("/services/0/team").asText());
        }
    }
}
