package dev.dora.launcher.bench;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/**
 * The measured phases of {@code dora bench}, in the order they run. Generating the history and starting dora always
 * happen; the backfill also runs whenever a later phase needs the history loaded.
 */
public enum Phase {
    /** Plain Kafka: produce the history's records and consume them again, on the same broker. */
    PASSTHROUGH,
    /** Import the history and wait until every answer is final; throughput, CPU, memory, disk, correctness. */
    BACKFILL,
    /** Concurrent clients on the dashboards' queries. */
    QUERIES,
    /** Live events' delay from 202 to visible, at rest and during a concurrent backfill. */
    FRESHNESS,
    /** Restart after a clean stop, after kill -9, and with the state directory deleted. */
    RESTART;

    /** The lower-case name used on the command line and in the JSON. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses a comma-separated list such as {@code backfill,queries}. */
    static Set<Phase> parseList(final String list) {
        final Set<Phase> phases = EnumSet.noneOf(Phase.class);
        for (final String part : list.split(",")) {
            final String name = part.trim();
            if (name.isEmpty()) {
                continue;
            }
            try {
                phases.add(valueOf(name.toUpperCase(Locale.ROOT)));
            } catch (final IllegalArgumentException e) {
                throw new IllegalArgumentException("unknown phase '" + name + "' (known: passthrough, backfill, "
                        + "queries, freshness, restart)", e);
            }
        }
        return phases;
    }

    /** Whether this phase needs the history loaded into dora first. */
    boolean needsHistory() {
        return this != PASSTHROUGH;
    }
}
