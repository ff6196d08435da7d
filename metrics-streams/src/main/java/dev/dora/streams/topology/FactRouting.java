package dev.dora.streams.topology;

import dev.dora.facts.DeploymentFact;
import dev.dora.facts.IncidentFact;
import dev.dora.state.EntityRemoval;
import dev.dora.state.EntityType;
import org.apache.avro.specific.SpecificRecord;

/** Routes the ledger's output to the fact topics; an {@link EntityRemoval} becomes a tombstone. */
final class FactRouting {

    private FactRouting() {
    }

    static boolean isDeployment(final SpecificRecord value) {
        return value instanceof DeploymentFact
                || value instanceof EntityRemoval removal && removal.getType() == EntityType.deployment;
    }

    static boolean isIncident(final SpecificRecord value) {
        return value instanceof IncidentFact
                || value instanceof EntityRemoval removal && removal.getType() == EntityType.incident;
    }

    static DeploymentFact asDeploymentFact(final SpecificRecord value) {
        return value instanceof DeploymentFact fact ? fact : null;
    }

    static IncidentFact asIncidentFact(final SpecificRecord value) {
        return value instanceof IncidentFact fact ? fact : null;
    }
}
