package dev.dora.streams.ledger;

import dev.dora.state.ServiceInfo;
import dev.dora.streams.metrics.BuildBuckets;
import dev.dora.streams.metrics.DayBuckets;
import dev.dora.streams.store.ServiceKey;
import dev.dora.streams.store.StagedStore;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.common.utils.Bytes;

/**
 * The known services ({@code metrics-services}): each service's team, which is the one named by its most recent
 * event that names one (ties go to the greater name, so the arrival order does not matter), and the environment
 * groups its deployments and incidents have named. When a service's team changes, its day buckets move to the new
 * team ({@link DayBuckets#moveTeam}, {@link BuildBuckets#moveTeam}).
 */
final class ServiceDirectory {

    private final StagedStore<ServiceInfo> services;
    private DayBuckets buckets;
    private BuildBuckets builds;

    ServiceDirectory(final StagedStore<ServiceInfo> services) {
        this.services = services;
    }

    /** The buckets that follow a service when it changes team; set once the record's buckets exist. */
    void movesWith(final DayBuckets dayBuckets, final BuildBuckets buildBuckets) {
        this.buckets = dayBuckets;
        this.builds = buildBuckets;
    }

    /** The current team of {@code service}, null when no event named one. */
    String team(final String service) {
        final ServiceInfo info = services.get(ServiceKey.of(service));
        return info == null ? null : info.getTeam();
    }

    /** Whether an event at {@code at} naming {@code team} decides the service's team: the latest, ties to the greater. */
    private static boolean namesNewTeam(final ServiceInfo info, final String team, final long at) {
        return team != null && (info.getTeamEventAt() == null || at > info.getTeamEventAt()
                || at == info.getTeamEventAt() && team.compareTo(info.getTeam()) > 0);
    }

    /** Records an event of {@code service} naming {@code team} (or none) and environment group (or none). */
    void observe(final String service, final String team, final Instant occurredAt, final String group) {
        final Bytes key = ServiceKey.of(service);
        final ServiceInfo info = services.get(key);
        final long at = occurredAt.toEpochMilli();
        // most events change nothing here: only then is the entry copied and written
        if (info != null && !namesNewTeam(info, team, at) && (group == null || info.getEnvironments().contains(group))) {
            return;
        }
        final ServiceInfo next = info == null ? ServiceInfo.newBuilder().setService(service).build()
                : ServiceInfo.newBuilder(info).build();
        if (namesNewTeam(next, team, at)) {
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
            final String before = info == null ? null : info.getTeam();
            if (!Objects.equals(before, next.getTeam())) {
                buckets.moveTeam(service, before, next.getTeam());
                builds.moveTeam(service, before, next.getTeam());
            }
        }
    }
}
