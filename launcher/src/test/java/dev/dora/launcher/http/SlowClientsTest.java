package dev.dora.launcher.http;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dora.launcher.e2e.RunningStack;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Slowloris against a real stack: 300 connections dripping a body byte every two seconds (which held every HTTP
 * thread before, so that normal requests timed out) and 100 dripping header lines. Meanwhile the health check and
 * the queries answer, an event is still accepted, and the server cuts the slow connections off.
 */
@Tag("e2e")
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class SlowClientsTest {

    private static final int SLOW_BODIES = 300;
    private static final int SLOW_HEADERS = 100;
    private static final Duration DRIP = Duration.ofSeconds(2);
    private static final Duration ATTACK = Duration.ofSeconds(24);

    @Test
    void hundredsOfSlowClientsStarveNobody() throws Exception {
        try (RunningStack stack = RunningStack.start()) {
            stack.awaitCaughtUp();
            final int port = stack.uri("/").getPort();
            final List<Socket> bodies = new ArrayList<>();
            final List<Socket> headers = new ArrayList<>();
            try {
                for (int i = 0; i < SLOW_BODIES; i++) {
                    bodies.add(open(port, "POST /api/v1/events HTTP/1.1\r\nHost: x\r\nContent-Type: application/json"
                            + "\r\nContent-Length: 100000\r\n\r\n["));
                }
                for (int i = 0; i < SLOW_HEADERS; i++) {
                    headers.add(open(port, "GET /api/v1/services HTTP/1.1\r\nHost: x\r\n"));
                }
                final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
                final long end = System.nanoTime() + ATTACK.toNanos();
                final Set<Socket> closed = new HashSet<>();
                int answered = 0;
                while (System.nanoTime() < end) {
                    drip(bodies, closed, "0");
                    drip(headers, closed, "X-Slow: y\r\n");
                    for (final String path : List.of("/api/v1/health", "/api/v1/services", "/api/v1/metrics")) {
                        final HttpResponse<String> response = client.send(HttpRequest.newBuilder(stack.uri(path))
                                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
                        assertEquals(200, response.statusCode(), path + " " + response.body());
                        answered++;
                    }
                    Thread.sleep(DRIP.toMillis());
                }
                final HttpResponse<String> event = client.send(HttpRequest.newBuilder(stack.uri("/api/v1/events"))
                        .timeout(Duration.ofSeconds(60)).header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString("[]")).build(), HttpResponse.BodyHandlers.ofString());
                assertEquals(202, event.statusCode(), event.body());
                assertTrue(answered >= 9, "the queries answered all along: " + answered);
                assertTrue(closed.containsAll(headers),
                        "connections that never finish their headers are closed after the header deadline");
                // bodies take turns (64 at a time), and each is cut off once it is read and found too slow
                await().atMost(Duration.ofSeconds(60)).pollInterval(DRIP)
                        .until(() -> drip(bodies, closed, "0") >= 0 && closed.containsAll(bodies));
            } finally {
                bodies.forEach(SlowClientsTest::closeQuietly);
                headers.forEach(SlowClientsTest::closeQuietly);
            }
        }
    }

    private static Socket open(final int port, final String start) throws IOException {
        final Socket socket = new Socket("localhost", port);
        socket.getOutputStream().write(start.getBytes(StandardCharsets.US_ASCII));
        return socket;
    }

    /** One more slow write to each connection still open; returns how many the server has closed since. */
    private static int drip(final List<Socket> sockets, final Set<Socket> closed, final String text) {
        int newlyClosed = 0;
        for (final Socket socket : sockets) {
            if (closed.contains(socket)) {
                continue;
            }
            boolean gone;
            try {
                socket.getOutputStream().write(text.getBytes(StandardCharsets.US_ASCII));
                gone = closedByServer(socket, 1);
            } catch (final IOException e) {
                gone = true;
            }
            if (gone) {
                closed.add(socket);
                newlyClosed++;
            }
        }
        return newlyClosed;
    }

    private static boolean closedByServer(final Socket socket) {
        return closedByServer(socket, 2_000);
    }

    /** Whether the server ended the connection (EOF or reset), after reading any answer it sent. */
    private static boolean closedByServer(final Socket socket, final int waitMillis) {
        try {
            socket.setSoTimeout(waitMillis);
            final InputStream in = socket.getInputStream();
            while (in.read(new byte[4096]) != -1) {
                // an answer (408, 400) before the close
            }
            return true;
        } catch (final SocketTimeoutException stillOpen) {
            return false;
        } catch (final IOException reset) {
            return true;
        }
    }

    private static void closeQuietly(final Socket socket) {
        try {
            socket.close();
        } catch (final IOException e) {
            // nothing to do
        }
    }
}
