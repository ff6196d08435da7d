package dev.dora.streams.simulation;

import static dev.dora.streams.simulation.Draws.around;
import static dev.dora.streams.simulation.Draws.date;
import static dev.dora.streams.simulation.Draws.isWorkingDay;
import static dev.dora.streams.simulation.Draws.max;
import static dev.dora.streams.simulation.Draws.nextWorkingDay;
import static dev.dora.streams.simulation.Draws.plusWorkingDays;
import static dev.dora.streams.simulation.Draws.workingTime;

import dev.dora.events.DeploymentEvent;
import dev.dora.events.DeploymentStatus;
import dev.dora.events.DeploymentStrategy;
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
 * The deployments of the {@link HistoryGenerator}: per service, staging then production deployments of the mainline
 * head at the service's cadence, each sent as in_progress then terminal, a few pipeline failures retried, and
 * rollbacks of failed changes. Decides which production deployments fail and how ({@link FailureKind}).
 *
 * <p>Numbers deployments from one counter across services, so one instance serves exactly one history.
 */
final class DeploymentGenerator {

    private final Instant start;
    private final Instant end;
    private final long idOffset;
    private long counter;

    DeploymentGenerator(final Instant start, final Instant end, final long idOffset) {
        this.start = start;
        this.end = end;
        this.idOffset = idOffset;
    }

    /** Emits the service's deployments and returns its successful production ones, oldest first. */
    List<ProdDeploy> deployments(final ServiceProfile service, final SplittableRandom rng, final List<Commit> mainline,
                                 final List<SpecificRecord> events, final StagingDeploys stagingDeploys) {
        final List<ProdDeploy> production = new ArrayList<>();
        Instant cursor = start.plus(Duration.ofHours(1));
        String runningSha = null;
        int deployedUpTo = -1; // highest mainline index any production deployment reached
        for (final Instant proposed : deployTimes(service, rng)) {
            Instant startedAt = max(proposed, cursor.plus(Duration.ofMinutes(5 + rng.nextInt(20))));
            final int headIndex = headIndexVisibleAt(mainline, startedAt.minus(Duration.ofMinutes(45)));
            final String sha = mainline.get(headIndex).sha();

            // staging first, same sha
            final Instant stagingStart = startedAt.minus(Duration.ofMinutes(30 + rng.nextInt(15)));
            final Instant stagingEnd = stagingStart.plus(Duration.ofMinutes(3 + rng.nextInt(8)));
            if (!stagingEnd.isBefore(end)) {
                break;
            }
            final DeploymentEvent staging = deployment(service, "staging", sha, stagingStart, stagingEnd,
                    DeploymentStatus.success, null, service.strategy());
            stagingDeploys.add(service, staging);
            emit(staging, events);

            // sometimes the pipeline itself fails and is retried: not a failed change, not a deployment
            if (rng.nextDouble() < 0.04) {
                final Instant failedEnd = startedAt.plus(Duration.ofMinutes(2 + rng.nextInt(6)));
                if (!failedEnd.isBefore(end)) {
                    break;
                }
                emit(deployment(service, service.productionEnvironment(), sha, startedAt, failedEnd,
                        rng.nextBoolean() ? DeploymentStatus.failure : DeploymentStatus.error, null,
                        service.strategy()), events);
                startedAt = failedEnd.plus(Duration.ofMinutes(10 + rng.nextInt(20)));
            }
            final Instant finishedAt = startedAt.plus(Duration.ofMinutes(4 + rng.nextInt(12)));
            if (!finishedAt.isBefore(end)) {
                break;
            }
            final List<String> newShas = new ArrayList<>();
            for (int i = deployedUpTo + 1; i <= headIndex; i++) {
                newShas.add(mainline.get(i).sha());
            }
            deployedUpTo = Math.max(deployedUpTo, headIndex);
            final Outcome outcome = outcome(service, rng, !newShas.isEmpty(), runningSha != null);
            final DeploymentEvent prod = deployment(service, service.productionEnvironment(), sha, startedAt,
                    finishedAt, DeploymentStatus.success, null, service.strategy());
            emit(prod, events);
            production.add(new ProdDeploy(prod.getId(), finishedAt, sha, outcome.kind(), newShas));
            cursor = finishedAt;

            if (outcome.rollsBack()) {
                final ProdDeploy rollback = rollback(service, rng, prod, runningSha, events);
                if (rollback != null) {
                    production.add(rollback);
                    cursor = rollback.finishedAt();
                    continue; // what runs now is the old sha again
                }
            }
            runningSha = sha;
        }
        return production;
    }

    /** How a production deployment fails, if it does, and whether it is rolled back. */
    private record Outcome(FailureKind kind, boolean rollsBack) {
    }

    /**
     * Draws the outcome of a production deployment. A deployment that shipped no new commit cannot be blamed on
     * one; only a deployment with an older sha running before it can be rolled back.
     */
    private static Outcome outcome(final ServiceProfile service, final SplittableRandom rng,
                                   final boolean shippedCommits, final boolean canRollBack) {
        FailureKind kind = rng.nextDouble() < service.changeFailureRate() ? FailureKind.draw(rng) : FailureKind.NONE;
        if (kind == FailureKind.CAUSE_SHA && !shippedCommits) {
            kind = FailureKind.CAUSE_DEPLOYMENT;
        }
        final boolean rollsBack = canRollBack && (kind == FailureKind.ROLLBACK_ONLY
                || (kind != FailureKind.NONE && kind != FailureKind.LATE && rng.nextDouble() < 0.3));
        if (kind == FailureKind.ROLLBACK_ONLY && !rollsBack) {
            kind = FailureKind.CAUSE_DEPLOYMENT;
        }
        return new Outcome(kind, rollsBack);
    }

    /** Rolls {@code failed} back to {@code runningSha}; null when the rollback would not finish before the end. */
    private ProdDeploy rollback(final ServiceProfile service, final SplittableRandom rng, final DeploymentEvent failed,
                                final String runningSha, final List<SpecificRecord> events) {
        final Instant rollbackStart = failed.getFinishedAt().plus(Duration.ofMinutes(10 + rng.nextInt(30)));
        final Instant rollbackEnd = rollbackStart.plus(Duration.ofMinutes(3 + rng.nextInt(4)));
        if (!rollbackEnd.isBefore(end)) {
            return null;
        }
        final DeploymentEvent rollback = deployment(service, service.productionEnvironment(), runningSha,
                rollbackStart, rollbackEnd, DeploymentStatus.success, failed.getId(), DeploymentStrategy.rolling);
        emit(rollback, events);
        return new ProdDeploy(rollback.getId(), rollbackEnd, runningSha, FailureKind.NONE, List.of());
    }

    /** Proposed production start times: several per working day for elite, one every few days or weeks else. */
    private List<Instant> deployTimes(final ServiceProfile service, final SplittableRandom rng) {
        final List<Instant> times = new ArrayList<>();
        final double rate = service.deploysPerWorkDay();
        LocalDate day = date(start);
        if (rate < 1) {
            // a first deployment soon after the start, so every service has a baseline early
            day = nextWorkingDay(day.plusDays(rng.nextInt(3)));
        }
        while (day.isBefore(date(end).plusDays(1))) {
            if (rate >= 1) {
                if (isWorkingDay(day)) {
                    final int count = around(rate, rng);
                    for (int i = 0; i < count; i++) {
                        times.add(day.atStartOfDay().toInstant(ZoneOffset.UTC)
                                .plus(Duration.ofMinutes(9 * 60 + rng.nextInt(8 * 60 + 30))));
                    }
                }
                day = day.plusDays(1);
            } else {
                times.add(workingTime(day, rng));
                final double gap = (0.5 + rng.nextDouble()) / rate;
                day = plusWorkingDays(day, Math.max(1, (int) Math.round(gap)));
            }
        }
        times.sort(Comparator.naturalOrder());
        return times;
    }

    /** The index of the last mainline commit that had reached the tracked branch by {@code t}. */
    private static int headIndexVisibleAt(final List<Commit> mainline, final Instant t) {
        int index = 0;
        for (int i = 0; i < mainline.size(); i++) {
            if (mainline.get(i).occurredAt().isAfter(t)) {
                break;
            }
            index = i;
        }
        return index;
    }

    private DeploymentEvent deployment(final ServiceProfile service, final String environment, final String sha,
                                       final Instant startedAt, final Instant finishedAt,
                                       final DeploymentStatus status, final String rollbackOf,
                                       final DeploymentStrategy strategy) {
        counter++;
        return DeploymentEvent.newBuilder()
                .setId(String.valueOf(7_000_000 + idOffset + counter)).setService(service.name())
                .setTeam(service.team()).setSource("github-actions")
                .setOccurredAt(finishedAt).setEnvironment(environment).setStatus(status)
                .setFinishedAt(finishedAt).setSha(sha).setStartedAt(startedAt)
                .setRollbackOf(rollbackOf).setStrategy(strategy)
                .build();
    }

    /** An in_progress event at start, then the terminal one. */
    private static void emit(final DeploymentEvent terminal, final List<SpecificRecord> events) {
        events.add(DeploymentEvent.newBuilder(terminal)
                .setStatus(DeploymentStatus.in_progress).setFinishedAt(null)
                .setOccurredAt(terminal.getStartedAt())
                .build());
        events.add(terminal);
    }
}
