package dev.dora.streams.simulation;

import dev.dora.events.BuildEvent;
import dev.dora.events.BuildStatus;
import dev.dora.schema.EventFields;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.avro.specific.SpecificRecord;

/**
 * The CI builds of a generated history, drawn from a random source of their own so that adding them leaves every
 * other event of a seed exactly as {@link HistoryGenerator} makes it.
 *
 * <p>Per service and working day: a few builds on the default branch and on feature branches, succeeding 85-95 %
 * of the time by performance level; a failure on the default branch keeps it broken for a few builds (hours); some
 * failures are re-run (another build id); a few builds are cancelled; durations are minutes, longer for slower
 * levels and for the second pipeline ({@code e2e}) that some services have. The {@code ci} pipeline of most services
 * reports coverage. Each build is sent as {@code in_progress} when it starts and again when it finishes; one still
 * running at the end is sent once. One service in four works on {@code trunk}, which the catalog names as its default
 * branch (stamped on its builds); in the demo's history that service works on {@code master} instead, a default
 * branch without a catalog, because the demo sends its builds through the API, which stamps them from the catalog
 * and has none. Nothing happens at or after {@code end}.
 */
public final class BuildHistory {

    /** Mixed into the seed, so the builds' draws are not the other events'. */
    private static final long SALT = 0x6275696c64L;
    private static final double CANCELLED = 0.03;
    private static final double RERUN = 0.35;
    private static final double STAYS_BROKEN = 0.5;

    private BuildHistory() {
    }

    /** The builds of {@code services} over [end − days, end). */
    public static List<BuildEvent> generate(final List<ServiceProfile> services, final long seed, final Instant end,
                                            final int days) {
        return generate(services, seed, end, days, true);
    }

    private static List<BuildEvent> generate(final List<ServiceProfile> services, final long seed, final Instant end,
                                             final int days, final boolean catalogBranch) {
        final SplittableRandom master = new SplittableRandom(seed ^ SALT);
        final List<BuildEvent> out = new ArrayList<>();
        for (int i = 0; i < services.size(); i++) {
            final boolean other = i % 4 == 3;
            final String branch = !other ? "main" : catalogBranch ? "trunk" : "master";
            new ServiceBuilds(services.get(i), branch, other && catalogBranch ? branch : null, master.split(), end)
                    .generate(end.minus(Duration.ofDays(days)), out);
        }
        out.sort(Comparator.comparing(BuildEvent::getOccurredAt));
        return out;
    }

    /** {@code history} with {@code builds} among its events, each kept where its time puts it (a stable merge). */
    public static List<SpecificRecord> merged(final List<SpecificRecord> history, final List<BuildEvent> builds) {
        final List<SpecificRecord> out = new ArrayList<>(history.size() + builds.size());
        out.addAll(history);
        out.addAll(builds);
        out.sort(Comparator.comparing(EventFields::occurredAt));
        return out;
    }

    /** The demo's history ({@link HistoryGenerator#demo}) with its builds. */
    public static List<SpecificRecord> demo(final Instant end) {
        final HistoryGenerator generator = HistoryGenerator.demo(end);
        return merged(generator.generate(), generate(generator.services(), 42, end, 120, false));
    }

    /** One service's builds. */
    private static final class ServiceBuilds {
        private final ServiceProfile service;
        private final String defaultBranch;
        /** What the ingest edge stamps on the builds: the catalog's default branch, null when it names none. */
        private final String stamp;
        private final SplittableRandom rng;
        private final Instant end;
        private final double success;
        private final int minMinutes;
        private final int maxMinutes;
        private final boolean e2e;
        private final boolean coverage;
        private double covered;
        private long counter;

        ServiceBuilds(final ServiceProfile service, final String defaultBranch, final String stamp,
                      final SplittableRandom rng, final Instant end) {
            this.service = service;
            this.defaultBranch = defaultBranch;
            this.stamp = stamp;
            this.rng = rng;
            this.end = end;
            this.success = switch (service.level()) {
                case ELITE -> 0.95;
                case HIGH -> 0.92;
                case MEDIUM -> 0.88;
                case LOW -> 0.85;
            };
            this.minMinutes = switch (service.level()) {
                case ELITE -> 3;
                case HIGH -> 5;
                case MEDIUM -> 8;
                case LOW -> 12;
            };
            this.maxMinutes = minMinutes * 3;
            this.e2e = rng.nextBoolean();
            this.coverage = rng.nextDouble() < 0.7;
            this.covered = 0.55 + rng.nextDouble() * 0.3;
        }

        void generate(final Instant start, final List<BuildEvent> out) {
            final boolean[] broken = new boolean[2];
            for (LocalDate day = Draws.date(start); day.atStartOfDay().toInstant(ZoneOffset.UTC).isBefore(end);
                    day = day.plusDays(1)) {
                if (!Draws.isWorkingDay(day) && rng.nextDouble() > 0.1) {
                    continue;
                }
                final List<Instant> times = new ArrayList<>();
                final int onDefault = 1 + Draws.around(Math.min(6, service.mainlineEventsPerWorkDay()), rng);
                final int onFeatures = Draws.around(2, rng);
                for (int i = 0; i < onDefault + onFeatures; i++) {
                    times.add(Draws.workingTime(day, rng));
                }
                for (int i = 0; i < times.size(); i++) {
                    final boolean main = i < onDefault;
                    final String branch = main ? defaultBranch : "feature/" + service.name() + "-" + rng.nextInt(40);
                    run(times.get(i), branch, "ci", main ? broken : null, 0, start, out);
                    if (e2e && main) {
                        run(times.get(i).plusSeconds(60), branch, "e2e", broken, 1, start, out);
                    }
                }
            }
        }

        /** One build and perhaps its re-run; {@code broken[slot]} is the pipeline's default branch, when on it. */
        private void run(final Instant started, final String branch, final String pipeline, final boolean[] broken,
                         final int slot, final Instant start, final List<BuildEvent> out) {
            if (started.isBefore(start)) {
                return;
            }
            final boolean brokenBefore = broken != null && broken[slot];
            final double chance = brokenBefore ? 1 - STAYS_BROKEN : success;
            final BuildStatus status = rng.nextDouble() < CANCELLED ? BuildStatus.cancelled
                    : rng.nextDouble() < chance ? BuildStatus.success : BuildStatus.failure;
            final String id = service.name() + "-" + pipeline + "-" + ++counter;
            final Instant finished = emit(id, started, branch, pipeline, status, out);
            if (broken != null && finished != null && status != BuildStatus.cancelled) {
                broken[slot] = status == BuildStatus.failure;
            }
            if (status == BuildStatus.failure && finished != null && rng.nextDouble() < RERUN) {
                final BuildStatus again = rng.nextDouble() < 0.5 ? BuildStatus.success : BuildStatus.failure;
                final Instant rerun = emit(id + "-rerun", finished.plusSeconds(120 + rng.nextInt(600)), branch,
                        pipeline, again, out);
                if (broken != null && rerun != null) {
                    broken[slot] = again == BuildStatus.failure;
                }
            }
        }

        /** Sends the build's events; answers when it finished, null when it is still running at the end. */
        private Instant emit(final String id, final Instant started, final String branch, final String pipeline,
                             final BuildStatus status, final List<BuildEvent> out) {
            if (!started.isBefore(end)) {
                return null;
            }
            final long minutes = minMinutes + rng.nextInt(maxMinutes - minMinutes + 1);
            final long seconds = minutes * 60 * ("e2e".equals(pipeline) ? 2 : 1) + rng.nextInt(60);
            final Instant finished = started.plusSeconds(status == BuildStatus.cancelled ? seconds / 3 : seconds);
            final BuildEvent.Builder build = BuildEvent.newBuilder().setId(id).setService(service.name())
                    .setTeam(service.team()).setSource("github").setOccurredAt(started)
                    .setStatus(BuildStatus.in_progress).setStartedAt(started).setBranch(branch)
                    .setSha(Draws.sha(rng)).setPipeline(pipeline).setDefaultBranch(stamp);
            out.add(build.build());
            if (!finished.isBefore(end)) {
                return null;
            }
            final Double reported = coverage && "ci".equals(pipeline) ? coverage() : null;
            out.add(build.setOccurredAt(finished).setStatus(status).setFinishedAt(finished).setCoverage(reported)
                    .build());
            return finished;
        }

        /** A coverage that wanders slowly, as a codebase's does. */
        private double coverage() {
            covered = Math.max(0.3, Math.min(0.97, covered + (rng.nextDouble() - 0.5) * 0.01));
            return Math.round(covered * 10_000) / 10_000.0;
        }
    }
}
