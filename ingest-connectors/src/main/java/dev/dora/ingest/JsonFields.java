package dev.dora.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

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
 */
public final class JsonFields {

    /** A full commit sha: 40 hexadecimal digits, in either case. */
    public static final String SHA_REGEX = "[0-9a-fA-F]{40}";
    /** How much of an offending value an error message repeats. */
    public static final int MAX_ECHO_CHARS = 100;

    private static final Pattern SHA = Pattern.compile(SHA_REGEX);
    private static final String INSTANT_FORMAT = "an ISO-8601 instant with a UTC offset, e.g. 2026-10-01T12:00:00Z";
    private static final Instant EARLIEST = Instant.EPOCH;
    /** Exclusive: the last accepted day is 2199-12-31. */
    private static final Instant END = Instant.parse("2200-01-01T00:00:00Z");

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
        return value == null ? null : nonBlank(path(name), value.textValue());
    }

    /** A string that is not blank, or null when absent, blank or of another type: for fields that are only hints. */
    public String looseText(final String name) {
        final JsonNode value = node(name);
        if (value == null || !value.isTextual() || value.textValue().isBlank()) {
            return null;
        }
        return lenient ? value.textValue().trim() : value.textValue();
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
        return boundedText(path(name), node(name), maxChars);
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
            final String element = boundedText(elementPath, value.get(i), maxChars);
            if (element == null) {
                throw new InvalidEventException(elementPath, "must be a string (got " + echo(value.get(i)) + ")");
            }
            values.add(element);
        }
        return values;
    }

    private String boundedText(final String field, final JsonNode value, final int maxChars) {
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isTextual()) {
            throw new InvalidEventException(field, "must be a string (got " + echo(value) + ")");
        }
        final String text = nonBlank(field, value.textValue());
        if (text == null) {
            return null;
        }
        for (int i = 0; i < text.length(); i++) {
            if (isControl(text.charAt(i))) {
                throw new InvalidEventException(field, String.format(
                        "must not contain control characters (found U+%04X at position %d)", (int) text.charAt(i), i));
            }
        }
        final int chars = text.codePointCount(0, text.length());
        if (chars > maxChars) {
            throw new InvalidEventException(field, "must be at most " + maxChars + " characters (got " + chars + ")");
        }
        return text;
    }

    private String nonBlank(final String field, final String text) {
        requireWellFormed(field, text);
        if (!text.isBlank()) {
            return lenient ? text.trim() : text;
        }
        if (lenient) {
            return null;
        }
        throw new InvalidEventException(field, "must not be empty");
    }

    /**
     * Refuses text that is not valid Unicode: a lone surrogate (possible through a JSON escape such as
     * {@code "\\ud800"}) would be written to Kafka as a replacement character, so two different ids could become one.
     */
    private static void requireWellFormed(final String field, final String text) {
        final int at = loneSurrogate(text);
        if (at >= 0) {
            throw new InvalidEventException(field, String.format("must be valid Unicode (found a lone surrogate U+%04X"
                    + " at position %d)", (int) text.charAt(at), at));
        }
    }

    /** The position of the first surrogate that is not half of a pair, or -1. */
    public static int loneSurrogate(final String text) {
        for (int i = 0; i < text.length(); i++) {
            final char c = text.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return i;
            }
        }
        return -1;
    }

    // ------------------------------------------------------------------------------------- ids and flags

    /** An identifier sent as a JSON integer or a non-empty string, as a string. */
    public String id(final String name) {
        final JsonNode value = required(name, node(name), "required");
        if (value.isIntegralNumber()) {
            return value.asText();
        }
        if (value.isTextual() && !value.textValue().isBlank()) {
            requireWellFormed(path(name), value.textValue());
            return lenient ? value.textValue().trim() : value.textValue();
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
        return has(name) ? sha(path(name), node(name)) : null;
    }

    /** An optional array of full commit shas, each named {@code name[i]}, in lower case; absent is the empty list. */
    public List<String> shas(final String name) {
        final JsonNode value = typed(name, JsonNode::isArray, "an array of 40-hexadecimal-digit shas");
        if (value == null) {
            return List.of();
        }
        final List<String> shas = new ArrayList<>(value.size());
        for (int i = 0; i < value.size(); i++) {
            shas.add(sha(path(name) + "[" + i + "]", value.get(i)));
        }
        return shas;
    }

    private String sha(final String field, final JsonNode value) {
        final String text = value.isTextual() ? (lenient ? value.textValue().trim() : value.textValue()) : null;
        if (text == null || !isSha(text)) {
            throw new InvalidEventException(field, "must be 40 hexadecimal digits (got " + echo(value) + ")");
        }
        return text.toLowerCase(Locale.ROOT);
    }

    /** Whether the text is a full commit sha. */
    public static boolean isSha(final String text) {
        return text != null && SHA.matcher(text).matches();
    }

    // ----------------------------------------------------------------------------------------------- instants

    public Instant instant(final String name) {
        return required(name, optionalInstant(name), "required; " + INSTANT_FORMAT);
    }

    /** An ISO-8601 instant with {@code Z} or an offset, in 1970..2199, truncated to milliseconds; null when absent. */
    public Instant optionalInstant(final String name) {
        if (!has(name)) {
            return null;
        }
        final JsonNode value = node(name);
        if (!value.isTextual()) {
            throw invalid(name, "must be " + INSTANT_FORMAT + " (got " + echo(value) + ")");
        }
        return instant(path(name), lenient ? value.textValue().trim() : value.textValue());
    }

    /**
     * Parses a timestamp found elsewhere than in a JSON object (e.g. a header) as {@link #optionalInstant} does.
     *
     * @param field what a rejection names
     */
    public static Instant instant(final String field, final String text) {
        final Instant instant;
        try {
            instant = OffsetDateTime.parse(text, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant();
        } catch (final DateTimeParseException e) {
            throw new InvalidEventException(field, "must be " + INSTANT_FORMAT + " (got " + echo(text) + ")");
        }
        if (instant.isBefore(EARLIEST) || !instant.isBefore(END)) {
            throw new InvalidEventException(field, "must be between 1970-01-01T00:00:00Z and 2199-12-31T23:59:59Z"
                    + " (got " + echo(text) + ")");
        }
        return instant.truncatedTo(ChronoUnit.MILLIS);
    }

    // -------------------------------------------------------------------------------------------------- enums

    public <E extends Enum<E>> E requiredEnum(final String name, final Class<E> type) {
        return required(name, optionalEnum(name, type, false), "required; one of " + allowed(type));
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
        if (value.isTextual()) {
            final String text = lenient ? value.textValue().trim() : value.textValue();
            for (final E constant : type.getEnumConstants()) {
                if (ignoreCase ? constant.name().equalsIgnoreCase(text) : constant.name().equals(text)) {
                    return constant;
                }
            }
        }
        throw invalid(name, "must be one of " + allowed(type) + " (got " + echo(value) + ")");
    }

    private static <E extends Enum<E>> String allowed(final Class<E> type) {
        return Arrays.stream(type.getEnumConstants()).map(Enum::name).collect(Collectors.joining(", "));
    }

    // --------------------------------------------------------------------------------------------------- echo

    /**
     * A value as an error message repeats it: quoted, shortened, control characters and lone surrogates as
     * backslash-u-hex escapes (so that the answer itself is valid Unicode).
     */
    public static String echo(final String value) {
        final String shortened = shorten(value);
        final StringBuilder text = new StringBuilder(shortened.length() + 2).append('\'');
        for (int i = 0; i < shortened.length(); i++) {
            final char c = shortened.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < shortened.length()
                    && Character.isLowSurrogate(shortened.charAt(i + 1))) {
                text.append(c).append(shortened.charAt(++i));
            } else if (isControl(c) || Character.isSurrogate(c)) {
                text.append(String.format("\\u%04X", (int) c));
            } else {
                text.append(c);
            }
        }
        return text.append('\'').toString();
    }

    /** A JSON value as an error message repeats it: strings as by {@link #echo(String)}, other values as JSON. */
    public static String echo(final JsonNode value) {
        return value.isTextual() ? echo(value.textValue()) : shorten(value.toString());
    }

    /** ASCII control characters: what names and identifiers must not contain. */
    public static boolean isControl(final char c) {
        return c <= 0x1F || c == 0x7F;
    }

    private static String shorten(final String value) {
        return value.length() > MAX_ECHO_CHARS ? value.substring(0, MAX_ECHO_CHARS) + "…" : value;
    }
}
