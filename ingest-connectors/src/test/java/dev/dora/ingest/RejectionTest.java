package dev.dora.ingest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dora.schema.Topics;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** What the dead-letter topic keeps of a refused body or event: no personal data, never more than fits. */
@Tag("unit")
class RejectionTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    @Test
    void keepsPayloadsWithinTheTopicLimit() {
        final byte[] huge = new byte[Topics.DEAD_LETTER_MAX_BYTES + 10];
        assertEquals(Rejection.MAX_PAYLOAD_BYTES, Rejection.truncated(huge).length);
        final byte[] small = {1, 2, 3};
        assertArrayEquals(small, Rejection.truncated(small));
        assertEquals(Rejection.MAX_PAYLOAD_BYTES, Rejection.ofBody("body: too odd", huge).payload().length);
    }

    @Test
    void scrubsBodiesThatAreJsonAndKeepsOthersAsReceived() throws Exception {
        final Rejection json = Rejection.ofBody("commits[0].id: required", """
                {"commits": [{"author": {"email": "someone@example.com"}, "message": "fix"}]}"""
                .getBytes(StandardCharsets.UTF_8));
        assertEquals(-1, json.index());
        assertEquals("commits[0].id: required", json.error());
        assertEquals(MAPPER.readTree("{\"commits\": [{\"message\": \"fix\"}]}"), MAPPER.readTree(json.payload()));

        final byte[] broken = "{\"authorEmail\": \"someone@example.com\", oops".getBytes(StandardCharsets.UTF_8);
        assertArrayEquals(broken, Rejection.ofBody("body is not valid JSON", broken).payload());
    }

    @Test
    void scrubsRefusedEvents() throws Exception {
        final Rejection event = Rejection.ofEvent(3, "sha: required",
                MAPPER.readTree("{\"type\": \"change\", \"committerName\": \"Some One\"}"));
        assertEquals(3, event.index());
        assertEquals(MAPPER.readTree("{\"type\": \"change\"}"), MAPPER.readTree(event.payload()));
    }
}
