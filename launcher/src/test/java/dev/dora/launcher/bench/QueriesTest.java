package dev.dora.launcher.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.LocalDate;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The bench's questions: the repeated kinds ask the same few, the cold kinds never ask one twice. */
@Tag("unit")
class QueriesTest {

    private static final List<String> SERVICES = List.of("svc-1", "svc-2", "svc-3", "svc-4", "svc-5", "svc-6");
    private static final List<String> TEAMS = List.of("team-a");
    private static final BenchSettings SETTINGS = new BenchSettings(
            new BenchSettings.History(3_000, 6, 365, 3, LocalDate.parse("2026-11-01")), Set.of(Phase.QUERIES),
            null, new BenchSettings.Querying(16, 500, 1_000, 20), null, null, null, null);

    @Test
    void everyColdKindAsksAsManyDifferentQuestionsAsARunTakes() {
        for (final Queries.Kind kind : Queries.Kind.values()) {
            if (kind.warm == null) {
                continue;
            }
            final List<String> urls = Queries.of(kind, SERVICES, TEAMS, SETTINGS);
            assertEquals(1_000 + 2 * 500, urls.size(), kind.name());
            assertEquals(urls.size(), new HashSet<>(urls).size(), kind + " asks a question twice");
            for (final String url : urls) {
                assertTrue(url.startsWith(Queries.of(kind.warm, SERVICES, TEAMS, SETTINGS).get(0)
                        .substring(0, url.indexOf('?'))), url);
                final LocalDate from = date(url, "from=");
                final LocalDate to = date(url, "to=");
                assertTrue(!from.isBefore(SETTINGS.history().start()) && to.isAfter(from)
                        && !to.isAfter(SETTINGS.history().end()), "a window outside the history: " + url);
            }
        }
    }

    private static LocalDate date(final String url, final String parameter) {
        final int at = url.indexOf(parameter) + parameter.length();
        return LocalDate.parse(url.substring(at, at + 10));
    }

    @Test
    void theRepeatedKindsAskTheirFewQuestionsAgainAndAgain() {
        assertEquals(6, Queries.of(Queries.Kind.SERVICE_90_DAYS, SERVICES, TEAMS, SETTINGS).size());
        assertEquals(1, Queries.of(Queries.Kind.ORGANISATION_WEEKLY, SERVICES, TEAMS, SETTINGS).size());
        assertTrue(Queries.Kind.TEAM_90_DAYS_COLD.id().equals("team90DaysCold"));
        assertTrue(Queries.Kind.TEAM_90_DAYS_COLD.label.contains("cold"));
    }

    @Test
    void theFloorAsksAStaticFileAndHasNoTarget() {
        assertEquals(List.of("/favicon.svg"), Queries.of(Queries.Kind.HTTP_FLOOR, SERVICES, TEAMS, SETTINGS));
        assertTrue(Double.isNaN(Queries.Kind.HTTP_FLOOR.targetP99Millis));
    }
}
