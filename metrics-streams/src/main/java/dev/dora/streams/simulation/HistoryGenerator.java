package dev.dora.streams.simulation;

import dev.dora.schema.AvroCodec;
import dev.dora.schema.EventFields;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
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

    private final long seed;
    private final Instant end;
    private final Instant start;
    private final List<ServiceProfile> services;
    private final long idOffset;

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

    /** Everything of one run; a fresh generate() starts from the seed again. */
    public List<SpecificRecord> generate() {
        final Run run = new Run();
        final List<SpecificRecord> events = new ArrayList<>();
        for (final ServiceProfile service : services) {
            events.addAll(run.service(service));
        }
        final SplittableRandom finishing = run.finishing();
        events.addAll(run.incidentEvents(finishing));
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
        final Run run = new Run();
        final SpillFile spill = SpillFile.create(spillDirectory);
        try {
            long index = 0;
            for (final ServiceProfile service : services) {
                final List<SpecificRecord> serviceEvents = run.service(service);
                spill.writeRun(serviceEvents, index);
                index += serviceEvents.size();
            }
            final SplittableRandom finishing = run.finishing();
            final List<SpecificRecord> incidentEvents = run.incidentEvents(finishing);
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

    /**
     * One pass over the services, in their order: each takes the next split of the seed's generator, and the
     * incidents and delivery take the one after the last service's. Fresh per generate() or stream(), so each
     * starts from the seed and from the first deployment and incident number again.
     */
    private final class Run {
        private final SplittableRandom master = new SplittableRandom(seed);
        private final CommitGenerator commits = new CommitGenerator(start, end);
        private final DeploymentGenerator deployments = new DeploymentGenerator(start, end, idOffset);
        private final IncidentGenerator incidents = new IncidentGenerator(end, idOffset);
        private final StagingDeploys stagingDeploys = new StagingDeploys(services);
        private final List<IncidentPlan> plans = new ArrayList<>();

        /** The service's commits and deployments, in generation order; its incidents wait for the end. */
        List<SpecificRecord> service(final ServiceProfile service) {
            final SplittableRandom rng = master.split();
            final List<SpecificRecord> events = new ArrayList<>();
            final List<Commit> mainline = commits.commits(service, rng, events);
            final List<ProdDeploy> production = deployments.deployments(service, rng, mainline, events, stagingDeploys);
            plans.addAll(incidents.incidents(service, rng, production));
            return events;
        }

        /** The generator for what follows every service: the incidents' last draws, then delivery's. */
        SplittableRandom finishing() {
            return master.split();
        }

        /** Every service's incidents and the staging ones as events, by opening; they follow every service's block. */
        List<SpecificRecord> incidentEvents(final SplittableRandom finishing) {
            return incidents.events(plans, stagingDeploys, finishing);
        }
    }
}
