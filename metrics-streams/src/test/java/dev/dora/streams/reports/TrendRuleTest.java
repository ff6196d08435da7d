package dev.dora.streams.reports;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.dora.reports.TrendWord;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The trend words of docs/METRICS.md, "Weekly reports", at and around each tolerance. */
@Tag("unit")
class TrendRuleTest {

    @Test
    void moreDeploymentsIsBetterBeyondTenPercent() {
        assertEquals(TrendWord.improving, TrendRule.FREQUENCY.trend(1.2, 1.0));
        assertEquals(TrendWord.steady, TrendRule.FREQUENCY.trend(1.09, 1.0));
        assertEquals(TrendWord.steady, TrendRule.FREQUENCY.trend(0.91, 1.0));
        assertEquals(TrendWord.worsening, TrendRule.FREQUENCY.trend(0.8, 1.0));
        assertEquals(TrendWord.improving, TrendRule.FREQUENCY.trend(0.5, 0.0), "from no deployments at all");
        assertEquals(TrendWord.steady, TrendRule.FREQUENCY.trend(0.0, 0.0));
    }

    @Test
    void shorterDurationsAreBetter() {
        assertEquals(TrendWord.improving, TrendRule.DURATION.trend(3_000.0, 3_600.0));
        assertEquals(TrendWord.steady, TrendRule.DURATION.trend(3_250.0, 3_600.0));
        assertEquals(TrendWord.steady, TrendRule.DURATION.trend(3_950.0, 3_600.0));
        assertEquals(TrendWord.worsening, TrendRule.DURATION.trend(4_000.0, 3_600.0));
    }

    @Test
    void lowerRatesAreBetterBeyondFivePercentagePoints() {
        assertEquals(TrendWord.improving, TrendRule.RATE.trend(0.10, 0.20));
        assertEquals(TrendWord.steady, TrendRule.RATE.trend(0.16, 0.20));
        assertEquals(TrendWord.steady, TrendRule.RATE.trend(0.24, 0.20));
        assertEquals(TrendWord.worsening, TrendRule.RATE.trend(0.30, 0.20));
        // a relative rule would call 0 -> 1 % a disaster: points are what a rate of few deployments needs
        assertEquals(TrendWord.steady, TrendRule.RATE.trend(0.01, 0.0));
    }

    @Test
    void higherBuildSuccessRatesAreBetterBeyondFivePercentagePoints() {
        assertEquals(TrendWord.improving, TrendRule.SUCCESS_RATE.trend(0.95, 0.85));
        assertEquals(TrendWord.steady, TrendRule.SUCCESS_RATE.trend(0.89, 0.85));
        assertEquals(TrendWord.steady, TrendRule.SUCCESS_RATE.trend(0.81, 0.85));
        assertEquals(TrendWord.worsening, TrendRule.SUCCESS_RATE.trend(0.75, 0.85));
        assertEquals(TrendWord.steady, TrendRule.SUCCESS_RATE.trend(1.0, 1.0));
    }

    @Test
    void withoutAValueOnEitherSideTheTrendIsUnknown() {
        for (final TrendRule rule : TrendRule.values()) {
            assertEquals(TrendWord.unknown, rule.trend(null, 1.0), rule.name());
            assertEquals(TrendWord.unknown, rule.trend(1.0, null), rule.name());
            assertEquals(TrendWord.unknown, rule.trend(null, null), rule.name());
        }
    }
}
