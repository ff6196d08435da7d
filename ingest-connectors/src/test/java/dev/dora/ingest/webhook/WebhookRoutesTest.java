package dev.dora.ingest.webhook;

import static dev.dora.testkit.TopicRecords.header;
import static dev.dora.testkit.TopicRecords.key;
import static dev.dora.testkit.TopicRecords.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dora.events.ChangeEvent;
import dev.dora.ingest.EventPublisher;
import dev.dora.ingest.catalog.ServiceCatalog;
import dev.dora.ingest.github.GitHubSource;
import dev.dora.ingest.http.ApiErrors;
import dev.dora.schema.AvroCodec;
import dev.dora.schema.TopicAdmin;
import dev.dora.schema.Topics;
import dev.dora.testkit.TestKafkaCluster;
import dev.dora.testkit.TopicRecords;
import io.javalin.Javalin;
import io.javalin.config.JavalinConfig;
import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.Logger;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Property;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@code POST /webhooks/{source}} on a real broker: authenticity, redeliveries, what is produced where. */
@Tag("broker")
@Timeout(120)
class WebhookRoutesTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String SECRET = "webhook-secret-for-tests";
    private static final List<String> PUSHED = List.of("a1".repeat(20), "b2".repeat(20), "c3".repeat(20));
    private static final String FAULT = "a detail of the server that no client may see";

    private static final AtomicReference<ServiceCatalog> CATALOG = new AtomicReference<>(ServiceCatalog.empty());
    private static final WebhookStats STATS = new WebhookStats();

    private static TestKafkaCluster cluster;
    private static EventPublisher publisher;
    private static EventPublisher unreachable;
    private static final List<Javalin> APPS = new ArrayList<>();
    private static Javalin app;
    private static Javalin insecureApp;
    private static Javalin unconfiguredApp;
    private static Javalin unavailableApp;
    private static Javalin faultyApp;
    private static HttpClient http;

    @BeforeAll
    static void start() throws Exception {
        cluster = TestKafkaCluster.start();
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers()))) {
            TopicAdmin.ensureTopics(admin, 3, (short) 1);
        }
        publisher = new EventPublisher(cluster.bootstrapServers());
        final int deadPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            deadPort = socket.getLocalPort();
        }
        unreachable = new EventPublisher("localhost:" + deadPort, Map.of(
                ProducerConfig.MAX_BLOCK_MS_CONFIG, 1000,
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 2000,
                ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 1000));
        final List<WebhookSource> sources = List.of(new GitHubSource());
        final WebhookSecrets secrets = WebhookSecrets.of(Map.of(), Map.of("DORA_GITHUB_SECRET", SECRET), sources);
        app = start(config -> WebhookRoutes.register(config, publisher, sources, secrets, CATALOG::get, false, STATS));
        insecureApp = start(config -> WebhookRoutes.register(config, publisher, sources, WebhookSecrets.none(),
                CATALOG::get, true));
        unconfiguredApp = start(config -> WebhookRoutes.register(config, publisher, sources,
                WebhookSecrets.of(Map.of(), Map.of(), sources), CATALOG::get, false));
        unavailableApp = start(config -> WebhookRoutes.register(config, unreachable, sources, secrets,
                CATALOG::get, false));
        faultyApp = start(config -> WebhookRoutes.register(config, publisher, List.of(new FaultySource()),
                WebhookSecrets.none(), CATALOG::get, true));
        http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    }

    private static Javalin start(final Consumer<JavalinConfig> routes) {
        final Javalin server = Javalin.create(routes).start(0);
        APPS.add(server);
        return server;
    }


    @AfterAll
    static void stop() throws Exception {
        APPS.forEach(Javalin::stop);
        for (final AutoCloseable closeable : new AutoCloseable[] {publisher, unreachable, cluster}) {
            if (closeable != null) {
                closeable.close();
            }
        }
    }

    @Test
    void acceptsASignedPushAndProducesOneChangePerCommitKeyedByService() throws Exception {
        final String service = useNewService();

        final HttpResponse<String> response = post(app, "push", fixture("push.main-three-commits.json"),
                UUID.randomUUID().toString(), Signing.VALID);

        assertEquals(202, response.statusCode(), response.body());
        assertEquals(MAPPER.readTree("{\"accepted\": 3, \"unmappedServices\": []}"), MAPPER.readTree(response.body()));
        final List<ConsumerRecord<byte[], byte[]>> records = read(Topics.CHANGES.name(), r -> key(r).equals(service), 3);
        assertEquals(PUSHED, records.stream().map(r -> ((ChangeEvent) AvroCodec.get().decode(r.value())).getSha())
                .sorted().toList());
        assertTrue(STATS.counts("github").accepted() >= 3);
    }

    @Test
    void reportsServicesWithoutACatalogEntry() throws Exception {
        CATALOG.set(ServiceCatalog.empty());
        final HttpResponse<String> response = post(app, "issues", fixture("issues.opened-incident.json"),
                UUID.randomUUID().toString(), Signing.VALID);
        assertEquals(202, response.statusCode(), response.body());
        assertEquals(MAPPER.readTree("{\"accepted\": 1, \"unmappedServices\": [\"shop\"]}"),
                MAPPER.readTree(response.body()));
        assertTrue(STATS.counts("github").unmapped() >= 1);
    }

    @Test
    void refusesAWrongOrMissingSignatureAndProducesNothing() throws Exception {
        final String service = useNewService();
        final long before = STATS.counts("github").unauthorized();

        final HttpResponse<String> wrong = post(app, "push", fixture("push.main-three-commits.json"),
                UUID.randomUUID().toString(), Signing.WRONG);
        assertEquals(401, wrong.statusCode(), wrong.body());
        final String error = MAPPER.readTree(wrong.body()).get("error").asText();
        assertTrue(error.startsWith("X-Hub-Signature-256 does not match the body"), error);
        assertFalse(wrong.body().contains(SECRET));

        final HttpResponse<String> missing = post(app, "push", fixture("push.main-three-commits.json"),
                UUID.randomUUID().toString(), Signing.NONE);
        assertEquals(401, missing.statusCode(), missing.body());
        assertTrue(missing.body().contains("missing X-Hub-Signature-256 header"), missing.body());

        assertEquals(before + 2, STATS.counts("github").unauthorized());
        read(Topics.CHANGES.name(), r -> key(r).equals(service), 0);
    }

    @Test
    void refusesASourceWithoutSecretUnlessInsecure() throws Exception {
        final String service = useNewService();
        final HttpResponse<String> refused = post(unconfiguredApp, "push", fixture("push.main-three-commits.json"),
                UUID.randomUUID().toString(), Signing.VALID);
        assertEquals(401, refused.statusCode(), refused.body());
        assertEquals(MAPPER.readTree("""
                {"error": "webhooks from github are refused: no secret is configured (set DORA_GITHUB_SECRET); \
                --insecure-webhooks accepts unsigned webhooks for local demos"}"""), MAPPER.readTree(refused.body()));

        final HttpResponse<String> accepted = post(insecureApp, "push", fixture("push.main-three-commits.json"),
                UUID.randomUUID().toString(), Signing.NONE);
        assertEquals(202, accepted.statusCode(), accepted.body());
        read(Topics.CHANGES.name(), r -> key(r).equals(service), 3);
    }

    @Test
    void answers404ForAnUnknownSource() throws Exception {
        final HttpResponse<String> response = http.send(HttpRequest.newBuilder(
                        URI.create("http://localhost:" + app.port() + "/webhooks/jenkins"))
                .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(404, response.statusCode(), response.body());
        assertEquals(MAPPER.readTree("{\"error\": \"no webhook source 'jenkins'; known: github\"}"),
                MAPPER.readTree(response.body()));
    }

    @Test
    void answersAFaultWith500NamingOnlyAnIdUnderWhichTheLogKeepsTheCause() throws Exception {
        final List<LogEvent> logged = new CopyOnWriteArrayList<>();
        final AbstractAppender capture = new AbstractAppender("capture", null, null, true, Property.EMPTY_ARRAY) {
            @Override
            public void append(final LogEvent event) {
                logged.add(event.toImmutable());
            }
        };
        capture.start();
        final Logger logger = (Logger) LogManager.getLogger(ApiErrors.class);
        logger.addAppender(capture);
        try {
            final HttpResponse<String> response = http.send(HttpRequest.newBuilder(
                            URI.create("http://localhost:" + faultyApp.port() + "/webhooks/faulty"))
                    .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());

            assertEquals(500, response.statusCode(), response.body());
            assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("application/json"));
            final String error = MAPPER.readTree(response.body()).get("error").asText();
            final Matcher id = Pattern.compile("internal error ([0-9a-f-]{36}); the server's log has the details")
                    .matcher(error);
            assertTrue(id.matches(), error);
            assertFalse(response.body().contains(FAULT), response.body());
            assertFalse(response.body().contains("Exception"), response.body());
            final LogEvent event = logged.stream()
                    .filter(e -> e.getMessage().getFormattedMessage().contains(id.group(1)))
                    .findFirst().orElseThrow(() -> new AssertionError("no log line names " + id.group(1)));
            assertEquals(FAULT, event.getThrown().getMessage());
        } finally {
            logger.removeAppender(capture);
            capture.stop();
        }
    }

    @Test
    void answersARedeliveryAsDuplicateAndProducesOnce() throws Exception {
        final String service = useNewService();
        final String delivery = UUID.randomUUID().toString();
        final long before = STATS.counts("github").duplicates();

        final HttpResponse<String> first = post(app, "push", fixture("push.main-three-commits.json"), delivery,
                Signing.VALID);
        assertEquals(202, first.statusCode(), first.body());
        final HttpResponse<String> second = post(app, "push", fixture("push.main-three-commits.json"), delivery,
                Signing.VALID);
        assertEquals(202, second.statusCode(), second.body());
        assertEquals(MAPPER.createObjectNode().put("duplicate", true).put("deliveryId", delivery),
                MAPPER.readTree(second.body()));

        assertEquals(before + 1, STATS.counts("github").duplicates());
        read(Topics.CHANGES.name(), r -> key(r).equals(service), 3);
    }

    @Test
    void recordsADeliveryOnlyOnceKafkaAcknowledgedIt() throws Exception {
        final String service = useNewService();
        final String delivery = UUID.randomUUID().toString();

        final HttpResponse<String> unavailable = post(unavailableApp, "push", fixture("push.main-three-commits.json"),
                delivery, Signing.VALID);
        assertEquals(503, unavailable.statusCode(), unavailable.body());
        assertEquals("5", unavailable.headers().firstValue("Retry-After").orElse(null));

        // the same delivery id on the healthy route is a first delivery
        final HttpResponse<String> redelivered = post(app, "push", fixture("push.main-three-commits.json"), delivery,
                Signing.VALID);
        assertEquals(202, redelivered.statusCode(), redelivered.body());
        assertEquals(3, MAPPER.readTree(redelivered.body()).get("accepted").asInt());
        read(Topics.CHANGES.name(), r -> key(r).equals(service), 3);
    }

    @Test
    void answersIgnoredEventsWith202() throws Exception {
        final long before = STATS.counts("github").ignored();
        final HttpResponse<String> ping = post(app, "ping", fixture("ping.json"), UUID.randomUUID().toString(),
                Signing.VALID);
        assertEquals(202, ping.statusCode(), ping.body());
        assertEquals(MAPPER.readTree("{\"ignored\": \"ping\"}"), MAPPER.readTree(ping.body()));
        final HttpResponse<String> branch = post(app, "push", fixture("push.feature-branch.json"),
                UUID.randomUUID().toString(), Signing.VALID);
        assertEquals(202, branch.statusCode(), branch.body());
        assertEquals("push to branch feature/rounding, tracking main",
                MAPPER.readTree(branch.body()).get("ignored").asText());
        assertEquals(before + 2, STATS.counts("github").ignored());
    }

    @Test
    void refusesMalformedJsonAndKeepsTheRawBodyInTheDeadLetterTopic() throws Exception {
        final String body = "{\"ref\": \"refs/heads/main\", oops " + UUID.randomUUID();
        final long before = STATS.counts("github").rejected();

        final HttpResponse<String> response = post(app, "push", body.getBytes(StandardCharsets.UTF_8),
                UUID.randomUUID().toString(), Signing.VALID);

        assertEquals(400, response.statusCode(), response.body());
        final String error = MAPPER.readTree(response.body()).get("error").asText();
        assertTrue(error.startsWith("body: is not valid JSON"), error);
        final ConsumerRecord<byte[], byte[]> record =
                read(Topics.DEAD_LETTER.name(), r -> text(r.value()).equals(body), 1).get(0);
        assertEquals("webhook:github", header(record, Topics.DLQ_ORIGIN_HEADER));
        assertEquals(error, header(record, Topics.DLQ_REASON_HEADER));
        final Instant receivedAt = Instant.parse(header(record, Topics.DLQ_RECEIVED_AT_HEADER));
        assertTrue(Duration.between(receivedAt, Instant.now()).abs().toMinutes() < 5, receivedAt.toString());
        assertEquals(before + 1, STATS.counts("github").rejected());
    }

    @Test
    void refusesAPayloadMissingARequiredFieldAndDeadLettersItWithoutPersonalData() throws Exception {
        final String marker = UUID.randomUUID().toString();
        final ObjectNode payload = (ObjectNode) MAPPER.readTree(fixture("push.main-three-commits.json"));
        ((ObjectNode) payload.get("commits").get(1)).remove("timestamp");
        payload.put("compare", marker);

        final HttpResponse<String> response = post(app, "push", MAPPER.writeValueAsBytes(payload),
                UUID.randomUUID().toString(), Signing.VALID);

        assertEquals(400, response.statusCode(), response.body());
        final String expected = "commits[1].timestamp: required; an ISO-8601 instant with a UTC offset, e.g. "
                + "2026-10-01T12:00:00Z";
        assertEquals(expected, MAPPER.readTree(response.body()).get("error").asText());
        final ConsumerRecord<byte[], byte[]> record =
                read(Topics.DEAD_LETTER.name(), r -> text(r.value()).contains(marker), 1).get(0);
        assertEquals(expected, header(record, Topics.DLQ_REASON_HEADER));
        final JsonNode kept = MAPPER.readTree(record.value());
        assertEquals(PUSHED.get(0), kept.get("commits").get(0).get("id").asText());
        assertFalse(text(record.value()).contains("dev.one@example.com"), text(record.value()));
    }

    private enum Signing { VALID, WRONG, NONE }

    /** Maps acme/shop to a service of its own, so that this test's records are told apart by key. */
    private static String useNewService() {
        final String service = "shop-" + UUID.randomUUID().toString().substring(0, 8);
        CATALOG.set(new ServiceCatalog(List.of(new ServiceCatalog.Entry(service, "retail", List.of("acme/shop"),
                List.of(), List.of())), List.of()));
        return service;
    }

    private static HttpResponse<String> post(final Javalin server, final String event, final byte[] body,
                                             final String delivery, final Signing signing) throws Exception {
        final Map<String, String> headers = new HashMap<>();
        headers.put("X-GitHub-Event", event);
        headers.put("X-GitHub-Delivery", delivery);
        headers.put("X-GitHub-Hook-ID", "480000001");
        headers.put("User-Agent", "GitHub-Hookshot/test");
        if (signing != Signing.NONE) {
            final byte[] key = (signing == Signing.VALID ? SECRET : "another secret").getBytes(StandardCharsets.UTF_8);
            headers.put("X-Hub-Signature-256", "sha256=" + Signatures.hmacSha256Hex(key, body));
        }
        final HttpRequest.Builder request = HttpRequest.newBuilder(
                        URI.create("http://localhost:" + server.port() + "/webhooks/github"))
                .timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/json");
        headers.forEach(request::header);
        return http.send(request.POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static byte[] fixture(final String name) throws IOException {
        try (InputStream in = WebhookRoutesTest.class.getResourceAsStream("/webhooks/github/" + name)) {
            if (in == null) {
                throw new IOException("no fixture " + name);
            }
            return in.readAllBytes();
        }
    }

    /** The records of the topic that match, which must be {@code expected} many. */
    private static List<ConsumerRecord<byte[], byte[]>> read(final String topic,
                                                             final Predicate<ConsumerRecord<byte[], byte[]>> match,
                                                             final int expected) {
        final List<ConsumerRecord<byte[], byte[]>> matches = TopicRecords.read(cluster.bootstrapServers(), topic, match);
        assertEquals(expected, matches.size(), "records in " + topic + " matching the test");
        return matches;
    }

    /** A source whose mapping fails in a way no request can cause: a fault of the server. */
    private static final class FaultySource extends AbstractWebhookSource {

        FaultySource() {
            super("faulty", "DORA_FAULTY_SECRET");
        }

        @Override
        protected Optional<String> verifyWith(final WebhookRequest request, final byte[] secret) {
            return Optional.empty();
        }

        @Override
        public String deliveryId(final WebhookRequest request) {
            return null;
        }

        @Override
        public Mapping map(final WebhookRequest request, final ServiceCatalog catalog) {
            throw new IllegalStateException(FAULT);
        }
    }
}
