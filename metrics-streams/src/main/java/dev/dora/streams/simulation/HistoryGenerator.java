package dev.dora.streams.simulation;

import static dev.dora.streams.simulation.Draws.around;
import static dev.dora.streams.simulation.Draws.between;
import static dev.dora.streams.simulation.Draws.date;
import static dev.dora.streams.simulation.Draws.isWorkingDay;
import static dev.dora.streams.simulation.Draws.max;
import static dev.dora.streams.simulation.Draws.min;
import static dev.dora.streams.simulation.Draws.minutes;
import static dev.dora.streams.simulation.Draws.nextWorkingDay;
import static dev.dora.streams.simulation.Draws.plusWorkingDays;
import static dev.dora.streams.simulation.Draws.sha;
import static dev.dora.streams.simulation.Draws.workingTime;

import dev.dora.schema.AvroCodec;
import dev.dora.schema.EventFields;
import dev.dora.events.ChangeEvent;
import dev.dora.events.DeploymentEvent;
import dev.dora.events.DeploymentStatus;
import dev.dora.events.DeploymentStrategy;
import dev.dora.events.IncidentEvent;
import dev.dora.events.IncidentStatus;
import dev.dora.events.Severity;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;
import org.apache.avro.specific.SpecificRecord;

/**
 * Generates a plausible, deterministic history of commits, deployments and incidents for a set of services,
 * for demos, load tests and end-to-end checks against the reference model.
 *
 * <p>Per service: a mainline with direct commits and merged feature branches (merge commits have two
 * parents, branch commits were made before the merge and reach the tracked branch with it); staging then
 * production deployments of the mainline head at the service's cadence, each sent as in_progress then
 * terminal; failed changes surfacing as incidents (linked by deployment id, by sha, by time only, or opened
 * too late to be attributed) and rollbacks; a few redeliveries, events without a team and staging
 * incidents. Nothing happens at or after {@code end}. The same seed always yields the same events.
 *
 * <pre>{@code
 * List<SpecificRecord> events = HistoryGenerator.builder()
 *         .seed(42).end(Instant.parse("2026-10-01T00:00:00Z")).days(120)
 *         .services(HistoryGenerator.demoServices())
 *         .build().generate();
 * }</pre>
 */
public final class HistoryGenerator {

    private static final Duration LATE_INCIDENT_GAP = Duration.ofHours(24);
    private static final int MAX_OPEN_INCIDENTS = 2;

    private final long seed;
    private final Instant end;
    private final Instant start;
    private final List<ServiceProfile> services;
    private final long idOffset;

    private long deploymentCounter;
    private long incidentCounter;

    private HistoryGenerator(final Builder builder) {
        this.seed = builder.seed;
        this.idOffset = builder.idOffset;
        // Avro keeps milliseconds: anything finer would not survive a round trip
        this.end = Objects.requireNonNull(builder.end, "end").truncatedTo(ChronoUnit.MILLIS);
        if (builder.days < 1) {
            throw new IllegalArgumentException("days must be positive");
        }
        this.start = end.minus(Duration.ofDays(builder.days));
        this.services = List.copyOf(builder.services);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The services whose history this generates. */
    public List<ServiceProfile> services() {
        return services;
    }

    /** Seed 42, 120 days ending at {@code end}, {@link #demoServices()}. */
    public static HistoryGenerator demo(final Instant end) {
        return builder().seed(42).end(end).days(120).services(demoServices()).build();
    }

    /** Six services in three teams, from elite to low performers. */
    public static List<ServiceProfile> demoServices() {
        return List.of(
                ServiceProfile.of("checkout", "commerce", PerformanceLevel.ELITE),
                ServiceProfile.of("payments", "commerce", PerformanceLevel.HIGH),
                ServiceProfile.of("search", "discovery", PerformanceLevel.HIGH),
                ServiceProfile.of("catalog", "discovery", PerformanceLevel.MEDIUM),
                ServiceProfile.of("billing", "finance", PerformanceLevel.MEDIUM, "prod"),
                ServiceProfile.of("ledger", "finance", PerformanceLevel.LOW, "prod"));
    }

    /** Fluent configuration; seed defaults to 42, days to 120, services to {@link #demoServices()}. */
    public static final class Builder {
        private long seed = 42;
        private Instant end;
        private int days = 120;
        private List<ServiceProfile> services = demoServices();
        private long idOffset;

        private Builder() {
        }

        /**
         * Added to every deployment and incident number, so that two histories loaded into one pipeline (a backfill
         * and live traffic beside it) never share an id; 0 by default.
         */
        public Builder idOffset(final long idOffset) {
            if (idOffset < 0) {
                throw new IllegalArgumentException("idOffset must not be negative");
            }
            this.idOffset = idOffset;
            return this;
        }

        public Builder seed(final long seed) {
            this.seed = seed;
            return this;
        }

        /** Exclusive: every event happens strictly before it. */
        public Builder end(final Instant end) {
            this.end = end;
            return this;
        }

        public Builder days(final int days) {
            this.days = days;
            return this;
        }

        public Builder services(final List<ServiceProfile> services) {
            this.services = List.copyOf(services);
            return this;
        }

        public HistoryGenerator build() {
            return new HistoryGenerator(this);
        }
    }

    // ---------------------------------------------------------------------------------------------------

    private record Commit(String sha, Instant committedAt, Instant occurredAt) {
    }

    private enum FailureKind { NONE, CAUSE_DEPLOYMENT, CAUSE_SHA, TIME_WINDOW, LATE, ROLLBACK_ONLY }

    /** A successful production deployment, as the incident pass needs it. */
    private record ProdDeploy(String id, Instant finishedAt, String sha, FailureKind kind, List<String> newShas) {
    }

    /** An incident before it becomes events; resolvedAt null means still open at the end. */
    private static final class IncidentPlan {
        final ServiceProfile service;
        final String id;
        final String environment;
        final Instant openedAt;
        Instant resolvedAt;
        final Severity severity;
        final String causeDeploymentId;
        final String causeSha;

        IncidentPlan(final ServiceProfile service, final String id, final String environment, final Instant openedAt,
                     final Instant resolvedAt, final Severity severity, final String causeDeploymentId,
                     final String causeSha) {
            this.service = service;
            this.id = id;
            this.environment = environment;
            this.openedAt = openedAt;
            this.resolvedAt = resolvedAt;
            this.severity = severity;
            this.causeDeploymentId = causeDeploymentId;
            this.causeSha = causeSha;
        }
    }

    /** Everything of one run; a fresh generate() starts from the seed again. */
    public List<SpecificRecord> generate() {
        deploymentCounter = 0;
        incidentCounter = 0;
        final SplittableRandom master = new SplittableRandom(seed);
        final List<SpecificRecord> events = new ArrayList<>();
        final List<IncidentPlan> incidents = new ArrayList<>();
        final StagingDeploys stagingDeploys = new StagingDeploys(services);
        for (final ServiceProfile service : services) {
            final ServiceBlock block = serviceBlock(service, master.split(), stagingDeploys);
            events.addAll(block.events());
            incidents.addAll(block.incidents());
        }
        final SplittableRandom finishing = master.split();
        events.addAll(incidentEvents(incidents, stagingDeploys, finishing));
        Delivery.dropSomeTeams(events, finishing);
        Delivery.redeliverSome(events, finishing);
        // stable: events of one instant keep their causal order (in_progress before success, open before resolved)
        events.sort(Comparator.comparing(EventFields::occurredAt));
        return events;
    }

    /**
     * The same events as {@link #generate()}, in the same order (oldest first), without holding them all in memory:
     * each service's events are written to a temporary file in {@code spillDirectory} as soon as they are generated,
     * and the returned stream merges them back by time. Memory stays proportional to one service's history plus
     * the incidents, so histories of ten million events and more fit in a small heap. Close the stream to delete
     * the file.
     */
    public HistoryStream stream(final Path spillDirectory) throws IOException {
        deploymentCounter = 0;
        incidentCounter = 0;
        final SplittableRandom master = new SplittableRandom(seed);
        final SpillFile spill = SpillFile.create(spillDirectory);
        try {
            final List<IncidentPlan> incidents = new ArrayList<>();
            final StagingDeploys stagingDeploys = new StagingDeploys(services);
            long index = 0;
            for (final ServiceProfile service : services) {
                final ServiceBlock block = serviceBlock(service, master.split(), stagingDeploys);
                spill.writeRun(block.events(), index);
                index += block.events().size();
                incidents.addAll(block.incidents());
            }
            final SplittableRandom finishing = master.split();
            final List<SpecificRecord> incidentEvents = incidentEvents(incidents, stagingDeploys, finishing);
            spill.writeRun(incidentEvents, index);
            final long total = index + incidentEvents.size();
            if (total >= Integer.MAX_VALUE - Delivery.DUPLICATES) {
                throw new IllegalStateException("a history of more than two billion events is not supported");
            }
            // the same draws, in the same order, as dropSomeTeams and redeliverSome make over the whole list
            final BitSet teamless = new BitSet((int) total);
            for (int i = 0; i < total; i++) {
                if (finishing.nextDouble() < Delivery.TEAMLESS_SHARE) {
                    teamless.set(i);
                }
            }
            final List<SpillFile.Entry> duplicates = new ArrayList<>();
            for (int i = 0; i < Delivery.DUPLICATES && total > 0; i++) {
                final int original = finishing.nextInt((int) total);
                SpecificRecord event = AvroCodec.get().decode(spill.read(original));
                if (teamless.get(original)) {
                    event = Delivery.withoutTeam(event);
                }
                duplicates.add(new SpillFile.Entry(EventFields.occurredAt(event).toEpochMilli(), total + i,
                        AvroCodec.get().encode(event)));
            }
            spill.finishWriting();
            return new HistoryStream(spill, teamless, duplicates, total + duplicates.size());
        } catch (final IOException | RuntimeException e) {
            spill.close();
            throw e;
        }
    }

    /** One service's share of a history: its events in generation order and its incidents, not yet events. */
    private record ServiceBlock(List<SpecificRecord> events, List<IncidentPlan> incidents) {
    }

    private ServiceBlock serviceBlock(final ServiceProfile service, final SplittableRandom rng,
                                      final StagingDeploys stagingDeploys) {
        final List<SpecificRecord> events = new ArrayList<>();
        final List<Commit> mainline = commits(service, rng, events);
        final List<ProdDeploy> production = deployments(service, rng, mainline, events, stagingDeploys);
        return new ServiceBlock(events, incidents(service, rng, production));
    }

    /** Every service's incidents and the staging ones as events, by opening; they follow every service's block. */
    private List<SpecificRecord> incidentEvents(final List<IncidentPlan> incidents, final StagingDeploys stagingDeploys,
                                                final SplittableRandom finishing) {
        capOpenIncidents(incidents, finishing);
        incidents.addAll(stagingIncidents(stagingDeploys, finishing));
        incidents.sort(Comparator.comparing((IncidentPlan p) -> p.openedAt).thenComparing(p -> p.id));
        final List<SpecificRecord> events = new ArrayList<>();
        for (final IncidentPlan plan : incidents) {
            emitIncident(plan, events);
        }
        return events;
    }

    // ---------------------------------------------------------------------------------------------------
    // Commits

    /** Emits the service's commits and returns its mainline (first-parent chain), oldest first. */
    private List<Commit> commits(final ServiceProfile service, final SplittableRandom rng,
                                 final List<SpecificRecord> events) {
        final List<Commit> mainline = new ArrayList<>();
        // the repository predates the simulated period; its history arrives with the first backfill
        final Commit root = new Commit(sha(rng), start.minus(Duration.ofDays(400)), start);
        mainline.add(root);
        events.add(change(service, root, List.of(), "main"));

        int branchNumber = 0;
        Instant lastOccurred = start;
        for (LocalDate day = date(start); date(end).compareTo(day) >= 0; day = day.plusDays(1)) {
            if (!isWorkingDay(day)) {
                continue;
            }
            final int count = around(service.mainlineEventsPerWorkDay(), rng);
            final List<Instant> times = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                times.add(workingTime(day, rng));
            }
            times.sort(Comparator.naturalOrder());
            for (final Instant t : times) {
                if (!t.isAfter(mainline.get(mainline.size() - 1).committedAt()) || !t.isAfter(start)) {
                    continue;
                }
                final Instant occurred = max(lastOccurred.plusMillis(1), t.plusSeconds(5 + rng.nextInt(85)));
                if (!occurred.isBefore(end)) {
                    continue;
                }
                lastOccurred = occurred;
                final Commit head = mainline.get(mainline.size() - 1);
                if (rng.nextDouble() < service.directCommitShare()) {
                    final Commit direct = new Commit(sha(rng), t, occurred);
                    events.add(change(service, direct, List.of(head.sha()), "main"));
                    mainline.add(direct);
                    continue;
                }
                // a feature branch forked from what main was when it started, merged now
                branchNumber++;
                // a few branches are hotfixes, by name or by their pull request's label (see HotfixRule)
                final String branch = (branchNumber % 61 == 0 ? "hotfix/" : "feature/") + service.name() + "-"
                        + branchNumber;
                final Instant branchStart = t.minus(between(service.minBranchLifetime(), service.maxBranchLifetime(), rng));
                final Commit fork = headCommittedBy(mainline, branchStart);
                final int branchCommits = 1 + rng.nextInt(4);
                final List<Instant> commitTimes = new ArrayList<>();
                final long span = Math.max(1, t.toEpochMilli() - branchStart.toEpochMilli() - 60_000);
                for (int i = 0; i < branchCommits; i++) {
                    commitTimes.add(branchStart.plusMillis(rng.nextLong(span)));
                }
                commitTimes.sort(Comparator.naturalOrder());
                String parent = fork.sha();
                for (final Instant committed : commitTimes) {
                    final Commit c = new Commit(sha(rng), committed, occurred);
                    // the branch commits reach the tracked branch with the merge, hence its occurredAt
                    events.add(change(service, c, List.of(parent), branch));
                    parent = c.sha();
                }
                final Commit merge = new Commit(sha(rng), t, occurred);
                final ChangeEvent merged = change(service, merge, List.of(head.sha(), parent), "main");
                events.add(merged);
                if (branchNumber % 53 == 0) {
                    // the pull request event, with its labels, loses to the push event of the same merge
                    events.add(ChangeEvent.newBuilder(merged).setLabels(List.of("hotfix"))
                            .setOccurredAt(occurred.minusSeconds(1)).build());
                }
                mainline.add(merge);
            }
        }
        return mainline;
    }

    private static Commit headCommittedBy(final List<Commit> mainline, final Instant t) {
        Commit head = mainline.get(0);
        for (final Commit c : mainline) {
            if (c.committedAt().isAfter(t)) {
                break;
            }
            head = c;
        }
        return head;
    }

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

    private ChangeEvent change(final ServiceProfile service, final Commit commit, final List<String> parents,
                               final String branch) {
        return ChangeEvent.newBuilder()
                .setId(commit.sha()).setService(service.name()).setTeam(service.team()).setSource("github")
                .setOccurredAt(commit.occurredAt()).setSha(commit.sha()).setParents(parents)
                .setCommittedAt(commit.committedAt()).setRepo("acme/" + service.name()).setBranch(branch)
                .setAuthoredAt(commit.committedAt())
                .build();
    }

    // ---------------------------------------------------------------------------------------------------
    // Deployments

    private List<ProdDeploy> deployments(final ServiceProfile service, final SplittableRandom rng,
                                         final List<Commit> mainline, final List<SpecificRecord> events,
                                         final StagingDeploys stagingDeploys) {
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
            emitDeployment(staging, events);

            // sometimes the pipeline itself fails and is retried: not a failed change, not a deployment
            if (rng.nextDouble() < 0.04) {
                final Instant failedEnd = startedAt.plus(Duration.ofMinutes(2 + rng.nextInt(6)));
                if (!failedEnd.isBefore(end)) {
                    break;
                }
                emitDeployment(deployment(service, service.productionEnvironment(), sha, startedAt, failedEnd,
                        rng.nextBoolean() ? DeploymentStatus.failure : DeploymentStatus.error, null,
                        service.strategy()), events);
                startedAt = failedEnd.plus(Duration.ofMinutes(10 + rng.nextInt(20)));
            }
            final Instant finishedAt = startedAt.plus(Duration.ofMinutes(4 + rng.nextInt(12)));
            if (!finishedAt.isBefore(end)) {
                break;
            }
            FailureKind kind = rng.nextDouble() < service.changeFailureRate() ? failureKind(rng) : FailureKind.NONE;
            final List<String> newShas = new ArrayList<>();
            for (int i = deployedUpTo + 1; i <= headIndex; i++) {
                newShas.add(mainline.get(i).sha());
            }
            deployedUpTo = Math.max(deployedUpTo, headIndex);
            if (kind == FailureKind.CAUSE_SHA && newShas.isEmpty()) {
                kind = FailureKind.CAUSE_DEPLOYMENT;
            }
            final boolean rollsBack = runningSha != null && (kind == FailureKind.ROLLBACK_ONLY
                    || (kind != FailureKind.NONE && kind != FailureKind.LATE && rng.nextDouble() < 0.3));
            if (kind == FailureKind.ROLLBACK_ONLY && !rollsBack) {
                kind = FailureKind.CAUSE_DEPLOYMENT;
            }
            final DeploymentEvent prod = deployment(service, service.productionEnvironment(), sha, startedAt,
                    finishedAt, DeploymentStatus.success, null, service.strategy());
            emitDeployment(prod, events);
            production.add(new ProdDeploy(prod.getId(), finishedAt, sha, kind, newShas));
            cursor = finishedAt;

            if (rollsBack) {
                final Instant rollbackStart = finishedAt.plus(Duration.ofMinutes(10 + rng.nextInt(30)));
                final Instant rollbackEnd = rollbackStart.plus(Duration.ofMinutes(3 + rng.nextInt(4)));
                if (rollbackEnd.isBefore(end)) {
                    final DeploymentEvent rollback = deployment(service, service.productionEnvironment(), runningSha,
                            rollbackStart, rollbackEnd, DeploymentStatus.success, prod.getId(),
                            DeploymentStrategy.rolling);
                    emitDeployment(rollback, events);
                    production.add(new ProdDeploy(rollback.getId(), rollbackEnd, runningSha, FailureKind.NONE, List.of()));
                    cursor = rollbackEnd;
                    continue; // what runs now is the old sha again
                }
            }
            runningSha = sha;
        }
        return production;
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

    private static FailureKind failureKind(final SplittableRandom rng) {
        final double x = rng.nextDouble();
        if (x < 0.30) {
            return FailureKind.CAUSE_DEPLOYMENT;
        }
        if (x < 0.50) {
            return FailureKind.CAUSE_SHA;
        }
        if (x < 0.75) {
            return FailureKind.TIME_WINDOW;
        }
        if (x < 0.85) {
            return FailureKind.LATE;
        }
        return FailureKind.ROLLBACK_ONLY;
    }

    private DeploymentEvent deployment(final ServiceProfile service, final String environment, final String sha,
                                       final Instant startedAt, final Instant finishedAt,
                                       final DeploymentStatus status, final String rollbackOf,
                                       final DeploymentStrategy strategy) {
        deploymentCounter++;
        return DeploymentEvent.newBuilder()
                .setId(String.valueOf(7_000_000 + idOffset + deploymentCounter)).setService(service.name())
                .setTeam(service.team()).setSource("github-actions")
                .setOccurredAt(finishedAt).setEnvironment(environment).setStatus(status)
                .setFinishedAt(finishedAt).setSha(sha).setStartedAt(startedAt)
                .setRollbackOf(rollbackOf).setStrategy(strategy)
                .build();
    }

    /** An in_progress event at start, then the terminal one. */
    private static void emitDeployment(final DeploymentEvent terminal, final List<SpecificRecord> events) {
        events.add(DeploymentEvent.newBuilder(terminal)
                .setStatus(DeploymentStatus.in_progress).setFinishedAt(null)
                .setOccurredAt(terminal.getStartedAt())
                .build());
        events.add(terminal);
    }

    // ---------------------------------------------------------------------------------------------------
    // Incidents

    private List<IncidentPlan> incidents(final ServiceProfile service, final SplittableRandom rng,
                                         final List<ProdDeploy> production) {
        final List<IncidentPlan> plans = new ArrayList<>();
        for (int i = 0; i < production.size(); i++) {
            final ProdDeploy deploy = production.get(i);
            if (deploy.kind() == FailureKind.NONE || deploy.kind() == FailureKind.ROLLBACK_ONLY) {
                continue;
            }
            final Instant nextFinish = i + 1 < production.size() ? production.get(i + 1).finishedAt() : end;
            Instant openedAt = null;
            String causeDeployment = null;
            String causeSha = null;
            switch (deploy.kind()) {
                case CAUSE_SHA -> {
                    causeSha = deploy.newShas().get(rng.nextInt(deploy.newShas().size()));
                    openedAt = deploy.finishedAt().plus(minutes(10, 8 * 60, rng));
                }
                case TIME_WINDOW -> {
                    // before the next deployment finishes, or the window would charge that one
                    final Instant latest = min(deploy.finishedAt().plus(Duration.ofHours(4)), nextFinish.minusSeconds(60));
                    final Instant earliest = deploy.finishedAt().plus(Duration.ofMinutes(2));
                    if (latest.isAfter(earliest)) {
                        openedAt = earliest.plusMillis(rng.nextLong(latest.toEpochMilli() - earliest.toEpochMilli()));
                    }
                }
                case LATE -> openedAt = lateUnattributable(deploy, production, rng);
                default -> {
                }
            }
            if (openedAt == null) {
                causeDeployment = deploy.id();
                causeSha = null;
                openedAt = deploy.finishedAt().plus(minutes(5, 6 * 60, rng));
            }
            if (!openedAt.isBefore(end)) {
                continue;
            }
            final Instant resolvedAt = openedAt.plus(
                    between(service.minTimeToRestore(), service.maxTimeToRestore(), rng));
            plans.add(new IncidentPlan(service, nextIncidentId(), service.productionEnvironment(), openedAt,
                    resolvedAt.isBefore(end) ? resolvedAt : null, severity(rng), causeDeployment, causeSha));
        }
        return plans;
    }

    /** A time more than 24 h after every production deployment before it, so no rule can attribute it. */
    private Instant lateUnattributable(final ProdDeploy deploy, final List<ProdDeploy> production,
                                       final SplittableRandom rng) {
        final Instant first = deploy.finishedAt().plus(LATE_INCIDENT_GAP).plus(minutes(30, 6 * 60, rng));
        for (Instant t = first; t.isBefore(end) && t.isBefore(first.plus(Duration.ofDays(10)));
             t = t.plus(Duration.ofHours(2))) {
            Instant lastBefore = null;
            for (final ProdDeploy other : production) {
                if (!other.finishedAt().isAfter(t)) {
                    lastBefore = other.finishedAt();
                }
            }
            if (lastBefore != null && lastBefore.plus(LATE_INCIDENT_GAP).isBefore(t)) {
                return t;
            }
        }
        return null;
    }

    /** One or two incidents stay open at the end: real systems always have some. */
    private void capOpenIncidents(final List<IncidentPlan> plans, final SplittableRandom rng) {
        final List<IncidentPlan> open = new ArrayList<>(plans.stream().filter(p -> p.resolvedAt == null).toList());
        // the most recent ones stay open; older ones were resolved before the end after all
        open.sort(Comparator.comparing((IncidentPlan p) -> p.openedAt).reversed());
        for (int i = MAX_OPEN_INCIDENTS; i < open.size(); i++) {
            final IncidentPlan plan = open.get(i);
            final long room = end.toEpochMilli() - plan.openedAt.toEpochMilli();
            plan.resolvedAt = plan.openedAt.plusMillis(Math.max(1, room / 2));
        }
        if (open.isEmpty() && !plans.isEmpty()) {
            final IncidentPlan latest = plans.stream().max(Comparator.comparing(p -> p.openedAt)).orElseThrow();
            final long room = end.toEpochMilli() - latest.openedAt.toEpochMilli();
            if (room > 2) {
                plans.add(new IncidentPlan(latest.service, nextIncidentId(), latest.environment,
                        latest.openedAt.plusMillis(room / 2), null, severity(rng), latest.causeDeploymentId,
                        latest.causeSha));
            }
        }
    }

    /** Non-production incidents exist too and must not count: two on staging. */
    private List<IncidentPlan> stagingIncidents(final StagingDeploys stagingDeploys, final SplittableRandom rng) {
        final List<IncidentPlan> plans = new ArrayList<>();
        for (int i = 0; i < 2 && stagingDeploys.size() > 0; i++) {
            final int deploy = rng.nextInt(stagingDeploys.size());
            final ServiceProfile service = stagingDeploys.service(deploy);
            final Instant openedAt = stagingDeploys.finishedAt(deploy).plus(Duration.ofMinutes(5 + rng.nextInt(30)));
            final Instant resolvedAt = openedAt.plus(Duration.ofMinutes(20 + rng.nextInt(120)));
            if (resolvedAt.isBefore(end)) {
                plans.add(new IncidentPlan(service, nextIncidentId(), "staging", openedAt, resolvedAt,
                        Severity.SEV4, stagingDeploys.id(deploy), null));
            }
        }
        return plans;
    }

    private void emitIncident(final IncidentPlan plan, final List<SpecificRecord> events) {
        final IncidentEvent opened = IncidentEvent.newBuilder()
                .setId(plan.id).setService(plan.service.name()).setTeam(plan.service.team()).setSource("pagerduty")
                .setOccurredAt(plan.openedAt).setEnvironment(plan.environment).setStatus(IncidentStatus.open)
                .setOpenedAt(plan.openedAt).setResolvedAt(null).setSeverity(plan.severity)
                .setCauseDeploymentId(plan.causeDeploymentId).setCauseSha(plan.causeSha)
                .build();
        events.add(opened);
        if (plan.resolvedAt != null) {
            events.add(IncidentEvent.newBuilder(opened)
                    .setOccurredAt(plan.resolvedAt).setStatus(IncidentStatus.resolved).setResolvedAt(plan.resolvedAt)
                    .build());
        }
    }

    private String nextIncidentId() {
        incidentCounter++;
        return "INC-" + (1000 + idOffset + incidentCounter);
    }

    private static Severity severity(final SplittableRandom rng) {
        final double x = rng.nextDouble();
        return x < 0.1 ? Severity.SEV1 : x < 0.35 ? Severity.SEV2 : x < 0.75 ? Severity.SEV3 : Severity.SEV4;
    }
}
