package dev.dora.launcher;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * One owner per data directory, with real processes: a second {@code dora serve} on a directory in use stops at once
 * naming the directory and the first one's PID, before it starts a broker (two brokers on one directory corrupted its
 * metadata log and killed the first, four times in five); the first keeps serving; and after the first is killed with
 * {@code kill -9}, its stale lock file does not keep a new process out.
 */
@Tag("e2e")
@Timeout(value = 8, unit = TimeUnit.MINUTES)
class DataDirOwnerTest {

    private static final String EVENT = "{\"type\":\"incident\",\"id\":\"INC-owner\",\"service\":\"checkout\","
            + "\"occurredAt\":\"2026-11-20T15:30:00Z\",\"environment\":\"production\",\"status\":\"resolved\","
            + "\"openedAt\":\"2026-11-20T15:00:00Z\",\"resolvedAt\":\"2026-11-20T15:30:00Z\"}";

    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @TempDir
    Path dir;

    @Test
    void aSecondProcessOnADataDirectoryInUseStopsAtOnceAndTheFirstKeepsServing() throws Exception {
        final Path dataDir = dir.resolve("data");
        final int port = freePort();
        final int kafkaPort = freePortPair();
        try (DoraChildProcess first = serve(dataDir, port, kafkaPort, "first.out")) {
            awaitHealthy(first, port);

            final long started = System.nanoTime();
            try (DoraChildProcess second = serve(dataDir, freePort(), freePortPair(), "second.out")) {
                assertEquals(1, second.awaitExit(Duration.ofSeconds(60)), second.output());
                final String said = second.output();
                assertTrue(said.contains("error: the data directory " + dataDir + " is in use by another dora"
                        + " process (PID " + first.pid() + "); stop it first, or choose another --data-dir"), said);
                assertFalse(said.contains("Starting the embedded Kafka broker"), "it touched nothing: " + said);
                System.out.printf("The second process stopped %.1f s after it started%n",
                        (System.nanoTime() - started) / 1e9);
            }
            try (DoraChildProcess fresh = DoraChildProcess.start(dir.resolve("fresh.out"), "demo", "--fresh",
                    "--data-dir", dataDir.toString(), "--port", Integer.toString(freePort()), "--kafka-port",
                    Integer.toString(freePortPair()))) {
                assertEquals(1, fresh.awaitExit(Duration.ofSeconds(60)), fresh.output());
                assertTrue(fresh.output().contains("is in use by another dora process (PID " + first.pid() + ")"));
                assertTrue(Files.isDirectory(dataDir.resolve("kafka")), "--fresh deleted nothing of the owner's");
            }

            assertTrue(first.isAlive(), first.output());
            assertEquals(200, get(port, "/api/v1/health").statusCode());
            assertEquals(202, post(port, EVENT).statusCode(), "the first still takes events");

            first.kill();
            final long restarted = System.nanoTime();
            try (DoraChildProcess again = serve(dataDir, port, kafkaPort, "again.out")) {
                awaitHealthy(again, port);
                System.out.printf("After kill -9, the restart was healthy in %.1f s%n",
                        (System.nanoTime() - restarted) / 1e9);
                // the line follows the HTTP server's start, so a quick restart can answer health 200 before it
                await("the stale lock kept nobody out").atMost(Duration.ofSeconds(30))
                        .pollInterval(Duration.ofMillis(100))
                        .until(() -> again.output().contains("Waiting for the pipeline"));
                assertEquals(202, post(port, EVENT).statusCode());
            }
        }
    }

    private DoraChildProcess serve(final Path dataDir, final int port, final int kafkaPort, final String output)
            throws IOException {
        return DoraChildProcess.start(dir.resolve(output), "serve", "--data-dir", dataDir.toString(), "--port",
                Integer.toString(port), "--kafka-port", Integer.toString(kafkaPort), "--partitions", "1");
    }

    private void awaitHealthy(final DoraChildProcess process, final int port) {
        await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(500)).until(() -> {
            if (!process.isAlive()) {
                throw new AssertionError("dora exited: " + process.output());
            }
            try {
                return get(port, "/api/v1/health").statusCode() == 200;
            } catch (final IOException notYet) {
                return false;
            }
        });
    }

    private HttpResponse<String> get(final int port, final String path) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(final int port, final String body) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/events"))
                .timeout(Duration.ofSeconds(60)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    /** A free port whose successor is free too (the embedded broker's controller takes port + 1). */
    private static int freePortPair() throws IOException {
        for (int attempt = 0; attempt < 50; attempt++) {
            final int port = freePort();
            try (ServerSocket next = new ServerSocket(port + 1)) {
                return port;
            } catch (final IOException taken) {
                // try another
            }
        }
        throw new IOException("no two consecutive free ports");
    }
}
