package dev.dora.streams.benchmarks;

import static dev.dora.streams.benchmarks.Tier.ELITE;
import static dev.dora.streams.benchmarks.Tier.HIGH;
import static dev.dora.streams.benchmarks.Tier.LOW;
import static dev.dora.streams.benchmarks.Tier.MEDIUM;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dora.streams.benchmarks.Benchmark.Inputs;
import dev.dora.streams.benchmarks.Benchmark.Tiers;
import dev.dora.streams.query.Tiering;
import dev.dora.streams.query.WindowMetrics;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Holds {@code benchmarks/dora-benchmarks.json} and {@link Benchmark#classify} to the rules of
 * {@code docs/BENCHMARKS-DORA.md}. The expected tiers are written out here by hand, not derived from the resource,
 * so a change to the data or the rules fails until this table (and the document) agree with it.
 */
@Tag("unit")
class BenchmarkCatalogTest {

    private static final long HOUR = 3_600;
    private static final long DAY = 86_400;
    private static final long WEEK = 7 * DAY;
    private static final long MONTH = 30 * DAY;
    private static final long SIX_MONTHS = 180 * DAY;

    private static final BenchmarkCatalog CATALOG = BenchmarkCatalog.standard();

    /** One boundary of one metric: the tiers of a value just below it, at it and just above it. */
    private record Boundary(String benchmark, String metric, double at, Tier below, Tier atTier, Tier above) {
    }

    // ---------------------------------------------------------------- lead time: bands are [lower, upper)

    private static final List<Boundary> LEAD_TIME = List.of(
            new Boundary("dora-2019", "leadTime", DAY, ELITE, HIGH, HIGH),
            new Boundary("dora-2019", "leadTime", WEEK, HIGH, MEDIUM, MEDIUM),
            new Boundary("dora-2019", "leadTime", MONTH, MEDIUM, LOW, LOW),
            new Boundary("dora-2019", "leadTime", SIX_MONTHS, LOW, LOW, LOW),
            new Boundary("dora-2021", "leadTime", HOUR, ELITE, HIGH, HIGH),
            new Boundary("dora-2021", "leadTime", DAY, HIGH, HIGH, HIGH),          // gap [1 h, 1 d) -> high
            new Boundary("dora-2021", "leadTime", WEEK, HIGH, MEDIUM, MEDIUM),     // gap [1 w, 1 mo) -> medium
            new Boundary("dora-2021", "leadTime", MONTH, MEDIUM, MEDIUM, MEDIUM),
            new Boundary("dora-2021", "leadTime", SIX_MONTHS, MEDIUM, LOW, LOW),
            new Boundary("dora-2022", "leadTime", DAY, HIGH, HIGH, HIGH),          // no band below 1 d -> high
            new Boundary("dora-2022", "leadTime", WEEK, HIGH, MEDIUM, MEDIUM),
            new Boundary("dora-2022", "leadTime", MONTH, MEDIUM, LOW, LOW),
            new Boundary("dora-2022", "leadTime", SIX_MONTHS, LOW, LOW, LOW),
            new Boundary("dora-2023", "leadTime", DAY, ELITE, HIGH, HIGH),
            new Boundary("dora-2023", "leadTime", WEEK, HIGH, MEDIUM, MEDIUM),
            new Boundary("dora-2023", "leadTime", MONTH, MEDIUM, LOW, LOW),        // low = medium's band: beyond it
            new Boundary("dora-2023", "leadTime", SIX_MONTHS, LOW, LOW, LOW),
            new Boundary("dora-2024", "leadTime", DAY, ELITE, HIGH, HIGH),
            new Boundary("dora-2024", "leadTime", WEEK, HIGH, MEDIUM, MEDIUM),
            new Boundary("dora-2024", "leadTime", MONTH, MEDIUM, LOW, LOW),
            new Boundary("dora-2024", "leadTime", SIX_MONTHS, LOW, LOW, LOW));

    // ---------------------------------------------------------------- restore / recovery time: [lower, upper)

    private static final List<Boundary> RESTORE = List.of(
            new Boundary("dora-2019", "timeToRestore", HOUR, ELITE, HIGH, HIGH),
            new Boundary("dora-2019", "timeToRestore", DAY, HIGH, LOW, LOW),       // medium = high's band; gap -> low
            new Boundary("dora-2019", "timeToRestore", WEEK, LOW, LOW, LOW),
            new Boundary("dora-2019", "timeToRestore", MONTH, LOW, LOW, LOW),
            new Boundary("dora-2021", "timeToRestore", HOUR, ELITE, HIGH, HIGH),
            new Boundary("dora-2021", "timeToRestore", DAY, HIGH, MEDIUM, MEDIUM),
            new Boundary("dora-2021", "timeToRestore", WEEK, MEDIUM, LOW, LOW),    // gap [1 w, 6 mo) -> low
            new Boundary("dora-2021", "timeToRestore", SIX_MONTHS, LOW, LOW, LOW),
            new Boundary("dora-2022", "timeToRestore", DAY, HIGH, MEDIUM, MEDIUM),
            new Boundary("dora-2022", "timeToRestore", WEEK, MEDIUM, LOW, LOW),
            new Boundary("dora-2022", "timeToRestore", MONTH, LOW, LOW, LOW),
            new Boundary("dora-2023", "timeToRestore", HOUR, ELITE, HIGH, HIGH),
            new Boundary("dora-2023", "timeToRestore", DAY, HIGH, MEDIUM, MEDIUM),
            new Boundary("dora-2023", "timeToRestore", WEEK, MEDIUM, LOW, LOW),    // gap [1 w, 1 mo) -> low
            new Boundary("dora-2023", "timeToRestore", MONTH, LOW, LOW, LOW),
            new Boundary("dora-2023", "timeToRestore", SIX_MONTHS, LOW, LOW, LOW),
            new Boundary("dora-2024", "timeToRestore", HOUR, ELITE, HIGH, HIGH),
            new Boundary("dora-2024", "timeToRestore", DAY, HIGH, LOW, LOW),       // medium = high's band; gap -> low
            new Boundary("dora-2024", "timeToRestore", WEEK, LOW, LOW, LOW),
            new Boundary("dora-2024", "timeToRestore", MONTH, LOW, LOW, LOW));

    // ---------------------------------------------------------------- change failure rate: upper bound inclusive

    private static final List<Boundary> CHANGE_FAILURE_RATE = List.of(
            new Boundary("dora-2019", "changeFailureRate", 0.15, ELITE, ELITE, LOW), // elite/high/medium all 0-15%
            new Boundary("dora-2019", "changeFailureRate", 0.46, LOW, LOW, LOW),
            new Boundary("dora-2019", "changeFailureRate", 0.60, LOW, LOW, LOW),
            new Boundary("dora-2021", "changeFailureRate", 0.15, ELITE, ELITE, HIGH), // (15%, 16%) gap -> high
            new Boundary("dora-2021", "changeFailureRate", 0.16, HIGH, HIGH, HIGH),   // lower end of 16-30%
            new Boundary("dora-2021", "changeFailureRate", 0.30, HIGH, HIGH, LOW),    // high/medium/low all 16-30%
            new Boundary("dora-2022", "changeFailureRate", 0.15, HIGH, HIGH, MEDIUM),
            new Boundary("dora-2022", "changeFailureRate", 0.16, MEDIUM, MEDIUM, MEDIUM), // (15%, 16%) gap -> medium
            new Boundary("dora-2022", "changeFailureRate", 0.30, MEDIUM, MEDIUM, LOW), // (30%, 46%) gap -> low
            new Boundary("dora-2022", "changeFailureRate", 0.46, LOW, LOW, LOW),      // lower end of 46-60%
            new Boundary("dora-2022", "changeFailureRate", 0.60, LOW, LOW, LOW),
            new Boundary("dora-2023", "changeFailureRate", 0.05, ELITE, ELITE, HIGH),
            new Boundary("dora-2023", "changeFailureRate", 0.10, HIGH, HIGH, MEDIUM),
            new Boundary("dora-2023", "changeFailureRate", 0.15, MEDIUM, MEDIUM, LOW),
            new Boundary("dora-2023", "changeFailureRate", 0.64, LOW, LOW, LOW),
            new Boundary("dora-2024", "changeFailureRate", 0.05, ELITE, ELITE, HIGH),
            new Boundary("dora-2024", "changeFailureRate", 0.10, HIGH, HIGH, HIGH),   // medium's 10% < high's 20%
            new Boundary("dora-2024", "changeFailureRate", 0.20, HIGH, HIGH, LOW),
            new Boundary("dora-2024", "changeFailureRate", 0.40, LOW, LOW, LOW));

    @TestFactory
    Stream<DynamicTest> leadTimeBoundaries() {
        return boundaries(LEAD_TIME, 1.0, v -> new Inputs(0, 0, v, null, null, 90), Tiers::leadTime);
    }

    @TestFactory
    Stream<DynamicTest> restoreTimeBoundaries() {
        return boundaries(RESTORE, 1.0, v -> new Inputs(0, 0, null, null, v, 90), Tiers::timeToRestore);
    }

    @TestFactory
    Stream<DynamicTest> changeFailureRateBoundaries() {
        return boundaries(CHANGE_FAILURE_RATE, 1e-9, v -> new Inputs(0, 0, null, v, null, 90), Tiers::changeFailureRate);
    }

    // ---------------------------------------------------------------- deployment frequency

    /**
     * Per benchmark, the tiers below / at / above the four deployment-frequency boundaries: median deploy days per
     * week 5 (4.5 / 5 / 5.5, with 45 deployments in 90 days), median 1 (0.5 / 1 / 1.5, same count), once per 30 days
     * (median 0, 2 / 3 / 4 deployments in 90 days) and once per 180 days (median 0, 0 / 1 / 2 deployments in 180 days).
     */
    private record FrequencyRow(String benchmark, Tier[] median5, Tier[] median1, Tier[] monthly, Tier[] sixMonthly) {
    }

    private static Tier[] t(final Tier below, final Tier at, final Tier above) {
        return new Tier[] {below, at, above};
    }

    private static final List<FrequencyRow> FREQUENCY = List.of(
            new FrequencyRow("dora-2019", t(HIGH, ELITE, ELITE), t(MEDIUM, HIGH, HIGH), t(LOW, MEDIUM, MEDIUM),
                    t(LOW, LOW, LOW)),
            // 2021: high is weekly-monthly, so a daily-weekly window (the gap) is high
            new FrequencyRow("dora-2021", t(HIGH, ELITE, ELITE), t(HIGH, HIGH, HIGH), t(MEDIUM, HIGH, HIGH),
                    t(LOW, MEDIUM, MEDIUM)),
            // 2022: high is on demand, medium weekly-monthly: a daily-weekly window (the gap) is medium
            new FrequencyRow("dora-2022", t(MEDIUM, HIGH, HIGH), t(MEDIUM, MEDIUM, MEDIUM), t(LOW, MEDIUM, MEDIUM),
                    t(LOW, LOW, LOW)),
            // 2023: low's band equals medium's, so low means less than once per month
            new FrequencyRow("dora-2023", t(HIGH, ELITE, ELITE), t(MEDIUM, HIGH, HIGH), t(LOW, MEDIUM, MEDIUM),
                    t(LOW, LOW, LOW)),
            new FrequencyRow("dora-2024", t(HIGH, ELITE, ELITE), t(MEDIUM, HIGH, HIGH), t(LOW, MEDIUM, MEDIUM),
                    t(LOW, LOW, LOW)));

    @TestFactory
    Stream<DynamicTest> deploymentFrequencyBoundaries() {
        final List<DynamicTest> tests = new ArrayList<>();
        final String[] where = {"below", "at", "above"};
        for (final FrequencyRow row : FREQUENCY) {
            for (int i = 0; i < 3; i++) {
                final double median5 = 4.5 + 0.5 * i;
                final double median1 = 0.5 + 0.5 * i;
                final int monthlyCount = 2 + i;
                final int sixMonthlyCount = i;
                tests.add(frequency(row.benchmark(), where[i] + " 5 deploy days/week (" + median5 + ")",
                        45, 90, median5, row.median5()[i]));
                tests.add(frequency(row.benchmark(), where[i] + " 1 deploy day/week (" + median1 + ")",
                        45, 90, median1, row.median1()[i]));
                tests.add(frequency(row.benchmark(), where[i] + " once per 30 days (" + monthlyCount + " in 90 d)",
                        monthlyCount, 90, 0, row.monthly()[i]));
                tests.add(frequency(row.benchmark(), where[i] + " once per 180 days (" + sixMonthlyCount + " in 180 d)",
                        sixMonthlyCount, 180, 0, row.sixMonthly()[i]));
            }
        }
        return tests.stream();
    }

    private static DynamicTest frequency(final String benchmark, final String name, final long deployments,
                                         final long windowDays, final double median, final Tier expected) {
        return DynamicTest.dynamicTest(benchmark + " deployment frequency " + name + " -> " + expected.id(), () -> {
            final Inputs in = new Inputs((double) deployments / windowDays, median, null, null, null, windowDays);
            assertEquals(deployments, in.deployments());
            assertEquals(expected.id(), CATALOG.get(benchmark).classify(in).deploymentFrequency());
        });
    }

    @Test
    void onDemandIsAHabitNotABurst() {
        final Benchmark b = CATALOG.get("dora-2024");
        // 40 deployments a day on 4 days of every week: many deploys per day, but not on most days -> high
        assertEquals("high", b.classify(new Inputs(40.0 * 4 / 7, 4, null, null, null, 7)).deploymentFrequency());
        // one deployment on each of 5 weekdays: on demand
        assertEquals("elite", b.classify(new Inputs(5.0 / 7, 5, null, null, null, 7)).deploymentFrequency());
        // 12 deployments in one day of a 28-day window: the median week had no deploy day -> weekly to monthly
        assertEquals("medium", b.classify(new Inputs(12.0 / 28, 0, null, null, null, 28)).deploymentFrequency());
    }

    @Test
    void zeroDeploymentsIsTheWorstFrequencyTier() {
        for (final String name : CATALOG.names()) {
            assertEquals("low", CATALOG.get(name).classify(new Inputs(0, 0, null, null, null, 90)).deploymentFrequency());
        }
    }

    // ---------------------------------------------------------------- catalog

    @Test
    void everyReportLoads() {
        assertEquals(List.of("dora-2019", "dora-2021", "dora-2022", "dora-2023", "dora-2024"), CATALOG.names());
        assertEquals("dora-2024", CATALOG.newest());
        assertSame(CATALOG, BenchmarkCatalog.standard(), "loaded once");
        for (final String name : CATALOG.names()) {
            final Benchmark b = CATALOG.get(name);
            assertEquals(name, b.name());
            assertEquals(name, "dora-" + b.year());
            assertFalse(b.source().isBlank(), name + " has a source note");
            assertFalse(b.unconfirmed().isEmpty(), name + " says what could not be confirmed");
            assertEquals("low", b.tiers().get(b.tiers().size() - 1));
            for (final Benchmark.Cluster c : b.clusters()) {
                assertFalse(c.deploymentFrequency().text().isBlank());
                assertFalse(c.leadTime().text().isBlank());
                assertFalse(c.changeFailureRate().text().isBlank());
                assertFalse(c.timeToRestore().text().isBlank());
                b.frequencyBand(c.deploymentFrequency().band());
            }
        }
    }

    @Test
    void twentyTwentyTwoHasNoElite() {
        final Benchmark b = CATALOG.get("dora-2022");
        assertEquals(List.of("high", "medium", "low"), b.tiers());
        // the best possible window is high
        final Tiers best = b.classify(new Inputs(20, 7, 0.0, 0.0, 0.0, 30));
        assertEquals(new Tiers("high", "high", "high", "high", "high", "dora-2022"), best);
        for (final String other : List.of("dora-2019", "dora-2021", "dora-2023", "dora-2024")) {
            assertEquals(List.of("elite", "high", "medium", "low"), CATALOG.get(other).tiers());
        }
    }

    @Test
    void twentyTwentyFourChangeFailureRateNeverGivesMedium() {
        final Benchmark b = CATALOG.get("dora-2024");
        for (int permille = 0; permille <= 1000; permille++) {
            final double rate = permille / 1000.0;
            final String tier = b.classify(new Inputs(0, 0, null, rate, null, 90)).changeFailureRate();
            assertNotEquals("medium", tier, "rate " + rate);
            final String expected = rate <= 0.05 ? "elite" : rate <= 0.20 ? "high" : "low";
            assertEquals(expected, tier, "rate " + rate);
        }
        // monotone: a worse rate never gives a better tier
        assertEquals("high", b.classify(new Inputs(0, 0, null, 0.10, null, 90)).changeFailureRate());
        assertEquals("high", b.classify(new Inputs(0, 0, null, 0.12, null, 90)).changeFailureRate());
        assertEquals("high", b.classify(new Inputs(0, 0, null, 0.18, null, 90)).changeFailureRate());
    }

    @Test
    void everyMetricIsMonotoneInEveryReport() {
        for (final String name : CATALOG.names()) {
            final Benchmark b = CATALOG.get(name);
            Tier previousTime = ELITE;
            Tier previousRestore = ELITE;
            for (long s = 0; s <= 200 * DAY; s += 600) {
                final Tiers tiers = b.classify(new Inputs(0, 0, (double) s, null, (double) s, 90));
                final Tier lead = Tier.of(tiers.leadTime());
                final Tier restore = Tier.of(tiers.timeToRestore());
                assertTrue(lead.compareTo(previousTime) >= 0, name + " lead time at " + s);
                assertTrue(restore.compareTo(previousRestore) >= 0, name + " restore at " + s);
                previousTime = lead;
                previousRestore = restore;
            }
            Tier previousRate = ELITE;
            for (int permille = 0; permille <= 1000; permille++) {
                final Tier rate = Tier.of(b.classify(new Inputs(0, 0, null, permille / 1000.0, null, 90))
                        .changeFailureRate());
                assertTrue(rate.compareTo(previousRate) >= 0, name + " rate at " + permille);
                previousRate = rate;
            }
        }
    }

    @Test
    void nullInputsGiveNullTiers() {
        for (final String name : CATALOG.names()) {
            final Tiers tiers = CATALOG.get(name).classify(new Inputs(0, 0, null, null, null, 90));
            assertEquals("low", tiers.deploymentFrequency());
            assertNull(tiers.leadTime());
            assertNull(tiers.changeFailureRate());
            assertNull(tiers.timeToRestore());
            assertEquals("low", tiers.overall(), "overall from the metrics that have data");
            assertEquals(name, tiers.benchmark());
        }
    }

    @Test
    void overallIsTheWorstTierWithData() {
        final Benchmark b = CATALOG.get("dora-2024");
        // elite everywhere
        assertEquals(new Tiers("elite", "elite", "elite", "elite", "elite", "dora-2024"),
                b.classify(new Inputs(10, 7, 3_600.0, 0.02, 600.0, 90)));
        // elite throughput, low stability -> low
        assertEquals(new Tiers("elite", "elite", "low", "elite", "low", "dora-2024"),
                b.classify(new Inputs(10, 7, 3_600.0, 0.5, 600.0, 90)));
        // no incidents restored: overall from the three others
        assertEquals(new Tiers("elite", "high", "elite", null, "high", "dora-2024"),
                b.classify(new Inputs(10, 7, 2.0 * DAY, 0.0, null, 90)));
    }

    @Test
    void unknownBenchmarkNamesTheValidOnes() {
        for (final String bad : new String[] {"dora-2025", "DORA-2024", "", null}) {
            final IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> CATALOG.get(bad));
            for (final String valid : CATALOG.names()) {
                assertTrue(e.getMessage().contains(valid), e.getMessage());
            }
        }
    }

    @Test
    void twentyTwentyFourTableIsTheOnePublished() {
        final List<Benchmark.Cluster> c = CATALOG.get("dora-2024").clusters();
        assertEquals(List.of("On demand (multiple deploys per day)", "Between once per day and once per week",
                        "Between once per week and once per month", "Between once per month and once every six months"),
                c.stream().map(x -> x.deploymentFrequency().text()).toList());
        assertEquals(List.of("Less than one day", "Between one day and one week", "Between one week and one month",
                "Between one month and six months"), c.stream().map(x -> x.leadTime().text()).toList());
        assertEquals(List.of("5%", "20%", "10%", "40%"), c.stream().map(x -> x.changeFailureRate().text()).toList());
        assertEquals(List.of(0.05, 0.20, 0.10, 0.40), c.stream().map(x -> x.changeFailureRate().upper()).toList());
        assertEquals(List.of("Less than one hour", "Less than one day", "Less than one day",
                "Between one week and one month"), c.stream().map(x -> x.timeToRestore().text()).toList());
        assertEquals("Failed deployment recovery time", CATALOG.get("dora-2024").recoveryMetric().title());
    }

    // ---------------------------------------------------------------- the published tables, written out

    private static Benchmark.Cluster cluster(final String tier, final Benchmark.FrequencyRef frequency,
                                             final Benchmark.TimeBand lead, final Benchmark.RateBand rate,
                                             final Benchmark.TimeBand restore) {
        return new Benchmark.Cluster(tier, frequency, lead, rate, restore);
    }

    private static Benchmark.FrequencyRef df(final String text, final String band) {
        return new Benchmark.FrequencyRef(text, band);
    }

    private static Benchmark.TimeBand time(final String text, final Long lower, final Long upper) {
        return new Benchmark.TimeBand(text, lower, upper);
    }

    private static Benchmark.RateBand rate(final String text, final Double lower, final Double upper) {
        return new Benchmark.RateBand(text, lower, upper);
    }

    private static final String ON_DEMAND = "on-demand";
    private static final String DAILY_WEEKLY = "daily-to-weekly";
    private static final String WEEKLY_MONTHLY = "weekly-to-monthly";
    private static final String MONTHLY_SIX = "monthly-to-six-monthly";
    private static final String BELOW_SIX = "less-than-six-monthly";

    /**
     * Every report's table as published (text) with the bounds we derive from it, written out by hand from the
     * sources listed in docs/BENCHMARKS-DORA.md; the resource must hold exactly these clusters, best first.
     */
    private static final List<Object[]> PUBLISHED = List.of(
            new Object[] {"dora-2019", "Time to restore service", List.of(
                    cluster("elite", df("On-demand (multiple deploys per day)", ON_DEMAND),
                            time("Less than one day", 0L, DAY), rate("0-15%", 0.0, 0.15),
                            time("Less than one hour", 0L, HOUR)),
                    cluster("high", df("Between once per day and once per week", DAILY_WEEKLY),
                            time("Between one day and one week", DAY, WEEK), rate("0-15%", 0.0, 0.15),
                            time("Less than one day", 0L, DAY)),
                    cluster("medium", df("Between once per week and once per month", WEEKLY_MONTHLY),
                            time("Between one week and one month", WEEK, MONTH), rate("0-15%", 0.0, 0.15),
                            time("Less than one day", 0L, DAY)),
                    cluster("low", df("Between once per month and once every six months", MONTHLY_SIX),
                            time("Between one month and six months", MONTH, SIX_MONTHS), rate("46-60%", 0.46, 0.60),
                            time("Between one week and one month", WEEK, MONTH)))},
            new Object[] {"dora-2021", "Time to restore service", List.of(
                    cluster("elite", df("On-demand (multiple deploys per day)", ON_DEMAND),
                            time("Less than one hour", 0L, HOUR), rate("0%-15%", 0.0, 0.15),
                            time("Less than one hour", 0L, HOUR)),
                    cluster("high", df("Between once per week and once per month", WEEKLY_MONTHLY),
                            time("Between one day and one week", DAY, WEEK), rate("16%-30%", 0.16, 0.30),
                            time("Less than one day", 0L, DAY)),
                    cluster("medium", df("Between once per month and once every 6 months", MONTHLY_SIX),
                            time("Between one month and six months", MONTH, SIX_MONTHS), rate("16%-30%", 0.16, 0.30),
                            time("Between one day and one week", DAY, WEEK)),
                    cluster("low", df("Fewer than once per six months", BELOW_SIX),
                            time("More than six months", SIX_MONTHS, null), rate("16%-30%", 0.16, 0.30),
                            time("More than six months", SIX_MONTHS, null)))},
            new Object[] {"dora-2022", "Time to restore service", List.of(
                    cluster("high", df("On-demand (multiple deploys per day)", ON_DEMAND),
                            time("Between one day and one week", DAY, WEEK), rate("0%-15%", 0.0, 0.15),
                            time("Less than one day", 0L, DAY)),
                    cluster("medium", df("Between once per week and once per month", WEEKLY_MONTHLY),
                            time("Between one week and one month", WEEK, MONTH), rate("16%-30%", 0.16, 0.30),
                            time("Between one day and one week", DAY, WEEK)),
                    cluster("low", df("Between once per month and once every six months", MONTHLY_SIX),
                            time("Between one month and six months", MONTH, SIX_MONTHS), rate("46%-60%", 0.46, 0.60),
                            time("Between one week and one month", WEEK, MONTH)))},
            new Object[] {"dora-2023", "Failed deployment recovery time", List.of(
                    cluster("elite", df("On demand", ON_DEMAND),
                            time("Less than one day", 0L, DAY), rate("5%", null, 0.05),
                            time("Less than one hour", 0L, HOUR)),
                    cluster("high", df("Between once per day and once per week", DAILY_WEEKLY),
                            time("Between one day and one week", DAY, WEEK), rate("10%", null, 0.10),
                            time("Less than one day", 0L, DAY)),
                    cluster("medium", df("Between once per week and once per month", WEEKLY_MONTHLY),
                            time("Between one week and one month", WEEK, MONTH), rate("15%", null, 0.15),
                            time("Between one day and one week", DAY, WEEK)),
                    cluster("low", df("Between once per week and once per month", WEEKLY_MONTHLY),
                            time("Between one week and one month", WEEK, MONTH), rate("64%", null, 0.64),
                            time("Between one month and six months", MONTH, SIX_MONTHS)))},
            new Object[] {"dora-2024", "Failed deployment recovery time", List.of(
                    cluster("elite", df("On demand (multiple deploys per day)", ON_DEMAND),
                            time("Less than one day", 0L, DAY), rate("5%", null, 0.05),
                            time("Less than one hour", 0L, HOUR)),
                    cluster("high", df("Between once per day and once per week", DAILY_WEEKLY),
                            time("Between one day and one week", DAY, WEEK), rate("20%", null, 0.20),
                            time("Less than one day", 0L, DAY)),
                    cluster("medium", df("Between once per week and once per month", WEEKLY_MONTHLY),
                            time("Between one week and one month", WEEK, MONTH), rate("10%", null, 0.10),
                            time("Less than one day", 0L, DAY)),
                    cluster("low", df("Between once per month and once every six months", MONTHLY_SIX),
                            time("Between one month and six months", MONTH, SIX_MONTHS), rate("40%", null, 0.40),
                            time("Between one week and one month", WEEK, MONTH)))});

    @TestFactory
    Stream<DynamicTest> everyTableIsTheOnePublished() {
        assertEquals(CATALOG.names(), PUBLISHED.stream().map(row -> (String) row[0]).toList(),
                "every benchmark has its table written out here");
        return PUBLISHED.stream().map(row -> DynamicTest.dynamicTest(row[0] + " table as published", () -> {
            final Benchmark b = CATALOG.get((String) row[0]);
            assertEquals(row[1], b.recoveryMetric().title());
            assertEquals(row[2], b.clusters());
        }));
    }

    @Test
    void inputsAreValidated() {
        assertThrows(IllegalArgumentException.class, () -> new Inputs(0.5, 0, null, null, null, 3)); // 1.5 deploys
        assertThrows(IllegalArgumentException.class, () -> new Inputs(-1, 0, null, null, null, 1));
        assertThrows(IllegalArgumentException.class, () -> new Inputs(0, 8, null, null, null, 7));
        assertThrows(IllegalArgumentException.class, () -> new Inputs(0, 0, null, 1.5, null, 7));
        assertThrows(IllegalArgumentException.class, () -> new Inputs(0, 0, -1.0, null, null, 7));
        assertThrows(IllegalArgumentException.class, () -> new Inputs(0, 0, null, null, Double.NaN, 7));
        assertThrows(IllegalArgumentException.class, () -> new Inputs(0, 0, null, null, null, 0));
        assertEquals(3, new Inputs(3.0 / 90, 0, null, null, null, 90).deployments());
    }

    @Test
    void inputsFromWindowMetrics() {
        // the worked example of docs/METRICS.md: 4 deployments in 7 days, lead median 21,600 s, CFR 0.5, restore 2,700 s
        final WindowMetrics m = new WindowMetrics(new WindowMetrics.DeploymentFrequency(4, 4.0 / 7),
                new WindowMetrics.LeadTime(6, 21_600.0, 104_400.0), new WindowMetrics.ChangeFailureRate(4, 2, 0.5),
                new WindowMetrics.TimeToRestore(2, 2_700.0, 12_600.0, 1),
                new WindowMetrics.FailedDeploymentRecoveryTime(0, null, null), new WindowMetrics.ReworkRate(4, 0, 0.0),
                new WindowMetrics.Incidents(0, new java.util.TreeMap<>(), 0, null, null),
                new WindowMetrics.DataQuality(0, 0, 0, 0L),
                WindowMetrics.PipelineHealth.NONE,
                new WindowMetrics.Breakdowns(new java.util.TreeMap<>(), new java.util.TreeMap<>(),
                        new java.util.TreeMap<>()));
        final Inputs in = Tiering.inputs(RecoveryMetric.TIME_TO_RESTORE, m, 3, 7);
        assertEquals(new Inputs(4.0 / 7, 3, 21_600.0, 0.5, 2_700.0, 7), in);
        // 3 deploy days in the median week: daily to weekly; 6 h lead time; 50% failures; 45 min restore
        assertEquals(new Tiers("high", "elite", "low", "elite", "low", "dora-2024"),
                CATALOG.get("dora-2024").classify(in));
    }

    @Test
    void documentCoversEveryBenchmark() throws IOException {
        final Path doc = Path.of("..", "docs", "BENCHMARKS-DORA.md");
        final String text = Files.readString(doc);
        for (final String name : CATALOG.names()) {
            assertTrue(text.contains("`" + name + "`"), "docs/BENCHMARKS-DORA.md covers " + name);
        }
    }

    // ---------------------------------------------------------------- helpers

    private static Stream<DynamicTest> boundaries(final List<Boundary> table, final double step,
                                                  final Function<Double, Inputs> inputs,
                                                  final Function<Tiers, String> tier) {
        return table.stream().flatMap(row -> Stream.of(
                check(row, "just below", row.at() - step, row.below(), inputs, tier),
                check(row, "at", row.at(), row.atTier(), inputs, tier),
                check(row, "just above", row.at() + step, row.above(), inputs, tier)));
    }

    private static DynamicTest check(final Boundary row, final String where, final double value, final Tier expected,
                                     final Function<Double, Inputs> inputs, final Function<Tiers, String> tier) {
        return DynamicTest.dynamicTest(row.benchmark() + " " + row.metric() + " " + where + " " + row.at()
                + " (" + value + ") -> " + expected.id(), () -> {
            final Tiers tiers = CATALOG.get(row.benchmark()).classify(inputs.apply(value));
            assertEquals(expected.id(), tier.apply(tiers));
        });
    }
}
