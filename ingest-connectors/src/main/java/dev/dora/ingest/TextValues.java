package dev.dora.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The rules for one string value at the ingest edge, whatever object it was read from: not blank (or, read leniently,
 * trimmed and absent when blank), valid Unicode, names without control characters and of bounded length, shas of 40
 * hexadecimal digits. Each rejection names the value's JSON path, given by the {@link JsonFields} that read it.
 */
final class TextValues {

    /** A full commit sha: 40 hexadecimal digits, in either case. */
    static final String SHA_REGEX = "[0-9a-fA-F]{40}";

    private static final Pattern SHA = Pattern.compile(SHA_REGEX);

    private TextValues() {
    }

    /** Whether the text is a full commit sha. */
    static boolean isSha(final String text) {
        return text != null && SHA.matcher(text).matches();
    }

    /** A full commit sha, in lower case. */
    static String sha(final String field, final JsonNode value, final boolean lenient) {
        final String text = value.isTextual() ? (lenient ? value.textValue().trim() : value.textValue()) : null;
        if (text == null || !isSha(text)) {
            throw new InvalidEventException(field, "must be 40 hexadecimal digits (got " + Echo.of(value) + ")");
        }
        return text.toLowerCase(Locale.ROOT);
    }

    /**
     * A name or identifier: a string of at most {@code maxChars} characters without control characters, or null
     * when absent (or, lenient, blank).
     */
    static String bounded(final String field, final JsonNode value, final int maxChars, final boolean lenient) {
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isTextual()) {
            throw new InvalidEventException(field, "must be a string (got " + Echo.of(value) + ")");
        }
        final String text = nonBlank(field, value.textValue(), lenient);
        if (text == null) {
            return null;
        }
        for (int i = 0; i < text.length(); i++) {
            if (Echo.isControl(text.charAt(i))) {
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

    /** The text, well formed and not blank; read leniently, trimmed, and null when blank. */
    static String nonBlank(final String field, final String text, final boolean lenient) {
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
    static void requireWellFormed(final String field, final String text) {
        final int at = loneSurrogate(text);
        if (at >= 0) {
            throw new InvalidEventException(field, String.format("must be valid Unicode (found a lone surrogate U+%04X"
                    + " at position %d)", (int) text.charAt(at), at));
        }
    }

    /** The position of the first surrogate that is not half of a pair, or -1. */
    static int loneSurrogate(final String text) {
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
}
