package dev.dora.streams.benchmarks;

import java.util.Arrays;

/**
 * A DORA performance level, best first. The product reports tiers by their lower-case {@link #id()}:
 * {@code "elite"}, {@code "high"}, {@code "medium"}, {@code "low"}.
 */
public enum Tier {
    ELITE("elite"),
    HIGH("high"),
    MEDIUM("medium"),
    LOW("low");

    private final String id;

    Tier(final String id) {
        this.id = id;
    }

    /** The lower-case name used in the resource file and in API responses. */
    public String id() {
        return id;
    }

    /** The tier named {@code id}; {@link IllegalArgumentException} for anything else. */
    public static Tier of(final String id) {
        return Arrays.stream(values())
                .filter(t -> t.id.equals(id))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException(
                        "unknown tier '" + id + "'; valid tiers: elite, high, medium, low"));
    }

    /** The worse of two tiers (LOW is the worst). */
    public static Tier worse(final Tier a, final Tier b) {
        return a.compareTo(b) >= 0 ? a : b;
    }
}
