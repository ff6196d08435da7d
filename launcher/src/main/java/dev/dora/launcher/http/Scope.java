package dev.dora.launcher.http;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * What an API token may do. {@code ingest} implies nothing about reading, so a CI job that sends events cannot read
 * the metrics back; {@code admin} implies both.
 */
public enum Scope {

    /** The query API ({@code GET /api/v1/...}) and {@code /metrics}. */
    READ,
    /** Sending events ({@code POST /api/v1/events}). */
    INGEST,
    /** Everything. */
    ADMIN;

    /** Whether a token of this scope may make a request that needs {@code needed}. */
    public boolean grants(final Scope needed) {
        return this == ADMIN || this == needed;
    }

    /** The name used in the tokens file and in messages: {@code read}, {@code ingest}, {@code admin}. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * The scope a tokens file names.
     *
     * @throws IllegalArgumentException naming the allowed values
     */
    public static Scope parse(final String label) {
        for (final Scope scope : values()) {
            if (scope.label().equals(label)) {
                return scope;
            }
        }
        throw new IllegalArgumentException("must be one of " + Arrays.stream(values()).map(Scope::label)
                .collect(Collectors.joining(", ")) + " (got '" + label + "')");
    }
}
