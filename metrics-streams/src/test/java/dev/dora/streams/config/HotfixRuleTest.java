package dev.dora.streams.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dora.events.ChangeEvent;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

@Tag("unit")
class HotfixRuleTest {

    private static final String SHA = "0123456789abcdef0123456789abcdef01234567";
    private static final Instant T = Instant.parse("2026-10-01T12:00:00Z");

    private static ChangeEvent change(final String branch, final String... labels) {
        return ChangeEvent.newBuilder().setId(SHA).setService("shop").setOccurredAt(T).setSha(SHA)
                .setParents(List.of()).setCommittedAt(T).setBranch(branch).setLabels(List.of(labels)).build();
    }

    private static HotfixRule branches(final String... globs) {
        return new HotfixRule(List.of(globs), List.of());
    }

    @ParameterizedTest(name = "{0} matches {1}: {2}")
    @CsvSource({
            "hotfix/**, hotfix/login, true",
            "hotfix/**, hotfix/2026/login, true",
            "hotfix/**, hotfix/, true",
            "hotfix/**, hotfix, false",
            "hotfix/**, feature/hotfix/login, false",
            "hotfix/**, Hotfix/login, false",
            "hotfix/*, hotfix/login, true",
            "hotfix/*, hotfix/2026/login, false",
            "hotfix-*, hotfix-123, true",
            "hotfix-*, hotfix-, true",
            "hotfix-*, hotfix-1/x, false",
            "hotfix-*, my-hotfix-1, false",
            "**/hotfix/*, team/a/hotfix/x, true",
            "**/hotfix/*, hotfix/x, false",
            "**hotfix**, team/a/hotfix/x, true",
            "release/*/hotfix, release/1.2/hotfix, true",
            "release/*/hotfix, release/1/2/hotfix, false",
            "hf-?, hf-1, true",
            "hf-?, hf-12, false",
            "hf-?, hf-/, false",
            "v1.2, v1.2, true",
            "v1.2, v1x2, false",
            "a+b(c), a+b(c), true",
            "main, main, true",
            "main, main2, false",
    })
    void globs(final String glob, final String branch, final boolean expected) {
        assertEquals(expected, branches(glob).matchesBranch(branch));
        assertEquals(expected, branches(glob).matches(change(branch)));
    }

    @Test
    void defaults() {
        final HotfixRule rule = HotfixRule.defaults();
        assertEquals(List.of("hotfix-*", "hotfix/**"), rule.branches());
        assertEquals(Set.of("hotfix"), rule.labels());
        assertTrue(rule.matches(change("hotfix/checkout-timeout")));
        assertTrue(rule.matches(change("hotfix/2026/checkout-timeout")));
        assertTrue(rule.matches(change("hotfix-4711")));
        assertTrue(rule.matches(change("main", "bug", "HotFix")));
        assertFalse(rule.matches(change("main")));
        assertFalse(rule.matches(change("main", "bug", "hotfixes", "not-a-hotfix")));
        assertFalse(rule.matches(change("feature/hotfix-ui")));
    }

    @Test
    void labelsCompareCaseInsensitivelyAndTrimmed() {
        final HotfixRule rule = new HotfixRule(List.of(), List.of(" Emergency ", "HOTFIX"));
        assertEquals(Set.of("emergency", "hotfix"), rule.labels());
        assertTrue(rule.matches(change(null, "emergency")));
        assertTrue(rule.matches(change(null, "EMERGENCY")));
        assertTrue(rule.matches(change(null, "hotfix ")));
        assertTrue(rule.matchesAnyLabel(List.of("x", "HotFix")));
        assertFalse(rule.matches(change(null, "emergency-ish")));
        assertFalse(rule.matchesAnyLabel(null));
    }

    @Test
    void nullBranchMatchesNoGlob() {
        final HotfixRule rule = branches("**");
        assertFalse(rule.matchesBranch(null));
        assertFalse(rule.matches(change(null)));
        assertTrue(rule.matches(change("anything/at/all")));
        assertFalse(rule.matches(null));
    }

    @Test
    void emptyRuleMatchesNothing() {
        final HotfixRule none = HotfixRule.none();
        assertTrue(none.isEmpty());
        assertFalse(HotfixRule.defaults().isEmpty());
        assertFalse(none.matches(change("hotfix/login", "hotfix")));
        assertFalse(none.matches(change(null)));
        assertEquals(none, new HotfixRule(List.of(), Set.of()));
    }

    @Test
    void equalRulesDescribeThemselvesTheSame() {
        final HotfixRule a = new HotfixRule(List.of("hotfix/**", "hotfix-*", "hotfix/**"), List.of("Hotfix"));
        final HotfixRule b = new HotfixRule(List.of("hotfix-*", "hotfix/**"), Set.of("hotfix"));
        assertEquals(a, b);
        assertEquals(a.hashCode(), b.hashCode());
        assertEquals(a.definition(), b.definition());
        assertEquals(HotfixRule.defaults(), a);
        assertEquals("branches=[hotfix-*, hotfix/**] labels=[hotfix]", a.definition());
        assertNotEquals(a, new HotfixRule(List.of("hotfix/**"), List.of("hotfix")));
        assertNotEquals(a.definition(), new HotfixRule(List.of("hotfix-*", "hotfix/**"), List.of()).definition());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "hot fix/*", "hotfix/[0-9]*", "hotfix/{a,b}", "hotfix\\*", "hotfix/***",
            "hot\tfix"})
    void rejectsInvalidGlobsNamingThem(final String glob) {
        final IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> branches(glob));
        assertTrue(e.getMessage().startsWith("hotfix branch glob"), e.getMessage());
        if (!glob.isBlank()) {
            assertTrue(e.getMessage().contains("'" + glob + "'"), e.getMessage());
        }
    }

    @Test
    void rejectsBlankLabels() {
        final IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new HotfixRule(List.of(), List.of("hotfix", " ")));
        assertEquals("hotfix label must not be empty", e.getMessage());
    }
}
