package dev.dora.ingest.github;

import com.fasterxml.jackson.databind.JsonNode;
import dev.dora.ingest.InvalidEventException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.regex.Pattern;

/** Typed access to a JSON object of a payload; errors name the JSON path, e.g. {@code commits[2].timestamp}. */
final class Fields {

    static final Pattern SHA = Pattern.compile("[0-9a-fA-F]{40}");
    private static final int MAX_ECHO_CHARS = 80;

    private final JsonNode node;
    private final String path;

    private Fields(final JsonNode node, final String path) {
        this.node = node;
        this.path = path;
    }

    /** The payload root; it must be a JSON object. */
    static Fields root(final JsonNode payload) {
        if (payload == null || !payload.isObject()) {
            throw new InvalidEventException("body", "must be a JSON object");
        }
        return new Fields(payload, "");
    }

    String path(final String name) {
        return path.isEmpty() ? name : path + "." + name;
    }

    /** The value, or null when absent or JSON null. */
    JsonNode get(final String name) {
        final JsonNode value = node.get(name);
        return value == null || value.isNull() ? null : value;
    }

    Fields object(final String name) {
        final Fields object = optionalObject(name);
        if (object == null) {
            throw new InvalidEventException(path(name), "is required");
        }
        return object;
    }

    Fields optionalObject(final String name) {
        final JsonNode value = get(name);
        if (value == null) {
            return null;
        }
        if (!value.isObject()) {
            throw new InvalidEventException(path(name), "must be an object (got " + echo(value) + ")");
        }
        return new Fields(value, path(name));
    }

    /** The array's elements as objects, each named {@code name[i]}; empty when absent. */
    java.util.List<Fields> objects(final String name) {
        final JsonNode value = get(name);
        if (value == null) {
            return java.util.List.of();
        }
        if (!value.isArray()) {
            throw new InvalidEventException(path(name), "must be an array (got " + echo(value) + ")");
        }
        final java.util.List<Fields> elements = new java.util.ArrayList<>(value.size());
        for (int i = 0; i < value.size(); i++) {
            final String elementPath = path(name) + "[" + i + "]";
            if (!value.get(i).isObject()) {
                throw new InvalidEventException(elementPath, "must be an object (got " + echo(value.get(i)) + ")");
            }
            elements.add(new Fields(value.get(i), elementPath));
        }
        return elements;
    }

    String text(final String name) {
        final String value = optionalText(name);
        if (value == null) {
            throw new InvalidEventException(path(name), "is required");
        }
        return value;
    }

    String optionalText(final String name) {
        final JsonNode value = get(name);
        if (value == null) {
            return null;
        }
        if (!value.isTextual()) {
            throw new InvalidEventException(path(name), "must be a string (got " + echo(value) + ")");
        }
        return value.textValue().isBlank() ? null : value.textValue();
    }

    /** A string or an integer, as text (GitHub's numeric ids). */
    String id(final String name) {
        final JsonNode value = get(name);
        if (value == null) {
            throw new InvalidEventException(path(name), "is required");
        }
        if (value.isIntegralNumber() || (value.isTextual() && !value.textValue().isBlank())) {
            return value.asText();
        }
        throw new InvalidEventException(path(name), "must be an integer or a string (got " + echo(value) + ")");
    }

    boolean bool(final String name) {
        final JsonNode value = get(name);
        if (value == null) {
            return false;
        }
        if (!value.isBoolean()) {
            throw new InvalidEventException(path(name), "must be true or false (got " + echo(value) + ")");
        }
        return value.booleanValue();
    }

    /** A 40-hex-digit commit sha, lower case. */
    String sha(final String name) {
        final String value = text(name);
        if (!SHA.matcher(value).matches()) {
            throw new InvalidEventException(path(name), "must be 40 hexadecimal digits (got " + echo(value) + ")");
        }
        return value.toLowerCase(Locale.ROOT);
    }

    Instant instant(final String name) {
        final Instant value = optionalInstant(name);
        if (value == null) {
            throw new InvalidEventException(path(name), "is required");
        }
        return value;
    }

    /** An ISO-8601 timestamp with {@code Z} or an offset, to the millisecond. */
    Instant optionalInstant(final String name) {
        final String value = optionalText(name);
        if (value == null) {
            return null;
        }
        try {
            return OffsetDateTime.parse(value, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant()
                    .truncatedTo(ChronoUnit.MILLIS);
        } catch (final DateTimeParseException e) {
            throw new InvalidEventException(path(name), "must be an ISO-8601 timestamp with an offset, e.g. "
                    + "2026-10-01T12:00:00Z (got " + echo(value) + ")");
        }
    }

    private static String echo(final JsonNode value) {
        return value.isTextual() ? echo(value.textValue()) : shorten(value.toString());
    }

    static String echo(final String value) {
        return "'" + shorten(value).replaceAll("\\p{Cntrl}", "?") + "'";
    }

    private static String shorten(final String value) {
        return value.length() > MAX_ECHO_CHARS ? value.substring(0, MAX_ECHO_CHARS) + "…" : value;
    }
}
