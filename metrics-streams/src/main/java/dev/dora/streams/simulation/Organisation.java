package dev.dora.streams.simulation;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * A simulated organisation for load tests and benchmarks: many services in teams of {@value #TEAM_SIZE}, of every
 * performance level (a fifth elite, about a third each high and medium, the rest low; a fifth call production
 * "prod"), optionally with their activity scaled so that a history of a given length has about a given number of
 * events. Deterministic for a seed.
 */
public final class Organisation {

    /** Services per team. */
    public static final int TEAM_SIZE = 6;

    private static final Map<PerformanceLevel, Double> MIX = new EnumMap<>(Map.of(
            PerformanceLevel.ELITE, 0.20, PerformanceLevel.HIGH, 0.35,
            PerformanceLevel.MEDIUM, 0.30, PerformanceLevel.LOW, 0.15));
    /** Sample services per level when measuring how many events a level yields. */
    private static final int SAMPLES = 3;

    private Organisation() {
    }

    /**
     * {@code count} services named {@code svc-001}… in teams {@code team-01}…, with the habits typical of their
     * level ({@link ServiceProfile#of}).
     */
    public static List<ServiceProfile> services(final int count, final long seed) {
        return services("", count, seed);
    }

    /** As {@link #services(int, long)}, every service and team name starting with {@code prefix}. */
    public static List<ServiceProfile> services(final String prefix, final int count, final long seed) {
        if (count < 1) {
            throw new IllegalArgumentException("an organisation needs at least one service");
        }
        final List<PerformanceLevel> levels = new ArrayList<>(count);
        for (final PerformanceLevel level : PerformanceLevel.values()) {
            final int n = level == PerformanceLevel.LOW ? count - levels.size()
                    : (int) Math.round(count * MIX.get(level));
            for (int i = 0; i < n && levels.size() < count; i++) {
                levels.add(level);
            }
        }
        Collections.shuffle(levels, new Random(seed));
        final int serviceDigits = Math.max(3, Integer.toString(count).length());
        final int teamDigits = Math.max(2, Integer.toString((count - 1) / TEAM_SIZE + 1).length());
        final List<ServiceProfile> services = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            final String name = prefix + String.format("svc-%0" + serviceDigits + "d", i + 1);
            final String team = prefix + String.format("team-%0" + teamDigits + "d", i / TEAM_SIZE + 1);
            services.add(ServiceProfile.of(name, team, levels.get(i), i % 5 == 4 ? "prod" : "production"));
        }
        return services;
    }

    /**
     * {@link #services(int, long)} with every service's commits and deployments scaled by one factor, chosen so
     * that {@link HistoryGenerator} over {@code days} days ending at {@code end} yields about {@code events} events
     * (within a few percent for a hundred services or more). The factor comes from generating a few sample services
     * of each level at their natural rates.
     */
    public static List<ServiceProfile> sizedFor(final long events, final int count, final int days, final Instant end,
                                                final long seed) {
        return sizedFor("", events, count, days, end, seed);
    }

    /** As {@link #sizedFor(long, int, int, Instant, long)}, service and team names starting with {@code prefix}. */
    public static List<ServiceProfile> sizedFor(final String prefix, final long events, final int count, final int days,
                                                final Instant end, final long seed) {
        if (events < 1) {
            throw new IllegalArgumentException("events must be positive");
        }
        final List<ServiceProfile> natural = services(prefix, count, seed);
        final Map<PerformanceLevel, Double> perService = eventsPerService(days, end, seed);
        double expected = 0;
        for (final ServiceProfile service : natural) {
            expected += perService.get(service.level());
        }
        final double factor = events / expected;
        return natural.stream().map(s -> s.scaled(factor)).toList();
    }

    /** Events one service of each level yields at its natural rate, averaged over a few samples. */
    static Map<PerformanceLevel, Double> eventsPerService(final int days, final Instant end, final long seed) {
        final Map<PerformanceLevel, Double> perService = new EnumMap<>(PerformanceLevel.class);
        for (final PerformanceLevel level : PerformanceLevel.values()) {
            final List<ServiceProfile> samples = new ArrayList<>();
            for (int i = 0; i < SAMPLES; i++) {
                samples.add(ServiceProfile.of("sample-" + i, "samples", level));
            }
            final int size = HistoryGenerator.builder().seed(seed).end(end).days(days).services(samples).build()
                    .generate().size();
            perService.put(level, (double) size / SAMPLES);
        }
        return perService;
    }
}
