package dev.dora.streams.store;

import org.apache.kafka.common.utils.Bytes;

/** The key of a {@code metrics-services} entry: the service name, untagged. */
public final class ServiceKey {

    private ServiceKey() {
    }

    public static Bytes of(final String service) {
        return Keys.untagged().str(service).build();
    }
}
