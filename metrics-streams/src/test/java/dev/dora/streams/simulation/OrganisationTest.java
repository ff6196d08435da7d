package dev.dora.streams.simulation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The benchmark organisation: names, teams, a mix of levels, and a history of about the size asked for. */
@Tag("unit")
class OrganisationTest {

    private static final Instant END = Instant.parse("2026-10-01T00:00:00Z");

    @Test
    void servicesInTeamsOfSixWithEveryLevel() {
        final List<ServiceProfile> services = Organisation.services(300, 42);
        assertEquals(300, services.size());
        assertEquals("svc-001", services.get(0).name());
        assertEquals("team-01", services.get(0).team());
        assertEquals("svc-300", services.get(299).name());
        assertEquals("team-50", services.get(299).team());
        assertEquals(300, services.stream().map(ServiceProfile::name).distinct().count());
        final Map<PerformanceLevel, Long> levels = services.stream()
                .collect(Collectors.groupingBy(ServiceProfile::level, Collectors.counting()));
        assertEquals(Map.of(PerformanceLevel.ELITE, 60L, PerformanceLevel.HIGH, 105L,
                PerformanceLevel.MEDIUM, 90L, PerformanceLevel.LOW, 45L), levels);
        assertEquals(60, services.stream().filter(s -> "prod".equals(s.productionEnvironment())).count());
        assertEquals(Organisation.services(300, 42), services, "deterministic for a seed");
        assertNotEquals(Organisation.services(300, 43).stream().map(ServiceProfile::level).toList(),
                services.stream().map(ServiceProfile::level).toList());
        final ServiceProfile prefixed = Organisation.services("late-", 1, 1).get(0);
        assertEquals("late-svc-001", prefixed.name());
        assertEquals("late-team-01", prefixed.team());
    }

    @Test
    void aHistoryOfAboutTheRequestedSize() {
        final List<ServiceProfile> services = Organisation.sizedFor(60_000, 100, 120, END, 7);
        final int size = HistoryGenerator.builder().seed(7).end(END).days(120).services(services).build()
                .generate().size();
        assertTrue(Math.abs(size - 60_000) < 60_000 * 0.05, "size " + size);
        final Map<String, ServiceProfile> byName = services.stream()
                .collect(Collectors.toMap(ServiceProfile::name, Function.identity()));
        final ServiceProfile natural = Organisation.services(100, 7).get(0);
        final double factor = byName.get(natural.name()).deploysPerWorkDay() / natural.deploysPerWorkDay();
        assertEquals(factor, byName.get(natural.name()).mainlineEventsPerWorkDay()
                / natural.mainlineEventsPerWorkDay(), 1e-9, "commits and deployments scale alike");
    }
}
