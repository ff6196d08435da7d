package dev.dora.streams.rules;

import dev.dora.events.BuildEvent;
import dev.dora.events.BuildStatus;
import dev.dora.events.DeploymentEvent;
import dev.dora.events.DeploymentStatus;
import dev.dora.events.IncidentEvent;
import dev.dora.events.IncidentStatus;
import dev.dora.schema.AvroCodec;
import dev.dora.schema.EventFields;
import java.util.Arrays;
import org.apache.avro.specific.SpecificRecord;

/**
 * Which of two events of one entity describes it: the later {@code occurredAt}; on a tie a terminal status;
 * on a remaining tie the greater encoding, so that every arrival order picks the same winner.
 */
public final class Precedence {

    private Precedence() {
    }

    /** True when {@code candidate} replaces {@code current}; false for exact duplicates and older events. */
    public static boolean wins(final SpecificRecord candidate, final SpecificRecord current) {
        if (current == null) {
            return true;
        }
        final int byTime = EventFields.occurredAt(candidate).compareTo(EventFields.occurredAt(current));
        if (byTime != 0) {
            return byTime > 0;
        }
        final int byStatus = Boolean.compare(terminal(candidate), terminal(current));
        if (byStatus != 0) {
            return byStatus > 0;
        }
        return Arrays.compareUnsigned(AvroCodec.get().encode(candidate), AvroCodec.get().encode(current)) > 0;
    }

    public static boolean terminal(final SpecificRecord event) {
        if (event instanceof DeploymentEvent deployment) {
            return deployment.getStatus() != DeploymentStatus.pending
                    && deployment.getStatus() != DeploymentStatus.in_progress;
        }
        if (event instanceof IncidentEvent incident) {
            return incident.getStatus() == IncidentStatus.resolved;
        }
        if (event instanceof BuildEvent build) {
            return build.getStatus() != BuildStatus.in_progress;
        }
        return false;
    }
}
