package dev.dora.launcher.http;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/** Counts refused requests for {@link AccessGuard}; thread-safe. */
public final class AuthFailureCounter implements AuthFailureCounts {

    private final List<Series> series;
    private final Map<Series, LongAdder> counts = new ConcurrentHashMap<>();

    /** The counter of a server with these tokens. */
    public AuthFailureCounter(final ApiTokens tokens) {
        final List<Series> all = new ArrayList<>(List.of(new Series(UNKNOWN, Reason.MISSING),
                new Series(UNKNOWN, Reason.INVALID)));
        tokens.names().forEach(name -> all.add(new Series(name, Reason.FORBIDDEN)));
        this.series = List.copyOf(all);
        series.forEach(s -> counts.put(s, new LongAdder()));
    }

    /** Counts one refused request. */
    void failed(final String token, final Reason reason) {
        counts.computeIfAbsent(new Series(token, reason), s -> new LongAdder()).increment();
    }

    @Override
    public List<Series> series() {
        return series;
    }

    @Override
    public long count(final Series series) {
        final LongAdder count = counts.get(series);
        return count == null ? 0 : count.sum();
    }
}
