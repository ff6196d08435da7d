package dev.dora.launcher.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dora.launcher.e2e.RunningStack;
import dev.dora.schema.Topics;
import dev.dora.testkit.TopicRecords;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * The requests issue 13 found taking the service down or answering 500, each now a 4xx naming the problem, on a
 * real stack. (A token on an open stack: AccessControlTest; slow clients: SlowClientsTest; two processes on one data
 * directory: DataDirOwnerTest.)
 */
@Tag("e2e")
@Timeout(value = 3, unit = TimeUnit.MINUTES)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HostileRequestsTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private RunningStack stack;

    @BeforeAll
    void start() throws Exception {
        stack = RunningStack.start();
        stack.awaitCaughtUp();
    }

    @AfterAll
    void stop() throws Exception {
        if (stack != null) {
            stack.close();
        }
    }

    private String refused(final int status, final String pathAndQuery) throws Exception {
        final HttpResponse<String> response = stack.get(pathAndQuery);
        assertEquals(status, response.statusCode(), pathAndQuery + " answered " + response.body());
        return JSON.readTree(response.body()).get("error").asText();
    }

    @Test
    void extremeDatesAre400sNamingTheParameterNot500sOrAHeapRunOut() throws Exception {
        // ran the JVM out of heap (6.5 GiB resident) before
        assertEquals("from: must be a date from 1970-01-01 to 9999-12-31 (got '-999999999-01-01')",
                refused(400, "/api/v1/metrics?from=-999999999-01-01&to=2026-01-01"));
        assertEquals("from: must be a date from 1970-01-01 to 9999-12-31 (got '-999999999-01-01')",
                refused(400, "/api/v1/metrics/series?granularity=month&from=-999999999-01-01"));
        // 500 ArithmeticException, DateTimeException before
        assertEquals("from: must be a date from 1970-01-01 to 9999-12-31 (got '-999999999-01-01')",
                refused(400, "/api/v1/deployments?from=-999999999-01-01"));
        assertEquals("from: must be a date from 1970-01-01 to 9999-12-31 (got '-999999999-01-01')",
                refused(400, "/api/v1/incidents?from=-999999999-01-01"));
        assertEquals("to: must be a date from 1970-01-01 to 9999-12-31 (got '+999999999-12-31')",
                refused(400, "/api/v1/metrics?window=7d&to=%2B999999999-12-31"));
        assertTrue(refused(400, "/api/v1/metrics?from=2000-01-01&to=2026-01-01")
                .endsWith("a window is at most 3660 days (ten years)"));
        assertEquals("service: given 2 times; give it at most once",
                refused(400, "/api/v1/metrics?service=a&service=b"));
        // the cursor plus the limit wrapped around to a negative index: 500 before
        final HttpResponse<String> farCursor = stack.get("/api/v1/incidents?cursor=2147483647&limit=1000");
        assertEquals(200, farCursor.statusCode(), farCursor.body());
        assertEquals("{\"incidents\":[],\"next\":null}", farCursor.body());
    }

    @Test
    void aBodyOfAQuarterMillionZerosIsOne413NotAQuarterMillionDeadLetters() throws Exception {
        final String marker = UUID.randomUUID().toString();
        final String body = "[\"" + marker + "\"," + String.join(",", Collections.nCopies(262_143, "0")) + "]";
        final HttpResponse<String> response = stack.post("application/json", body);
        assertEquals(413, response.statusCode(), response.body());
        assertEquals("{\"error\":\"body: more than 10000 events; one request carries at most 10000, send the rest in"
                + " another\"}", response.body(), "a short answer, not 14.6 MB");
        assertTrue(TopicRecords.read(stack.bootstrapServers(), Topics.DEAD_LETTER.name(),
                r -> new String(r.value(), StandardCharsets.UTF_8).contains(marker)).isEmpty());
    }

    @Test
    void anEndlessChunkedBodyIsCutOffAtTheLimit() throws Exception {
        try (Socket socket = new Socket("localhost", stack.uri("/").getPort())) {
            socket.setSoTimeout(30_000);
            final OutputStream out = socket.getOutputStream();
            out.write(("POST /api/v1/events HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                    + "Transfer-Encoding: chunked\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            final InputStream in = socket.getInputStream();
            final CompletableFuture<String> answer = CompletableFuture.supplyAsync(() -> {
                try {
                    return new String(in.readNBytes(200), StandardCharsets.US_ASCII);
                } catch (final java.io.IOException e) {
                    return "read failed: " + e;
                }
            });
            final byte[] chunk = ("10000\r\n" + " ".repeat(0x10000) + "\r\n").getBytes(StandardCharsets.US_ASCII);
            long sent = 0;
            try {
                // 80 MiB were read before the 413
                while (sent < 80L * 1024 * 1024 && !answer.isDone()) {
                    out.write(chunk);
                    sent += 0x10000;
                }
            } catch (final java.io.IOException closed) {
                // the server closed the connection after its answer: what it did not read, it never will
            }
            final String status = answer.get(30, TimeUnit.SECONDS);
            assertTrue(status.startsWith("HTTP/1.1 413 "), status);
            assertTrue(sent < 40L * 1024 * 1024, "the client could send " + sent + " bytes before the answer");
        }
    }

    @Test
    void aHealthyStackAcceptsAValidEventAfterAll() throws Exception {
        final HttpResponse<String> response = stack.post("application/json", "{\"type\":\"incident\","
                + "\"id\":\"INC-after-hostile\",\"service\":\"checkout\",\"occurredAt\":\"2026-11-20T15:30:00Z\","
                + "\"environment\":\"production\",\"status\":\"resolved\",\"openedAt\":\"2026-11-20T15:00:00Z\","
                + "\"resolvedAt\":\"2026-11-20T15:30:00Z\"}");
        assertEquals(202, response.statusCode(), response.body());
        assertEquals(Map.of("accepted", 1, "rejected", List.of()), JSON.readValue(response.body(), Map.class));
    }
}
