package dev.dora.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.Javalin;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** When no broker answers, the client is told to retry instead of being kept waiting. */
@Tag("broker")
@Timeout(60)
class KafkaUnavailableTest {

    private static EventPublisher publisher;
    private static Javalin app;

    @BeforeAll
    static void start() throws Exception {
        final int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        publisher = new EventPublisher("localhost:" + port, Map.of(
                ProducerConfig.MAX_BLOCK_MS_CONFIG, 1000,
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 2000,
                ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 1000));
        app = Javalin.create(config -> IngestRoutes.register(config, publisher, IngestRoutes.DEFAULT_MAX_BODY_BYTES))
                .start(0);
    }

    @AfterAll
    static void stop() {
        if (app != null) {
            app.stop();
        }
        if (publisher != null) {
            publisher.close();
        }
    }

    @Test
    void answers503WithRetryAfterWhenKafkaDoesNotAcknowledge() throws Exception {
        final String body = "[" + CanonicalEventsTest.deployment() + ", " + CanonicalEventsTest.change() + "]";
        final HttpResponse<String> response = assertTimeoutPreemptively(Duration.ofSeconds(30), () ->
                HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                                URI.create("http://localhost:" + app.port() + IngestRoutes.PATH))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString()));

        assertEquals(503, response.statusCode(), response.body());
        assertEquals("5", response.headers().firstValue("Retry-After").orElse(null));
        final String error = new ObjectMapper().readTree(response.body()).get("error").asText();
        assertTrue(error.startsWith("Kafka did not acknowledge the events: "), error);
        assertTrue(error.endsWith("resend the whole request"), error);
    }

    @Test
    void refusedBodiesAlsoAnswer503WhenTheDeadLetterTopicIsUnreachable() {
        final HttpResponse<String> response = assertTimeoutPreemptively(Duration.ofSeconds(30), () ->
                HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                                URI.create("http://localhost:" + app.port() + IngestRoutes.PATH))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString("{nope")).build(),
                        HttpResponse.BodyHandlers.ofString()));
        assertEquals(503, response.statusCode(), response.body());
        assertTrue(response.body().contains("Kafka"), response.body());
    }
}
