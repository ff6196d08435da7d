package dev.dora.streams.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dora.events.ChangeEvent;
import dev.dora.events.DeploymentEvent;
import dev.dora.events.IncidentEvent;
import dev.dora.events.IncidentStatus;
import dev.dora.schema.AvroCodec;
import dev.dora.schema.EventFields;
import dev.dora.streams.simulation.HistoryGenerator;
import dev.dora.streams.simulation.PerformanceLevel;
import dev.dora.streams.simulation.ServiceProfile;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The demo history is realistic enough to exercise every rule, and the model ranks its services sensibly. */
@Tag("unit")
class HistoryGeneratorTest {

    private static final Instant END = Instant.parse("2026-10-01T00:00:00Z");
    private static final List<SpecificRecord> DEMO = HistoryGenerator.demo(END).generate();
    private static final ReferenceModel MODEL = ReferenceModel.defaults().load(DEMO);

    @Test
    void deterministicForASeed() {
        final List<SpecificRecord> again = HistoryGenerator.demo(END).generate();
        assertEquals(encoded(DEMO), encoded(again));
        final List<SpecificRecord> other = HistoryGenerator.builder().seed(43).end(END).days(120)
                .services(HistoryGenerator.demoServices()).build().generate();
        assertNotEquals(encoded(DEMO), encoded(other));
    }

    @Test
    void shapeOfTheDemoPreset() {
        assertTrue(DEMO.size() >= 4_000 && DEMO.size() <= 10_000, "size " + DEMO.size());
        final Instant first = EventFields.occurredAt(DEMO.get(0));
        final Instant last = EventFields.occurredAt(DEMO.get(DEMO.size() - 1));
        assertTrue(Duration.between(first, last).toDays() >= 90);
        assertTrue(last.isBefore(END), "nothing at or after the end");
        for (int i = 1; i < DEMO.size(); i++) {
            assertFalse(EventFields.occurredAt(DEMO.get(i)).isBefore(EventFields.occurredAt(DEMO.get(i - 1))), "sorted by occurredAt");
        }
        final Map<String, String> teams = MODEL.teams();
        assertEquals(6, teams.size());
        assertEquals(3, new HashSet<>(teams.values()).size());
        assertEquals("commerce", teams.get("checkout"));
        assertEquals("finance", teams.get("ledger"));
        assertTrue(DEMO.stream().anyMatch(e -> EventFields.team(e) == null), "a few events omit the team");
        assertTrue(DEMO.stream().filter(e -> EventFields.team(e) == null).count() < DEMO.size() / 20);
    }

    @Test
    void containsEveryKindOfEvent() {
        final List<ChangeEvent> changes = of(ChangeEvent.class);
        final List<DeploymentEvent> deployments = of(DeploymentEvent.class);
        final List<IncidentEvent> incidents = of(IncidentEvent.class);

        assertTrue(changes.stream().anyMatch(c -> c.getParents().size() == 2), "merges");
        assertTrue(changes.stream().allMatch(c -> "github".equals(c.getSource())
                && ("acme/" + c.getService()).equals(c.getRepo())));
        assertTrue(changes.stream().allMatch(c -> !c.getCommittedAt().isAfter(c.getOccurredAt())));
        assertTrue(deployments.stream().anyMatch(d -> d.getRollbackOf() != null), "rollbacks");
        assertTrue(deployments.stream().anyMatch(d -> "staging".equals(d.getEnvironment())));
        assertTrue(deployments.stream().anyMatch(d -> "prod".equals(d.getEnvironment())));
        assertTrue(deployments.stream().anyMatch(d -> "production".equals(d.getEnvironment())));
        assertTrue(incidents.stream().anyMatch(i -> i.getCauseDeploymentId() != null), "cause: deployment");
        assertTrue(incidents.stream().anyMatch(i -> i.getCauseSha() != null), "cause: sha");
        assertTrue(incidents.stream().anyMatch(i -> i.getCauseDeploymentId() == null && i.getCauseSha() == null),
                "no cause");
        assertTrue(incidents.stream().anyMatch(i -> "staging".equals(i.getEnvironment())), "non-production");

        final Map<String, IncidentEvent> winners = new HashMap<>();
        incidents.forEach(i -> winners.merge(i.getId(), i, ReferenceModel::winner));
        final long open = winners.values().stream().filter(i -> i.getStatus() == IncidentStatus.open).count();
        assertTrue(open >= 1 && open <= 2, "open at the end: " + open);
        assertEquals(open, MODEL.metrics(null, null, END.minus(Duration.ofDays(120)), END).openIncidents());

        final Set<String> encodings = new HashSet<>();
        final long duplicates = DEMO.stream().filter(e -> !encodings.add(new String(
                AvroCodec.get().encode(e), java.nio.charset.StandardCharsets.ISO_8859_1))).count();
        assertTrue(duplicates >= 3, "redeliveries: " + duplicates);

        // every failure rule is exercised, and some incidents are not attributable at all
        final Set<String> rules = MODEL.deployments().values().stream()
                .map(DeploymentView::rule).filter(r -> r != null).collect(Collectors.toSet());
        assertEquals(Set.of(ReferenceModel.CAUSE_DEPLOYMENT_ID, ReferenceModel.CAUSE_SHA,
                ReferenceModel.TIME_WINDOW, ReferenceModel.ROLLBACK), rules);
    }

    @Test
    void eliteServicesRankAboveLowOnes() {
        final Instant from = END.minus(Duration.ofDays(90));
        final MetricsAnswer elite = MODEL.metrics("checkout", null, from, END);
        final MetricsAnswer low = MODEL.metrics("ledger", null, from, END);
        assertTrue(elite.perDay() > low.perDay() * 10, elite.perDay() + " vs " + low.perDay());
        assertTrue(elite.leadTimeMedianSeconds() < low.leadTimeMedianSeconds());
        assertTrue(elite.leadTimeMedianSeconds() < Duration.ofDays(1).toSeconds(), "elite: hours");
        assertTrue(low.leadTimeMedianSeconds() > Duration.ofDays(30).toSeconds(), "low: months");
        assertTrue(elite.changeFailureRate() < low.changeFailureRate());
        assertTrue(elite.restoreMedianSeconds() < low.restoreMedianSeconds());

        final MetricsAnswer high = MODEL.metrics("payments", null, from, END);
        final MetricsAnswer medium = MODEL.metrics("catalog", null, from, END);
        assertTrue(high.leadTimeMedianSeconds() >= Duration.ofDays(1).toSeconds()
                && high.leadTimeMedianSeconds() <= Duration.ofDays(7).toSeconds(), "high: days");
        assertTrue(medium.leadTimeMedianSeconds() >= Duration.ofDays(7).toSeconds()
                && medium.leadTimeMedianSeconds() <= Duration.ofDays(28).toSeconds(), "medium: weeks");
    }

    @Test
    void customServicesAndLength() {
        final List<SpecificRecord> events = HistoryGenerator.builder().seed(1).end(END).days(30)
                .services(List.of(ServiceProfile.of("api", "platform", PerformanceLevel.HIGH)))
                .build().generate();
        assertFalse(events.isEmpty());
        assertTrue(events.stream().allMatch(e -> EventFields.occurredAt(e).isBefore(END)
                && !EventFields.occurredAt(e).isBefore(END.minus(Duration.ofDays(30)))));
    }

    private static <T> List<T> of(final Class<T> type) {
        return DEMO.stream().filter(type::isInstance).map(type::cast).toList();
    }

    private static List<String> encoded(final List<SpecificRecord> events) {
        return events.stream().map(e -> java.util.HexFormat.of().formatHex(AvroCodec.get().encode(e))).toList();
    }


    @Test
    void anIdOffsetGivesAHistoryIdsOfItsOwnAndChangesNothingElse() {
        final Instant end = Instant.parse("2026-11-01T00:00:00Z");
        final List<SpecificRecord> plain = HistoryGenerator.builder().seed(7).end(end).days(30).build().generate();
        final List<SpecificRecord> offset = HistoryGenerator.builder().seed(7).end(end).days(30)
                .idOffset(1_000_000_000L).build().generate();
        assertEquals(plain.size(), offset.size());
        final Set<String> plainIds = ids(plain);
        final Set<String> offsetIds = ids(offset);
        assertFalse(plainIds.isEmpty());
        assertEquals(plainIds.size(), offsetIds.size());
        assertTrue(plainIds.stream().noneMatch(offsetIds::contains), "no deployment or incident id in common");
        for (int i = 0; i < plain.size(); i++) {
            assertEquals(EventFields.occurredAt(plain.get(i)), EventFields.occurredAt(offset.get(i)), "event " + i);
            assertEquals(plain.get(i).getClass(), offset.get(i).getClass(), "event " + i);
        }
    }

    private static Set<String> ids(final List<SpecificRecord> events) {
        final Set<String> ids = new HashSet<>();
        for (final SpecificRecord event : events) {
            if (event instanceof DeploymentEvent d) {
                ids.add(d.getId());
            } else if (event instanceof IncidentEvent e) {
                ids.add(e.getId());
            }
        }
        return ids;
    }
}
