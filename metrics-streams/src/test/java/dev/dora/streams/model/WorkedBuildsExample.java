package dev.dora.streams.model;

import dev.dora.events.BuildEvent;
import dev.dora.events.BuildStatus;
import java.time.Instant;
import java.util.List;

/** The builds of the pipeline-health worked example in docs/METRICS.md, each in its final state. */
public final class WorkedBuildsExample {

    private WorkedBuildsExample() {
    }

    private static BuildEvent build(final String id, final String branch, final BuildStatus status,
                                    final String started, final String finished, final Double coverage) {
        final Instant end = finished == null ? null : Instant.parse(finished);
        return BuildEvent.newBuilder().setId(id).setService("checkout").setTeam(Events.TEAM)
                .setOccurredAt(end != null ? end : Instant.parse(started)).setStatus(status)
                .setStartedAt(Instant.parse(started)).setFinishedAt(end).setBranch(branch).setCoverage(coverage)
                .build();
    }

    public static List<BuildEvent> builds() {
        return List.of(
                build("B0", "main", BuildStatus.success, "2026-07-02T10:00:00Z", "2026-07-02T10:07:00Z", 0.75),
                build("B1", "main", BuildStatus.success, "2026-07-06T09:00:00Z", "2026-07-06T09:08:00Z", 0.80),
                build("B2", "main", BuildStatus.failure, "2026-07-06T14:00:00Z", "2026-07-06T14:12:00Z", null),
                build("B3", "main", BuildStatus.failure, "2026-07-06T15:00:00Z", "2026-07-06T15:09:00Z", null),
                build("B4", "feature/x", BuildStatus.failure, "2026-07-06T16:00:00Z", "2026-07-06T16:05:00Z", null),
                build("B5", "main", BuildStatus.success, "2026-07-06T17:30:00Z", "2026-07-06T17:40:00Z", 0.78),
                build("B6", "main", BuildStatus.cancelled, "2026-07-08T10:00:00Z", "2026-07-08T10:02:00Z", null),
                build("B7", "main", BuildStatus.success, "2026-07-09T11:00:00Z", "2026-07-09T11:15:00Z", 0.82),
                build("B8", "main", BuildStatus.failure, "2026-07-12T18:00:00Z", "2026-07-12T18:06:00Z", null),
                build("B9", "main", BuildStatus.in_progress, "2026-07-12T23:50:00Z", null, null));
    }
}
