package dev.dora.streams.benchmarks;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * The performance clusters of one State of DevOps report (for example {@code dora-2024}) and the rules that place
 * a team's window of metrics into them. The published bands are data, read from
 * {@code benchmarks/dora-benchmarks.json}; this class holds no year-specific branch.
 *
 * <p>Rules (normative text in {@code docs/BENCHMARKS-DORA.md}):
 * <ul>
 *   <li>Each metric is classified on its own. The clusters are tried best to worst and the first whose bound admits
 *       the value gives the tier; a value that no cluster admits gets the report's worst tier. Overlapping bands
 *       therefore go to the better tier, and a value in a gap between two bands goes to the worse one.</li>
 *   <li>Lead time and recovery time: a cluster admits values strictly below its published upper bound
 *       ("less than one day" excludes one day; "between one day and one week" is [1 day, 1 week)).</li>
 *   <li>Change failure rate: a cluster admits values at or below its published upper value (15% for "0-15%", 5% for
 *       a published "5%").</li>
 *   <li>Deployment frequency: see {@link FrequencyRule}.</li>
 *   <li>Overall: the worst of the metric tiers that have data; null when none has.</li>
 * </ul>
 *
 * <p>Benchmarks describe teams and services, never individuals.
 */
public final class Benchmark {

    private final String name;
    private final int year;
    private final String title;
    private final RecoveryMetric recoveryMetric;
    private final String source;
    private final List<String> unconfirmed;
    private final List<Cluster> clusters;
    private final Map<String, FrequencyBand> frequencyBands;

    Benchmark(final String name, final int year, final String title, final RecoveryMetric recoveryMetric,
              final String source, final List<String> unconfirmed, final List<Cluster> clusters,
              final Map<String, FrequencyBand> frequencyBands) {
        this.name = name;
        this.year = year;
        this.title = title;
        this.recoveryMetric = recoveryMetric;
        this.source = source;
        this.unconfirmed = List.copyOf(unconfirmed);
        this.clusters = List.copyOf(clusters);
        this.frequencyBands = Map.copyOf(frequencyBands);
    }

    /** The benchmark's name, e.g. {@code dora-2024}. */
    public String name() {
        return name;
    }

    /** The report year. */
    public int year() {
        return year;
    }

    /** The report's title. */
    public String title() {
        return title;
    }

    /** What the report calls the recovery metric ("Time to restore service" or "Failed deployment recovery time"). */
    public RecoveryMetric recoveryMetric() {
        return recoveryMetric;
    }

    /** Where the table comes from and how it was checked. */
    public String source() {
        return source;
    }

    /** The values of this table that could not be confirmed against the primary report. */
    public List<String> unconfirmed() {
        return unconfirmed;
    }

    /** The published clusters, best first (no elite cluster in {@code dora-2022}). */
    public List<Cluster> clusters() {
        return clusters;
    }

    /** The tiers this report published, best first. */
    public List<String> tiers() {
        return clusters.stream().map(Cluster::tier).toList();
    }

    /** The deployment-frequency band a cluster refers to, by id (e.g. {@code on-demand}). */
    public FrequencyBand frequencyBand(final String id) {
        final FrequencyBand band = frequencyBands.get(id);
        if (band == null) {
            throw new IllegalArgumentException("unknown deployment-frequency band '" + id + "'");
        }
        return band;
    }

    /** Places one window of metrics into this report's tiers. */
    public Tiers classify(final Inputs inputs) {
        Objects.requireNonNull(inputs, "inputs");
        final Tier deploymentFrequency = first(
                c -> frequencyBand(c.deploymentFrequency().band()).rule().admits(inputs));
        final Tier leadTime = inputs.leadTimeMedianSeconds() == null ? null
                : first(c -> c.leadTime().admits(inputs.leadTimeMedianSeconds()));
        final Tier changeFailureRate = inputs.changeFailureRate() == null ? null
                : first(c -> c.changeFailureRate().admits(inputs.changeFailureRate()));
        final Tier timeToRestore = inputs.timeToRestoreMedianSeconds() == null ? null
                : first(c -> c.timeToRestore().admits(inputs.timeToRestoreMedianSeconds()));
        Tier overall = null;
        for (final Tier t : new Tier[] {deploymentFrequency, leadTime, changeFailureRate, timeToRestore}) {
            if (t != null) {
                overall = overall == null ? t : Tier.worse(overall, t);
            }
        }
        return new Tiers(id(deploymentFrequency), id(leadTime), id(changeFailureRate), id(timeToRestore),
                id(overall), name);
    }

    /** The first cluster, best to worst, that admits the value; the worst cluster if none does. */
    private Tier first(final Predicate<Cluster> admits) {
        for (final Cluster cluster : clusters) {
            if (admits.test(cluster)) {
                return Tier.of(cluster.tier());
            }
        }
        return Tier.of(clusters.get(clusters.size() - 1).tier());
    }

    private static String id(final Tier tier) {
        return tier == null ? null : tier.id();
    }

    @Override
    public String toString() {
        return name;
    }

    /**
     * What {@link #classify} needs from a window.
     *
     * @param deploymentsPerDay          production deployments in the window divided by {@code windowDays}
     * @param deployDaysPerWeekMedian    the median, over the window's weeks, of the number of distinct days that had at
     *                                   least one production deployment (0 to 7; the caller computes it)
     * @param leadTimeMedianSeconds      lead-time median, null without samples
     * @param changeFailureRate          failed / deployments as a fraction in [0, 1], null without deployments
     * @param timeToRestoreMedianSeconds restore (or failed-deployment recovery) median, null without samples
     * @param windowDays                 the window's length in days, at least 1
     */
    public record Inputs(double deploymentsPerDay, double deployDaysPerWeekMedian, Double leadTimeMedianSeconds,
                         Double changeFailureRate, Double timeToRestoreMedianSeconds, long windowDays) {

        public Inputs {
            if (windowDays < 1) {
                throw new IllegalArgumentException("windowDays must be at least 1, was " + windowDays);
            }
            if (!Double.isFinite(deploymentsPerDay) || deploymentsPerDay < 0) {
                throw new IllegalArgumentException("deploymentsPerDay must be finite and >= 0, was " + deploymentsPerDay);
            }
            final double count = deploymentsPerDay * windowDays;
            if (Math.abs(count - Math.rint(count)) > 1e-6 * Math.max(1.0, count)) {
                throw new IllegalArgumentException("deploymentsPerDay × windowDays must be a whole number of deployments,"
                        + " was " + deploymentsPerDay + " × " + windowDays);
            }
            if (!Double.isFinite(deployDaysPerWeekMedian) || deployDaysPerWeekMedian < 0 || deployDaysPerWeekMedian > 7) {
                throw new IllegalArgumentException("deployDaysPerWeekMedian must be in [0, 7], was " + deployDaysPerWeekMedian);
            }
            requireSeconds("leadTimeMedianSeconds", leadTimeMedianSeconds);
            requireSeconds("timeToRestoreMedianSeconds", timeToRestoreMedianSeconds);
            if (changeFailureRate != null
                    && (!Double.isFinite(changeFailureRate) || changeFailureRate < 0 || changeFailureRate > 1)) {
                throw new IllegalArgumentException("changeFailureRate must be a fraction in [0, 1], was " + changeFailureRate);
            }
        }

        /** The window's production deployments, recovered exactly from {@code deploymentsPerDay × windowDays}. */
        public long deployments() {
            return Math.round(deploymentsPerDay * windowDays);
        }

        private static void requireSeconds(final String what, final Double seconds) {
            if (seconds != null && (!Double.isFinite(seconds) || seconds < 0)) {
                throw new IllegalArgumentException(what + " must be finite and >= 0, was " + seconds);
            }
        }
    }

    /**
     * The tier of each metric and overall, under {@code benchmark}. Each is "elite", "high", "medium" or "low", or
     * null when the metric has no data in the window (deployment frequency always has a tier).
     */
    public record Tiers(String deploymentFrequency, String leadTime, String changeFailureRate, String timeToRestore,
                        String overall, String benchmark) {
    }

    /** One published cluster: its tier and, per metric, the published band with the bounds derived from it. */
    public record Cluster(String tier, FrequencyRef deploymentFrequency, TimeBand leadTime, RateBand changeFailureRate,
                          TimeBand timeToRestore) {
    }

    /** A cluster's published deployment-frequency text and the id of the band it means. */
    public record FrequencyRef(String text, String band) {
    }

    /**
     * A published time band in seconds, [lowerSeconds, upperSeconds); null upper = unbounded ("more than six months").
     * The lower bound is recorded for display; classification uses the upper bound only.
     */
    public record TimeBand(String text, Long lowerSeconds, Long upperSeconds) {

        /** Whether a value is strictly below this band's upper bound. */
        public boolean admits(final double seconds) {
            return upperSeconds == null || seconds < upperSeconds;
        }
    }

    /**
     * A published change-failure-rate band or value as fractions; the upper bound is inclusive. For 2023 and later the
     * report gives one value per cluster: it is the upper bound and {@code lower} is null.
     */
    public record RateBand(String text, Double lower, Double upper) {

        /** Whether a rate is at or below this band's upper bound. */
        public boolean admits(final double rate) {
            return upper == null || rate <= upper;
        }
    }

    /**
     * A deployment-frequency band: its meaning, the published band as deployments per day (for display), and the
     * rule that decides whether a window reaches it.
     */
    public record FrequencyBand(String id, String meaning, RateRange deploysPerDay, FrequencyRule rule) {
    }

    /** A rate range in deployments per day, [lower, upper); null = unbounded. */
    public record RateRange(Double lower, Double upper) {
    }

    /**
     * When a window reaches a deployment-frequency band. At most one kind of condition is set:
     * <ul>
     *   <li>{@code deployDaysPerWeekMedianAtLeast}: the median number of deploy days per week is at least this
     *       ({@code on-demand}: 5, {@code daily-to-weekly}: 1);</li>
     *   <li>{@code atLeastDeployments} per {@code perDays}: on average at least that many deployments per that many
     *       days, compared exactly as {@code deployments × perDays ≥ atLeastDeployments × windowDays}
     *       ({@code weekly-to-monthly}: 1 per 30 days, {@code monthly-to-six-monthly}: 1 per 180 days);</li>
     *   <li>nothing: every window reaches it ({@code less-than-six-monthly}).</li>
     * </ul>
     */
    public record FrequencyRule(Double deployDaysPerWeekMedianAtLeast, Long atLeastDeployments, Long perDays) {

        /** Whether the window reaches this band. */
        public boolean admits(final Inputs inputs) {
            if (deployDaysPerWeekMedianAtLeast != null) {
                return inputs.deployDaysPerWeekMedian() >= deployDaysPerWeekMedianAtLeast;
            }
            if (atLeastDeployments != null) {
                return Math.multiplyExact(inputs.deployments(), perDays)
                        >= Math.multiplyExact(atLeastDeployments, inputs.windowDays());
            }
            return true;
        }

        boolean wellFormed() {
            final boolean byDays = deployDaysPerWeekMedianAtLeast != null;
            final boolean byRate = atLeastDeployments != null || perDays != null;
            if (byDays && byRate) {
                return false;
            }
            if (byDays) {
                return deployDaysPerWeekMedianAtLeast >= 0 && deployDaysPerWeekMedianAtLeast <= 7;
            }
            return !byRate || (atLeastDeployments != null && perDays != null && atLeastDeployments > 0 && perDays > 0);
        }
    }
}
