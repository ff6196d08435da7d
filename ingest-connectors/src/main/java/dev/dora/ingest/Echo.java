package dev.dora.ingest;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * How a rejection repeats an offending value: quoted, shortened, control characters and lone surrogates escaped, so
 * that every API and webhook echoes values the same way and the answer itself is valid Unicode. Read through
 * {@link JsonFields#echo(String)}.
 */
final class Echo {

    /** How much of an offending value an error message repeats. */
    static final int MAX_CHARS = 100;

    private Echo() {
    }

    /**
     * A value as an error message repeats it: quoted, shortened, control characters and lone surrogates as
     * backslash-u-hex escapes (so that the answer itself is valid Unicode).
     */
    static String of(final String value) {
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

    /** A JSON value as an error message repeats it: strings as by {@link #of(String)}, other values as JSON. */
    static String of(final JsonNode value) {
        return value.isTextual() ? of(value.textValue()) : shorten(value.toString());
    }

    /** ASCII control characters: what an echo escapes, and what names and identifiers must not contain. */
    static boolean isControl(final char c) {
        return c <= 0x1F || c == 0x7F;
    }

    private static String shorten(final String value) {
        return value.length() > MAX_CHARS ? value.substring(0, MAX_CHARS) + "…" : value;
    }
}
