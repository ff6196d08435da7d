package dev.dora.ingest.webhook;

import java.util.List;
import org.apache.avro.specific.SpecificRecord;

/**
 * What a webhook maps to: canonical events, or the reason it is ignored (an event type or action that says
 * nothing about changes, deployments, incidents or builds), plus the services named without a catalog entry.
 *
 * @param events          canonical events (ChangeEvent, DeploymentEvent, IncidentEvent, BuildEvent), validated again
 *                        before they are published
 * @param ignored         why nothing is produced, or null
 * @param unmappedServices services derived by the fallback rule because the catalog has no entry
 */
public record Mapping(List<SpecificRecord> events, String ignored, List<String> unmappedServices) {

    public Mapping {
        events = List.copyOf(events);
        unmappedServices = List.copyOf(unmappedServices);
    }

    public static Mapping of(final List<? extends SpecificRecord> events, final List<String> unmappedServices) {
        return new Mapping(List.copyOf(events), null, unmappedServices);
    }

    public static Mapping ignored(final String reason) {
        return new Mapping(List.of(), reason, List.of());
    }
}
