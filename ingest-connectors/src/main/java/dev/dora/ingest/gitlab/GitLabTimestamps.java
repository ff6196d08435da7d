package dev.dora.ingest.gitlab;

import dev.dora.ingest.InvalidEventException;
import dev.dora.ingest.JsonFields;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses the timestamps GitLab webhooks carry, whose format varies by event type and GitLab version:
 * <ul>
 *   <li>{@code 2021-04-28 21:50:00 +0200} and {@code 2025-05-02 12:30:19 +0000} (space, offset without colon),</li>
 *   <li>{@code 2016-08-12 15:23:28 UTC} (older merge request and issue hooks),</li>
 *   <li>{@code 2013-12-03T17:23:34Z}, {@code 2026-05-28T05:04:31.155Z} and {@code 2011-12-12T14:27:31+02:00}
 *       (ISO-8601, with or without fractional seconds).</li>
 * </ul>
 * The date and time are separated by {@code T} or a space; the zone is {@code Z}, {@code UTC} or an offset
 * {@code ±HH:MM}, {@code ±HHMM} or {@code ±HH}, optionally preceded by a space; up to nine fractional digits are
 * accepted. A timestamp without a zone is rejected rather than guessed. The result is truncated to milliseconds,
 * the precision of canonical events.
 */
public final class GitLabTimestamps {

    private static final Pattern FORMAT = Pattern.compile(
            "(\\d{4}-\\d{2}-\\d{2})[T ](\\d{2}:\\d{2}:\\d{2}(?:\\.\\d{1,9})?) ?(Z|UTC|[+-]\\d{2}(?::?\\d{2})?)");
    private static final Pattern COMPACT_OFFSET = Pattern.compile("([+-]\\d{2})(\\d{2})");

    private GitLabTimestamps() {
    }

    /**
     * Parses one GitLab timestamp.
     *
     * @param field the JSON path of the value, named in the exception
     * @param value the text as sent
     * @throws InvalidEventException naming {@code field} when the value is absent or in no accepted format
     */
    public static Instant parse(final String field, final String value) {
        if (value == null || value.isBlank()) {
            throw new InvalidEventException(field, "required; a timestamp such as 2021-04-28 21:50:00 +0200");
        }
        final Matcher matcher = FORMAT.matcher(value.trim());
        if (!matcher.matches()) {
            throw unparseable(field, value);
        }
        try {
            final LocalDateTime local = LocalDateTime.parse(matcher.group(1) + "T" + matcher.group(2));
            return local.toInstant(offset(matcher.group(3))).truncatedTo(ChronoUnit.MILLIS);
        } catch (final DateTimeException e) {
            throw unparseable(field, value);
        }
    }

    private static ZoneOffset offset(final String zone) {
        if ("Z".equals(zone) || "UTC".equals(zone)) {
            return ZoneOffset.UTC;
        }
        final Matcher compact = COMPACT_OFFSET.matcher(zone);
        return ZoneOffset.of(compact.matches() ? compact.group(1) + ":" + compact.group(2) : zone);
    }

    private static InvalidEventException unparseable(final String field, final String value) {
        return new InvalidEventException(field, "must be a timestamp such as 2021-04-28 21:50:00 +0200, "
                + "2016-08-12 15:23:28 UTC or 2026-05-28T05:04:31.155Z (got " + JsonFields.echo(value) + ")");
    }
}
