package dev.dora.streams.ledger;

import dev.dora.state.ServiceInfo;
import dev.dora.streams.store.ServiceKey;
import dev.dora.streams.store.StagedStore;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.common.utils.Bytes;

/**
 * The known services ({@code metrics-services}): each service's team, which is the one named by its most recent
 * event that names one (ties go to the greater name, so the arrival order does not matter), and the environment
 * groups its deployments and incidents have named.
 */
final class ServiceDirectory {

    private final StagedStore<ServiceInfo> services;

    ServiceDirectory(final StagedStore<ServiceInfo> services) {
        this.services = services;
    }

    /** Records an event of {@code service} naming {@code team} (or none) and environment group (or none). */
    void observe(final String service, final String team, final Instant occurredAt, final String group) {
        final Bytes key = ServiceKey.of(service);
        final ServiceInfo info = services.get(key);
        final long at = occurredAt.toEpochMilli();
        final ServiceInfo next = info == null
                ? ServiceInfo.newBuilder().setService(service).setLastEventAt(at).build()
                : ServiceInfo.newBuilder(info).setLastEventAt(Math.max(info.getLastEventAt(), at)).build();
        if (team != null && (next.getTeamEventAt() == null || at > next.getTeamEventAt()
                || at == next.getTeamEventAt() && team.compareTo(next.getTeam()) > 0)) {
            next.setTeam(team);
            next.setTeamEventAt(at);
        }
        if (group != null && !next.getEnvironments().contains(group)) {
            final Set<String> environments = new TreeSet<>(next.getEnvironments());
            environments.add(group);
            next.setEnvironments(new ArrayList<>(environments));
        }
        if (!next.equals(info)) {
            services.put(key, next);
        }
    }
}
