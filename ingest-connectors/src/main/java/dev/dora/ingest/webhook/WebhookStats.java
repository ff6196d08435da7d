package dev.dora.ingest.webhook;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.LongAdder;

/** Counters of {@link WebhookRoutes}, per source. Thread-safe. */
public final class WebhookStats {

    /**
     * One source's counts since start.
     *
     * @param accepted     canonical events produced
     * @param ignored      deliveries answered {@code {"ignored": …}}
     * @param duplicates   redeliveries of an already acknowledged delivery id
     * @param rejected     deliveries refused as malformed (400, kept in the dead-letter topic)
     * @param unauthorized deliveries refused with 401
     * @param unmapped     services named by the fallback rule, once per delivery and service
     */
    public record Counts(long accepted, long ignored, long duplicates, long rejected, long unauthorized,
                         long unmapped) {
    }

    private final ConcurrentMap<String, Counters> bySource = new ConcurrentHashMap<>();

    /** A source's counts; zeros for a source that received nothing. */
    public Counts counts(final String source) {
        final Counters counters = bySource.get(source);
        return counters == null ? new Counts(0, 0, 0, 0, 0, 0) : counters.snapshot();
    }

    /** The counts of every source that received something, by source name. */
    public Map<String, Counts> all() {
        final Map<String, Counts> all = new TreeMap<>();
        bySource.forEach((source, counters) -> all.put(source, counters.snapshot()));
        return all;
    }

    void accepted(final String source, final int events) {
        counters(source).accepted.add(events);
    }

    void ignored(final String source) {
        counters(source).ignored.increment();
    }

    void duplicate(final String source) {
        counters(source).duplicates.increment();
    }

    void rejected(final String source) {
        counters(source).rejected.increment();
    }

    void unauthorized(final String source) {
        counters(source).unauthorized.increment();
    }

    void unmapped(final String source, final int services) {
        counters(source).unmapped.add(services);
    }

    private Counters counters(final String source) {
        return bySource.computeIfAbsent(source, s -> new Counters());
    }

    private static final class Counters {
        final LongAdder accepted = new LongAdder();
        final LongAdder ignored = new LongAdder();
        final LongAdder duplicates = new LongAdder();
        final LongAdder rejected = new LongAdder();
        final LongAdder unauthorized = new LongAdder();
        final LongAdder unmapped = new LongAdder();

        Counts snapshot() {
            return new Counts(accepted.sum(), ignored.sum(), duplicates.sum(), rejected.sum(), unauthorized.sum(),
                    unmapped.sum());
        }
    }
}
