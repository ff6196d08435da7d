package dev.dora.api;

import io.javalin.http.Context;
import java.util.List;

/**
 * The one reader of query and path parameters: each parameter is given at most once (a repeated one is refused, so
 * that no two parts of the server can read different values of it), and names are bounded and free of control
 * characters, all before any work.
 */
final class QueryParams {

    /** The longest service, team, environment or id a request may name: as long as the ingest edge accepts. */
    static final int MAX_NAME_CHARS = 256;
    /** The longest value of any other parameter (dates, cursors, benchmark names, …). */
    static final int MAX_VALUE_CHARS = 1_024;
    /** How much of an offending value an error message repeats. */
    private static final int MAX_ECHO_CHARS = 100;

    private QueryParams() {
    }

    /**
     * The parameter's value, or null when absent.
     *
     * @throws ApiException 400 when it is given more than once or longer than {@value #MAX_VALUE_CHARS} characters
     */
    static String one(final Context ctx, final String name) {
        return one(name, ctx.queryParams(name));
    }

    /** As {@link #one(Context, String)}, for the values a request gave the parameter. */
    static String one(final String name, final List<String> values) {
        if (values.isEmpty()) {
            return null;
        }
        if (values.size() > 1) {
            throw ApiException.badRequest(name + ": given " + values.size() + " times; give it at most once");
        }
        final String value = values.get(0);
        if (value.length() > MAX_VALUE_CHARS) {
            throw ApiException.badRequest(name + ": at most " + MAX_VALUE_CHARS + " characters (got "
                    + value.length() + ")");
        }
        return value;
    }

    /**
     * A service, team or environment name: as {@link #one}, null when blank, and a name the ingest edge could have
     * accepted (at most {@value #MAX_NAME_CHARS} characters, no control characters).
     */
    static String name(final Context ctx, final String name) {
        return name(name, ctx.queryParams(name));
    }

    /** As {@link #name(Context, String)}, for the values a request gave the parameter. */
    static String name(final String name, final List<String> values) {
        final String value = one(name, values);
        return value == null || value.isBlank() ? null : checkedName(name, value);
    }

    /** A path parameter naming a deployment or incident, checked as {@link #name}. */
    static String id(final Context ctx) {
        return checkedName("id", ctx.pathParam("id"));
    }

    static String checkedName(final String name, final String value) {
        if (value.length() > MAX_NAME_CHARS) {
            throw ApiException.badRequest(name + ": at most " + MAX_NAME_CHARS + " characters (got " + value.length()
                    + ")");
        }
        for (int i = 0; i < value.length(); i++) {
            final char c = value.charAt(i);
            if (c <= 0x1F || c == 0x7F) {
                throw ApiException.badRequest(String.format("%s: must not contain control characters (found U+%04X"
                        + " at position %d)", name, (int) c, i));
            }
        }
        return value;
    }

    /** A value as an error message repeats it: quoted, shortened, control characters escaped. */
    static String echo(final String value) {
        final String shortened = value.length() > MAX_ECHO_CHARS ? value.substring(0, MAX_ECHO_CHARS) + "…" : value;
        final StringBuilder text = new StringBuilder(shortened.length() + 2).append('\'');
        for (int i = 0; i < shortened.length(); i++) {
            final char c = shortened.charAt(i);
            final boolean pair = Character.isHighSurrogate(c) && i + 1 < shortened.length()
                    && Character.isLowSurrogate(shortened.charAt(i + 1));
            if (pair) {
                text.append(c).append(shortened.charAt(++i));
            } else if (c <= 0x1F || c == 0x7F || Character.isSurrogate(c)) {
                text.append(String.format("\\u%04X", (int) c));
            } else {
                text.append(c);
            }
        }
        return text.append('\'').toString();
    }
}
