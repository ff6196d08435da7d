package dev.dora.streams.store;

import org.apache.kafka.common.utils.Bytes;

/**
 * The key of a {@code deployment-cause-claims} entry, kept by the deployments' resolver: (deployment id, incident id,
 * incident service), untagged, so all claims on one deployment are contiguous.
 */
public record ClaimKey(String deploymentId, String incidentId, String incidentService) {

    public Bytes encode() {
        return Keys.untagged().str(deploymentId).str(incidentId).str(incidentService).build();
    }

    public static ClaimKey decode(final Bytes key) {
        final Keys.Reader in = Keys.read(key, false);
        return new ClaimKey(in.str(), in.str(), in.str());
    }

    /** Every claim on {@code deploymentId}. */
    public static Bytes prefix(final String deploymentId) {
        return Keys.untagged().str(deploymentId).build();
    }
}
