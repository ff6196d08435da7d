package dev.dora.streams.simulation;

import dev.dora.events.DeploymentEvent;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;

/**
 * The successful staging deployments, as compactly as the staging incidents need them (one of them may be
 * picked as a cause): a long history has hundreds of thousands.
 */
final class StagingDeploys {

    private final List<ServiceProfile> services;
    private int size;
    private int[] service = new int[1024];
    private long[] id = new long[1024];
    private long[] finishedAt = new long[1024];

    StagingDeploys(final List<ServiceProfile> services) {
        this.services = services;
    }

    void add(final ServiceProfile profile, final DeploymentEvent staging) {
        if (size == id.length) {
            service = Arrays.copyOf(service, size * 2);
            id = Arrays.copyOf(id, size * 2);
            finishedAt = Arrays.copyOf(finishedAt, size * 2);
        }
        service[size] = firstServiceNamed(profile.name());
        id[size] = Long.parseLong(staging.getId());
        finishedAt[size] = staging.getFinishedAt().toEpochMilli();
        size++;
    }

    int size() {
        return size;
    }

    ServiceProfile service(final int index) {
        return services.get(service[index]);
    }

    String id(final int index) {
        return Long.toString(id[index]);
    }

    Instant finishedAt(final int index) {
        return Instant.ofEpochMilli(finishedAt[index]);
    }

    private int firstServiceNamed(final String name) {
        for (int i = 0; i < services.size(); i++) {
            if (services.get(i).name().equals(name)) {
                return i;
            }
        }
        throw new IllegalStateException("unknown service " + name);
    }
}
