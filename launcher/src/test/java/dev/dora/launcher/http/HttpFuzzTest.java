package dev.dora.launcher.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dora.launcher.e2e.RunningStack;
import dev.dora.schema.Topics;
import dev.dora.streams.simulation.HistoryGenerator;
import dev.dora.testkit.TopicRecords;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A few thousand mutated and random requests ({@link FuzzRequests}, seeded: {@code -Ddora.fuzz.seed}, count
 * {@code -Ddora.fuzz.requests}) to every endpoint of a real stack behind tokens, written byte for byte over sockets.
 * Nothing may answer 5xx; afterwards no thread has died, the pipeline runs, resident memory is within its bound, the
 * health check answers 200, a valid event is still accepted, and every event the answers said was rejected is in the
 * dead-letter topic with its reason. The requests of issue 13 are fixed cases sent first.
 */
@Tag("e2e")
@Tag("fuzz")
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class HttpFuzzTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long SEED = Long.getLong("dora.fuzz.seed", 13L);
    private static final int REQUESTS = Integer.getInteger("dora.fuzz.requests", 3_000);
    private static final String GITHUB_SECRET = "fuzz-github-secret";
    private static final Map<String, String> TOKENS = Map.of("admin", "fuzz-admin-token", "read", "fuzz-read-token",
            "ingest", "fuzz-ingest-token");
    /** The test JVM's heap is 2 GiB; a stack that held on to what the requests sent would grow past this. */
    private static final long MAX_RESIDENT_BYTES = 3L * 1024 * 1024 * 1024;
    private static final long MAX_HEAP_AFTER_GC_BYTES = 1024L * 1024 * 1024;
    /** The answers 4xx that keep the request's body in the dead-letter topic with the answer's error as the reason. */
    private static final List<String> KEPT_BODIES = List.of("body is not valid JSON: ", "body must be a JSON array",
            "body: ");

    /** The fixed cases of issue 13: each answered 500 or took the process down before. */
    private static final List<String> REGRESSIONS = List.of(
            "GET /api/v1/metrics?from=-999999999-01-01&to=2026-01-01",
            "GET /api/v1/metrics/series?granularity=month&from=-999999999-01-01",
            "GET /api/v1/deployments?from=-999999999-01-01",
            "GET /api/v1/incidents?from=-999999999-01-01",
            "GET /api/v1/metrics?window=7d&to=%2B999999999-12-31",
            "GET /api/v1/incidents?cursor=2147483647&limit=1000",
            "POST /api/v1/events");

    private final List<Throwable> uncaught = new CopyOnWriteArrayList<>();

    @Test
    void thousandsOfHostileRequestsAnswerNo5xxAndLeaveTheStackWhole() throws Exception {
        final Thread.UncaughtExceptionHandler previous = Thread.getDefaultUncaughtExceptionHandler();
        Thread.setDefaultUncaughtExceptionHandler((thread, e) -> uncaught.add(e));
        ApiTokens tokens = ApiTokens.parse("tokens: [{name: fuzz-admin, scope: admin, sha256: "
                + ApiTokens.sha256Hex(TOKENS.get("admin")) + "}]");
        tokens = tokens.with("fuzz-read", Scope.READ, TOKENS.get("read"))
                .with("fuzz-ingest", Scope.INGEST, TOKENS.get("ingest"));
        try (RunningStack stack = RunningStack.start(null, Map.of("github", GITHUB_SECRET),
                HttpEdge.Settings.local(0).withTokens(tokens).withCorsOrigins(List.of("https://grafana.example.com")),
                TOKENS.get("admin"))) {
            stack.awaitCaughtUp();
            final int port = stack.uri("/").getPort();
            final Expectations expected = new Expectations();
            final Map<String, Integer> statuses = new TreeMap<>();
            for (final String request : REGRESSIONS) {
                final String[] parts = request.split(" ", 2);
                final byte[] body = parts[0].equals("POST")
                        ? ("[" + "0,".repeat(262_143) + "0]").getBytes(StandardCharsets.UTF_8) : new byte[0];
                final Answer answer = exchange(port, http(parts[0], parts[1], body), false);
                assertTrue(answer.status() >= 200 && answer.status() < 500, request + " answered " + answer);
                assertTrue(answer.body().length() < 1_000, request + " answered " + answer.body().length() + " bytes");
            }
            final FuzzRequests generator = new FuzzRequests(SEED, HistoryGenerator.builder().seed(SEED)
                    .end(Instant.parse("2026-11-01T00:00:00Z")).days(20).build().generate(), TOKENS, GITHUB_SECRET);
            final long started = System.nanoTime();
            for (int i = 0; i < REQUESTS; i++) {
                final FuzzRequests.Request request = generator.next();
                final Answer answer = exchange(port, request.bytes(), request.halfClose());
                statuses.merge(request.kind() + " " + (answer.status() < 0 ? "no answer" : answer.status()), 1,
                        Integer::sum);
                if (answer.status() >= 500) {
                    fail("request " + i + " (seed " + SEED + ", " + request.kind() + ") " + request.summary()
                            + " answered " + answer);
                }
                if (answer.status() < 0 && request.kind() != FuzzRequests.Kind.RAW) {
                    System.out.println(threadDump());
                    fail("request " + i + " (seed " + SEED + ") " + request.summary() + " got no answer");
                }
                expected.note(request, answer);
                if (i % 500 == 0) {
                    assertEquals(200, stack.get("/api/v1/health").statusCode(), "healthy after request " + i);
                }
            }
            System.out.printf("Fuzz: %d requests (seed %d) in %.1f s: %s%n", REQUESTS, SEED,
                    (System.nanoTime() - started) / 1e9, statuses);

            assertEquals(List.of(), uncaught, "no thread died");
            assertTrue(stack.pipeline().isRunning(), "the pipeline runs: " + stack.pipeline().state());
            assertEquals(200, stack.get("/api/v1/health").statusCode());
            final JsonNode accepted = JSON.readTree(stack.post("application/json", "{\"type\":\"incident\","
                    + "\"id\":\"INC-after-fuzz\",\"service\":\"checkout\",\"occurredAt\":\"2026-11-20T15:30:00Z\","
                    + "\"environment\":\"production\",\"status\":\"resolved\",\"openedAt\":\"2026-11-20T15:00:00Z\","
                    + "\"resolvedAt\":\"2026-11-20T15:30:00Z\"}").body());
            assertEquals(1, accepted.get("accepted").asInt(), accepted.toString());
            expected.assertDeadLettered(stack.bootstrapServers());
            assertMemoryBounded();
        } finally {
            Thread.setDefaultUncaughtExceptionHandler(previous);
        }
    }

    /** What the answers promised the dead-letter topic holds: each reason at least as often as it was given. */
    private static final class Expectations {

        private final Map<String, Integer> reasons = new HashMap<>();
        private long unlisted;

        void note(final FuzzRequests.Request request, final Answer answer) throws IOException {
            if (request.kind() != FuzzRequests.Kind.INGEST || !answer.isJson()) {
                return;
            }
            final JsonNode body = JSON.readTree(answer.body());
            if (answer.status() == 202) {
                body.path("rejected").forEach(r -> reasons.merge(r.path("error").asText(), 1, Integer::sum));
                unlisted += body.path("rejectedNotListed").asLong(0);
            } else if (answer.status() == 400 && KEPT_BODIES.stream()
                    .anyMatch(prefix -> body.path("error").asText().startsWith(prefix))
                    && !body.path("error").asText().endsWith("the body is empty")) {
                reasons.merge(body.path("error").asText(), 1, Integer::sum);
            }
        }

        void assertDeadLettered(final String bootstrapServers) {
            final Map<String, Integer> kept = new HashMap<>();
            final List<ConsumerRecord<byte[], byte[]>> records = TopicRecords.read(bootstrapServers,
                    Topics.DEAD_LETTER.name(), r -> r.headers().lastHeader(Topics.DLQ_ORIGIN_HEADER) != null
                            && "api".equals(TopicRecords.header(r, Topics.DLQ_ORIGIN_HEADER)));
            records.forEach(r -> kept.merge(TopicRecords.header(r, Topics.DLQ_REASON_HEADER), 1, Integer::sum));
            final long promised = reasons.values().stream().mapToLong(Integer::longValue).sum() + unlisted;
            assertTrue(promised > 100, "the fuzz made the API reject things: " + promised);
            assertTrue(records.size() >= promised, records.size() + " dead letters for " + promised + " rejections");
            reasons.forEach((reason, times) -> assertTrue(kept.getOrDefault(reason, 0) >= times,
                    "'" + reason + "' answered " + times + " times, dead-lettered " + kept.getOrDefault(reason, 0)));
        }
    }

    private static void assertMemoryBounded() throws IOException {
        System.gc();
        final long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
        final long resident = residentBytes();
        System.out.printf("Fuzz: heap after GC %d MiB, resident %d MiB%n", heap >> 20, resident >> 20);
        assertTrue(heap < MAX_HEAP_AFTER_GC_BYTES, "heap after GC: " + (heap >> 20) + " MiB");
        assertTrue(resident < MAX_RESIDENT_BYTES, "resident: " + (resident >> 20) + " MiB");
    }

    /** VmRSS of this JVM (which runs the broker, the pipeline and the server), or 0 where /proc is missing. */
    private static long residentBytes() throws IOException {
        final Path status = Path.of("/proc/self/status");
        if (!Files.exists(status)) {
            return 0;
        }
        return Files.readAllLines(status).stream().filter(line -> line.startsWith("VmRSS:"))
                .map(line -> Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024).findFirst().orElse(0L);
    }

    // ------------------------------------------------------------------------------------------------------ wire

    /** The status (-1 when the server closed without one) and body of an answer. */
    private record Answer(int status, String head, String body) {

        boolean isJson() {
            return head.toLowerCase(java.util.Locale.ROOT).contains("content-type: application/json");
        }

        @Override
        public String toString() {
            return status + " " + (body.length() > 300 ? body.substring(0, 300) + "…" : body);
        }
    }

    private static byte[] http(final String method, final String pathAndQuery, final byte[] body) {
        final String head = method + " " + pathAndQuery + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n"
                + "Authorization: Bearer " + TOKENS.get("admin") + "\r\nContent-Type: application/json\r\n"
                + "Content-Length: " + body.length + "\r\n\r\n";
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(head.getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(body);
        return out.toByteArray();
    }

    /** Writes the bytes on a fresh connection and reads the first answer up to the server's close. */
    private static Answer exchange(final int port, final byte[] request, final boolean halfClose) throws IOException {
        try (Socket socket = new Socket("localhost", port)) {
            socket.setSoTimeout(20_000);
            try {
                socket.getOutputStream().write(request);
                if (halfClose) {
                    socket.shutdownOutput();
                }
            } catch (final IOException closedEarly) {
                // the server answered and closed before it read everything (e.g. 413, 431): read what it said
            }
            final byte[] received = readAll(socket.getInputStream());
            final String text = new String(received, StandardCharsets.ISO_8859_1);
            final int end = text.indexOf("\r\n\r\n");
            if (!text.startsWith("HTTP/1.") || text.length() < 12 || end < 0) {
                return new Answer(-1, text, "");
            }
            final String head = text.substring(0, end);
            String body = new String(received, end + 4, received.length - end - 4, StandardCharsets.UTF_8);
            if (head.toLowerCase(java.util.Locale.ROOT).contains("transfer-encoding: chunked")) {
                body = unchunked(body);
            }
            return new Answer(Integer.parseInt(text.substring(9, 12)), head, body);
        }
    }

    /** Where every thread of the stack stood when a request went unanswered: what the next failure needs. */
    private static String threadDump() {
        final StringBuilder dump = new StringBuilder("Threads when a request went unanswered:\n");
        Thread.getAllStackTraces().forEach((thread, stack) -> {
            dump.append('"').append(thread.getName()).append("\" ").append(thread.getState()).append('\n');
            for (int i = 0; i < Math.min(40, stack.length); i++) {
                dump.append("    at ").append(stack[i]).append('\n');
            }
        });
        return dump.toString();
    }

    private static byte[] readAll(final InputStream in) {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final byte[] buffer = new byte[8192];
        try {
            int n;
            while ((n = in.read(buffer)) != -1) {
                out.write(buffer, 0, n);
            }
        } catch (final IOException resetOrTimeout) {
            // what arrived before is the answer
        }
        return out.toByteArray();
    }

    private static String unchunked(final String chunked) {
        final StringBuilder body = new StringBuilder();
        int at = 0;
        while (at < chunked.length()) {
            final int lineEnd = chunked.indexOf("\r\n", at);
            if (lineEnd < 0) {
                break;
            }
            final int size;
            try {
                size = Integer.parseInt(chunked.substring(at, lineEnd).split(";")[0].trim(), 16);
            } catch (final NumberFormatException e) {
                break;
            }
            if (size == 0) {
                break;
            }
            body.append(chunked, lineEnd + 2, Math.min(chunked.length(), lineEnd + 2 + size));
            at = lineEnd + 2 + size + 2;
        }
        return body.toString();
    }
}
