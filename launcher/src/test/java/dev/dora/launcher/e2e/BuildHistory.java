package dev.dora.launcher.e2e;

import dev.dora.events.BuildEvent;
import dev.dora.events.BuildStatus;
import dev.dora.streams.model.ReferenceModel;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.avro.specific.SpecificRecord;

/**
 * CI builds for the end-to-end tests of pipeline health: for every service, builds of two pipelines on the default
 * branch and some on feature branches, mostly green with runs of red on the default branch that a later success
 * fixes, re-runs as builds of their own, coverage on some, and the earlier {@code in_progress} state of some builds
 * (which the finished state, later by {@code occurredAt}, must win over in any arrival order). Deterministic per seed.
 */
public final class BuildHistory {

    private static final Duration STEP = Duration.ofHours(5);

    private BuildHistory() {
    }

    /**
     * The events with builds of their services from {@code start} to {@code end} added, unless they hold builds
     * already (the generated history may have its own).
     */
    public static List<SpecificRecord> withBuilds(final List<SpecificRecord> events, final Instant start,
                                                  final Instant end, final long seed) {
        if (events.stream().anyMatch(BuildEvent.class::isInstance)) {
            return events;
        }
        final List<SpecificRecord> out = new ArrayList<>(events);
        out.addAll(generate(ReferenceModel.defaults().load(events).teams(), start, end, seed));
        return out;
    }

    /** Builds of {@code teams}' services (service to team) from {@code start} to {@code end}. */
    public static List<BuildEvent> generate(final Map<String, String> teams, final Instant start, final Instant end,
                                     final long seed) {
        final Random random = new Random(seed);
        final List<BuildEvent> builds = new ArrayList<>();
        teams.forEach((service, team) -> {
            int n = 0;
            boolean red = false;
            for (Instant at = start.plus(Duration.ofMinutes(random.nextInt(240))); at.isBefore(end);
                 at = at.plus(STEP).plus(Duration.ofMinutes(random.nextInt(180)))) {
                final String pipeline = random.nextInt(4) == 0 ? "nightly" : "ci";
                final String branch = random.nextInt(5) == 0 ? "feature/f" + random.nextInt(9) : "main";
                // a red default branch stays red for a few builds: episodes with a time to fix
                red = red ? random.nextInt(3) > 0 : random.nextInt(8) == 0;
                final BuildStatus status = random.nextInt(25) == 0 ? BuildStatus.cancelled
                        : red && "main".equals(branch) || random.nextInt(12) == 0 ? BuildStatus.failure
                        : BuildStatus.success;
                final long seconds = 90 + random.nextInt(random.nextInt(6) == 0 ? 2_400 : 700);
                final Instant finished = at.plusSeconds(seconds);
                if (!finished.isBefore(end)) {
                    break;
                }
                final String id = "e2e-" + service + "-" + (++n);
                final BuildEvent.Builder build = BuildEvent.newBuilder().setId(id).setService(service).setTeam(team)
                        .setOccurredAt(finished).setStatus(status).setStartedAt(at).setFinishedAt(finished)
                        .setBranch(branch).setPipeline(pipeline)
                        .setSha(String.format("%040x", random.nextLong() & Long.MAX_VALUE));
                if ("ci".equals(pipeline) && random.nextInt(3) == 0) {
                    build.setCoverage(0.6 + random.nextInt(300) / 1000.0);
                }
                builds.add(build.build());
                if (random.nextInt(4) == 0) {
                    builds.add(BuildEvent.newBuilder(build.build()).setOccurredAt(at).setStatus(BuildStatus.in_progress)
                            .setFinishedAt(null).setCoverage(null).build());
                }
                if (status == BuildStatus.failure && random.nextInt(3) == 0) {
                    // a re-run is another build: another id, later
                    final Instant again = finished.plusSeconds(60);
                    final Instant done = again.plusSeconds(seconds);
                    if (done.isBefore(end)) {
                        builds.add(BuildEvent.newBuilder(build.build()).setId(id + "-rerun").setStartedAt(again)
                                .setFinishedAt(done).setOccurredAt(done).setStatus(BuildStatus.success).build());
                    }
                }
            }
        });
        return builds;
    }
}
