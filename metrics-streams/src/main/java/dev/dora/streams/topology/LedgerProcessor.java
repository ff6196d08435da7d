package dev.dora.streams.topology;

import dev.dora.events.BuildEvent;
import dev.dora.events.ChangeEvent;
import dev.dora.events.DeploymentEvent;
import dev.dora.events.IncidentEvent;
import dev.dora.facts.DeploymentFact;
import dev.dora.facts.IncidentFact;
import dev.dora.schema.Topics;
import dev.dora.state.Attribution;
import dev.dora.state.BuildBucket;
import dev.dora.state.CauseClaim;
import dev.dora.state.DayBucket;
import dev.dora.state.EntityRemoval;
import dev.dora.state.EntityType;
import dev.dora.state.ServiceInfo;
import dev.dora.state.TeamObservation;
import dev.dora.streams.config.MetricsConfig;
import dev.dora.streams.ledger.ServiceLedger;
import dev.dora.streams.store.LedgerStores;
import dev.dora.streams.store.StateWrites;
import dev.dora.streams.store.StoreNames;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Feeds a service's events, keyed by service, into its {@link ServiceLedger} and forwards the facts that
 * changed: a {@link DeploymentFact} or {@link IncidentFact}, or an {@link EntityRemoval} standing for a
 * tombstone of that fact, and the {@link CauseClaim}s and {@link Attribution}s other ledgers need; and, to the
 * dead-letter topic, a held deployment the ledger could not apply.
 */
public final class LedgerProcessor implements Processor<String, SpecificRecord, String, SpecificRecord> {

    /**
     * How often the deployments held for arriving after a later one ({@link ServiceLedger#holdLateDeployments}) are
     * applied. Only such deployments wait: a live deployment is the newest of its service and is applied at once.
     * Longer gathers more of a history that arrives newest first into one batch, each of which relabels a commit at
     * most once.
     */
    public static final Duration LATE_DEPLOYMENTS_EVERY = Duration.ofMillis(500);

    /** The {@link Topics#DLQ_ORIGIN_HEADER} of a held deployment the ledger could not apply. */
    public static final String DEAD_LETTER_ORIGIN = "ledger";

    private final MetricsConfig config;
    private final ProcessedOffsets offsets;
    private ServiceLedger ledger;
    private ServiceLedger.FactSink sink;
    private PromptCommits commits;
    /** Whether the record being processed is history sent in bulk; what it produces is marked so too. */
    private boolean bulkInput;

    /** @param offsets where the task's positions are kept; null for none */
    public LedgerProcessor(final MetricsConfig config, final ProcessedOffsets offsets) {
        this.config = config;
        this.offsets = offsets;
    }

    @Override
    public void init(final ProcessorContext<String, SpecificRecord> context) {
        ledger = new ServiceLedger(config, new LedgerStores(
                context.<KeyValueStore<Bytes, SpecificRecord>>getStateStore(StoreNames.LEDGER_ENTITIES),
                context.<KeyValueStore<Bytes, byte[]>>getStateStore(StoreNames.LEDGER_INDEXES),
                context.<KeyValueStore<Bytes, DayBucket>>getStateStore(StoreNames.DAY_BUCKETS),
                context.<KeyValueStore<Bytes, ServiceInfo>>getStateStore(StoreNames.SERVICES),
                context.<KeyValueStore<Bytes, BuildBucket>>getStateStore(StoreNames.BUILD_BUCKETS)));
        sink = new ServiceLedger.FactSink() {
            @Override
            public void deployment(final String deploymentId, final DeploymentFact fact) {
                context.forward(marked(new Record<>(deploymentId, fact != null ? fact
                        : new EntityRemoval(EntityType.deployment, deploymentId), context.currentSystemTimeMs())));
            }

            @Override
            public void claim(final CauseClaim claim) {
                context.forward(marked(new Record<>(claim.getDeploymentId(), claim, context.currentSystemTimeMs())));
            }

            @Override
            public void attribution(final Attribution attribution) {
                context.forward(marked(new Record<>(attribution.getIncidentService(), attribution,
                        context.currentSystemTimeMs())));
            }

            @Override
            public void incident(final String incidentId, final IncidentFact fact) {
                context.forward(marked(new Record<>(incidentId, fact != null ? fact
                        : new EntityRemoval(EntityType.incident, incidentId), context.currentSystemTimeMs())));
            }

            /** The deployment event itself, to the dead-letter topic, as Kafka Streams' handler keeps a record. */
            @Override
            public void deadLetter(final DeploymentEvent event, final RuntimeException cause) {
                final Record<String, SpecificRecord> record = new Record<>(event.getId(), event,
                        context.currentSystemTimeMs());
                record.headers()
                        .add(Topics.DLQ_REASON_HEADER, ("deployment '" + event.getId() + "' of service '"
                                + event.getService() + "' could not be applied: " + cause)
                                .getBytes(StandardCharsets.UTF_8))
                        .add(Topics.DLQ_ORIGIN_HEADER, DEAD_LETTER_ORIGIN.getBytes(StandardCharsets.UTF_8));
                context.forward(record);
            }
        };
        ledger.holdLateDeployments();
        // what the punctuation applies is written back at the next commit, which moves the versions (WriteBackStore)
        context.schedule(LATE_DEPLOYMENTS_EVERY, PunctuationType.WALL_CLOCK_TIME, now -> {
            try {
                ledger.applyLateDeployments(sink);
            } finally {
                StateWrites.moved();
            }
        });
        commits = new PromptCommits(context, offsets);
        StateWrites.moved();
    }

    @Override
    public void close() {
        commits.close();
        StateWrites.moved();
    }

    /**
     * Applies one record to its service's ledger. A record the ledger cannot apply changes nothing (the ledger
     * stages its writes) and goes to the dead-letter topic with the exception, through the processing exception
     * handler.
     */
    @Override
    public void process(final Record<String, SpecificRecord> record) {
        bulkInput = Topics.isBulk(record.headers());
        try {
            apply(record);
        } finally {
            bulkInput = false;
            StateWrites.moved();
            commits.processed(record.headers());
        }
    }

    /**
     * Marks what a record of history produces as history too, so that the stages it feeds (the facts' readers, the
     * claims' and attributions' loops) commit it at their interval; what a punctuation or a live record produces is
     * live.
     */
    private Record<String, SpecificRecord> marked(final Record<String, SpecificRecord> out) {
        if (bulkInput) {
            Topics.markBulk(out.headers());
        }
        return out;
    }

    private void apply(final Record<String, SpecificRecord> record) {
        final String service = record.key();
        final SpecificRecord value = record.value();
        if (service == null || value == null) {
            throw new IllegalArgumentException("ledger input needs a service key and a value");
        }
        if (value instanceof ChangeEvent change) {
            requireOwner(service, change.getService(), "change");
            ledger.applyChange(change, sink);
        } else if (value instanceof DeploymentEvent deployment) {
            requireOwner(service, deployment.getService(), "deployment");
            ledger.applyDeployment(service, deployment, sink);
        } else if (value instanceof IncidentEvent incident) {
            requireOwner(service, incident.getService(), "incident");
            ledger.applyIncident(service, incident, sink);
        } else if (value instanceof BuildEvent build) {
            requireOwner(service, build.getService(), "build");
            ledger.applyBuild(service, build, sink);
        } else if (value instanceof EntityRemoval removal) {
            remove(service, removal);
        } else if (value instanceof CauseClaim claim) {
            ledger.applyClaim(service, claim, sink);
        } else if (value instanceof Attribution attribution) {
            requireOwner(service, attribution.getIncidentService(), "attribution (by its incident's service)");
            ledger.applyAttribution(service, attribution, sink);
        } else if (value instanceof TeamObservation observation) {
            requireOwner(service, observation.getService(), "team observation");
            ledger.observe(service, observation.getTeam(), Instant.ofEpochMilli(observation.getOccurredAt()), sink);
        } else {
            throw new IllegalArgumentException("unexpected ledger input " + value.getSchema().getFullName());
        }
    }

    private void remove(final String service, final EntityRemoval removal) {
        if (removal.getType() == EntityType.deployment) {
            ledger.removeDeployment(service, removal.getId(), sink);
        } else if (removal.getType() == EntityType.build) {
            ledger.removeBuild(service, removal.getId(), sink);
        } else {
            ledger.removeIncident(service, removal.getId(), sink);
        }
    }

    private static void requireOwner(final String key, final String service, final String what) {
        if (!key.equals(service)) {
            throw new IllegalArgumentException("record keyed by '" + key + "' names service '" + service
                    + "': " + what + " records must be keyed by their service");
        }
    }
}
