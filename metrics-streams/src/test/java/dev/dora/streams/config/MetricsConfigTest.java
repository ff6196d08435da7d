package dev.dora.streams.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("unit")
class MetricsConfigTest {

    private final MetricsConfig defaults = MetricsConfig.defaults("localhost:9092", Path.of("state"));

    @Test
    void changingADefinitionStartsANewComputation() {
        assertTrue(defaults.streamsApplicationId().startsWith("dora-metrics-"));
        assertEquals(defaults.streamsApplicationId(),
                defaults.withProductionEnvironments(Set.of("PROD", "production")).streamsApplicationId(),
                "the same definitions, spelled differently, are the same computation");
        assertNotEquals(defaults.streamsApplicationId(),
                defaults.withProductionEnvironments(Set.of("production")).streamsApplicationId());
        assertNotEquals(defaults.streamsApplicationId(),
                defaults.withIncidentWindow(Duration.ofHours(12)).streamsApplicationId());
        assertEquals(defaults.streamsApplicationId(), defaults.withPartitions(6).streamsApplicationId());
    }

    @Test
    void changingTheHotfixRuleStartsANewComputation() {
        assertEquals(HotfixRule.defaults(), defaults.hotfixRule());
        assertEquals(defaults.streamsApplicationId(), defaults.withHotfixRule(
                        new HotfixRule(List.of("hotfix/**", "hotfix-*"), List.of("HOTFIX"))).streamsApplicationId(),
                "the same rule, spelled differently, is the same computation");
        assertNotEquals(defaults.streamsApplicationId(),
                defaults.withHotfixRule(HotfixRule.none()).streamsApplicationId());
        assertNotEquals(defaults.streamsApplicationId(), defaults.withHotfixRule(
                new HotfixRule(List.of("hotfix/**"), List.of("hotfix"))).streamsApplicationId());
        assertNotEquals(defaults.streamsApplicationId(), defaults.withHotfixRule(
                new HotfixRule(List.of("hotfix/**", "hotfix-*"), List.of("hotfix", "emergency")))
                .streamsApplicationId());
        // a glob and a label with the same text are different rules
        assertNotEquals(defaults.withHotfixRule(new HotfixRule(List.of("x"), List.of())).streamsApplicationId(),
                defaults.withHotfixRule(new HotfixRule(List.of(), List.of("x"))).streamsApplicationId());
        assertEquals(HotfixRule.none(), defaults.withHotfixRule(HotfixRule.none()).withPartitions(6).hotfixRule(),
                "the other withers keep the rule");
    }

    @Test
    void theFastBuildThresholdIsADefinitionThatKeepsTheExistingIds() {
        assertEquals(600, defaults.fastBuildSeconds());
        assertEquals(defaults.streamsApplicationId(), defaults.withFastBuildSeconds(600).streamsApplicationId(),
                "the default leaves the ids of existing installations as they were");
        assertNotEquals(defaults.streamsApplicationId(), defaults.withFastBuildSeconds(900).streamsApplicationId());
        assertEquals(900, defaults.withFastBuildSeconds(900).withPartitions(6).withHotfixRule(HotfixRule.none())
                .fastBuildSeconds(), "the other withers keep the threshold");
        assertThrows(IllegalArgumentException.class, () -> defaults.withFastBuildSeconds(-1));
    }

    @Test
    void productionIsCaseInsensitive() {
        assertTrue(defaults.isProduction("Production"));
        assertTrue(defaults.isProduction("PROD"));
        assertEquals(false, defaults.isProduction("staging"));
        assertEquals(false, defaults.isProduction(null));
    }

    @Test
    void rejectsNonsense() {
        assertThrows(IllegalArgumentException.class, () -> defaults.withPartitions(0));
        assertThrows(IllegalArgumentException.class, () -> defaults.withProductionEnvironments(Set.of()));
        assertThrows(IllegalArgumentException.class, () -> defaults.withIncidentWindow(Duration.ofHours(-1)));
        assertThrows(IllegalArgumentException.class, () -> defaults.withHotfixRule(null));
    }
}
