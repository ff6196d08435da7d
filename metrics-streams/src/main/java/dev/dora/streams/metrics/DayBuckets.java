package dev.dora.streams.metrics;

import dev.dora.facts.DeploymentFact;
import dev.dora.facts.IncidentFact;
import dev.dora.state.DayBucket;
import dev.dora.streams.config.MetricsConfig;
import dev.dora.streams.store.BucketKey;
import dev.dora.streams.store.Span;
import dev.dora.streams.store.Scope;
import dev.dora.streams.store.StagedStore;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;

/**
 * The per-(scope, environment group, UTC day) aggregates every window query merges. A fact moves a bucket by its
 * contribution; replacing a fact retracts the old contribution first, so late and corrected events converge
 * exactly. Every contribution of a service goes to three rows: the service's, its current team's part and the
 * organisation's part in this partition ({@link Scope}); when the service changes team, its rows move from the
 * old team's part to the new one's, so a team always sums exactly its current services' whole history. Each change
 * of a team's or the organisation's day row is also kept for the month row that holds the day ({@link Span},
 * {@link RollUps}), so month rows always equal the sum of their days. Keys are {@link BucketKey}s. A record's
 * changes are summed per bucket first ({@link BucketDelta}) and applied once, by {@link #flush()}.
 */
public final class DayBuckets {

    public static final long DAY_MS = 86_400_000L;
    /** The severity key of incidents that name none, and the strategy key of deployments that name none. */
    public static final String UNSPECIFIED = "unspecified";

    private final StagedStore<DayBucket> store;
    private final UnaryOperator<String> groupOf;
    private final UnaryOperator<String> teamOf;
    /** What the current record changes, per bucket, until {@link #flush()}. */
    private final Map<Bucket, BucketDelta> pending = new LinkedHashMap<>();
    /** What the current record changes in month rows, kept by the task only once it commits. */
    private final List<RollUps.Change> rollUps = new ArrayList<>();

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
        final BucketDelta d = pending(service, groupOf.apply(fact.getEnvironment()), epochDay(fact.getFinishedAt()));
        d.deployments += sign;
        d.failed += fact.getFailed() ? sign : 0;
        d.rework += fact.getRework() ? sign : 0;
        d.baseline += fact.getBaseline() ? sign : 0;
        d.unknownSha += fact.getShaUnknown() ? sign : 0;
        final long samples = (long) sign * fact.getLeadTimeSamples();
        d.leadTimeSamples += samples;
        // decoded once for both: a fact's histogram is HdrHistogram's compressed encoding, costly to inflate
        final long[] leadTimes = Histograms.buckets(fact.getLeadTimeHistogram());
        Histograms.countInto(d.leadTimes, leadTimes, sign);
        BucketDelta.count(d.byStrategy, strategy, sign);
        BucketDelta.count(d.failedByStrategy, strategy, fact.getFailed() ? sign : 0);
        BucketDelta.count(d.reworkByStrategy, strategy, fact.getRework() ? sign : 0);
        BucketDelta.count(d.leadTimeSamplesByStrategy, strategy, samples);
        Histograms.countInto(BucketDelta.histogram(d.leadTimesByStrategy, strategy), leadTimes, sign);
        if (fact.getRecoverySeconds() != null) {
            final long value = Histograms.bucketValue(fact.getRecoverySeconds());
            d.recoverySamples += sign;
            d.recoveries.merge(value, (long) sign, Long::sum);
            BucketDelta.count(d.recoverySamplesByStrategy, strategy, sign);
            BucketDelta.histogram(d.recoveriesByStrategy, strategy).merge(value, (long) sign, Long::sum);
        }
    }

    /**
     * A commit of {@code service} committed at {@code committedAt} becomes (1) or stops being (-1) undelivered to
     * production; counted in the production group's buckets only.
     */
    public void addUndeployedChange(final String service, final Instant committedAt, final int delta) {
        pending(service, MetricsConfig.PRODUCTION, epochDay(committedAt)).undeployed += delta;
    }

    private void applyIncident(final String service, final IncidentFact fact, final int sign) {
        final String group = groupOf.apply(fact.getEnvironment());
        final String severity = fact.getSeverity() == null ? UNSPECIFIED : fact.getSeverity().name();
        final BucketDelta lifetime = pending(service, group, BucketKey.LIFETIME);
        lifetime.opened += sign;
        lifetime.resolved += fact.getResolvedAt() != null ? sign : 0;
        final BucketDelta opened = pending(service, group, epochDay(fact.getOpenedAt()));
        opened.opened += sign;
        if (fact.getAttributedDeployments().isEmpty()) {
            opened.unattributed += sign;
        }
        if (fact.getSincePreviousSeconds() != null) {
            opened.gapSamples += sign;
            opened.gapSum += sign * fact.getSincePreviousSeconds();
        }
        if (fact.getDetectSeconds() != null) {
            opened.detectSamples += sign;
            opened.detectSum += sign * fact.getDetectSeconds();
        }
        BucketDelta.count(opened.bySeverity, severity, sign);
        if (fact.getResolvedAt() != null) {
            final long value = Histograms.bucketValue(fact.getRestoreSeconds());
            final BucketDelta resolved = pending(service, group, epochDay(fact.getResolvedAt()));
            resolved.resolved += sign;
            resolved.restores.merge(value, (long) sign, Long::sum);
            BucketDelta.count(resolved.resolvedBySeverity, severity, sign);
            BucketDelta.histogram(resolved.restoresBySeverity, severity).merge(value, (long) sign, Long::sum);
        }
    }

    /** The record's delta of one of a service's buckets. */
    private BucketDelta pending(final String service, final String group, final long day) {
        return pending.computeIfAbsent(new Bucket(service, group, day), b -> new BucketDelta());
    }

    /**
     * Applies what the record's facts changed to the rows they feed: each bucket's service row, its team's part and
     * the organisation's part, each read and written once. Called once per record, after the facts are derived and
     * any team change is made (a moved service's rows have then moved, and the delta follows its new team).
     */
    public void flush() {
        for (final Map.Entry<Bucket, BucketDelta> entry : pending.entrySet()) {
            final BucketDelta delta = entry.getValue();
            if (!delta.isZero()) {
                final Bucket b = entry.getKey();
                update(b.service(), b.group(), b.day(), delta);
            }
        }
        pending.clear();
    }

    /** A (service, environment group, day) bucket. */
    private record Bucket(String service, String group, long day) {
    }

    /** Applies {@code delta} to the service's row and to its team's and the organisation's parts. */
    private void update(final String service, final String group, final long day, final BucketDelta delta) {
        updateRow(Scope.service(service), group, day, delta);
        final String team = teamOf.apply(service);
        if (team != null) {
            updateRow(Scope.team(team), group, day, delta);
        }
        updateRow(Scope.ORGANISATION, group, day, delta);
    }

    private void updateRow(final Scope scope, final String group, final long day, final BucketDelta delta) {
        final Bytes key = BucketKey.of(scope, group, day);
        final DayBucket current = store.get(key);
        // a row staged by this record is its own copy, changed in place; any other is copied once first
        final DayBucket mine = current == null ? DayBucket.newBuilder().build()
                : store.isStaged(key) ? current : shallowCopy(current);
        final DayBucket next = delta.applyTo(mine);
        if (isEmpty(next)) {
            store.delete(key);
        } else {
            store.put(key, next);
        }
        if (scope.kind() != Scope.Kind.SERVICE) {
            // the month row that holds the day (the lifetime row's copy among the month rows), once committed
            final long month = day == BucketKey.LIFETIME ? day : Span.MONTH.start(day);
            rollUps.add(new RollUps.Change(BucketKey.of(scope, Span.MONTH, group, month), delta,
                    day == BucketKey.LIFETIME ? -1 : (int) (day - month)));
        }
    }

    /** The record's changes of month rows, for {@link RollUps#add} once the record commits. */
    public List<RollUps.Change> rollUpChanges() {
        return rollUps;
    }

    /**
     * A new row holding the same field values as {@code row}. Sharing them is safe, and spares Avro's deep copy of
     * ten maps and three histograms: no change to a row mutates a map or a histogram it holds, each sets a new one
     * ({@link BucketDelta#applyTo}).
     */
    static DayBucket shallowCopy(final DayBucket row) {
        final DayBucket copy = new DayBucket();
        final int fields = DayBucket.getClassSchema().getFields().size();
        for (int i = 0; i < fields; i++) {
            copy.put(i, row.get(i));
        }
        return copy;
    }

    /**
     * Moves every row of {@code service} from team {@code from}'s part to team {@code to}'s (either may be null,
     * for no team): a team's metrics cover its current services, with their whole history.
     */
    public void moveTeam(final String service, final String from, final String to) {
        for (final KeyValue<Bytes, DayBucket> row : store.prefix(BucketKey.prefix(Scope.service(service)))) {
            final BucketKey key = BucketKey.decode(row.key);
            if (from != null) {
                updateRow(Scope.team(from), key.group(), key.day(), BucketDelta.of(row.value, -1));
            }
            if (to != null) {
                updateRow(Scope.team(to), key.group(), key.day(), BucketDelta.of(row.value, 1));
            }
        }
    }

    /**
     * Whether a bucket holds nothing; the counts checked imply the rest (no failed, rework or baseline deployment
     * without a deployment, no histogram without samples).
     */
    static boolean isEmpty(final DayBucket b) {
        final long[] counts = {b.getDeployments(), b.getFailedDeployments(), b.getLeadTimeSamples(),
            b.getRecoverySamples(), b.getDetectSamples(), b.getUndeployedChanges(), b.getFailureGapSamples(),
            b.getIncidentsOpened(), b.getIncidentsResolved(), b.getUnattributedIncidents()};
        for (final long count : counts) {
            if (count != 0) {
                return false;
            }
        }
        final List<Map<String, ?>> maps = List.of(b.getIncidentsBySeverity(), b.getResolvedBySeverity(),
                b.getRestoreHistogramBySeverity(), b.getDeploymentsByStrategy(), b.getFailedByStrategy(),
                b.getReworkByStrategy(), b.getLeadTimeSamplesByStrategy(), b.getLeadTimeHistogramByStrategy(),
                b.getRecoverySamplesByStrategy(), b.getRecoveryHistogramByStrategy());
        for (final Map<String, ?> map : maps) {
            if (!map.isEmpty()) {
                return false;
            }
        }
        return true;
    }
}
