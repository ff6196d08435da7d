package dev.dora.ingest.gitlab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dora.ingest.InvalidEventException;
import java.time.Instant;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

@Tag("unit")
class GitLabTimestampsTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            // the formats seen in real GitLab payloads
            "2021-04-28 21:50:00 +0200   | 2021-04-28T19:50:00Z",
            "2025-05-02 12:30:19 +0000   | 2025-05-02T12:30:19Z",
            "2016-08-12 15:23:28 UTC     | 2016-08-12T15:23:28Z",
            "2013-12-03T17:23:34Z        | 2013-12-03T17:23:34Z",
            "2026-05-28T05:04:31.155Z    | 2026-05-28T05:04:31.155Z",
            "2011-12-12T14:27:31+02:00   | 2011-12-12T12:27:31Z",
            // neighbours of those
            "2021-04-28 21:50:00 -0730   | 2021-04-29T05:20:00Z",
            "2021-04-28 21:50:00 +02:00  | 2021-04-28T19:50:00Z",
            "2021-04-28T21:50:00+0200    | 2021-04-28T19:50:00Z",
            "2021-04-28T21:50:00+02      | 2021-04-28T19:50:00Z",
            "2021-04-28 21:50:00.25 UTC  | 2021-04-28T21:50:00.250Z",
            "2021-04-28 21:50:00Z        | 2021-04-28T21:50:00Z",
    })
    void acceptsEveryGitLabFormat(final String value, final String expected) {
        assertEquals(Instant.parse(expected), GitLabTimestamps.parse("created_at", value));
    }

    @Test
    void truncatesToMilliseconds() {
        assertEquals(Instant.parse("2026-05-28T05:04:31.155Z"),
                GitLabTimestamps.parse("t", "2026-05-28T05:04:31.155999999Z"));
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "yesterday",
            "2021-04-28 21:50:00",          // no zone: not guessed
            "2021-04-28",
            "1619639400",                   // epoch seconds
            "2021-02-30 10:00:00 UTC",      // no such day
            "2021-04-28 24:00:00 UTC",
            "2021-04-28 21:50:00 +2500",    // no such offset
            "2021-04-28 21:50:00 CEST",
            "2021-04-28 21:50:00 +0200 trailing",
    })
    void rejectsOtherValuesNamingTheField(final String value) {
        final InvalidEventException e = assertThrows(InvalidEventException.class,
                () -> GitLabTimestamps.parse("object_attributes.created_at", value));
        assertEquals("object_attributes.created_at", e.field());
        assertTrue(e.getMessage().contains(value), e.getMessage());
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = "   ")
    void rejectsAbsentValues(final String value) {
        final InvalidEventException e = assertThrows(InvalidEventException.class,
                () -> GitLabTimestamps.parse("status_changed_at", value));
        assertEquals("status_changed_at", e.field());
        assertTrue(e.getMessage().contains("required"), e.getMessage());
    }
}
