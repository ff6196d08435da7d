package dev.dora.ingest.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import dev.dora.ingest.InvalidEventException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * A JSON object of a webhook payload together with its path from the root, so that every rejection names the
 * offending field as a JSON path, e.g. {@code object_attributes.created_at} or {@code commits[2].id}. JSON
 * {@code null} counts as absent.
 */
public final class PayloadNode {

    private static final Pattern SHA = Pattern.compile("[0-9a-fA-F]{40}");
    private static final int MAX_ECHO_CHARS = 100;

    private final JsonNode node;
    private final String path;

    private PayloadNode(final JsonNode node, final String path) {
        this.node = node;
        this.path = path;
    }

    /** The body as a whole, which must be a JSON object. */
    public static PayloadNode root(final JsonNode json) {
        if (json == null || !json.isObject()) {
            throw new InvalidEventException("body", "must be a JSON object");
        }
        return new PayloadNode(json, "");
    }

    /** The JSON path of a field of this object. */
    public String path(final String name) {
        return path.isEmpty() ? name : path + "." + name;
    }

    private JsonNode get(final String name) {
        final JsonNode value = node.get(name);
        return value == null || value.isNull() ? null : value;
    }

    public PayloadNode object(final String name) {
        final PayloadNode value = optionalObject(name);
        if (value == null) {
            throw new InvalidEventException(path(name), "required (an object)");
        }
        return value;
    }

    public PayloadNode optionalObject(final String name) {
        final JsonNode value = get(name);
        if (value == null) {
            return null;
        }
        if (!value.isObject()) {
            throw new InvalidEventException(path(name), "must be an object (got " + echo(value) + ")");
        }
        return new PayloadNode(value, path(name));
    }

    /** The elements of an optional array of objects, each named {@code name[i]}; empty when absent or null. */
    public List<PayloadNode> optionalObjects(final String name) {
        return get(name) == null ? List.of() : objects(name);
    }

    /** The elements of a required array of objects, each named {@code name[i]}. */
    public List<PayloadNode> objects(final String name) {
        final JsonNode value = get(name);
        if (value == null) {
            throw new InvalidEventException(path(name), "required (an array)");
        }
        if (!value.isArray()) {
            throw new InvalidEventException(path(name), "must be an array (got " + echo(value) + ")");
        }
        final List<PayloadNode> elements = new ArrayList<>(value.size());
        for (int i = 0; i < value.size(); i++) {
            final String elementPath = path(name) + "[" + i + "]";
            if (!value.get(i).isObject()) {
                throw new InvalidEventException(elementPath, "must be an object (got " + echo(value.get(i)) + ")");
            }
            elements.add(new PayloadNode(value.get(i), elementPath));
        }
        return elements;
    }

    public String text(final String name) {
        final String value = optionalText(name);
        if (value == null) {
            throw new InvalidEventException(path(name), "required");
        }
        return value;
    }

    /** A non-blank string, or null when absent. */
    public String optionalText(final String name) {
        final JsonNode value = get(name);
        if (value == null) {
            return null;
        }
        if (!value.isTextual()) {
            throw new InvalidEventException(path(name), "must be a string (got " + echo(value) + ")");
        }
        if (value.textValue().isBlank()) {
            throw new InvalidEventException(path(name), "must not be empty");
        }
        return value.textValue();
    }

    /** An identifier sent as a JSON integer or string, as a string. */
    public String id(final String name) {
        final JsonNode value = get(name);
        if (value == null) {
            throw new InvalidEventException(path(name), "required");
        }
        if (value.isIntegralNumber()) {
            return value.asText();
        }
        if (value.isTextual() && !value.textValue().isBlank()) {
            return value.textValue();
        }
        throw new InvalidEventException(path(name), "must be an integer or a non-empty string (got "
                + echo(value) + ")");
    }

    /** An identifier sent as a JSON integer or string, as a string; null when absent or of another type. */
    public String optionalTextOrId(final String name) {
        final JsonNode value = get(name);
        return value != null && (value.isIntegralNumber() || value.isTextual()) ? value.asText() : null;
    }

    /** A 40-hexadecimal-digit commit sha in lower case. */
    public String sha(final String name) {
        final String value = optionalSha(name);
        if (value == null) {
            throw new InvalidEventException(path(name), "required");
        }
        return value;
    }

    public String optionalSha(final String name) {
        final JsonNode value = get(name);
        if (value == null) {
            return null;
        }
        if (!value.isTextual() || !SHA.matcher(value.textValue()).matches()) {
            throw new InvalidEventException(path(name), "must be 40 hexadecimal digits (got " + echo(value) + ")");
        }
        return value.textValue().toLowerCase(Locale.ROOT);
    }

    private static String echo(final JsonNode value) {
        return value.isTextual() ? echo(value.textValue()) : shorten(value.toString());
    }

    /** A value as it appears in an error message: quoted, shortened, control characters escaped. */
    public static String echo(final String value) {
        final String shortened = shorten(value);
        final StringBuilder text = new StringBuilder(shortened.length() + 2).append('\'');
        for (int i = 0; i < shortened.length(); i++) {
            final char c = shortened.charAt(i);
            if (c <= 0x1F || c == 0x7F) {
                text.append(String.format("\\u%04X", (int) c));
            } else {
                text.append(c);
            }
        }
        return text.append('\'').toString();
    }

    private static String shorten(final String value) {
        return value.length() > MAX_ECHO_CHARS ? value.substring(0, MAX_ECHO_CHARS) + "…" : value;
    }
}
