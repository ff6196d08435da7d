package dev.dora.streams.query;

import dev.dora.streams.store.Scope;
import java.util.LinkedHashMap;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * The metrics of periods a series already computed ({@link MetricsQuery#series}), each kept with the version of the
 * state it was computed at and given again only while the state reads that version: exact, as the API's answer cache
 * is, but per period. A dashboard's window moves (tomorrow's "last two years", or a start a few days earlier), which
 * makes its question new to the answer cache while all but its first and last periods are the ones it asked before:
 * at a thousand services, the organisation's weekly series over two years cost about 90 ms of CPU each time, for 105
 * periods of which 103 had not changed.
 *
 * <ul>
 *   <li>The version is read once per series, before anything is read; an answer computed while the state moves is
 *       kept under the version read before, which the state no longer reads, so it is never given again.</li>
 *   <li>Only one version is kept at a time: entries of another version are dropped as the first entry of a new one
 *       is kept. Versions never come back (positions only move forward, and a restore moves the epoch).</li>
 *   <li>No version (the state not wholly readable here, or on another instance answering as one with this one):
 *       nothing is kept or given.</li>
 *   <li>Bounded: at most {@code maxEntries} periods, the least recently used leaving first.</li>
 * </ul>
 */
public final class KeptPeriods {

    /**
     * Every scope's window of a thousand services' gauges (1,168 periods) with two daily series over two years and a
     * dozen weekly ones beside them. A period of a team's daily series held about 4 KB of heap at 1,000 services
     * (its metrics, breakdowns and boxed numbers), so about 16 MB in all.
     */
    public static final int DEFAULT_ENTRIES = 4_000;

    /** A period of a scope in an environment group: its first day and the day after its last (epoch days). */
    record Key(Scope scope, String group, long from, long to) {
    }

    /**
     * A period's metrics, and its incidents opened minus resolved, which the open incidents at the end of the periods
     * before it need.
     */
    record Kept(WindowMetrics metrics, long netIncidents) {
    }

    private final int maxEntries;
    private final Supplier<Optional<?>> version;
    /** In access order, all at {@link #keptAt}. Guarded by {@code this}. */
    private final LinkedHashMap<Key, Kept> periods = new LinkedHashMap<>(16, 0.75f, true);
    private Object keptAt;
    private final AtomicLong given = new AtomicLong();
    private final AtomicLong computed = new AtomicLong();

    /**
     * @param maxEntries the most periods kept; 0 keeps none
     * @param version    the version of what the metrics read now, empty when it cannot be known
     */
    public KeptPeriods(final int maxEntries, final Supplier<Optional<?>> version) {
        if (maxEntries < 0) {
            throw new IllegalArgumentException("the kept periods' bound must not be negative: " + maxEntries);
        }
        this.maxEntries = maxEntries;
        this.version = version;
    }

    /** Keeps nothing. */
    public static KeptPeriods none() {
        return new KeptPeriods(0, Optional::empty);
    }

    /** The periods kept at the version the state reads now: what one series may take and add to. */
    At now() {
        if (maxEntries == 0) {
            return new At(null);
        }
        return new At(version.get().orElse(null));
    }

    /** Periods given again since the start. */
    public long given() {
        return given.get();
    }

    /** Periods computed since the start, while a version could be read. */
    public long computed() {
        return computed.get();
    }

    private synchronized Kept kept(final Object at, final Key key) {
        return at.equals(keptAt) ? periods.get(key) : null;
    }

    private synchronized void keep(final Object at, final Key key, final Kept kept) {
        if (!at.equals(keptAt)) {
            periods.clear();
            keptAt = at;
        }
        periods.put(key, kept);
        if (periods.size() > maxEntries) {
            periods.remove(periods.keySet().iterator().next());
        }
    }

    /** The kept periods at one version; with no version, none. */
    final class At {

        private final Object version;

        private At(final Object version) {
            this.version = version;
        }

        /** The period kept at this version, or null. */
        Kept get(final Key key) {
            if (version == null) {
                return null;
            }
            final Kept kept = kept(version, key);
            if (kept != null) {
                given.incrementAndGet();
            }
            return kept;
        }

        void keep(final Key key, final Kept kept) {
            if (version != null) {
                computed.incrementAndGet();
                KeptPeriods.this.keep(version, key, kept);
            }
        }
    }
}
