package dev.dora.streams.ledger;

import dev.dora.events.ChangeEvent;
import dev.dora.events.DeploymentEvent;
import dev.dora.events.IncidentEvent;
import dev.dora.facts.DeploymentFact;
import dev.dora.facts.IncidentFact;
import dev.dora.state.Attribution;
import dev.dora.state.CauseClaim;
import dev.dora.state.DayBucket;
import dev.dora.state.EntityRemoval;
import dev.dora.state.EntityType;
import dev.dora.state.ServiceInfo;
import dev.dora.state.TeamObservation;
import dev.dora.streams.MetricsConfig;
import dev.dora.streams.topology.StoreNames;
import java.time.Instant;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Feeds a service's events, keyed by service, into its {@link ServiceLedger} and forwards the facts that
 * changed: a {@link DeploymentFact} or {@link IncidentFact}, or an {@link EntityRemoval} standing for a
 * tombstone of that fact, and the {@link CauseClaim}s and {@link Attribution}s other ledgers need.
 */
public final class LedgerProcessor implements Processor<String, SpecificRecord, String, SpecificRecord> {

    private final MetricsConfig config;
    private ServiceLedger ledger;
    private ServiceLedger.FactSink sink;

    public LedgerProcessor(final MetricsConfig config) {
        this.config = config;
    }

    @Override
    public void init(final ProcessorContext<String, SpecificRecord> context) {
        ledger = new ServiceLedger(config,
                context.<org.apache.kafka.streams.state.KeyValueStore<Bytes, SpecificRecord>>getStateStore(StoreNames.LEDGER_ENTITIES),
                context.<org.apache.kafka.streams.state.KeyValueStore<Bytes, byte[]>>getStateStore(StoreNames.LEDGER_INDEXES),
                context.<org.apache.kafka.streams.state.KeyValueStore<Bytes, DayBucket>>getStateStore(StoreNames.DAY_BUCKETS),
                context.<org.apache.kafka.streams.state.KeyValueStore<Bytes, ServiceInfo>>getStateStore(StoreNames.SERVICES));
        sink = new ServiceLedger.FactSink() {
            @Override
            public void deployment(final String deploymentId, final DeploymentFact fact) {
                context.forward(new Record<>(deploymentId, fact != null ? fact
                        : new EntityRemoval(EntityType.deployment, deploymentId), context.currentSystemTimeMs()));
            }

            @Override
            public void claim(final CauseClaim claim) {
                context.forward(new Record<>(claim.getDeploymentId(), claim, context.currentSystemTimeMs()));
            }

            @Override
            public void attribution(final Attribution attribution) {
                context.forward(new Record<>(attribution.getIncidentService(), attribution,
                        context.currentSystemTimeMs()));
            }

            @Override
            public void incident(final String incidentId, final IncidentFact fact) {
                context.forward(new Record<>(incidentId, fact != null ? fact
                        : new EntityRemoval(EntityType.incident, incidentId), context.currentSystemTimeMs()));
            }
        };
    }

    @Override
    public void process(final Record<String, SpecificRecord> record) {
        try {
            apply(record);
        } catch (final RuntimeException e) {
            ledger.abandon();
            throw e;
        }
    }

    private void apply(final Record<String, SpecificRecord> record) {
        final String service = record.key();
        final SpecificRecord value = record.value();
        if (service == null || value == null) {
            throw new IllegalArgumentException("ledger input needs a service key and a value");
        }
        if (value instanceof ChangeEvent change) {
            requireOwner(service, change.getService());
            ledger.applyChange(change);
        } else if (value instanceof DeploymentEvent deployment) {
            requireOwner(service, deployment.getService());
            ledger.applyDeployment(service, deployment);
        } else if (value instanceof IncidentEvent incident) {
            requireOwner(service, incident.getService());
            ledger.applyIncident(service, incident);
        } else if (value instanceof EntityRemoval removal) {
            if (removal.getType() == EntityType.deployment) {
                ledger.removeDeployment(service, removal.getId());
            } else if (removal.getType() == EntityType.incident) {
                ledger.removeIncident(service, removal.getId());
            }
        } else if (value instanceof CauseClaim claim) {
            ledger.applyClaim(service, claim);
        } else if (value instanceof Attribution attribution) {
            requireOwner(service, attribution.getIncidentService());
            ledger.applyAttribution(service, attribution);
        } else if (value instanceof TeamObservation observation) {
            ledger.observe(observation.getService(), observation.getTeam(),
                    Instant.ofEpochMilli(observation.getOccurredAt()));
        } else {
            throw new IllegalArgumentException("unexpected ledger input " + value.getSchema().getFullName());
        }
        ledger.flush(sink);
    }

    private static void requireOwner(final String key, final String service) {
        if (!key.equals(service)) {
            throw new IllegalArgumentException("record keyed by '" + key + "' names service '" + service
                    + "': change events must be keyed by their service");
        }
    }
}
