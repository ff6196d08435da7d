package dev.dora.streams.reports;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.dora.reports.ScopeKind;
import dev.dora.streams.store.ReportKeys;
import java.time.LocalDate;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** ISO weeks, as the topic keys and the API name them, across year boundaries and 53-week years. */
@Tag("unit")
class WeeklyReportsTest {

    @Test
    void isoWeeksAcrossYearBoundaries() {
        assertEquals("2026-W44", WeeklyReports.isoWeek(LocalDate.parse("2026-10-26")));
        assertEquals("2026-W53", WeeklyReports.isoWeek(LocalDate.parse("2026-12-28")));
        assertEquals("2027-W01", WeeklyReports.isoWeek(LocalDate.parse("2027-01-04")));
        // the Monday of 2025-W01 is still in 2024
        assertEquals("2025-W01", WeeklyReports.isoWeek(LocalDate.parse("2024-12-30")));
    }

    @Test
    void mondaysOfIsoWeeks() {
        assertEquals(LocalDate.parse("2026-10-26"), WeeklyReports.monday("2026-W44"));
        assertEquals(LocalDate.parse("2026-12-28"), WeeklyReports.monday("2026-W53"));
        assertEquals(LocalDate.parse("2024-12-30"), WeeklyReports.monday("2025-W01"));
        assertEquals(LocalDate.parse("2021-01-04"), WeeklyReports.monday("2021-W01"));
        for (LocalDate monday = LocalDate.parse("2019-12-30"); monday.isBefore(LocalDate.parse("2028-01-03"));
             monday = monday.plusWeeks(1)) {
            assertEquals(monday, WeeklyReports.monday(WeeklyReports.isoWeek(monday)), monday.toString());
        }
        assertThrows(IllegalArgumentException.class, () -> WeeklyReports.monday("2026-44"));
        assertThrows(IllegalArgumentException.class, () -> WeeklyReports.monday("2025-W53"), "2025 has 52 weeks");
        assertThrows(IllegalArgumentException.class, () -> WeeklyReports.monday("2026-W00"));
    }

    @Test
    void topicKeysNameTheScopeThenTheWeek() {
        assertEquals("service:checkout:2026-W44", WeeklyReports.key(ScopeKind.service, "checkout", "2026-W44"));
        assertEquals("team:commerce:2026-W44", WeeklyReports.key(ScopeKind.team, "commerce", "2026-W44"));
        assertEquals("organisation:2026-W44", WeeklyReports.key(ScopeKind.organisation, null, "2026-W44"));
    }

    @Test
    void storeKeysPutTheWeekFirstAndTheOrganisationBeforeTeamsBeforeServices() {
        assertEquals("2026-W44/0/", ReportKeys.of(ScopeKind.organisation, null, "2026-W44"));
        assertEquals("2026-W44/1/commerce", ReportKeys.of(ScopeKind.team, "commerce", "2026-W44"));
        assertEquals("2026-W44/2/checkout", ReportKeys.of(ScopeKind.service, "checkout", "2026-W44"));
        assertEquals("2026-W44", ReportKeys.week(ReportKeys.of(ScopeKind.service, "a/b", "2026-W44")));
        assertEquals("2026-W44/2/a:b", ReportKeys.ofTopicKey("service:a:b:2026-W44"), "a name with colons");
        assertEquals("2026-W44/1/commerce", ReportKeys.ofTopicKey("team:commerce:2026-W44"));
        assertEquals("2026-W44/0/", ReportKeys.ofTopicKey("organisation:2026-W44"));
        assertThrows(IllegalArgumentException.class, () -> ReportKeys.ofTopicKey("organisation:x:2026-W44"));
        assertThrows(IllegalArgumentException.class, () -> ReportKeys.ofTopicKey("service:2026-W44"));
        assertThrows(IllegalArgumentException.class, () -> ReportKeys.ofTopicKey("person:x:2026-W44"));
        // string order is week order, also across years: the last key is of the latest week
        assertEquals(-1, Integer.signum("2026-W53/2/z".compareTo(ReportKeys.prefix("2027-W01"))));
    }
}
