package dev.dora.streams.metrics;

import dev.dora.facts.DeploymentFact;
import dev.dora.facts.IncidentFact;
import dev.dora.state.DayBucket;
import dev.dora.streams.config.MetricsConfig;
import dev.dora.streams.store.BucketKey;
import dev.dora.streams.store.Scope;
import dev.dora.streams.store.StagedStore;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.UnaryOperator;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;

/**
 * The per-(scope, environment group, UTC day) aggregates every window query merges. A fact moves a bucket by its
 * contribution; replacing a fact retracts the old contribution first, so late and corrected events converge
 * exactly. Every contribution of a service goes to three rows: the service's, its current team's part and the
 * organisation's part in this partition ({@link Scope}); when the service changes team, its rows move from the
 * old team's part to the new one's, so a team always sums exactly its current services' whole history. Keys are
 * {@link BucketKey}s.
 */
public final class DayBuckets {

    public static final long DAY_MS = 86_400_000L;
    /** The severity key of incidents that name none, and the strategy key of deployments that name none. */
    public static final String UNSPECIFIED = "unspecified";

    private final StagedStore<DayBucket> store;
    private final UnaryOperator<String> groupOf;
    private final UnaryOperator<String> teamOf;

    /**
     * @param store   the buckets, as the current record stages them
     * @param groupOf the environment group of an environment name
     * @param teamOf  the current team of a service, null when it has none
     */
    public DayBuckets(final StagedStore<DayBucket> store, final UnaryOperator<String> groupOf,
                      final UnaryOperator<String> teamOf) {
        this.store = store;
        this.groupOf = groupOf;
        this.teamOf = teamOf;
    }

    public static long epochDay(final Instant instant) {
        return Math.floorDiv(instant.toEpochMilli(), DAY_MS);
    }

    public void replace(final String service, final DeploymentFact old, final DeploymentFact now) {
        if (old != null) {
            applyDeployment(service, old, -1);
        }
        if (now != null) {
            applyDeployment(service, now, 1);
        }
    }

    public void replace(final String service, final IncidentFact old, final IncidentFact now) {
        if (old != null) {
            applyIncident(service, old, -1);
        }
        if (now != null) {
            applyIncident(service, now, 1);
        }
    }

    private void applyDeployment(final String service, final DeploymentFact fact, final int sign) {
        final String strategy = fact.getStrategy() == null ? UNSPECIFIED : fact.getStrategy().name();
        update(service, groupOf.apply(fact.getEnvironment()), epochDay(fact.getFinishedAt()), b -> {
            b.setDeployments(b.getDeployments() + sign);
            b.setFailedDeployments(b.getFailedDeployments() + (fact.getFailed() ? sign : 0));
            b.setReworkDeployments(b.getReworkDeployments() + (fact.getRework() ? sign : 0));
            b.setBaselineDeployments(b.getBaselineDeployments() + (fact.getBaseline() ? sign : 0));
            b.setUnknownShaDeployments(b.getUnknownShaDeployments() + (fact.getShaUnknown() ? sign : 0));
            b.setLeadTimeSamples(b.getLeadTimeSamples() + (long) sign * fact.getLeadTimeSamples());
            b.setLeadTimeHistogram(Histograms.combine(b.getLeadTimeHistogram(), fact.getLeadTimeHistogram(), sign));
            b.setDeploymentsByStrategy(addCount(b.getDeploymentsByStrategy(), strategy, sign));
            b.setFailedByStrategy(addCount(b.getFailedByStrategy(), strategy, fact.getFailed() ? sign : 0));
            b.setReworkByStrategy(addCount(b.getReworkByStrategy(), strategy, fact.getRework() ? sign : 0));
            b.setLeadTimeSamplesByStrategy(addCount(b.getLeadTimeSamplesByStrategy(), strategy,
                    (long) sign * fact.getLeadTimeSamples()));
            b.setLeadTimeHistogramByStrategy(addHistogram(b.getLeadTimeHistogramByStrategy(), strategy,
                    fact.getLeadTimeHistogram(), sign));
            if (fact.getRecoverySeconds() != null) {
                final var sample = Histograms.empty();
                sample.recordValue(fact.getRecoverySeconds());
                final ByteBuffer encoded = Histograms.encode(sample);
                b.setRecoverySamples(b.getRecoverySamples() + sign);
                b.setRecoveryHistogram(Histograms.combine(b.getRecoveryHistogram(), encoded, sign));
                b.setRecoverySamplesByStrategy(addCount(b.getRecoverySamplesByStrategy(), strategy, sign));
                b.setRecoveryHistogramByStrategy(addHistogram(b.getRecoveryHistogramByStrategy(), strategy,
                        encoded, sign));
            }
            return b;
        });
    }

    /**
     * A commit of {@code service} committed at {@code committedAt} becomes (1) or stops being (-1) undelivered to
     * production; counted in the production group's buckets only.
     */
    public void addUndeployedChange(final String service, final Instant committedAt, final int delta) {
        update(service, MetricsConfig.PRODUCTION, epochDay(committedAt), b -> {
            b.setUndeployedChanges(b.getUndeployedChanges() + delta);
            return b;
        });
    }

    private void applyIncident(final String service, final IncidentFact fact, final int sign) {
        final String group = groupOf.apply(fact.getEnvironment());
        final String severity = fact.getSeverity() == null ? UNSPECIFIED : fact.getSeverity().name();
        update(service, group, BucketKey.LIFETIME, b -> {
            b.setIncidentsOpened(b.getIncidentsOpened() + sign);
            b.setIncidentsResolved(b.getIncidentsResolved() + (fact.getResolvedAt() != null ? sign : 0));
            return b;
        });
        update(service, group, epochDay(fact.getOpenedAt()), b -> {
            b.setIncidentsOpened(b.getIncidentsOpened() + sign);
            if (fact.getAttributedDeployments().isEmpty()) {
                b.setUnattributedIncidents(b.getUnattributedIncidents() + sign);
            }
            if (fact.getSincePreviousSeconds() != null) {
                b.setFailureGapSamples(b.getFailureGapSamples() + sign);
                b.setFailureGapSecondsSum(b.getFailureGapSecondsSum() + sign * fact.getSincePreviousSeconds());
            }
            if (fact.getDetectSeconds() != null) {
                b.setDetectSamples(b.getDetectSamples() + sign);
                b.setDetectSecondsSum(b.getDetectSecondsSum() + sign * fact.getDetectSeconds());
            }
            b.setIncidentsBySeverity(addCount(b.getIncidentsBySeverity(), severity, sign));
            return b;
        });
        if (fact.getResolvedAt() != null) {
            final var sample = Histograms.empty();
            sample.recordValue(fact.getRestoreSeconds());
            final ByteBuffer encoded = Histograms.encode(sample);
            update(service, group, epochDay(fact.getResolvedAt()), b -> {
                b.setIncidentsResolved(b.getIncidentsResolved() + sign);
                b.setRestoreHistogram(Histograms.combine(b.getRestoreHistogram(), encoded, sign));
                b.setResolvedBySeverity(addCount(b.getResolvedBySeverity(), severity, sign));
                b.setRestoreHistogramBySeverity(addHistogram(b.getRestoreHistogramBySeverity(), severity, encoded, sign));
                return b;
            });
        }
    }

    /** Applies {@code change} to the service's row and to its team's and the organisation's parts. */
    private void update(final String service, final String group, final long day,
                        final UnaryOperator<DayBucket> change) {
        updateRow(Scope.service(service), group, day, change);
        final String team = teamOf.apply(service);
        if (team != null) {
            updateRow(Scope.team(team), group, day, change);
        }
        updateRow(Scope.ORGANISATION, group, day, change);
    }

    private void updateRow(final Scope scope, final String group, final long day,
                           final UnaryOperator<DayBucket> change) {
        final Bytes key = BucketKey.of(scope, group, day);
        final DayBucket current = store.get(key);
        // a row staged by this record is its own copy, changed in place; any other is copied once first
        final DayBucket mine = current == null ? DayBucket.newBuilder().build()
                : store.isStaged(key) ? current : DayBucket.newBuilder(current).build();
        final DayBucket next = change.apply(mine);
        if (isEmpty(next)) {
            store.delete(key);
        } else {
            store.put(key, next);
        }
    }

    /**
     * Moves every row of {@code service} from team {@code from}'s part to team {@code to}'s (either may be null,
     * for no team): a team's metrics cover its current services, with their whole history.
     */
    public void moveTeam(final String service, final String from, final String to) {
        for (final KeyValue<Bytes, DayBucket> row : store.prefix(BucketKey.prefix(Scope.service(service)))) {
            final BucketKey key = BucketKey.decode(row.key);
            if (from != null) {
                updateRow(Scope.team(from), key.group(), key.day(), b -> add(b, row.value, -1));
            }
            if (to != null) {
                updateRow(Scope.team(to), key.group(), key.day(), b -> add(b, row.value, 1));
            }
        }
    }

    /** {@code target} plus (sign 1) or minus (sign -1) everything {@code source} holds. */
    static DayBucket add(final DayBucket target, final DayBucket source, final int sign) {
        target.setDeployments(target.getDeployments() + sign * source.getDeployments());
        target.setFailedDeployments(target.getFailedDeployments() + sign * source.getFailedDeployments());
        target.setLeadTimeSamples(target.getLeadTimeSamples() + sign * source.getLeadTimeSamples());
        target.setIncidentsOpened(target.getIncidentsOpened() + sign * source.getIncidentsOpened());
        target.setIncidentsResolved(target.getIncidentsResolved() + sign * source.getIncidentsResolved());
        target.setRecoverySamples(target.getRecoverySamples() + sign * source.getRecoverySamples());
        target.setReworkDeployments(target.getReworkDeployments() + sign * source.getReworkDeployments());
        target.setDetectSamples(target.getDetectSamples() + sign * source.getDetectSamples());
        target.setDetectSecondsSum(target.getDetectSecondsSum() + sign * source.getDetectSecondsSum());
        target.setBaselineDeployments(target.getBaselineDeployments() + sign * source.getBaselineDeployments());
        target.setUnknownShaDeployments(target.getUnknownShaDeployments() + sign * source.getUnknownShaDeployments());
        target.setUndeployedChanges(target.getUndeployedChanges() + sign * source.getUndeployedChanges());
        target.setFailureGapSamples(target.getFailureGapSamples() + sign * source.getFailureGapSamples());
        target.setFailureGapSecondsSum(target.getFailureGapSecondsSum() + sign * source.getFailureGapSecondsSum());
        target.setUnattributedIncidents(target.getUnattributedIncidents() + sign * source.getUnattributedIncidents());
        target.setLeadTimeHistogram(Histograms.combine(target.getLeadTimeHistogram(), source.getLeadTimeHistogram(),
                sign));
        target.setRestoreHistogram(Histograms.combine(target.getRestoreHistogram(), source.getRestoreHistogram(), sign));
        target.setRecoveryHistogram(Histograms.combine(target.getRecoveryHistogram(), source.getRecoveryHistogram(),
                sign));
        target.setIncidentsBySeverity(addCounts(target.getIncidentsBySeverity(), source.getIncidentsBySeverity(), sign));
        target.setResolvedBySeverity(addCounts(target.getResolvedBySeverity(), source.getResolvedBySeverity(), sign));
        target.setDeploymentsByStrategy(addCounts(target.getDeploymentsByStrategy(), source.getDeploymentsByStrategy(),
                sign));
        target.setFailedByStrategy(addCounts(target.getFailedByStrategy(), source.getFailedByStrategy(), sign));
        target.setReworkByStrategy(addCounts(target.getReworkByStrategy(), source.getReworkByStrategy(), sign));
        target.setLeadTimeSamplesByStrategy(addCounts(target.getLeadTimeSamplesByStrategy(),
                source.getLeadTimeSamplesByStrategy(), sign));
        target.setRecoverySamplesByStrategy(addCounts(target.getRecoverySamplesByStrategy(),
                source.getRecoverySamplesByStrategy(), sign));
        target.setRestoreHistogramBySeverity(addHistograms(target.getRestoreHistogramBySeverity(),
                source.getRestoreHistogramBySeverity(), sign));
        target.setLeadTimeHistogramByStrategy(addHistograms(target.getLeadTimeHistogramByStrategy(),
                source.getLeadTimeHistogramByStrategy(), sign));
        target.setRecoveryHistogramByStrategy(addHistograms(target.getRecoveryHistogramByStrategy(),
                source.getRecoveryHistogramByStrategy(), sign));
        return target;
    }

    private static Map<String, Long> addCounts(final Map<String, Long> target, final Map<String, Long> source,
                                               final int sign) {
        Map<String, Long> out = target;
        for (final Map.Entry<String, Long> entry : source.entrySet()) {
            out = addCount(out, entry.getKey(), sign * entry.getValue());
        }
        return out;
    }

    private static Map<String, ByteBuffer> addHistograms(final Map<String, ByteBuffer> target,
                                                         final Map<String, ByteBuffer> source, final int sign) {
        Map<String, ByteBuffer> out = target;
        for (final Map.Entry<String, ByteBuffer> entry : source.entrySet()) {
            out = addHistogram(out, entry.getKey(), entry.getValue(), sign);
        }
        return out;
    }

    /**
     * Whether a bucket holds nothing; the counts checked imply the rest (no failed, rework or baseline deployment
     * without a deployment, no histogram without samples).
     */
    private static boolean isEmpty(final DayBucket b) {
        return LongStream.of(b.getDeployments(), b.getFailedDeployments(), b.getLeadTimeSamples(),
                        b.getRecoverySamples(), b.getDetectSamples(), b.getUndeployedChanges(), b.getFailureGapSamples(),
                        b.getIncidentsOpened(), b.getIncidentsResolved(), b.getUnattributedIncidents())
                .allMatch(count -> count == 0)
                && Stream.of(b.getIncidentsBySeverity(), b.getResolvedBySeverity(), b.getRestoreHistogramBySeverity(),
                        b.getDeploymentsByStrategy(), b.getFailedByStrategy(), b.getReworkByStrategy(),
                        b.getLeadTimeSamplesByStrategy(), b.getLeadTimeHistogramByStrategy(),
                        b.getRecoverySamplesByStrategy(), b.getRecoveryHistogramByStrategy())
                .allMatch(Map::isEmpty);
    }

    /** {@code counts} with {@code delta} added to {@code key}; a count that reaches zero is dropped. */
    private static Map<String, Long> addCount(final Map<String, Long> counts, final String key, final long delta) {
        if (delta == 0) {
            return counts;
        }
        final Map<String, Long> next = new TreeMap<>(counts);
        next.merge(key, delta, Long::sum);
        next.values().removeIf(count -> count == 0);
        return next;
    }

    /** {@code histograms} with the samples of {@code delta} added to or removed from {@code key}'s; empty ones dropped. */
    private static Map<String, ByteBuffer> addHistogram(final Map<String, ByteBuffer> histograms, final String key,
                                                        final ByteBuffer delta, final int sign) {
        if (delta == null || !delta.hasRemaining()) {
            return histograms;
        }
        final Map<String, ByteBuffer> next = new TreeMap<>(histograms);
        final ByteBuffer combined = Histograms.combine(next.get(key), delta, sign);
        if (combined.hasRemaining()) {
            next.put(key, combined);
        } else {
            next.remove(key);
        }
        return next;
    }
}
