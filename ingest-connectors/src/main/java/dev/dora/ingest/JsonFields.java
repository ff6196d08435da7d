package dev.dora.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * Typed, validated access to one JSON object of a request, together with its path from the body's root, so that
 * every rejection names the offending field as a JSON path ({@code commits[2].timestamp},
 * {@code data.customData.sha}) and echoes the offending value the same way whichever API or webhook it came from.
 * JSON {@code null} counts as absent. The one reader of JSON fields at the ingest edge: the canonical API and every
 * webhook source use it, so a rule such as "a sha is 40 hexadecimal digits" is written once.
 *
 * <p>Strings are read in one of two ways, chosen for a whole tree: strictly (the default: an empty or blank string
 * is refused with {@code must not be empty}), or {@link #lenient() leniently}, for senders that fill optional fields
 * with empty strings (GitHub, CDEvents tools): values are trimmed and a blank one counts as absent.
 *
 * <p>This class walks the JSON and names the paths; the rules for one value live beside it ({@code TextValues},
 * {@code Timestamps}, {@code EnumValues}) and so does the echo of offending values ({@code Echo}).
 */
public final class JsonFields {

    /** A full commit sha: 40 hexadecimal digits, in either case. */
    public static final String SHA_REGEX = TextValues.SHA_REGEX;
    /** How much of an offending value an error message repeats. */
    public static final int MAX_ECHO_CHARS = Echo.MAX_CHARS;

    private final JsonNode node;
    private final String path;
    private final boolean lenient;

    private JsonFields(final JsonNode node, final String path, final boolean lenient) {
        this.node = node;
        this.path = path;
        this.lenient = lenient;
    }

    /** A request body as a whole, which must be a JSON object; a rejection of the body itself names {@code body}. */
    public static JsonFields root(final JsonNode json) {
        return root(json, "body");
    }

    /**
     * A JSON object at the root of its paths.
     *
     * @param name what a rejection of the value as a whole names, e.g. {@code event}
     */
    public static JsonFields root(final JsonNode json, final String name) {
        if (json == null || !json.isObject()) {
            throw new InvalidEventException(name, "must be a JSON object");
        }
        return new JsonFields(json, "", false);
    }

    /** A JSON object the caller found (e.g. decoded from a string field) whose fields are named below {@code path}. */
    public static JsonFields at(final JsonNode object, final String path) {
        if (object == null || !object.isObject()) {
            throw new IllegalArgumentException("not a JSON object at " + path);
        }
        return new JsonFields(object, path, false);
    }

    /** The same object read leniently: strings trimmed, a blank one absent; objects read from it are lenient too. */
    public JsonFields lenient() {
        return new JsonFields(node, path, true);
    }

    /** The JSON path of a field of this object (a dotted name such as {@code content.repository.id} is allowed). */
    public String path(final String name) {
        return path.isEmpty() ? name : path + "." + name;
    }

    /** A rejection naming a field of this object by its path. */
    public InvalidEventException invalid(final String name, final String problem) {
        return new InvalidEventException(path(name), problem);
    }

    /** Whether the field has a value: present, not null, and (when lenient) not a blank string. */
    public boolean has(final String name) {
        final JsonNode value = node(name);
        return value != null && !(lenient && value.isTextual() && value.textValue().isBlank());
    }

    /** The value read from a field, which must be there: else a rejection saying what is required. */
    private <T> T required(final String name, final T value, final String problem) {
        if (value == null) {
            throw invalid(name, problem);
        }
        return value;
    }

    /** The field's value, or null when absent; a value of another JSON type is refused, saying what it must be. */
    private JsonNode typed(final String name, final Predicate<JsonNode> type, final String mustBe) {
        final JsonNode value = node(name);
        if (value != null && !type.test(value)) {
            throw invalid(name, "must be " + mustBe + " (got " + echo(value) + ")");
        }
        return value;
    }

    /** The field's raw value, or null when absent or JSON null. */
    public JsonNode node(final String name) {
        final JsonNode value = node.get(name);
        return value == null || value.isNull() ? null : value;
    }

    // ------------------------------------------------------------------------------------------------- objects

    public JsonFields object(final String name) {
        return required(name, optionalObject(name), "required (an object)");
    }

    public JsonFields optionalObject(final String name) {
        final JsonNode value = typed(name, JsonNode::isObject, "an object");
        return value == null ? null : child(value, path(name));
    }

    /** The object, or null when absent or of another type: for fields a sender may fill with anything. */
    public JsonFields looseObject(final String name) {
        final JsonNode value = node(name);
        return value != null && value.isObject() ? child(value, path(name)) : null;
    }

    /** The elements of a required array of objects, each named {@code name[i]}. */
    public List<JsonFields> objects(final String name) {
        final JsonNode value = required(name, typed(name, JsonNode::isArray, "an array"), "required (an array)");
        final List<JsonFields> elements = new ArrayList<>(value.size());
        for (int i = 0; i < value.size(); i++) {
            final String elementPath = path(name) + "[" + i + "]";
            if (!value.get(i).isObject()) {
                throw new InvalidEventException(elementPath, "must be an object (got " + echo(value.get(i)) + ")");
            }
            elements.add(child(value.get(i), elementPath));
        }
        return elements;
    }

    /** The elements of an optional array of objects, each named {@code name[i]}; empty when absent. */
    public List<JsonFields> optionalObjects(final String name) {
        return node(name) == null ? List.of() : objects(name);
    }

    /** A string value as this tree reads strings: trimmed when lenient. */
    private String textOf(final JsonNode value) {
        return lenient ? value.textValue().trim() : value.textValue();
    }

    private JsonFields child(final JsonNode value, final String childPath) {
        return new JsonFields(value, childPath, lenient);
    }

    // --------------------------------------------------------------------------------------------------- text

    public String text(final String name) {
        return required(name, optionalText(name), "required");
    }

    /** A string that is not blank (when lenient: trimmed), or null when absent. */
    public String optionalText(final String name) {
        final JsonNode value = typed(name, JsonNode::isTextual, "a string");
        return value == null ? null : TextValues.nonBlank(path(name), value.textValue(), lenient);
    }

    /** A string that is not blank, or null when absent, blank or of another type: for fields that are only hints. */
    public String looseText(final String name) {
        final JsonNode value = node(name);
        if (value == null || !value.isTextual() || value.textValue().isBlank()) {
            return null;
        }
        return textOf(value);
    }

    /** As {@link #optionalText}, required. */
    public String boundedText(final String name, final int maxChars) {
        return required(name, optionalBoundedText(name, maxChars), "required");
    }

    /**
     * A name or identifier: a string of at most {@code maxChars} characters without control characters, or null
     * when absent.
     */
    public String optionalBoundedText(final String name, final int maxChars) {
        return TextValues.bounded(path(name), node(name), maxChars, lenient);
    }

    /**
     * An optional array of strings, each read as by {@link #optionalBoundedText} and named {@code name[i]}; absent is
     * the empty list. Duplicates are kept, in order.
     */
    public List<String> optionalBoundedTextList(final String name, final int maxItems, final int maxChars) {
        final JsonNode value = typed(name, JsonNode::isArray, "an array of strings");
        if (value == null) {
            return List.of();
        }
        if (value.size() > maxItems) {
            throw invalid(name, "must have at most " + maxItems + " entries (got " + value.size() + ")");
        }
        final List<String> values = new ArrayList<>(value.size());
        for (int i = 0; i < value.size(); i++) {
            final String elementPath = path(name) + "[" + i + "]";
            final String element = TextValues.bounded(elementPath, value.get(i), maxChars, lenient);
            if (element == null) {
                throw new InvalidEventException(elementPath, "must be a string (got " + echo(value.get(i)) + ")");
            }
            values.add(element);
        }
        return values;
    }

    /** The position of the first surrogate that is not half of a pair, or -1. */
    public static int loneSurrogate(final String text) {
        return TextValues.loneSurrogate(text);
    }

    // ------------------------------------------------------------------------------------- ids and flags

    /** An identifier sent as a JSON integer or a non-empty string, as a string. */
    public String id(final String name) {
        final JsonNode value = required(name, node(name), "required");
        if (value.isIntegralNumber()) {
            return value.asText();
        }
        if (value.isTextual() && !value.textValue().isBlank()) {
            TextValues.requireWellFormed(path(name), value.textValue());
            return textOf(value);
        }
        throw invalid(name, "must be an integer or a non-empty string (got " + echo(value) + ")");
    }

    /** An identifier sent as a JSON integer or string, as a string; null when absent or of another type. */
    public String looseId(final String name) {
        final JsonNode value = node(name);
        return value != null && (value.isIntegralNumber() || value.isTextual()) ? value.asText() : null;
    }

    /** A JSON boolean; false when absent. */
    public boolean optionalBoolean(final String name) {
        final JsonNode value = typed(name, JsonNode::isBoolean, "true or false");
        return value != null && value.booleanValue();
    }

    // --------------------------------------------------------------------------------------------------- shas

    /** A full commit sha, in lower case. */
    public String sha(final String name) {
        return required(name, optionalSha(name), "required");
    }

    public String optionalSha(final String name) {
        return has(name) ? TextValues.sha(path(name), node(name), lenient) : null;
    }

    /** An optional array of full commit shas, each named {@code name[i]}, in lower case; absent is the empty list. */
    public List<String> shas(final String name) {
        final JsonNode value = typed(name, JsonNode::isArray, "an array of 40-hexadecimal-digit shas");
        if (value == null) {
            return List.of();
        }
        final List<String> shas = new ArrayList<>(value.size());
        for (int i = 0; i < value.size(); i++) {
            shas.add(TextValues.sha(path(name) + "[" + i + "]", value.get(i), lenient));
        }
        return shas;
    }

    /** Whether the text is a full commit sha. */
    public static boolean isSha(final String text) {
        return TextValues.isSha(text);
    }

    // ----------------------------------------------------------------------------------------------- instants

    public Instant instant(final String name) {
        return required(name, optionalInstant(name), "required; " + Timestamps.FORMAT);
    }

    /** An ISO-8601 instant with {@code Z} or an offset, in 1970..2199, truncated to milliseconds; null when absent. */
    public Instant optionalInstant(final String name) {
        if (!has(name)) {
            return null;
        }
        final JsonNode value = node(name);
        if (!value.isTextual()) {
            throw invalid(name, "must be " + Timestamps.FORMAT + " (got " + echo(value) + ")");
        }
        return instant(path(name), textOf(value));
    }

    /**
     * Parses a timestamp found elsewhere than in a JSON object (e.g. a header) as {@link #optionalInstant} does.
     *
     * @param field what a rejection names
     */
    public static Instant instant(final String field, final String text) {
        return Timestamps.parse(field, text);
    }

    // -------------------------------------------------------------------------------------------------- enums

    public <E extends Enum<E>> E requiredEnum(final String name, final Class<E> type) {
        return required(name, optionalEnum(name, type, false), "required; one of " + EnumValues.allowed(type));
    }

    /** One of the enum's constant names, exactly; null when absent. */
    public <E extends Enum<E>> E optionalEnum(final String name, final Class<E> type) {
        return optionalEnum(name, type, false);
    }

    /** One of the enum's constant names in any case; null when absent. */
    public <E extends Enum<E>> E optionalEnumIgnoringCase(final String name, final Class<E> type) {
        return optionalEnum(name, type, true);
    }

    private <E extends Enum<E>> E optionalEnum(final String name, final Class<E> type, final boolean ignoreCase) {
        if (!has(name)) {
            return null;
        }
        final JsonNode value = node(name);
        final E constant = value.isTextual() ? EnumValues.named(type, textOf(value), ignoreCase) : null;
        if (constant == null) {
            throw invalid(name, "must be one of " + EnumValues.allowed(type) + " (got " + echo(value) + ")");
        }
        return constant;
    }

    // --------------------------------------------------------------------------------------------------- echo

    /**
     * A value as an error message repeats it: quoted, shortened, control characters and lone surrogates as
     * backslash-u-hex escapes (so that the answer itself is valid Unicode).
     */
    public static String echo(final String value) {
        return Echo.of(value);
    }

    /** A JSON value as an error message repeats it: strings as by {@link #echo(String)}, other values as JSON. */
    public static String echo(final JsonNode value) {
        return Echo.of(value);
    }

    /** ASCII control characters: what names and identifiers must not contain. */
    public static boolean isControl(final char c) {
        return Echo.isControl(c);
    }
}
