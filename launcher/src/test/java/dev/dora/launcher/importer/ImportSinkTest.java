package dev.dora.launcher.importer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The HTTP sink's retries and the mapping of the API's rejections back to lines; the progress line. */
@Tag("unit")
class ImportSinkTest {

    @Test
    void a503IsRetriedAndRejectionsMapBackToTheirItems() throws Exception {
        final AtomicInteger calls = new AtomicInteger();
        final List<String> bodies = new ArrayList<>();
        final HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/api/v1/events", exchange -> {
            final String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            synchronized (bodies) {
                bodies.add(body);
            }
            final boolean busy = calls.incrementAndGet() <= 2;
            final byte[] answer = (busy ? "{\"error\":\"Kafka did not acknowledge\"}"
                    : "{\"accepted\":1,\"rejected\":[{\"index\":1,\"error\":\"sha: must be 40 hexadecimal digits\"}]}")
                    .getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(busy ? 503 : 202, answer.length);
            exchange.getResponseBody().write(answer);
            exchange.close();
        });
        server.start();
        try {
            final HttpEventSink sink = new HttpEventSink("http://127.0.0.1:" + server.getAddress().getPort() + "/",
                    ImportCli.QUICK, null);
            final List<ImportItem> batch = List.of(
                    ImportItem.valid("line 1", null, "{\"type\":\"change\"}"),
                    ImportItem.invalid("line 3", "{\"sha\":\"x\"}", "sha: must be 40 hexadecimal digits"));
            final List<EventSink.Refusal> refused = sink.send(batch);
            assertEquals(3, calls.get(), "two 503s, then accepted");
            assertEquals(List.of(new EventSink.Refusal(1, "sha: must be 40 hexadecimal digits")), refused);
            assertEquals("{\"type\":\"change\"}\n{\"sha\":\"x\"}\n", bodies.get(2), "NDJSON, invalid lines as read");

            calls.set(-10);
            final ImportException gaveUp = assertThrows(ImportException.class, () -> sink.send(batch));
            assertTrue(gaveUp.getMessage().contains("failed 3 times, last: answered 503"), gaveUp.getMessage());
        } finally {
            server.stop(0);
        }
    }

    @Test
    void progressIsRedrawnInPlaceOnATerminalAndPrintedEveryFewSecondsOtherwise() {
        final AtomicLong now = new AtomicLong();
        final StringWriter terminalOut = new StringWriter();
        final ImportProgress terminal = new ImportProgress(new PrintWriter(terminalOut), "Importing", 1000, true,
                now::get);
        now.set(50_000_000L);
        terminal.update(10);
        assertEquals("", terminalOut.toString(), "not more than ten times a second");
        now.set(1_000_000_000L);
        terminal.update(500);
        now.set(2_000_000_000L);
        terminal.update(1000);
        terminal.finish();
        assertEquals("\rImporting: 500 / 1,000 events (50 %), 500 events/s   "
                + "\rImporting: 1,000 / 1,000 events (100 %), 500 events/s   " + System.lineSeparator(),
                terminalOut.toString());

        now.set(0);
        final StringWriter logOut = new StringWriter();
        final ImportProgress log = new ImportProgress(new PrintWriter(logOut), "Importing", -1, false, now::get);
        for (int second = 1; second <= 10; second++) {
            now.set(second * 1_000_000_000L);
            log.update(second * 100L);
        }
        log.finish();
        assertEquals("Importing: 500 events, 100 events/s" + System.lineSeparator()
                + "Importing: 1,000 events, 100 events/s" + System.lineSeparator(), logOut.toString());
    }
}
