package dev.dora.ingest;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;

/**
 * The one timestamp format the ingest edge accepts: ISO-8601 with {@code Z} or an offset, in 1970..2199, truncated
 * to milliseconds (what Avro keeps). Read through {@link JsonFields#instant(String, String)} and
 * {@link JsonFields#optionalInstant(String)}.
 */
final class Timestamps {

    /** What a rejection says a timestamp must be. */
    static final String FORMAT = "an ISO-8601 instant with a UTC offset, e.g. 2026-10-01T12:00:00Z";

    private static final Instant EARLIEST = Instant.EPOCH;
    /** Exclusive: the last accepted day is 2199-12-31. */
    private static final Instant END = Instant.parse("2200-01-01T00:00:00Z");

    private Timestamps() {
    }

    /**
     * Parses a timestamp.
     *
     * @param field what a rejection names
     */
    static Instant parse(final String field, final String text) {
        final Instant instant;
        try {
            instant = OffsetDateTime.parse(text, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant();
        } catch (final DateTimeParseException e) {
            throw new InvalidEventException(field, "must be " + FORMAT + " (got " + Echo.of(text) + ")");
        }
        if (instant.isBefore(EARLIEST) || !instant.isBefore(END)) {
            throw new InvalidEventException(field, "must be between 1970-01-01T00:00:00Z and 2199-12-31T23:59:59Z"
                    + " (got " + Echo.of(text) + ")");
        }
        return instant.truncatedTo(ChronoUnit.MILLIS);
    }
}
