package dev.dora.schema;

import dev.dora.events.BuildEvent;
import dev.dora.events.ChangeEvent;
import dev.dora.events.DeploymentEvent;
import dev.dora.events.IncidentEvent;
import java.time.Instant;
import org.apache.avro.specific.SpecificRecord;

/** The fields every canonical event has, read from any of the event types. */
public final class EventFields {

    private EventFields() {
    }

    public static String id(final SpecificRecord event) {
        if (event instanceof ChangeEvent c) {
            return c.getId();
        }
        if (event instanceof DeploymentEvent d) {
            return d.getId();
        }
        if (event instanceof BuildEvent b) {
            return b.getId();
        }
        return asIncident(event).getId();
    }

    public static String service(final SpecificRecord event) {
        if (event instanceof ChangeEvent c) {
            return c.getService();
        }
        if (event instanceof DeploymentEvent d) {
            return d.getService();
        }
        if (event instanceof BuildEvent b) {
            return b.getService();
        }
        return asIncident(event).getService();
    }

    public static String team(final SpecificRecord event) {
        if (event instanceof ChangeEvent c) {
            return c.getTeam();
        }
        if (event instanceof DeploymentEvent d) {
            return d.getTeam();
        }
        if (event instanceof BuildEvent b) {
            return b.getTeam();
        }
        return asIncident(event).getTeam();
    }

    public static Instant occurredAt(final SpecificRecord event) {
        if (event instanceof ChangeEvent c) {
            return c.getOccurredAt();
        }
        if (event instanceof DeploymentEvent d) {
            return d.getOccurredAt();
        }
        if (event instanceof BuildEvent b) {
            return b.getOccurredAt();
        }
        return asIncident(event).getOccurredAt();
    }

    private static IncidentEvent asIncident(final SpecificRecord event) {
        if (event instanceof IncidentEvent i) {
            return i;
        }
        throw new IllegalArgumentException("not a canonical event: " + event.getSchema().getFullName());
    }
}
