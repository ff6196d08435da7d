package dev.dora.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dora.ingest.http.ApiException;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** How a request body becomes events: bounded counts, strict JSON, valid Unicode. */
@Tag("unit")
class EventBatchTest {

    private static byte[] bytes(final String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static String arrayOf(final int n, final String element) {
        return "[" + String.join(",", Collections.nCopies(n, element)) + "]";
    }

    @Test
    void aJsonArrayOfMoreThanTheCapIsRefusedWithoutReadingThePast() throws Exception {
        // the 512 KiB body of 262,144 zeros that produced 262,144 dead-letter records and a 14.6 MB answer
        final ApiException tooMany = assertThrows(ApiException.class,
                () -> EventBatch.fromJson(bytes(arrayOf(262_144, "0"))));
        assertEquals(413, tooMany.status());
        assertEquals("body: more than 10000 events; one request carries at most 10000, send the rest in another",
                tooMany.getMessage());
        // the cap is checked before the element past it is parsed: what follows it may even be broken JSON
        assertEquals(413, assertThrows(ApiException.class,
                () -> EventBatch.fromJson(bytes(arrayOf(10_001, "0").replace("]", ",{oops")))).status());
        assertEquals(10_000, EventBatch.fromJson(bytes(arrayOf(10_000, "0"))).events());
    }

    @Test
    void ndjsonLinesAreCountedBeforeAnyIsParsed() {
        final String line = CanonicalEventsTest.deployment().toString();
        final ApiException tooMany = assertThrows(ApiException.class,
                () -> EventBatch.fromNdjson(bytes(String.join("\n", Collections.nCopies(10_001, line)))));
        assertEquals(413, tooMany.status());
        final EventBatch blankLinesDoNotCount = EventBatch.fromNdjson(bytes(
                String.join("\n \r\n", Collections.nCopies(10_000, line)) + "\n\n"));
        assertEquals(10_000, blankLinesDoNotCount.events());
    }

    @Test
    void aKeyGivenTwiceInAnObjectRefusesTheBodyNamingTheKey() {
        final String event = CanonicalEventsTest.deployment().toString();
        final String twice = event.replaceFirst("\\{", "{\"service\": \"other\", ");
        final EventBatch.InvalidBodyException refused = assertThrows(EventBatch.InvalidBodyException.class,
                () -> EventBatch.fromJson(bytes("[" + event + "," + twice + "]")));
        assertTrue(refused.getMessage().startsWith("body is not valid JSON: Duplicate field 'service'"),
                refused.getMessage());
        final EventBatch ndjson = EventBatch.fromNdjson(bytes(event + "\n" + twice + "\n"));
        assertEquals(1, ndjson.accepted().size());
        assertTrue(ndjson.rejected().get(0).error().startsWith("event: not valid JSON: Duplicate field 'service'"),
                ndjson.rejected().get(0).error());
    }

    @Test
    void contentAfterTheValueAndScalarsAreRefused() {
        final EventBatch.InvalidBodyException trailing = assertThrows(EventBatch.InvalidBodyException.class,
                () -> EventBatch.fromJson(bytes("[] []")));
        assertEquals("body is not valid JSON: more follows the array at line 1, column 5", trailing.getMessage());
        final EventBatch.InvalidBodyException scalar = assertThrows(EventBatch.InvalidBodyException.class,
                () -> EventBatch.fromJson(bytes("\"x\"")));
        assertEquals("body must be a JSON array of events or a single event object (got string)",
                scalar.getMessage());
        assertEquals(400, assertThrows(ApiException.class, () -> EventBatch.fromJson(bytes("  "))).status());
    }

    @Test
    void idsAndNamesWithALoneSurrogateAreRejectedOneByOne() throws Exception {
        final ObjectNode valid = CanonicalEventsTest.deployment();
        final String lone = valid.toString().replace("\"service\":\"", "\"service\":\"\\ud800");
        final String pair = valid.toString().replace("\"service\":\"", "\"service\":\"\\ud83d\\ude00");
        final EventBatch batch = EventBatch.fromJson(bytes("[" + lone + "," + pair + ",null]"));
        assertEquals(1, batch.accepted().size(), "a valid pair (an emoji) is fine");
        assertEquals(2, batch.rejected().size());
        assertEquals("service: must be valid Unicode (found a lone surrogate U+D800 at position 0)",
                batch.rejected().get(0).error());
        assertEquals("event: must be a JSON object", batch.rejected().get(1).error());
        assertEquals(2, batch.rejected().get(1).index());
        assertTrue(new String(batch.rejected().get(0).payload(), StandardCharsets.UTF_8).contains("\\uD800"),
                "the dead-letter payload keeps the lone surrogate escaped, as valid UTF-8");
    }
}
