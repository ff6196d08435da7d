package dev.dora.ingest;

import static dev.dora.testkit.TopicRecords.header;
import static dev.dora.testkit.TopicRecords.key;
import static dev.dora.testkit.TopicRecords.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dora.events.BuildEvent;
import dev.dora.events.BuildStatus;
import dev.dora.ingest.catalog.ServiceCatalog;
import dev.dora.ingest.catalog.ServiceCatalogYaml;
import dev.dora.ingest.cdevents.CDEventsSource;
import dev.dora.ingest.github.GitHubSource;
import dev.dora.ingest.gitlab.GitLabSource;
import dev.dora.ingest.webhook.Signatures;
import dev.dora.ingest.webhook.WebhookRoutes;
import dev.dora.ingest.webhook.WebhookSecrets;
import dev.dora.ingest.webhook.WebhookSource;
import dev.dora.ingest.webhook.WebhookStats;
import dev.dora.schema.AvroCodec;
import dev.dora.schema.TopicAdmin;
import dev.dora.schema.Topics;
import dev.dora.testkit.TestKafkaCluster;
import dev.dora.testkit.TopicRecords;
import io.javalin.Javalin;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Builds through every door on a real broker: the canonical API and the GitHub, GitLab and CDEvents webhooks each
 * put their builds on {@code dora.events.builds}, keyed by build id and stamped with the catalog's default branch;
 * rejections go to the dead-letter topic with their reason; a redelivered webhook is produced once.
 */
@Tag("broker")
@Timeout(120)
class BuildsIngestTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String GITHUB_SECRET = "gh-secret-for-build-tests";
    private static final String GITLAB_TOKEN = "gl-token-for-build-tests";
    private static final String CDEVENTS_TOKEN = "cd-token-for-build-tests";
    private static final String CATALOG_YAML = """
            services:
              - name: checkout
                team: commerce
                repositories: [octo-org/octo-repo, gitlab-org/gitlab-test]
                applications: [shop-app]
                defaultBranch: %s
              - name: search
            """;

    private static final AtomicReference<ServiceCatalog> CATALOG = new AtomicReference<>(catalog("trunk"));
    private static final WebhookStats STATS = new WebhookStats();

    private static TestKafkaCluster cluster;
    private static EventPublisher publisher;
    private static Javalin app;
    private static HttpClient http;

    @BeforeAll
    static void start() throws Exception {
        cluster = TestKafkaCluster.start();
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers()))) {
            TopicAdmin.ensureTopics(admin, 3, (short) 1);
        }
        publisher = new EventPublisher(cluster.bootstrapServers());
        final List<WebhookSource> sources = List.of(new GitHubSource(), new GitLabSource(), new CDEventsSource());
        final WebhookSecrets secrets = WebhookSecrets.of(Map.of(), Map.of(GitHubSource.SECRET_VARIABLE, GITHUB_SECRET,
                GitLabSource.SECRET_VARIABLE, GITLAB_TOKEN, CDEventsSource.SECRET_VARIABLE, CDEVENTS_TOKEN), sources);
        app = Javalin.create(config -> {
            IngestRoutes.register(config, publisher, IngestRoutes.DEFAULT_MAX_BODY_BYTES, CATALOG::get);
            WebhookRoutes.register(config, publisher, sources, secrets, CATALOG::get, false, STATS);
        }).start(0);
        http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    }

    @AfterAll
    static void stop() throws Exception {
        if (app != null) {
            app.stop();
        }
        for (final AutoCloseable closeable : new AutoCloseable[] {publisher, cluster}) {
            if (closeable != null) {
                closeable.close();
            }
        }
    }

    @Test
    void theApiProducesBuildsKeyedByIdStampedFromTheCatalogAndDeadLettersTheInvalidOne() throws Exception {
        final String run = unique();
        final ObjectNode failed = CanonicalBuildsTest.build().put("id", "build-failed-" + run);
        final ObjectNode running = CanonicalEventsTest.json("""
                {"type": "build", "id": "build-running-%s", "service": "search", "occurredAt": "2026-10-01T12:00:00Z",
                 "status": "in_progress", "startedAt": "2026-10-01T12:00:00Z", "branch": "main",
                 "defaultBranch": "a sender cannot set it"}""".formatted(run));
        final ObjectNode invalid = CanonicalBuildsTest.build().put("id", "build-invalid-" + run).put("coverage", 2)
                .put("authorEmail", "dev@example.com");
        final ArrayNode body = MAPPER.createArrayNode().add(failed).add(running).add(invalid);

        final HttpResponse<String> response = postEvents(body.toString());

        assertEquals(202, response.statusCode(), response.body());
        final String reason = "coverage: must be from 0 to 1, a fraction of the lines covered (got 2)";
        assertEquals(MAPPER.readTree("{\"accepted\": 2, \"rejected\": [{\"index\": 2, \"error\": \"" + reason
                + "\"}]}"), MAPPER.readTree(response.body()));
        final BuildEvent failedBuild = build(readOne(Topics.BUILDS.name(), r -> key(r).equals("build-failed-" + run)));
        assertEquals(BuildEvent.newBuilder((BuildEvent) CanonicalEvents.parse(failed)).setDefaultBranch("trunk")
                .build(), failedBuild);
        final BuildEvent runningBuild = build(readOne(Topics.BUILDS.name(),
                r -> key(r).equals("build-running-" + run)));
        assertEquals(BuildStatus.in_progress, runningBuild.getStatus());
        assertNull(runningBuild.getDefaultBranch(), "the catalog names none for search: main or master");

        final ConsumerRecord<byte[], byte[]> rejected = readOne(Topics.DEAD_LETTER.name(),
                r -> text(r.value()).contains("build-invalid-" + run));
        assertEquals(reason, header(rejected, Topics.DLQ_REASON_HEADER));
        assertEquals("api", header(rejected, Topics.DLQ_ORIGIN_HEADER));
        assertFalse(text(rejected.value()).contains("dev@example.com"), text(rejected.value()));
        read(Topics.BUILDS.name(), r -> key(r).equals("build-invalid-" + run), 0);
    }

    @Test
    void aReloadedCatalogStampsTheNextBuild() throws Exception {
        final String run = unique();
        CATALOG.set(catalog("release"));
        try {
            final HttpResponse<String> response = postEvents(CanonicalBuildsTest.build().put("id", "build-" + run)
                    .toString());
            assertEquals(202, response.statusCode(), response.body());
            assertEquals("release", build(readOne(Topics.BUILDS.name(), r -> key(r).equals("build-" + run)))
                    .getDefaultBranch());
        } finally {
            CATALOG.set(catalog("trunk"));
        }
    }

    @Test
    void aGitHubWorkflowRunIsABuildAndItsRedeliveryIsProducedOnce() throws Exception {
        final long run = Math.abs(UUID.randomUUID().getMostSignificantBits() % 1_000_000_000L);
        final ObjectNode payload = fixture("github/workflow_run.completed-timed_out.json");
        ((ObjectNode) payload.get("workflow_run")).put("id", run);
        final byte[] body = MAPPER.writeValueAsBytes(payload);
        final String delivery = UUID.randomUUID().toString();
        final String signature = "sha256=" + Signatures.hmacSha256Hex(GITHUB_SECRET.getBytes(StandardCharsets.UTF_8),
                body);
        final Map<String, String> headers = Map.of(GitHubSource.EVENT_HEADER, "workflow_run",
                GitHubSource.DELIVERY_HEADER, delivery, GitHubSource.SIGNATURE_HEADER, signature);

        final HttpResponse<String> first = postWebhook("github", headers, body);
        final HttpResponse<String> again = postWebhook("github", headers, body);

        assertEquals(202, first.statusCode(), first.body());
        assertEquals(MAPPER.readTree("{\"accepted\": 1, \"unmappedServices\": []}"), MAPPER.readTree(first.body()));
        assertEquals(MAPPER.createObjectNode().put("duplicate", true).put("deliveryId", delivery),
                MAPPER.readTree(again.body()));
        final BuildEvent build = build(readOne(Topics.BUILDS.name(), r -> key(r).equals(run + "-2")));
        assertEquals("checkout", build.getService());
        assertEquals("commerce", build.getTeam());
        assertEquals(BuildStatus.failure, build.getStatus());
        assertEquals("trunk", build.getDefaultBranch());
        assertEquals(Instant.parse("2020-10-05T17:08:10Z"), build.getFinishedAt());
    }

    @Test
    void aGitLabPipelineIsABuildItsRedeliveryIsProducedOnceAndATagPipelineNothing() throws Exception {
        final long run = Math.abs(UUID.randomUUID().getMostSignificantBits() % 1_000_000_000L);
        final ObjectNode payload = fixture("gitlab/pipeline.failed.json");
        ((ObjectNode) payload.get("object_attributes")).put("id", run).put("coverage", "72.5");
        final byte[] body = MAPPER.writeValueAsBytes(payload);
        final String delivery = UUID.randomUUID().toString();
        final Map<String, String> headers = Map.of("X-Gitlab-Event", "Pipeline Hook",
                GitLabSource.TOKEN_HEADER, GITLAB_TOKEN, GitLabSource.DELIVERY_HEADER, delivery);

        final HttpResponse<String> first = postWebhook("gitlab", headers, body);
        final HttpResponse<String> again = postWebhook("gitlab", headers, body);
        ((ObjectNode) payload.get("object_attributes")).put("id", run + 1).put("tag", true).put("ref", "v1.0.0");
        final HttpResponse<String> tag = postWebhook("gitlab", Map.of("X-Gitlab-Event", "Pipeline Hook",
                GitLabSource.TOKEN_HEADER, GITLAB_TOKEN, GitLabSource.DELIVERY_HEADER, UUID.randomUUID().toString()),
                MAPPER.writeValueAsBytes(payload));

        assertEquals(202, first.statusCode(), first.body());
        assertEquals(MAPPER.readTree("{\"accepted\": 1, \"unmappedServices\": []}"), MAPPER.readTree(first.body()));
        assertEquals(202, again.statusCode(), again.body());
        assertTrue(MAPPER.readTree(again.body()).path("duplicate").asBoolean(), again.body());
        assertEquals(MAPPER.createObjectNode().put("ignored", "pipeline " + (run + 1)
                + " ran for tag 'v1.0.0', not a branch"), MAPPER.readTree(tag.body()));
        final BuildEvent build = build(readOne(Topics.BUILDS.name(), r -> key(r).equals(Long.toString(run))));
        assertEquals(BuildStatus.failure, build.getStatus());
        assertEquals(0.725, build.getCoverage());
        assertEquals("trunk", build.getDefaultBranch());
        read(Topics.BUILDS.name(), r -> key(r).equals(Long.toString(run + 1)), 0);
    }

    @Test
    void aCDEventsPipelineRunIsABuildAndOneWithoutItsStartIsDeadLetteredNamingIt() throws Exception {
        final String run = unique();
        final ObjectNode finished = fixture("cdevents/binary/pipelinerun-finished.with-branch.json");
        ((ObjectNode) finished.get("subject")).put("id", "run-" + run);
        ((ObjectNode) finished.get("customData")).put("service", "shop-app");
        final ObjectNode context = (ObjectNode) finished.get("context");
        final Map<String, String> headers = Map.of("Authorization", "Bearer " + CDEVENTS_TOKEN,
                "ce-specversion", "1.0", "ce-id", "ce-" + run, "ce-source", context.get("source").asText(),
                "ce-type", context.get("type").asText(), "ce-time", context.get("timestamp").asText());

        final HttpResponse<String> first = postWebhook("cdevents", headers, MAPPER.writeValueAsBytes(finished));
        final HttpResponse<String> again = postWebhook("cdevents", headers, MAPPER.writeValueAsBytes(finished));
        ((ObjectNode) finished.get("subject")).put("id", "run-invalid-" + run);
        ((ObjectNode) finished.get("customData")).remove("startedAt");
        final HttpResponse<String> invalid = postWebhook("cdevents", Map.of("Authorization", "Bearer "
                + CDEVENTS_TOKEN, "ce-specversion", "1.0", "ce-id", "ce-invalid-" + run, "ce-source", "/ci/tests",
                "ce-type", context.get("type").asText()), MAPPER.writeValueAsBytes(finished));

        assertEquals(202, first.statusCode(), first.body());
        assertTrue(MAPPER.readTree(again.body()).path("duplicate").asBoolean(), again.body());
        final BuildEvent build = build(readOne(Topics.BUILDS.name(), r -> key(r).equals("run-" + run)));
        assertEquals("checkout", build.getService());
        assertEquals(BuildStatus.failure, build.getStatus());
        assertEquals("trunk", build.getDefaultBranch());

        assertEquals(400, invalid.statusCode(), invalid.body());
        final String error = MAPPER.readTree(invalid.body()).get("error").asText();
        assertTrue(error.startsWith("customData.startedAt: required on pipelineRun.finished"), error);
        final ConsumerRecord<byte[], byte[]> rejected = readOne(Topics.DEAD_LETTER.name(),
                r -> text(r.value()).contains("run-invalid-" + run));
        assertEquals(error, header(rejected, Topics.DLQ_REASON_HEADER));
        assertEquals("webhook:cdevents", header(rejected, Topics.DLQ_ORIGIN_HEADER));
        read(Topics.BUILDS.name(), r -> key(r).equals("run-invalid-" + run), 0);
    }

    private static ServiceCatalog catalog(final String defaultBranch) {
        return ServiceCatalogYaml.parse(CATALOG_YAML.formatted(defaultBranch));
    }

    private static HttpResponse<String> postEvents(final String body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + app.port() + IngestRoutes.PATH))
                .timeout(Duration.ofSeconds(60)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> postWebhook(final String source, final Map<String, String> headers,
                                                    final byte[] body) throws Exception {
        final HttpRequest.Builder request = HttpRequest.newBuilder(
                        URI.create("http://localhost:" + app.port() + "/webhooks/" + source))
                .timeout(Duration.ofSeconds(60)).header("Content-Type", "application/json");
        headers.forEach(request::header);
        return http.send(request.POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static ObjectNode fixture(final String path) throws IOException {
        try (InputStream in = BuildsIngestTest.class.getResourceAsStream("/webhooks/" + path)) {
            if (in == null) {
                throw new IOException("no fixture " + path);
            }
            final JsonNode json = MAPPER.readTree(in);
            return (ObjectNode) json;
        }
    }

    private static BuildEvent build(final ConsumerRecord<byte[], byte[]> record) {
        return (BuildEvent) AvroCodec.get().decode(record.value());
    }

    private static ConsumerRecord<byte[], byte[]> readOne(final String topic,
                                                          final Predicate<ConsumerRecord<byte[], byte[]>> match) {
        return read(topic, match, 1).get(0);
    }

    /** The records of the topic that match, which must be {@code expected} many; each test matches its own ids. */
    private static List<ConsumerRecord<byte[], byte[]>> read(final String topic,
                                                             final Predicate<ConsumerRecord<byte[], byte[]>> match,
                                                             final int expected) {
        final List<ConsumerRecord<byte[], byte[]>> matches = TopicRecords.read(cluster.bootstrapServers(), topic, match);
        assertEquals(expected, matches.size(), "records in " + topic + " matching the test");
        return matches;
    }

    private static String unique() {
        return UUID.randomUUID().toString().substring(0, 8);
    }
}
