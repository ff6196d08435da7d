package dev.dora.streams.topology;

import static dev.dora.streams.topology.PipelineDriver.build;
import static dev.dora.streams.topology.PipelineDriver.buildBuilder;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.dora.events.BuildEvent;
import dev.dora.events.BuildStatus;
import dev.dora.streams.config.MetricsConfig;
import dev.dora.streams.metrics.Granularity;
import dev.dora.streams.model.ReferenceModel;
import dev.dora.streams.query.WindowMetrics;
import dev.dora.streams.query.WindowMetrics.PipelineHealth;
import dev.dora.streams.store.Scope;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Pipeline health on the whole topology: counts, durations, the episodes of a broken default branch and coverage,
 * the same whatever the order, when builds arrive late, are corrected or move to another team's service.
 */
@Tag("topology")
class PipelineHealthTopologyTest {

    private static final Instant T0 = Instant.parse("2026-10-01T00:00:00Z");
    private static final Instant FROM = T0.minus(Duration.ofDays(10));
    private static final Instant TO = T0.plus(Duration.ofDays(10));

    private static Instant h(final double hours) {
        return T0.plus(Duration.ofMinutes(Math.round(hours * 60)));
    }

    /**
     * On main: b1 ok, b2 fails at hour 2 (breaks), b3 fails, b4 passes at hour 5 (fixes after 3 h), b5 fails at 8
     * (still broken at the end); a feature branch fails (counted, no episode); b6 is cancelled; one still runs.
     */
    private static List<SpecificRecord> history() {
        return List.of(
                buildBuilder("b1", "shop", "main", BuildStatus.success, h(1), 300).setCoverage(0.80).build(),
                build("b2", "shop", "main", BuildStatus.failure, h(2), 400),
                build("b3", "shop", "main", BuildStatus.failure, h(3), 500),
                buildBuilder("b4", "shop", "main", BuildStatus.success, h(5), 900).setCoverage(0.82).build(),
                build("f1", "shop", "feature/x", BuildStatus.failure, h(6), 200),
                build("b6", "shop", "main", BuildStatus.cancelled, h(7), 60),
                build("b5", "shop", "main", BuildStatus.failure, h(8), 300),
                build("r1", "shop", "main", BuildStatus.in_progress, h(9), 0));
    }

    @Test
    void countsDurationsEpisodesAndCoverageOfOneService() {
        try (PipelineDriver driver = new PipelineDriver()) {
            driver.pipe(history());
            final PipelineHealth health = driver.metrics("shop", null, FROM, TO).pipelineHealth();
            assertEquals(7, health.runs(), "finished builds; the running one counts nowhere yet");
            assertEquals(2, health.succeeded());
            assertEquals(4, health.failed());
            assertEquals(1, health.cancelled());
            assertEquals(2.0 / 6, health.successRate());
            assertEquals(7, health.durationSamples());
            assertEquals(0.5, health.under10Minutes(), "b1 took 300 s, b4 900 s");
            assertEquals(1, health.brokenDefaultBranch().episodes());
            assertEquals(3 * 3600.0, health.brokenDefaultBranch().medianTimeToFixSeconds(), 3 * 3600 * 0.01);
            assertEquals(1, health.brokenDefaultBranch().openNow(), "b5 broke main again");
            assertEquals(0.82, health.coverage().latest());
            assertNull(health.coverage().change(), "no coverage in the window before");
            assertEquals(health, driver.metrics("shop", null, "staging", FROM, TO).pipelineHealth(),
                    "builds have no environment");
            final WindowMetrics org = driver.metrics(null, null, FROM, TO);
            assertEquals(health, org.pipelineHealth());
            assertEquals(health, org.breakdowns().pipeline().get("ci"));
            assertEquals(health, driver.metrics(null, "team-shop", FROM, TO).pipelineHealth());
        }
    }

    @Test
    void theAnswerIsTheSameInEveryOrderWithDuplicatesAndCorrections() {
        final PipelineHealth expected;
        try (PipelineDriver driver = new PipelineDriver()) {
            expected = driver.pipe(history()).metrics(null, null, FROM, TO).pipelineHealth();
        }
        for (int seed = 0; seed < 5; seed++) {
            final List<SpecificRecord> shuffled = new ArrayList<>(history());
            shuffled.addAll(history());
            // earlier states of some builds, which lose to the later ones whenever they come
            shuffled.add(buildBuilder("b4", "shop", "main", BuildStatus.in_progress, h(5), 900).setFinishedAt(null)
                    .setOccurredAt(h(4)).build());
            shuffled.add(buildBuilder("b2", "shop", "main", BuildStatus.success, h(2), 400)
                    .setOccurredAt(h(1.5)).build());
            Collections.shuffle(shuffled, new Random(seed));
            try (PipelineDriver driver = new PipelineDriver()) {
                assertEquals(expected, driver.pipe(shuffled).metrics(null, null, FROM, TO).pipelineHealth(),
                        "seed " + seed);
            }
        }
    }

    @Test
    void aLateSuccessSplitsAnEpisodeAndACorrectionMergesItAgain() {
        try (PipelineDriver driver = new PipelineDriver()) {
            driver.pipe(history());
            // a late success between b2 and b3: b2's episode ends at hour 2.5, b3 starts another ended by b4
            driver.pipe(build("late", "shop", "main", BuildStatus.success, h(2.5), 100));
            PipelineHealth health = driver.metrics("shop", null, FROM, TO).pipelineHealth();
            assertEquals(2, health.brokenDefaultBranch().episodes());
            assertEquals(1, health.brokenDefaultBranch().openNow());
            // corrected to a failure: one episode again, from b2 to b4
            final BuildEvent corrected = buildBuilder("late", "shop", "main", BuildStatus.failure, h(2.5), 100)
                    .setOccurredAt(h(2.6)).build();
            driver.pipe(corrected);
            health = driver.metrics("shop", null, FROM, TO).pipelineHealth();
            assertEquals(1, health.brokenDefaultBranch().episodes());
            assertEquals(3 * 3600.0, health.brokenDefaultBranch().medianTimeToFixSeconds(), 3 * 3600 * 0.01);
            // b5 fixed late: nothing open any more
            driver.pipe(build("b7", "shop", "main", BuildStatus.success, h(9.5), 100));
            assertEquals(0, driver.metrics("shop", null, FROM, TO).pipelineHealth().brokenDefaultBranch().openNow());
        }
    }

    @Test
    void aLateFailureBeforeTheOneThatBrokeTheBranchMovesTheEpisodesStart() {
        try (PipelineDriver driver = new PipelineDriver()) {
            driver.pipe(build("s", "shop", "main", BuildStatus.success, h(1), 60),
                    build("f1", "shop", "main", BuildStatus.failure, h(3), 60),
                    build("f2", "shop", "main", BuildStatus.failure, h(4), 60),
                    build("c", "shop", "main", BuildStatus.cancelled, h(4.5), 60),
                    build("ok", "shop", "main", BuildStatus.success, h(6), 60),
                    build("f3", "shop", "main", BuildStatus.failure, h(7), 60));
            assertEquals(3 * 3600.0, driver.metrics("shop", null, FROM, TO).pipelineHealth().brokenDefaultBranch()
                    .medianTimeToFixSeconds(), 3 * 36.0);
            driver.pipe(build("f0", "shop", "main", BuildStatus.failure, h(2), 60));
            final PipelineHealth health = driver.metrics("shop", null, FROM, TO).pipelineHealth();
            assertEquals(1, health.brokenDefaultBranch().episodes());
            assertEquals(4 * 3600.0, health.brokenDefaultBranch().medianTimeToFixSeconds(), 4 * 36.0);
            assertEquals(1, health.brokenDefaultBranch().openNow(), "f3 still broke it again");
            // the first failure leaves: f1 breaks the branch again, and the fix took 3 h as before
            driver.pipe(buildBuilder("f0", "cart", "main", BuildStatus.failure, h(2), 60).setOccurredAt(h(8)).build());
            assertEquals(3 * 3600.0, driver.metrics("shop", null, FROM, TO).pipelineHealth().brokenDefaultBranch()
                    .medianTimeToFixSeconds(), 3 * 36.0);
        }
    }

    @Test
    void anEpisodeOpenAtAWindowsEndIsCountedThenAndEndedInTheWindowItEnds() {
        try (PipelineDriver driver = new PipelineDriver()) {
            driver.pipe(build("a", "shop", "main", BuildStatus.failure, h(20), 100),
                    build("b", "shop", "main", BuildStatus.success, h(50), 100));
            final PipelineHealth first = driver.metrics("shop", null, T0, T0.plus(Duration.ofDays(1))).pipelineHealth();
            assertEquals(0, first.brokenDefaultBranch().episodes());
            assertEquals(1, first.brokenDefaultBranch().openNow());
            final PipelineHealth third = driver.metrics("shop", null, T0.plus(Duration.ofDays(2)),
                    T0.plus(Duration.ofDays(3))).pipelineHealth();
            assertEquals(1, third.brokenDefaultBranch().episodes());
            assertEquals(0, third.brokenDefaultBranch().openNow());
        }
    }

    @Test
    void theCatalogsDefaultBranchDecidesWhichBranchBreaks() {
        try (PipelineDriver driver = new PipelineDriver()) {
            driver.pipe(buildBuilder("a", "shop", "develop", BuildStatus.failure, h(1), 100)
                            .setDefaultBranch("develop").build(),
                    buildBuilder("b", "shop", "main", BuildStatus.failure, h(2), 100).setDefaultBranch("develop")
                            .build());
            assertEquals(1, driver.metrics("shop", null, FROM, TO).pipelineHealth().brokenDefaultBranch().openNow());
        }
    }

    @Test
    void coverageIsTheLatestAndItsChangeAgainstTheWindowBefore() {
        try (PipelineDriver driver = new PipelineDriver()) {
            driver.pipe(buildBuilder("a", "shop", "main", BuildStatus.success, h(1), 100).setCoverage(0.5).build(),
                    buildBuilder("b", "shop", "main", BuildStatus.success, h(25), 100).setCoverage(0.7).build(),
                    buildBuilder("c", "shop", "main", BuildStatus.success, h(30), 100).setCoverage(0.6).build(),
                    buildBuilder("d", "shop", "feature", BuildStatus.success, h(31), 100).setCoverage(0.1).build(),
                    buildBuilder("e", "cart", "main", BuildStatus.success, h(26), 100).setCoverage(0.9).build());
            final Instant day1 = T0.plus(Duration.ofDays(1));
            final PipelineHealth shop = driver.metrics("shop", null, day1, day1.plus(Duration.ofDays(1)))
                    .pipelineHealth();
            assertEquals(0.6, shop.coverage().latest(), "the latest on the default branch");
            assertEquals(0.6 - 0.5, shop.coverage().change(), 1e-9);
            final PipelineHealth org = driver.metrics(null, null, day1, day1.plus(Duration.ofDays(1)))
                    .pipelineHealth();
            assertEquals((0.6 + 0.9) / 2, org.coverage().latest(), 1e-9, "the mean of each service's latest");
            // c loses its coverage: b's is the latest of the day again
            driver.pipe(buildBuilder("c", "shop", "main", BuildStatus.success, h(30), 100).setOccurredAt(h(31))
                    .build());
            assertEquals(0.7, driver.metrics("shop", null, day1, day1.plus(Duration.ofDays(1))).pipelineHealth()
                    .coverage().latest());
        }
    }

    @Test
    void aServiceTakesItsBuildsToItsNewTeam() {
        try (PipelineDriver driver = new PipelineDriver()) {
            driver.pipe(buildBuilder("a", "shop", "main", BuildStatus.failure, h(1), 100).setTeam("legacy").build(),
                    buildBuilder("b", "shop", "main", BuildStatus.success, h(2), 100).setTeam("legacy")
                            .setCoverage(0.4).build());
            assertEquals(2, driver.metrics(null, "legacy", FROM, TO).pipelineHealth().runs());
            driver.pipe(buildBuilder("c", "shop", "main", BuildStatus.success, h(3), 100).setTeam("retail").build());
            assertEquals(PipelineHealth.NONE, driver.metrics(null, "legacy", FROM, TO).pipelineHealth());
            final PipelineHealth retail = driver.metrics(null, "retail", FROM, TO).pipelineHealth();
            assertEquals(driver.metrics("shop", null, FROM, TO).pipelineHealth(), retail);
            assertEquals(3, retail.runs());
            assertEquals(0.4, retail.coverage().latest());
        }
    }

    /**
     * Random timelines of two pipelines with corrections that move builds in time (both earlier and later), change
     * their status or branch, in random orders: every answer is the reference model's.
     */
    @Test
    void randomTimelinesWithCorrectionsMatchTheReferenceModel() {
        final BuildStatus[] statuses = {BuildStatus.success, BuildStatus.failure, BuildStatus.failure,
            BuildStatus.cancelled};
        for (int seed = 0; seed < 15; seed++) {
            final Random random = new Random(seed);
            final List<SpecificRecord> events = new ArrayList<>();
            for (int i = 0; i < 30; i++) {
                final String pipeline = random.nextBoolean() ? "ci" : "e2e";
                final BuildEvent first = buildBuilder("b" + i, "shop", random.nextInt(5) == 0 ? "feature" : "main",
                        statuses[random.nextInt(statuses.length)], h(random.nextInt(72 * 4) / 4.0),
                        60 + random.nextInt(900)).setPipeline(pipeline)
                        .setCoverage(random.nextBoolean() ? random.nextInt(100) / 100.0 : null).build();
                events.add(first);
                if (random.nextInt(3) == 0) {
                    events.add(BuildEvent.newBuilder(first).setOccurredAt(first.getOccurredAt().plusSeconds(3600 * 80))
                            .setFinishedAt(h(random.nextInt(72 * 4) / 4.0))
                            .setStatus(statuses[random.nextInt(statuses.length)])
                            .setBranch(random.nextInt(6) == 0 ? "feature" : "main").build());
                }
            }
            Collections.shuffle(events, random);
            final ReferenceModel model = ReferenceModel.defaults()
                    .load(events);
            try (PipelineDriver driver = new PipelineDriver().pipe(events)) {
                for (final Instant[] window : List.of(new Instant[] {FROM, TO}, new Instant[] {T0, h(24)},
                        new Instant[] {h(24), h(48)}, new Instant[] {h(48), h(96)})) {
                    final var expected = model.pipelineHealth("shop", null, window[0], window[1]);
                    final WindowMetrics actual = driver.metrics("shop", null, window[0], window[1]);
                    final String where = "seed " + seed + " " + window[0] + ".." + window[1];
                    final String total = expected.total().mismatch(actual.pipelineHealth());
                    assertNull(total, where + ": " + total);
                    assertEquals(expected.byPipeline().keySet(), actual.breakdowns().pipeline().keySet(), where);
                    expected.byPipeline().forEach((pipeline, block) ->
                            assertNull(block.mismatch(actual.breakdowns().pipeline().get(pipeline)), where));
                }
            }
        }
    }

    /** Each bucket of a series is the answer of its own period, coverage change and open episodes included. */
    @Test
    void theSeriesBucketsAreTheAnswersOfTheirPeriods() {
        try (PipelineDriver driver = new PipelineDriver()) {
            driver.pipe(history());
            driver.pipe(buildBuilder("x", "shop", "main", BuildStatus.success, h(30), 100).setCoverage(0.9).build(),
                    build("y", "shop", "main", BuildStatus.failure, h(55), 100));
            final LocalDate from = LocalDate.of(2026, 9, 30);
            final List<Granularity.Period> days = Granularity.DAY
                    .periods(from, from.plusDays(5));
            final List<WindowMetrics> series = shopSeriesAsItsPeriods(driver, days);
            assertEquals(0.9 - 0.82, series.get(2).pipelineHealth().coverage().change(), 1e-9, "10-02 against 10-01");
            assertEquals(1, series.get(3).pipelineHealth().brokenDefaultBranch().openNow());
        }
    }

    /**
     * A weekly series whose first week is clipped to one day: its second week still compares its coverage with the
     * whole week before it, as the same week asked alone does.
     */
    @Test
    void aSeriesAfterAClippedFirstPeriodComparesWholeWindows() {
        try (PipelineDriver driver = new PipelineDriver()) {
            driver.pipe(history());
            driver.pipe(buildBuilder("x", "shop", "main", BuildStatus.success, h(30), 100).setCoverage(0.9).build(),
                    buildBuilder("z", "shop", "main", BuildStatus.success, h(5 * 24 + 1), 100).setCoverage(0.95)
                            .build());
            // Sunday 2026-10-04: the first ISO week of the series is that one day
            final List<Granularity.Period> weeks = Granularity.WEEK.periods(LocalDate.of(2026, 10, 4),
                    LocalDate.of(2026, 10, 19));
            assertEquals(1, weeks.get(0).end().toEpochDay() - weeks.get(0).start().toEpochDay(), "clipped");
            final List<WindowMetrics> series = shopSeriesAsItsPeriods(driver, weeks);
            assertEquals(0.95 - 0.9, series.get(1).pipelineHealth().coverage().change(), 1e-9,
                    "the week of 10-05 against the week before");
        }
    }

    /** shop's series over {@code periods}, each bucket's pipeline health checked against its period asked alone. */
    private static List<WindowMetrics> shopSeriesAsItsPeriods(final PipelineDriver driver,
                                                              final List<Granularity.Period> periods) {
        final List<WindowMetrics> series = driver.query().series(Scope.service("shop"), MetricsConfig.PRODUCTION,
                periods);
        for (int i = 0; i < periods.size(); i++) {
            final Instant start = periods.get(i).start().atStartOfDay(ZoneOffset.UTC).toInstant();
            final Instant end = periods.get(i).end().atStartOfDay(ZoneOffset.UTC).toInstant();
            assertEquals(driver.metrics("shop", null, start, end).pipelineHealth(), series.get(i).pipelineHealth(),
                    "the period from " + periods.get(i).start());
        }
        return series;
    }

    @Test
    void theFastBuildThresholdIsConfigurable() {
        final MetricsConfig config = MetricsConfig.defaults("unused:9092", Path.of("unused"))
                .withFastBuildSeconds(1000);
        try (PipelineDriver driver = new PipelineDriver(config)) {
            driver.pipe(history());
            assertEquals(1.0, driver.metrics("shop", null, FROM, TO).pipelineHealth().under10Minutes());
        }
    }

    @Test
    void aBuildMovingToAnotherServiceLeavesTheFirst() {
        try (PipelineDriver driver = new PipelineDriver()) {
            driver.pipe(build("a", "shop", "main", BuildStatus.failure, h(1), 100));
            driver.pipe(buildBuilder("a", "cart", "main", BuildStatus.failure, h(1), 100).setOccurredAt(h(2))
                    .build());
            assertEquals(PipelineHealth.NONE.runs(), driver.metrics("shop", null, FROM, TO).pipelineHealth().runs());
            assertEquals(0, driver.metrics("shop", null, FROM, TO).pipelineHealth().brokenDefaultBranch().openNow());
            assertEquals(1, driver.metrics("cart", null, FROM, TO).pipelineHealth().brokenDefaultBranch().openNow());
        }
    }
}
