package dev.dora.streams.simulation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dora.events.BuildEvent;
import dev.dora.events.BuildStatus;
import dev.dora.schema.AvroCodec;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The demo's builds look like a real CI's, and adding them changes none of the other events. */
@Tag("unit")
class BuildHistoryTest {

    private static final Instant END = Instant.parse("2026-10-01T00:00:00Z");
    private static final List<BuildEvent> BUILDS = BuildHistory.generate(HistoryGenerator.demoServices(), 42, END, 120);

    @Test
    void theOtherEventsOfTheHistoryStayExactlyAsTheyWere() {
        final List<SpecificRecord> plain = HistoryGenerator.demo(END).generate();
        final List<SpecificRecord> merged = BuildHistory.demo(END);
        assertEquals(plain.size() + BUILDS.size(), merged.size());
        final List<String> withoutBuilds = merged.stream().filter(e -> !(e instanceof BuildEvent))
                .map(BuildHistoryTest::encoded).toList();
        assertEquals(plain.stream().map(BuildHistoryTest::encoded).toList(), withoutBuilds, "same events, same order");
        assertEquals(BUILDS.stream().map(BuildHistoryTest::encoded).toList(),
                BuildHistory.generate(HistoryGenerator.demoServices(), 42, END, 120).stream()
                        .map(BuildHistoryTest::encoded).toList(), "deterministic");
    }

    @Test
    void everyServiceBuildsSeveralTimesADayMostlySuccessfully() {
        final Map<String, BuildEvent> winners = new HashMap<>();
        BUILDS.forEach(b -> winners.merge(b.getId(), b, (x, y) -> x.getOccurredAt().isAfter(y.getOccurredAt()) ? x : y));
        assertEquals(HistoryGenerator.demoServices().stream().map(ServiceProfile::name).collect(Collectors.toSet()),
                winners.values().stream().map(BuildEvent::getService).collect(Collectors.toSet()));
        for (final ServiceProfile service : HistoryGenerator.demoServices()) {
            final List<BuildEvent> finished = winners.values().stream()
                    .filter(b -> b.getService().equals(service.name()) && b.getFinishedAt() != null).toList();
            assertTrue(finished.size() > 120 * 5 / 7 * 2, service.name() + ": several builds a working day: "
                    + finished.size());
            final long ok = finished.stream().filter(b -> b.getStatus() == BuildStatus.success).count();
            final long failed = finished.stream().filter(b -> b.getStatus() == BuildStatus.failure).count();
            final double rate = (double) ok / (ok + failed);
            assertTrue(rate > 0.75 && rate < 0.97, service.name() + " success rate " + rate);
            assertTrue(finished.stream().allMatch(b -> !b.getFinishedAt().isBefore(b.getStartedAt())
                    && Duration.between(b.getStartedAt(), b.getFinishedAt()).toMinutes() < 120), "minutes");
            assertTrue(finished.stream().anyMatch(b -> b.getBranch().startsWith("feature/")), "feature branches");
        }
        assertTrue(winners.keySet().stream().anyMatch(id -> id.endsWith("-rerun")), "re-runs");
        assertTrue(winners.values().stream().anyMatch(b -> b.getStatus() == BuildStatus.cancelled), "cancelled");
        assertTrue(winners.values().stream().anyMatch(b -> b.getCoverage() != null), "coverage");
        assertEquals(Set.of("ci", "e2e"), winners.values().stream().map(BuildEvent::getPipeline)
                .collect(Collectors.toSet()), "a second pipeline on some services");
        assertTrue(winners.values().stream().anyMatch(b -> "trunk".equals(b.getDefaultBranch())),
                "a catalog naming another default branch");
        assertTrue(BUILDS.stream().allMatch(b -> b.getOccurredAt().isBefore(END)), "nothing at or after the end");
    }

    private static String encoded(final SpecificRecord event) {
        return java.util.HexFormat.of().formatHex(AvroCodec.get().encode(event));
    }
}
