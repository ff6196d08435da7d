package dev.dora.ingest;

import static dev.dora.testkit.TopicRecords.header;
import static dev.dora.testkit.TopicRecords.key;
import static dev.dora.testkit.TopicRecords.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dora.events.ChangeEvent;
import dev.dora.events.IncidentEvent;
import dev.dora.schema.AvroCodec;
import dev.dora.schema.TopicAdmin;
import dev.dora.schema.Topics;
import dev.dora.testkit.TestKafkaCluster;
import dev.dora.testkit.TopicRecords;
import io.javalin.Javalin;
import java.io.ByteArrayInputStream;
import java.net.Socket;
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
import java.util.function.Predicate;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@code POST /api/v1/events} against a real broker: what the client is told, and what lands in which topic. */
@Tag("broker")
@Timeout(120)
class IngestRoutesTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final long SMALL_LIMIT = 1024;

    private static TestKafkaCluster cluster;
    private static EventPublisher publisher;
    private static Javalin app;
    private static Javalin smallApp;
    private static HttpClient http;

    @BeforeAll
    static void start() throws Exception {
        cluster = TestKafkaCluster.start();
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers()))) {
            TopicAdmin.ensureTopics(admin, 3, (short) 1);
        }
        publisher = new EventPublisher(cluster.bootstrapServers());
        app = Javalin.create(config -> IngestRoutes.register(config, publisher, IngestRoutes.DEFAULT_MAX_BODY_BYTES))
                .start(0);
        smallApp = Javalin.create(config -> IngestRoutes.register(config, publisher, SMALL_LIMIT)).start(0);
        http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    }


    @AfterAll
    static void stop() throws Exception {
        if (app != null) {
            app.stop();
        }
        if (smallApp != null) {
            smallApp.stop();
        }
        if (publisher != null) {
            publisher.close();
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void acceptsValidEventsAndDeadLettersTheRest() throws Exception {
        final String run = unique();
        final String sha = sha(run);
        final ObjectNode change = CanonicalEventsTest.change();
        change.put("service", "svc-" + run).put("id", sha).put("sha", sha.toUpperCase());
        final ObjectNode badDeployment = CanonicalEventsTest.without(CanonicalEventsTest.deployment(), "finishedAt");
        badDeployment.put("id", "deploy-bad-" + run).put("authorEmail", "someone@example.com");
        badDeployment.putObject("commit").putObject("author").put("name", "Some One");
        final ObjectNode deployment = CanonicalEventsTest.deployment();
        deployment.put("id", "deploy-" + run);
        final ObjectNode incident = CanonicalEventsTest.incident();
        incident.put("id", "inc-" + run);
        final ArrayNode body = MAPPER.createArrayNode()
                .add(change).add(badDeployment).add(deployment).add(incident).add("not-an-event-" + run);

        final HttpResponse<String> response = post(app, "application/json; charset=utf-8", body.toString());

        assertEquals(202, response.statusCode(), response.body());
        assertEquals(MAPPER.readTree("""
                {"accepted": 3, "rejected": [
                  {"index": 1, "error": "finishedAt: required when status is success"},
                  {"index": 4, "error": "event: must be a JSON object"}]}"""), MAPPER.readTree(response.body()));
        assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("application/json"));

        final ConsumerRecord<byte[], byte[]> changeRecord =
                readOne(Topics.CHANGES.name(), r -> key(r).equals("svc-" + run));
        assertEquals(CanonicalEvents.parse(change), AvroCodec.get().decode(changeRecord.value()));
        assertEquals(sha, ((ChangeEvent) AvroCodec.get().decode(changeRecord.value())).getSha());

        final ConsumerRecord<byte[], byte[]> deploymentRecord =
                readOne(Topics.DEPLOYMENTS.name(), r -> key(r).equals("deploy-" + run));
        assertEquals(CanonicalEvents.parse(deployment),
                Topics.DEPLOYMENTS.valueSerde().deserializer().deserialize(Topics.DEPLOYMENTS.name(),
                        deploymentRecord.value()));

        final ConsumerRecord<byte[], byte[]> incidentRecord =
                readOne(Topics.INCIDENTS.name(), r -> key(r).equals("inc-" + run));
        assertEquals(CanonicalEvents.parse(incident), (IncidentEvent) AvroCodec.get().decode(incidentRecord.value()));

        final ConsumerRecord<byte[], byte[]> rejected =
                readOne(Topics.DEAD_LETTER.name(), r -> text(r.value()).contains("deploy-bad-" + run));
        assertEquals("finishedAt: required when status is success", header(rejected, Topics.DLQ_REASON_HEADER));
        assertEquals("api", header(rejected, Topics.DLQ_ORIGIN_HEADER));
        assertEquals("1", header(rejected, Topics.DLQ_INDEX_HEADER));
        final Instant receivedAt = Instant.parse(header(rejected, Topics.DLQ_RECEIVED_AT_HEADER));
        assertTrue(Duration.between(receivedAt, Instant.now()).abs().toMinutes() < 5, receivedAt.toString());
        final JsonNode payload = MAPPER.readTree(rejected.value());
        assertEquals("deploy-bad-" + run, payload.get("id").asText());
        assertFalse(payload.has("authorEmail"));
        assertEquals(MAPPER.createObjectNode(), payload.get("commit"));
        assertFalse(text(rejected.value()).contains("example.com"));

        final ConsumerRecord<byte[], byte[]> notAnEvent =
                readOne(Topics.DEAD_LETTER.name(), r -> text(r.value()).contains("not-an-event-" + run));
        assertEquals("4", header(notAnEvent, Topics.DLQ_INDEX_HEADER));
        assertEquals("\"not-an-event-" + run + "\"", text(notAnEvent.value()));
    }

    @Test
    void acceptsSingleObjectAndEmptyArray() throws Exception {
        final String run = unique();
        final ObjectNode deployment = CanonicalEventsTest.deployment();
        deployment.put("id", "single-" + run);
        final HttpResponse<String> single = post(app, "application/json", deployment.toString());
        assertEquals(202, single.statusCode(), single.body());
        assertEquals(MAPPER.readTree("{\"accepted\": 1, \"rejected\": []}"), MAPPER.readTree(single.body()));
        readOne(Topics.DEPLOYMENTS.name(), r -> key(r).equals("single-" + run));

        final HttpResponse<String> empty = post(app, "application/json", " [ ] ");
        assertEquals(202, empty.statusCode(), empty.body());
        assertEquals(MAPPER.readTree("{\"accepted\": 0, \"rejected\": []}"), MAPPER.readTree(empty.body()));
    }

    @Test
    void acceptsNdjsonAndRejectsBrokenLinesOneByOne() throws Exception {
        final String run = unique();
        final ObjectNode deployment = CanonicalEventsTest.deployment();
        deployment.put("id", "nd-" + run);
        final ObjectNode badIncident = CanonicalEventsTest.incident();
        badIncident.put("id", "nd-inc-" + run).put("severity", "critical");
        final String broken = "{\"type\": \"incident\", \"id\": \"nd-broken-" + run + "\"";
        final String body = deployment + "\r\n\n   \n" + broken + "\n" + badIncident + "\n";

        final HttpResponse<String> response = post(app, "application/x-ndjson", body);

        assertEquals(202, response.statusCode(), response.body());
        final JsonNode json = MAPPER.readTree(response.body());
        assertEquals(1, json.get("accepted").asInt());
        assertEquals(2, json.get("rejected").size());
        assertEquals(1, json.get("rejected").get(0).get("index").asInt());
        final String brokenError = json.get("rejected").get(0).get("error").asText();
        assertTrue(brokenError.startsWith("event: not valid JSON: "), brokenError);
        assertEquals(2, json.get("rejected").get(1).get("index").asInt());
        assertEquals("severity: must be one of SEV1, SEV2, SEV3, SEV4, SEV5 (got 'critical')",
                json.get("rejected").get(1).get("error").asText());

        readOne(Topics.DEPLOYMENTS.name(), r -> key(r).equals("nd-" + run));
        final ConsumerRecord<byte[], byte[]> brokenRecord =
                readOne(Topics.DEAD_LETTER.name(), r -> text(r.value()).contains("nd-broken-" + run));
        assertEquals(broken, text(brokenRecord.value()));
        assertEquals("1", header(brokenRecord, Topics.DLQ_INDEX_HEADER));
        assertEquals(brokenError, header(brokenRecord, Topics.DLQ_REASON_HEADER));
        final ConsumerRecord<byte[], byte[]> badRecord =
                readOne(Topics.DEAD_LETTER.name(), r -> text(r.value()).contains("nd-inc-" + run));
        assertEquals("2", header(badRecord, Topics.DLQ_INDEX_HEADER));
    }

    @Test
    void refusesABodyThatIsNotJsonAndKeepsItInTheDeadLetterTopic() throws Exception {
        final String body = "{\"type\": \"change\", oops " + unique();

        final HttpResponse<String> response = post(app, "application/json", body);

        assertEquals(400, response.statusCode(), response.body());
        final String error = MAPPER.readTree(response.body()).get("error").asText();
        assertTrue(error.startsWith("body is not valid JSON: "), error);
        final ConsumerRecord<byte[], byte[]> record =
                readOne(Topics.DEAD_LETTER.name(), r -> text(r.value()).equals(body));
        assertEquals("-1", header(record, Topics.DLQ_INDEX_HEADER));
        assertEquals(error, header(record, Topics.DLQ_REASON_HEADER));
        assertEquals("api", header(record, Topics.DLQ_ORIGIN_HEADER));
    }

    @Test
    void refusesJsonThatIsNeitherArrayNorObject() throws Exception {
        final HttpResponse<String> response = post(app, "application/json", "42");
        assertEquals(400, response.statusCode(), response.body());
        assertTrue(MAPPER.readTree(response.body()).get("error").asText().startsWith("body must be a JSON array"));

        final HttpResponse<String> empty = post(app, "application/json", "");
        assertEquals(400, empty.statusCode(), empty.body());
        assertTrue(MAPPER.readTree(empty.body()).get("error").asText().startsWith("body is not valid JSON"));
    }

    @Test
    void refusesBodiesOverTheLimitWithOrWithoutContentLength() throws Exception {
        final byte[] body = ("[" + "\"x\",".repeat(1250) + "\"x\"]").getBytes(StandardCharsets.UTF_8);
        final String expected = "{\"error\":\"body is " + body.length + " bytes; the limit is 1024 bytes\"}";

        final HttpResponse<String> declared = http.send(request(smallApp, "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(413, declared.statusCode(), declared.body());
        assertEquals(MAPPER.readTree(expected), MAPPER.readTree(declared.body()));

        final HttpResponse<String> chunked = http.send(request(smallApp, "application/x-ndjson")
                        .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(413, chunked.statusCode(), chunked.body());
        // read up to the limit and no further, so the size is not known
        assertEquals(MAPPER.readTree("{\"error\":\"body is more than 1024 bytes; the limit is 1024 bytes\"}"),
                MAPPER.readTree(chunked.body()));

        final HttpResponse<String> small = post(smallApp, "application/json", "[]");
        assertEquals(202, small.statusCode(), small.body());
    }

    @Test
    void aDeclaredLengthOverTheLimitIsAnsweredBeforeAByteOfTheBodyIsSent() throws Exception {
        try (Socket socket = new Socket("localhost", app.port())) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(("POST " + IngestRoutes.PATH + " HTTP/1.1\r\nHost: localhost\r\n"
                    + "Content-Type: application/json\r\nContent-Length: 83886080\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            final String answer = new String(socket.getInputStream().readNBytes(512), StandardCharsets.US_ASCII);
            assertTrue(answer.startsWith("HTTP/1.1 413 "), answer);
            assertTrue(answer.contains("body is 83886080 bytes; the limit is 10485760 bytes"), answer);
        }
    }

    @Test
    void moreEventsThanOneRequestMayCarryAreRefusedWhole() throws Exception {
        final String run = unique();
        final ObjectNode deployment = CanonicalEventsTest.deployment();
        deployment.put("id", "over-cap-" + run);
        final String line = deployment.toString();
        final HttpResponse<String> response = post(app, "application/x-ndjson",
                (line + "\n").repeat(IngestRoutes.MAX_EVENTS + 1));
        assertEquals(413, response.statusCode(), response.body());
        assertTrue(MAPPER.readTree(response.body()).get("error").asText().startsWith("body: more than 10000 events"));
        assertTrue(TopicRecords.read(cluster.bootstrapServers(), Topics.DEPLOYMENTS.name(),
                r -> key(r).equals("over-cap-" + run)).isEmpty(), "nothing of the request was published");
    }

    @Test
    void anAnswerListsAHundredRejectionsAndCountsTheRestWhileEachIsDeadLettered() throws Exception {
        final String run = unique();
        final ArrayNode body = MAPPER.createArrayNode();
        for (int i = 0; i < 150; i++) {
            body.add("listed-" + run + "-" + i);
        }
        final HttpResponse<String> response = post(app, "application/json", body.toString());
        assertEquals(202, response.statusCode(), response.body());
        final JsonNode answer = MAPPER.readTree(response.body());
        assertEquals(0, answer.get("accepted").asInt());
        assertEquals(IngestRoutes.MAX_LISTED_REJECTIONS, answer.get("rejected").size());
        assertEquals(50, answer.get("rejectedNotListed").asInt());
        assertEquals(150, TopicRecords.read(cluster.bootstrapServers(), Topics.DEAD_LETTER.name(),
                r -> text(r.value()).contains("listed-" + run + "-")).size());
    }

    @Test
    void moreInvalidEventsThanOneRequestMayDeadLetterRefuseTheBodyAsOneRecord() throws Exception {
        final String run = unique();
        final ObjectNode deployment = CanonicalEventsTest.deployment();
        deployment.put("id", "among-garbage-" + run);
        final StringBuilder body = new StringBuilder("[").append(deployment);
        for (int i = 0; i <= IngestRoutes.MAX_DEAD_LETTERS; i++) {
            body.append(",0");
        }
        final String text = body.append(",\"garbage-").append(run).append("\"]").toString();

        final HttpResponse<String> response = post(app, "application/json", text);

        assertEquals(400, response.statusCode(), response.body());
        final String error = MAPPER.readTree(response.body()).get("error").asText();
        assertEquals("body: 1002 of its 1003 events are invalid, more than the 1000 one request may have; nothing was"
                + " accepted. The first, at index 1: event: must be a JSON object", error);
        final List<ConsumerRecord<byte[], byte[]>> kept = TopicRecords.read(cluster.bootstrapServers(),
                Topics.DEAD_LETTER.name(), r -> text(r.value()).contains("garbage-" + run));
        assertEquals(1, kept.size());
        assertEquals(error, header(kept.get(0), Topics.DLQ_REASON_HEADER));
        assertEquals("-1", header(kept.get(0), Topics.DLQ_INDEX_HEADER));
        assertTrue(TopicRecords.read(cluster.bootstrapServers(), Topics.DEPLOYMENTS.name(),
                r -> key(r).equals("among-garbage-" + run)).isEmpty(), "the valid event was not accepted either");
    }

    @Test
    void aKeyGivenTwiceRefusesTheBodyAndKeepsIt() throws Exception {
        final String run = unique();
        final String body = "{\"type\": \"incident\", \"id\": \"dup-" + run + "\", \"id\": \"other\"}";
        final HttpResponse<String> response = post(app, "application/json", body);
        assertEquals(400, response.statusCode(), response.body());
        final String error = MAPPER.readTree(response.body()).get("error").asText();
        assertTrue(error.startsWith("body is not valid JSON: Duplicate field 'id'"), error);
        assertEquals(error, header(readOne(Topics.DEAD_LETTER.name(), r -> text(r.value()).contains("dup-" + run)),
                Topics.DLQ_REASON_HEADER));
    }

    @Test
    void refusesOtherContentTypes() throws Exception {
        final String expected = "{\"error\": \"Content-Type must be application/json or application/x-ndjson\"}";
        final HttpResponse<String> text = post(app, "text/plain", "[]");
        assertEquals(415, text.statusCode(), text.body());
        assertEquals(MAPPER.readTree(expected), MAPPER.readTree(text.body()));

        final HttpResponse<String> missing = http.send(request(app, null)
                .POST(HttpRequest.BodyPublishers.ofString("[]")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(415, missing.statusCode(), missing.body());
        assertEquals(MAPPER.readTree(expected), MAPPER.readTree(missing.body()));
    }

    static HttpRequest.Builder request(final Javalin server, final String contentType) {
        final HttpRequest.Builder builder = HttpRequest.newBuilder(
                URI.create("http://localhost:" + server.port() + IngestRoutes.PATH)).timeout(Duration.ofSeconds(60));
        return contentType == null ? builder : builder.header("Content-Type", contentType);
    }

    static HttpResponse<String> post(final Javalin server, final String contentType, final String body)
            throws Exception {
        return http.send(request(server, contentType).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** The one record of the topic that matches; tests share topics, so each run has unique ids. */
    private static ConsumerRecord<byte[], byte[]> readOne(final String topic,
                                                          final Predicate<ConsumerRecord<byte[], byte[]>> match) {
        final List<ConsumerRecord<byte[], byte[]>> matches = TopicRecords.read(cluster.bootstrapServers(), topic, match);
        assertEquals(1, matches.size(), "records in " + topic + " matching the test");
        return matches.get(0);
    }

    private static String unique() {
        return UUID.randomUUID().toString().substring(0, 8);
    }

    /** A 40-hex sha derived from a run id. */
    private static String sha(final String run) {
        final String hex = run.replaceAll("[^0-9a-f]", "0");
        return (hex + "0".repeat(40)).substring(0, 40);
    }
}
