package dev.dora.streams.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dora.state.ServiceInfo;
import dev.dora.streams.config.MetricsConfig;
import dev.dora.streams.metrics.Granularity;
import dev.dora.streams.query.KeptPeriods;
import dev.dora.streams.query.MetricsQuery;
import dev.dora.streams.query.WindowMetrics;
import dev.dora.streams.store.Scope;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * A series that takes periods computed before ({@link KeptPeriods}) must answer exactly what one computing every
 * period answers: for services, teams and the organisation, per day, week and month, for windows that share some of
 * their periods, with incidents open across them; and once the state's version moves, nothing kept before is given.
 */
@Tag("topology")
class KeptPeriodsTopologyTest {

    /** Where {@link ConvergenceTest#history}'s days end. */
    private static final LocalDate END = LocalDate.of(2026, 11, 1);

    @Test
    void seriesTakingKeptPeriodsAnswerAsSeriesComputingThemAll() {
        final List<SpecificRecord> history = ConvergenceTest.history(11);
        final int half = history.size() / 2;
        final AtomicLong version = new AtomicLong();
        final KeptPeriods kept = new KeptPeriods(2_000, () -> Optional.of(version.get()));
        try (PipelineDriver driver = new PipelineDriver().pipe(history.subList(0, half))) {
            final MetricsQuery keeping = new MetricsQuery(driver.stores(),
                    () -> MetricsQuery.byName(driver.stores().services()), kept);
            final int compared = compareEverySeries(driver, keeping);
            assertTrue(kept.given() > compared, "windows moved by days take most of their periods again: "
                    + kept.given() + " periods given, " + kept.computed() + " computed");

            driver.pipe(history.subList(half, history.size()));
            version.incrementAndGet();
            final long givenBefore = kept.given();
            final long computedBefore = kept.computed();
            compareEverySeries(driver, keeping);
            assertTrue(kept.computed() > computedBefore, "the state moved: its periods are computed again");
            assertTrue(kept.given() > givenBefore, "then taken again at the new version");
        }
    }

    @Test
    void withoutAVersionNothingIsKept() {
        final KeptPeriods kept = new KeptPeriods(2_000, Optional::empty);
        try (PipelineDriver driver = new PipelineDriver().pipe(ConvergenceTest.history(12))) {
            final MetricsQuery keeping = new MetricsQuery(driver.stores(),
                    () -> MetricsQuery.byName(driver.stores().services()), kept);
            compareEverySeries(driver, keeping);
            assertEquals(0, kept.given() + kept.computed());
        }
    }

    /** Every scope kind and granularity over windows sliding by a few days; answers the number of series compared. */
    private static int compareEverySeries(final PipelineDriver driver, final MetricsQuery keeping) {
        final List<ServiceInfo> services = driver.query().services();
        final List<Scope> scopes = List.of(Scope.ORGANISATION, Scope.team(services.get(0).getTeam()),
                Scope.service(services.get(services.size() - 1).getService()));
        int compared = 0;
        for (final Scope scope : scopes) {
            for (final String group : List.of(MetricsConfig.PRODUCTION, "staging")) {
                for (final Granularity granularity : List.of(Granularity.DAY, Granularity.WEEK, Granularity.MONTH)) {
                    for (int shift = 0; shift < 9; shift += 2) {
                        final List<Granularity.Period> periods = granularity.periods(END.minusDays(50 - shift),
                                END.minusDays(shift % 3));
                        final List<WindowMetrics> expected = driver.query().series(scope, group, periods);
                        assertEquals(expected, keeping.series(scope, group, periods),
                                () -> scope + " " + group + " " + granularity + " " + periods.get(0).start());
                        compared++;
                    }
                }
            }
        }
        return compared;
    }
}
