package dev.dora.streams.query;

import dev.dora.state.ServiceInfo;
import dev.dora.streams.config.MetricsConfig;
import dev.dora.streams.metrics.Granularity;
import dev.dora.streams.store.BucketKey;
import dev.dora.streams.store.Span;
import dev.dora.streams.store.Scope;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.function.Supplier;

/**
 * Answers metric queries for a scope and a window of whole UTC days by adding up the scope's day buckets
 * ({@link BucketTotals}). The ledgers keep a service's rows and each partition's part of every team and of the
 * organisation ({@link Scope}), so a team or the organisation costs one range read per partition, however many
 * services it has, and no query reads a deployment. It reads through a {@link StoreReader}: the local stores, or
 * every instance of the application; the rows may come from several partitions in any order, and add up exactly
 * (counts add, histograms merge, and quantiles and rates are computed once, from the sums).
 */
public final class MetricsQuery {

    private final StoreReader reader;
    private final Supplier<List<ServiceInfo>> services;
    private final KeptPeriods kept;

    public MetricsQuery(final StoreReader reader) {
        this(reader, () -> byName(reader.services()), KeptPeriods.none());
    }

    /**
     * @param services every known service, by name, as {@link #byName} lists them (a kept listing, say)
     * @param kept     the periods' metrics already computed at the state's version, which a series takes again
     */
    public MetricsQuery(final StoreReader reader, final Supplier<List<ServiceInfo>> services, final KeptPeriods kept) {
        this.reader = reader;
        this.services = services;
        this.kept = kept;
    }

    /** Every known service, by name; not to be changed. */
    public List<ServiceInfo> services() {
        return services.get();
    }

    /** {@code services} sorted by name, unmodifiable. */
    public static List<ServiceInfo> byName(final Collection<ServiceInfo> services) {
        final List<ServiceInfo> all = new ArrayList<>(services);
        all.sort(Comparator.comparing(ServiceInfo::getService));
        return Collections.unmodifiableList(all);
    }

    public Optional<ServiceInfo> service(final String name) {
        return reader.service(name);
    }

    /** The scope a query names: one service, one team, or (neither) the organisation. */
    public static Scope scope(final String service, final String team) {
        return service != null ? Scope.service(service) : team != null ? Scope.team(team) : Scope.ORGANISATION;
    }

    /** The services a scope covers: one service, every service whose current team is {@code team}, or all. */
    public List<String> servicesIn(final String service, final String team) {
        if (service != null) {
            return service(service).map(s -> List.of(s.getService())).orElse(List.of());
        }
        return services().stream()
                .filter(s -> team == null || Objects.equals(team, s.getTeam()))
                .map(ServiceInfo::getService)
                .toList();
    }

    /** Every environment group the named services' deployments and incidents have named. */
    public SortedSet<String> environmentsOf(final List<String> names) {
        final SortedSet<String> environments = new TreeSet<>();
        for (final String name : names) {
            service(name).ifPresent(info -> environments.addAll(info.getEnvironments()));
        }
        return environments;
    }

    /** The metrics of {@code scope} in environment {@code group} over the days [fromDay, toDay) (epoch days, UTC). */
    public WindowMetrics metrics(final Scope scope, final String group, final long fromDay, final long toDay) {
        return series(scope, group, List.of(new Granularity.Period(
                LocalDate.ofEpochDay(fromDay), LocalDate.ofEpochDay(toDay)))).get(0);
    }

    /**
     * The metrics of each of {@code periods} (consecutive, in order), from one range read of the scope's rows from
     * the first period's start. The incidents open at each period's end come from the scope's lifetime counts minus
     * what opened and resolved from then on, so no query reads the days before its window. A period computed before
     * at the state's current version ({@link KeptPeriods}) is taken again, and its rows are not read.
     */
    public List<WindowMetrics> series(final Scope scope, final String group, final List<Granularity.Period> periods) {
        final KeptPeriods.At at = kept.now();
        final long[] starts = starts(periods);
        final int n = periods.size();
        final WindowMetrics[] out = new WindowMetrics[n];
        final long[] netIn = new long[n];
        final boolean[] needed = new boolean[n];
        final BucketTotals[] totals = new BucketTotals[n];
        int first = -1;
        for (int i = 0; i < n; i++) {
            final KeptPeriods.Kept period = at.get(new KeptPeriods.Key(scope, group, starts[i], starts[i + 1]));
            if (period != null) {
                out[i] = period.metrics();
                netIn[i] = period.netIncidents();
            } else {
                needed[i] = true;
                totals[i] = new BucketTotals();
                first = first < 0 ? i : first;
            }
        }
        if (first < 0) {
            return List.of(out);
        }
        compute(scope, group, starts, totals, needed, netIn, out);
        for (int i = first; i < n; i++) {
            if (needed[i]) {
                at.keep(new KeptPeriods.Key(scope, group, starts[i], starts[i + 1]),
                        new KeptPeriods.Kept(out[i], netIn[i]));
            }
        }
        return List.of(out);
    }

    /**
     * The metrics of {@code scope} over [fromDay, toDay) and the median of its weeks' deploy days, which its tiers
     * need ({@link #deployDaysPerWeekMedian}), from the one read of the window's rows: a team's or the organisation's
     * month rows count their days' deployments.
     */
    public TieredWindow tieredMetrics(final Scope scope, final String group, final long fromDay, final long toDay) {
        final long[] starts = starts(List.of(new Granularity.Period(LocalDate.ofEpochDay(fromDay),
                LocalDate.ofEpochDay(toDay))));
        final BucketTotals[] totals = {new BucketTotals()};
        final WindowMetrics[] metrics = new WindowMetrics[1];
        compute(scope, group, starts, totals, RowCover.every(1), new long[1], metrics);
        return new TieredWindow(metrics[0], weeklyMedian(totals[0].deployDaySet(), fromDay, toDay));
    }

    /** A window's metrics and the median over its weeks of the days on which its scope deployed. */
    public record TieredWindow(WindowMetrics metrics, double deployDaysPerWeekMedian) {
    }

    /**
     * Reads the rows of the periods {@code needed} says into {@code totals} and their incidents into {@code netIn}
     * ({@link #read}), then makes those periods' metrics into {@code out}.
     */
    private void compute(final Scope scope, final String group, final long[] starts, final BucketTotals[] totals,
                         final boolean[] needed, final long[] netIn, final WindowMetrics[] out) {
        final long[] openAtEnd = read(scope, group, starts, totals, needed, netIn);
        final boolean production = MetricsConfig.PRODUCTION.equals(group);
        final BuildWindows builds = builds(scope, firstBuildDay(starts, needed));
        for (int i = 0; i < out.length; i++) {
            if (needed[i]) {
                out[i] = totals[i].metrics(starts[i + 1] - starts[i], openAtEnd[i], production,
                        builds.window(starts[i], starts[i + 1]));
            }
        }
    }

    /**
     * The scope's build rows from {@code fromDay} on, for the pipeline health of windows from the day after the one
     * before them. Builds have no environment, so every environment of a scope has the same pipeline health.
     */
    private BuildWindows builds(final Scope scope, final long fromDay) {
        return new BuildWindows(reader.buildBuckets(scope, fromDay, BucketKey.LIFETIME));
    }

    /**
     * The first day of build rows that the periods {@code needed} says need: each period's health compares its coverage
     * with the window of the same length before it, so a series whose first period is clipped to a day still needs a
     * whole week before its second.
     */
    private static long firstBuildDay(final long[] starts, final boolean[] needed) {
        long first = Long.MAX_VALUE;
        for (int i = 0; i < needed.length; i++) {
            if (needed[i]) {
                first = Math.min(first, BuildWindows.firstDayNeeded(starts[i], starts[i + 1]));
            }
        }
        return first;
    }

    /** Whether the scope has month rows: a team and the organisation do, a service does not. */
    private static boolean hasRollUps(final Scope scope) {
        return scope.kind() != Scope.Kind.SERVICE;
    }

    /**
     * Reads the scope's rows of the periods {@code needed} says, each day once ({@link RowCover}: whole months of a
     * team or the organisation from their month rows), and every day after the last period: adds each row to its
     * period's totals and its incidents opened minus resolved to {@code netIn}, which holds the other periods' already,
     * and answers the incidents open at each period's end (the lifetime counts minus what opened and resolved from then
     * on).
     */
    private long[] read(final Scope scope, final String group, final long[] starts, final BucketTotals[] totals,
                        final boolean[] needed, final long[] netIn) {
        final int n = totals.length;
        long netAfter = 0;
        long lifetimeNet = 0;
        for (final RowCover.Read read : RowCover.window(starts, hasRollUps(scope), needed)) {
            for (final BucketRow row : reader.buckets(scope, read.span(), group, read.from(), read.last())) {
                final long day = row.day();
                final long net = row.bucket().getIncidentsOpened() - row.bucket().getIncidentsResolved();
                if (day == BucketKey.LIFETIME) {
                    lifetimeNet += net;
                } else if (day >= starts[n]) {
                    netAfter += net;
                } else {
                    final int period = period(starts, day);
                    netIn[period] += net;
                    totals[period].add(read.span(), day, row.bucket());
                }
            }
        }
        final long[] openAtEnd = new long[n];
        long netFromEnd = netAfter;
        for (int i = n - 1; i >= 0; i--) {
            openAtEnd[i] = lifetimeNet - netFromEnd;
            netFromEnd += netIn[i];
        }
        return openAtEnd;
    }

    /**
     * Each of {@code weeks} (consecutive) with the week before it and the {@code trailing} weeks before it taken
     * together, for reports that compare a week with its recent past; one range read from {@code trailing} weeks
     * before the first.
     */
    public List<WeekMetrics> weeks(final Scope scope, final String group, final List<Granularity.Period> weeks,
                                   final int trailing) {
        final List<Granularity.Period> periods = new ArrayList<>();
        LocalDate start = weeks.get(0).start();
        for (int i = 0; i < trailing; i++) {
            start = start.minusWeeks(1);
            periods.add(0, new Granularity.Period(start, start.plusWeeks(1)));
        }
        periods.addAll(weeks);
        final long[] starts = starts(periods);
        final BucketTotals[] totals = new BucketTotals[periods.size()];
        for (int i = 0; i < totals.length; i++) {
            totals[i] = new BucketTotals();
        }
        final long[] openAtEnd = read(scope, group, starts, totals, RowCover.every(periods.size()),
                new long[periods.size()]);
        final boolean production = MetricsConfig.PRODUCTION.equals(group);
        final BuildWindows builds = builds(scope, BuildWindows.firstDayNeeded(starts[0], starts[trailing]));
        final List<WeekMetrics> out = new ArrayList<>(weeks.size());
        for (int i = trailing; i < periods.size(); i++) {
            final BucketTotals before = new BucketTotals();
            for (int j = i - trailing; j < i; j++) {
                before.merge(totals[j]);
            }
            out.add(new WeekMetrics(periods.get(i),
                    totals[i].metrics(7, openAtEnd[i], production, builds.window(starts[i], starts[i + 1])),
                    totals[i].deployDays(),
                    totals[i - 1].metrics(7, openAtEnd[i - 1], production, builds.window(starts[i - 1], starts[i])),
                    before.metrics(7L * trailing, openAtEnd[i - 1], production,
                            builds.window(starts[i - trailing], starts[i]))));
        }
        return out;
    }

    /**
     * One week's metrics, the number of days of it on which the scope deployed, and the metrics of the week before
     * and of the weeks before it together.
     */
    public record WeekMetrics(Granularity.Period week, WindowMetrics metrics, int deployDays,
                              WindowMetrics previousWeek, WindowMetrics weeksBefore) {
    }

    /** The period holding {@code day}: the last whose start is at or before it. */
    private static int period(final long[] starts, final long day) {
        final int found = Arrays.binarySearch(starts, 0, starts.length - 1, day);
        return found >= 0 ? found : -found - 2;
    }

    /**
     * The first and the last day on which the scope has a row of {@code group} (a deployment, an incident, a change),
     * as epoch days, if it has any; the rows may come from several partitions in any order.
     */
    public Optional<DataDays> dataDays(final Scope scope, final String group) {
        if (!hasRollUps(scope)) {
            return span(scope, Span.DAY, group, Long.MIN_VALUE, BucketKey.LAST_DAY);
        }
        // the first and last month rows, then the day rows of those two months only
        final Optional<DataDays> months = span(scope, Span.MONTH, group, Long.MIN_VALUE, BucketKey.LAST_DAY);
        if (months.isEmpty()) {
            return Optional.empty();
        }
        final long firstMonth = months.get().first();
        final long lastMonth = months.get().last();
        final Optional<DataDays> first = span(scope, Span.DAY, group, firstMonth, Span.MONTH.next(firstMonth) - 1);
        final Optional<DataDays> last = span(scope, Span.DAY, group, lastMonth, Span.MONTH.next(lastMonth) - 1);
        // a month row holds what its days hold, so both have days; were that not so, every day row would answer
        return first.isPresent() && last.isPresent() ? Optional.of(new DataDays(first.get().first(), last.get().last()))
                : span(scope, Span.DAY, group, Long.MIN_VALUE, BucketKey.LAST_DAY);
    }

    /** The first and the last first day of the scope's rows of {@code span} in [from, last], if it has any. */
    private Optional<DataDays> span(final Scope scope, final Span span, final String group, final long from,
                                    final long last) {
        long first = Long.MAX_VALUE;
        long latest = Long.MIN_VALUE;
        for (final BucketRow row : reader.buckets(scope, span, group, from, last)) {
            first = Math.min(first, row.day());
            latest = Math.max(latest, row.day());
        }
        return first == Long.MAX_VALUE ? Optional.empty() : Optional.of(new DataDays(first, latest));
    }

    /** The first and last epoch day with data. */
    public record DataDays(long first, long last) {
    }

    /** The epoch days at which the periods start, then the day the last one ends. */
    private static long[] starts(final List<Granularity.Period> periods) {
        final int n = periods.size();
        final long[] starts = new long[n + 1];
        for (int i = 0; i < n; i++) {
            starts[i] = periods.get(i).start().toEpochDay();
            if (i > 0 && starts[i] != periods.get(i - 1).end().toEpochDay()) {
                throw new IllegalArgumentException("periods must follow each other: " + periods);
            }
        }
        starts[n] = periods.get(n - 1).end().toEpochDay();
        return starts;
    }

    /**
     * The median, over the ISO weeks of [fromDay, toDay) (the first and last clipped), of the number of days on
     * which at least one service in scope deployed: how habitually a scope deploys, which a burst of deployments on
     * one day does not inflate. A team's or the organisation's whole months come from their month rows, which count
     * their days' deployments ({@link #tieredMetrics} takes them from the metrics' own read).
     */
    public double deployDaysPerWeekMedian(final Scope scope, final String group, final long fromDay,
                                          final long toDay) {
        final Set<Long> deployDays = new HashSet<>();
        for (final RowCover.Read read : RowCover.days(fromDay, toDay, hasRollUps(scope))) {
            for (final BucketRow row : reader.buckets(scope, read.span(), group, read.from(), read.last())) {
                BucketTotals.addDeployDays(read.span(), row.day(), row.bucket(), deployDays);
            }
        }
        return weeklyMedian(deployDays, fromDay, toDay);
    }

    /** The median, over the ISO weeks of [fromDay, toDay) (the first and last clipped), of their deploy days. */
    private static double weeklyMedian(final Set<Long> deployDays, final long fromDay, final long toDay) {
        final List<Long> perWeek = new ArrayList<>();
        for (final Granularity.Period week : Granularity.WEEK.periods(LocalDate.ofEpochDay(fromDay),
                LocalDate.ofEpochDay(toDay))) {
            perWeek.add(deployDays.stream()
                    .filter(d -> d >= week.start().toEpochDay() && d < week.end().toEpochDay()).count());
        }
        perWeek.sort(null);
        return perWeek.isEmpty() ? 0 : perWeek.get((int) Math.ceil(0.5 * perWeek.size()) - 1);
    }
}
