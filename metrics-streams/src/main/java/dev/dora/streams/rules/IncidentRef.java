package dev.dora.streams.rules;

import java.util.Comparator;

/** An incident, named by its service and id (incident ids are global, but a charge crosses services). */
public record IncidentRef(String service, String id) implements Comparable<IncidentRef> {

    private static final Comparator<IncidentRef> ORDER =
            Comparator.comparing(IncidentRef::service).thenComparing(IncidentRef::id);

    @Override
    public int compareTo(final IncidentRef other) {
        return ORDER.compare(this, other);
    }
}
