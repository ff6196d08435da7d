package dev.dora.ingest.github;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dora.events.ChangeEvent;
import dev.dora.events.DeploymentEvent;
import dev.dora.events.DeploymentStatus;
import dev.dora.events.IncidentEvent;
import dev.dora.events.IncidentStatus;
import dev.dora.events.Severity;
import dev.dora.ingest.CanonicalEvents;
import dev.dora.ingest.InvalidEventException;
import dev.dora.ingest.catalog.ServiceCatalog;
import dev.dora.ingest.webhook.Mapping;
import dev.dora.ingest.webhook.Signatures;
import dev.dora.ingest.webhook.WebhookRequest;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** GitHub's signatures and the mapping of its payloads, on fixtures shaped like GitHub's own. */
@Tag("unit")
class GitHubSourceTest {

    static final byte[] SECRET = "s3cret-for-tests".getBytes(StandardCharsets.UTF_8);
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String BEFORE = "9f".repeat(20);
    private static final String A = "a1".repeat(20);
    private static final String B = "b2".repeat(20);
    private static final String C = "c3".repeat(20);
    private static final ServiceCatalog CATALOG = new ServiceCatalog(List.of(
            new ServiceCatalog.Entry("storefront", "retail", List.of("ACME/Shop"), List.of(), List.of())),
            List.of("production"));

    private final GitHubSource source = new GitHubSource();

    @Test
    void computesGitHubsDocumentedTestVector() {
        final byte[] secret = "It's a Secret to Everybody".getBytes(StandardCharsets.UTF_8);
        final byte[] payload = "Hello, World!".getBytes(StandardCharsets.UTF_8);
        final String expected = "757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17";
        assertEquals(expected, Signatures.hmacSha256Hex(secret, payload));
        final WebhookRequest request = new WebhookRequest(
                Map.of("x-hub-signature-256", "sha256=" + expected), payload);
        assertEquals(Optional.empty(), source.verify(request, secret));
        assertEquals(Optional.empty(), source.verify(new WebhookRequest(
                Map.of("X-Hub-Signature-256", "sha256=" + expected.toUpperCase()), payload), secret));
    }

    @Test
    void refusesMissingMalformedAndWrongSignatures() {
        final byte[] body = "{\"zen\": \"x\"}".getBytes(StandardCharsets.UTF_8);
        final String good = "sha256=" + Signatures.hmacSha256Hex(SECRET, body);
        assertEquals(Optional.empty(), source.verify(request(Map.of(GitHubSource.SIGNATURE_HEADER, good), body), SECRET));

        final String missing = source.verify(request(Map.of(), body), SECRET).orElseThrow();
        assertTrue(missing.startsWith("missing X-Hub-Signature-256 header"), missing);
        assertTrue(source.verify(request(Map.of(GitHubSource.SIGNATURE_HEADER, "sha1=" + "ab".repeat(20)), body),
                SECRET).orElseThrow().startsWith("malformed signature"));
        assertTrue(source.verify(request(Map.of(GitHubSource.SIGNATURE_HEADER, "sha256=zz" + "ab".repeat(31)), body),
                SECRET).orElseThrow().startsWith("malformed signature"));
        assertTrue(source.verify(request(Map.of(GitHubSource.SIGNATURE_HEADER, "sha256=abc"), body),
                SECRET).orElseThrow().startsWith("malformed signature"));
        final String wrong = source.verify(request(Map.of(GitHubSource.SIGNATURE_HEADER, good),
                "{\"zen\": \"y\"}".getBytes(StandardCharsets.UTF_8)), SECRET).orElseThrow();
        assertTrue(wrong.startsWith("X-Hub-Signature-256 does not match the body"), wrong);
        final byte[] otherSecret = "other".getBytes(StandardCharsets.UTF_8);
        assertTrue(source.verify(request(Map.of(GitHubSource.SIGNATURE_HEADER, good), body), otherSecret).isPresent());
        assertFalse(wrong.contains("s3cret"));
    }

    @Test
    void refusesEverythingWithoutASecret() {
        final byte[] body = "{\"zen\": \"x\"}".getBytes(StandardCharsets.UTF_8);
        final String good = "sha256=" + Signatures.hmacSha256Hex(SECRET, body);
        final String problem = source.verify(request(Map.of(GitHubSource.SIGNATURE_HEADER, good), body), new byte[0])
                .orElseThrow();
        assertEquals("no secret is configured for github webhooks (set DORA_GITHUB_SECRET)", problem);
    }

    @Test
    void readsTheDeliveryId() {
        assertEquals("72d3162e-cc78-11e3-81ab-4c9367dc0958", source.deliveryId(request(
                Map.of("X-GitHub-Delivery", "72d3162e-cc78-11e3-81ab-4c9367dc0958"), new byte[0])));
        assertNull(source.deliveryId(request(Map.of(), new byte[0])));
    }

    @Test
    void mapsAPushToTheDefaultBranchToChainedChanges() throws IOException {
        final Mapping mapping = map("push", fixture("push.main-three-commits.json"), ServiceCatalog.empty());

        assertNull(mapping.ignored());
        assertEquals(List.of("shop"), mapping.unmappedServices());
        final List<ChangeEvent> changes = changes(mapping);
        assertEquals(List.of(A, B, C), changes.stream().map(ChangeEvent::getSha).toList());
        assertEquals(List.of(BEFORE), changes.get(0).getParents());
        assertEquals(List.of(A), changes.get(1).getParents());
        assertEquals(List.of(B), changes.get(2).getParents());
        assertEquals(Instant.parse("2026-11-21T07:10:00Z"), changes.get(0).getCommittedAt());
        assertEquals(changes.get(0).getCommittedAt(), changes.get(0).getOccurredAt());
        assertEquals(Instant.parse("2026-11-21T07:30:00.250Z"), changes.get(2).getCommittedAt());
        for (final ChangeEvent change : changes) {
            assertEquals(change.getSha(), change.getId());
            assertEquals("shop", change.getService());
            assertNull(change.getTeam());
            assertEquals("github", change.getSource());
            assertEquals("acme/shop", change.getRepo());
            assertEquals("main", change.getBranch());
            assertEquals(List.of(), change.getLabels(), "a push knows no labels");
            assertNull(change.getAuthoredAt());
            final String json = CanonicalEvents.toJson(change).toString();
            assertFalse(json.contains("Dev One") || json.contains("example.com") || json.contains("dev-one"), json);
        }
    }

    @Test
    void usesTheCatalogForServiceAndTeam() throws IOException {
        final Mapping mapping = map("push", fixture("push.main-three-commits.json"), CATALOG);
        assertEquals(List.of(), mapping.unmappedServices());
        assertTrue(changes(mapping).stream().allMatch(c -> c.getService().equals("storefront")
                && c.getTeam().equals("retail")));
    }

    @Test
    void startsTheChainAtTheRootForANewBranchAndKeepsATruncatedPushsHead() throws IOException {
        final ObjectNode push = fixture("push.main-three-commits.json");
        push.put("before", GitHubSource.ZERO_SHA);
        final List<ChangeEvent> fromZero = changes(map("push", push, ServiceCatalog.empty()));
        assertEquals(List.of(), fromZero.get(0).getParents());

        // GitHub caps commits[]: the head commit still arrives, as head_commit
        final ObjectNode truncated = fixture("push.main-three-commits.json");
        ((ArrayNode) truncated.get("commits")).remove(2);
        final List<ChangeEvent> changes = changes(map("push", truncated, ServiceCatalog.empty()));
        assertEquals(List.of(A, B, C), changes.stream().map(ChangeEvent::getSha).toList());
        assertEquals(List.of(B), changes.get(2).getParents());
    }

    @Test
    void ignoresOtherBranchesTagsDeletionsAndEmptyPushes() throws IOException {
        assertEquals("push to branch feature/rounding, tracking main",
                map("push", fixture("push.feature-branch.json"), ServiceCatalog.empty()).ignored());
        final ObjectNode tag = fixture("push.main-three-commits.json").put("ref", "refs/tags/v1.2.0");
        assertEquals("tag push v1.2.0", map("push", tag, ServiceCatalog.empty()).ignored());
        final ObjectNode deleted = fixture("push.main-three-commits.json").put("deleted", true);
        deleted.putArray("commits");
        deleted.putNull("head_commit");
        assertEquals("branch main deleted", map("push", deleted, ServiceCatalog.empty()).ignored());
        final ObjectNode empty = fixture("push.main-three-commits.json");
        empty.putArray("commits");
        assertEquals("push to main without commits", map("push", empty, ServiceCatalog.empty()).ignored());
    }

    @Test
    void refusesAPushWithABadCommit() throws IOException {
        final ObjectNode push = fixture("push.main-three-commits.json");
        ((ObjectNode) push.get("commits").get(1)).put("timestamp", "yesterday");
        final InvalidEventException e = assertThrows(InvalidEventException.class,
                () -> map("push", push, ServiceCatalog.empty()));
        assertEquals("commits[1].timestamp", e.field());
        ((ObjectNode) push.get("commits").get(1)).put("id", "abc");
        assertEquals("commits[1].id", assertThrows(InvalidEventException.class,
                () -> map("push", push, ServiceCatalog.empty())).field());
        push.remove("before");
        assertEquals("before", assertThrows(InvalidEventException.class,
                () -> map("push", push, ServiceCatalog.empty())).field());
    }

    @Test
    void mapsAMergedPullRequestToItsMergeCommit() throws IOException {
        final Mapping mapping = map("pull_request", fixture("pull_request.closed-merged-squash.json"), CATALOG);
        final ChangeEvent change = (ChangeEvent) mapping.events().get(0);
        assertEquals(1, mapping.events().size());
        assertEquals("e5".repeat(20), change.getSha());
        assertEquals(List.of(C), change.getParents());
        assertEquals(Instant.parse("2026-11-21T10:05:01Z"), change.getCommittedAt());
        assertEquals(change.getCommittedAt().minusMillis(1), change.getOccurredAt(), "a push of the commit wins");
        assertEquals("storefront", change.getService());
        assertEquals("main", change.getBranch());
        assertEquals(List.of("hotfix", "payments"), change.getLabels(), "the pull request's labels");
        assertEquals(change, CanonicalEvents.parse(CanonicalEvents.toJson(change)));

        final ObjectNode unlabelled = fixture("pull_request.closed-merged-squash.json");
        ((ObjectNode) unlabelled.get("pull_request")).remove("labels");
        assertEquals(List.of(), ((ChangeEvent) map("pull_request", unlabelled, CATALOG).events().get(0)).getLabels());

        final ObjectNode unmerged = fixture("pull_request.closed-merged-squash.json");
        ((ObjectNode) unmerged.get("pull_request")).put("merged", false).putNull("merged_at");
        assertEquals("pull request closed without merging", map("pull_request", unmerged, CATALOG).ignored());
        final ObjectNode opened = fixture("pull_request.closed-merged-squash.json").put("action", "opened");
        assertTrue(map("pull_request", opened, CATALOG).ignored().startsWith("pull_request action 'opened'"));
        final ObjectNode elsewhere = fixture("pull_request.closed-merged-squash.json");
        ((ObjectNode) elsewhere.get("pull_request").get("base")).put("ref", "release/1.x");
        assertEquals("pull request merged into branch release/1.x, tracking main",
                map("pull_request", elsewhere, CATALOG).ignored());
    }

    @Test
    void mapsDeploymentStatuses() throws IOException {
        final Mapping success = map("deployment_status", fixture("deployment_status.success.json"), CATALOG);
        final DeploymentEvent deployment = (DeploymentEvent) success.events().get(0);
        assertEquals("1700000123", deployment.getId());
        assertEquals(DeploymentStatus.success, deployment.getStatus());
        assertEquals("production", deployment.getEnvironment());
        assertEquals(C, deployment.getSha());
        assertEquals(Instant.parse("2026-11-21T11:04:30Z"), deployment.getFinishedAt());
        assertEquals(deployment.getFinishedAt(), deployment.getOccurredAt());
        assertEquals(Instant.parse("2026-11-21T11:00:00Z"), deployment.getStartedAt());
        assertEquals("storefront", deployment.getService());
        assertEquals("retail", deployment.getTeam());
        assertEquals(List.of(), success.unmappedServices());

        // without a catalog entry the deployer's payload.service names the service
        final Mapping failure = map("deployment_status", fixture("deployment_status.failure.json"),
                ServiceCatalog.empty());
        final DeploymentEvent failed = (DeploymentEvent) failure.events().get(0);
        assertEquals(DeploymentStatus.failure, failed.getStatus());
        assertEquals("shop-api", failed.getService());
        assertEquals("1700000124", failed.getId());
        assertEquals(List.of(), failure.unmappedServices());

        final ObjectNode pending = fixture("deployment_status.success.json");
        ((ObjectNode) pending.get("deployment_status")).put("state", "queued").remove("environment");
        final DeploymentEvent queued = (DeploymentEvent) map("deployment_status", pending, ServiceCatalog.empty())
                .events().get(0);
        assertEquals(DeploymentStatus.pending, queued.getStatus());
        assertNull(queued.getFinishedAt());
        assertEquals("production", queued.getEnvironment());
        assertEquals("shop", queued.getService());

        assertEquals("deployment 1700000123 became inactive (a later deployment replaced it)",
                map("deployment_status", fixture("deployment_status.inactive.json"), CATALOG).ignored());

        final ObjectNode noSha = fixture("deployment_status.success.json");
        ((ObjectNode) noSha.get("deployment")).remove("sha");
        assertEquals("deployment.sha", assertThrows(InvalidEventException.class,
                () -> map("deployment_status", noSha, CATALOG)).field());
    }

    @Test
    void mapsIncidentIssues() throws IOException {
        final Mapping opened = map("issues", fixture("issues.opened-incident.json"), ServiceCatalog.empty());
        final IncidentEvent open = (IncidentEvent) opened.events().get(0);
        assertEquals("github-issue-3300000077", open.getId());
        assertEquals(IncidentStatus.open, open.getStatus());
        assertEquals("production", open.getEnvironment());
        assertEquals(Instant.parse("2026-11-21T12:00:00Z"), open.getOpenedAt());
        assertNull(open.getResolvedAt());
        assertEquals(C, open.getCauseSha());
        assertEquals("1700000123", open.getCauseDeploymentId());
        assertEquals(Severity.SEV2, open.getSeverity());
        assertEquals("shop", open.getService());
        assertEquals(List.of("shop"), opened.unmappedServices());

        final IncidentEvent resolved = (IncidentEvent) map("issues", fixture("issues.closed-incident.json"),
                ServiceCatalog.empty()).events().get(0);
        assertEquals(open.getId(), resolved.getId());
        assertEquals(IncidentStatus.resolved, resolved.getStatus());
        assertEquals(Instant.parse("2026-11-21T12:45:10Z"), resolved.getResolvedAt());
        assertEquals(resolved.getResolvedAt(), resolved.getOccurredAt());

        assertEquals("issue without the 'incident' label",
                map("issues", fixture("issues.opened-bug.json"), ServiceCatalog.empty()).ignored());

        final ObjectNode shortSha = fixture("issues.opened-incident.json");
        ((ObjectNode) shortSha.get("issue")).put("body", "root cause: c3c3c3c\nno deployment named");
        final IncidentEvent withoutCause = (IncidentEvent) map("issues", shortSha, ServiceCatalog.empty())
                .events().get(0);
        assertNull(withoutCause.getCauseSha());
        assertNull(withoutCause.getCauseDeploymentId());
    }

    @Test
    void ignoresPingAndUnknownEvents() throws IOException {
        assertEquals("ping", map("ping", fixture("ping.json"), CATALOG).ignored());
        assertEquals("event type 'star' is not mapped", map("star", fixture("ping.json"), CATALOG).ignored());
    }

    @Test
    void refusesPayloadsThatAreNotJsonOrLackTheEventHeader() throws IOException {
        final byte[] broken = "{\"ref\": ".getBytes(StandardCharsets.UTF_8);
        final InvalidEventException notJson = assertThrows(InvalidEventException.class, () -> source.map(
                request(Map.of(GitHubSource.EVENT_HEADER, "push"), broken), CATALOG));
        assertEquals("body", notJson.field());
        assertEquals(GitHubSource.EVENT_HEADER, assertThrows(InvalidEventException.class, () -> source.map(
                request(Map.of(), MAPPER.writeValueAsBytes(fixture("ping.json"))), CATALOG)).field());
        assertEquals("Content-Type", assertThrows(InvalidEventException.class, () -> source.map(
                request(Map.of(GitHubSource.EVENT_HEADER, "push", "Content-Type",
                        "application/x-www-form-urlencoded"), "payload=%7B%7D".getBytes(StandardCharsets.UTF_8)),
                CATALOG)).field());
    }

    @Test
    void everyMappedEventIsAValidCanonicalEvent() throws IOException {
        final String[][] cases = {
                {"push", "push.main-three-commits.json"},
                {"pull_request", "pull_request.closed-merged-squash.json"},
                {"deployment_status", "deployment_status.success.json"},
                {"deployment_status", "deployment_status.failure.json"},
                {"issues", "issues.opened-incident.json"},
                {"issues", "issues.closed-incident.json"}};
        for (final String[] c : cases) {
            for (final SpecificRecord event : map(c[0], fixture(c[1]), CATALOG).events()) {
                assertEquals(event, CanonicalEvents.parse(CanonicalEvents.toJson(event)), c[1]);
            }
        }
    }

    private Mapping map(final String event, final ObjectNode payload, final ServiceCatalog catalog)
            throws IOException {
        return source.map(request(Map.of(GitHubSource.EVENT_HEADER, event, "Content-Type", "application/json"),
                MAPPER.writeValueAsBytes(payload)), catalog);
    }

    private static List<ChangeEvent> changes(final Mapping mapping) {
        return mapping.events().stream().map(ChangeEvent.class::cast).toList();
    }

    private static WebhookRequest request(final Map<String, String> headers, final byte[] body) {
        return new WebhookRequest(headers, body);
    }

    static ObjectNode fixture(final String name) throws IOException {
        return (ObjectNode) MAPPER.readTree(bytes(name));
    }

    static byte[] bytes(final String name) throws IOException {
        try (InputStream in = GitHubSourceTest.class.getResourceAsStream("/webhooks/github/" + name)) {
            if (in == null) {
                throw new IOException("no fixture " + name);
            }
            return in.readAllBytes();
        }
    }
}
