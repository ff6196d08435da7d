package dev.dora.streams.store;

import org.apache.kafka.common.utils.Bytes;

/**
 * The relations of the {@code ledger-indexes} store, one typed key per relation: its tag, how it is built and
 * read, and the prefixes its scans use. Every relation is scoped by the ledger's service first, so a service's
 * entries are contiguous. Writer and reader both use these, so a layout exists in exactly one place.
 */
public final class IndexKeys {

    private IndexKeys() {
    }

    /** Commit graph edges: (service, parent sha, child sha). */
    public record Child(String service, String parent, String child) {
        public static final byte TAG = 'k';

        public Bytes encode() {
            return Keys.of(TAG).str(service).str(parent).str(child).build();
        }

        public static Child decode(final Bytes key) {
            final Keys.Reader in = Keys.read(key, true);
            return new Child(in.str(), in.str(), in.str());
        }

        /** Every child of {@code parent}. */
        public static Bytes prefix(final String service, final String parent) {
            return Keys.of(TAG).str(service).str(parent).build();
        }
    }

    /**
     * Each environment group's timeline of successful deployments: (service, group, finishedAt, deployment id),
     * valued with the deployed sha (UTF-8, empty when none).
     */
    public record Timeline(String service, String group, long finishedAt, String deploymentId) {
        public static final byte TAG = 't';

        public Bytes encode() {
            return Keys.of(TAG).str(service).str(group).num(finishedAt).str(deploymentId).build();
        }

        public static Timeline decode(final Bytes key) {
            final Keys.Reader in = Keys.read(key, true);
            return new Timeline(in.str(), in.str(), in.num(), in.str());
        }

        public static Bytes prefix(final String service, final String group) {
            return Keys.of(TAG).str(service).str(group).build();
        }

        /** Every deployment of the group that finished at {@code finishedAt}. */
        public static Bytes prefix(final String service, final String group, final long finishedAt) {
            return Keys.of(TAG).str(service).str(group).num(finishedAt).build();
        }
    }

    /** The successful deployments of each sha: (service, sha, group, finishedAt, deployment id). */
    public record ShaDeployment(String service, String sha, String group, long finishedAt, String deploymentId) {
        public static final byte TAG = 's';

        public Bytes encode() {
            return Keys.of(TAG).str(service).str(sha).str(group).num(finishedAt).str(deploymentId).build();
        }

        public static ShaDeployment decode(final Bytes key) {
            final Keys.Reader in = Keys.read(key, true);
            return new ShaDeployment(in.str(), in.str(), in.str(), in.num(), in.str());
        }

        public static Bytes prefix(final String service, final String sha) {
            return Keys.of(TAG).str(service).str(sha).build();
        }
    }

    /** Incidents that name no cause, by the time they opened: (service, group, openedAt, incident id). */
    public record Uncaused(String service, String group, long openedAt, String incidentId) {
        public static final byte TAG = 'u';

        public Bytes encode() {
            return Keys.of(TAG).str(service).str(group).num(openedAt).str(incidentId).build();
        }

        public static Uncaused decode(final Bytes key) {
            final Keys.Reader in = Keys.read(key, true);
            return new Uncaused(in.str(), in.str(), in.num(), in.str());
        }

        /** Every uncaused incident of the group that opened at {@code openedAt}. */
        public static Bytes prefix(final String service, final String group, final long openedAt) {
            return Keys.of(TAG).str(service).str(group).num(openedAt).build();
        }
    }

    /**
     * Incidents, of any service, naming one of this service's deployments as their cause:
     * (service, deployment id, incident id, incident service), valued with a {@link ClaimValue}.
     */
    public record CauseDeployment(String service, String deploymentId, String incidentId, String incidentService) {
        public static final byte TAG = 'x';

        public Bytes encode() {
            return Keys.of(TAG).str(service).str(deploymentId).str(incidentId).str(incidentService).build();
        }

        public static CauseDeployment decode(final Bytes key) {
            final Keys.Reader in = Keys.read(key, true);
            return new CauseDeployment(in.str(), in.str(), in.str(), in.str());
        }

        public static Bytes prefix(final String service, final String deploymentId) {
            return Keys.of(TAG).str(service).str(deploymentId).build();
        }
    }

    /** Incidents naming a cause commit: (service, group, sha, incident id). */
    public record CauseSha(String service, String group, String sha, String incidentId) {
        public static final byte TAG = 'y';

        public Bytes encode() {
            return Keys.of(TAG).str(service).str(group).str(sha).str(incidentId).build();
        }

        public static CauseSha decode(final Bytes key) {
            final Keys.Reader in = Keys.read(key, true);
            return new CauseSha(in.str(), in.str(), in.str(), in.str());
        }

        public static Bytes prefix(final String service, final String group) {
            return Keys.of(TAG).str(service).str(group).build();
        }
    }

    /** Successful rollbacks: (service, rolled-back deployment id, rollback deployment id). */
    public record Rollback(String service, String target, String rollbackId) {
        public static final byte TAG = 'r';

        public Bytes encode() {
            return Keys.of(TAG).str(service).str(target).str(rollbackId).build();
        }

        public static Rollback decode(final Bytes key) {
            final Keys.Reader in = Keys.read(key, true);
            return new Rollback(in.str(), in.str(), in.str());
        }

        public static Bytes prefix(final String service, final String target) {
            return Keys.of(TAG).str(service).str(target).build();
        }
    }

    /** Every incident, in the order failures are counted between: (service, group, openedAt, incident id). */
    public record IncidentTimeline(String service, String group, long openedAt, String incidentId) {
        public static final byte TAG = 'o';

        public Bytes encode() {
            return Keys.of(TAG).str(service).str(group).num(openedAt).str(incidentId).build();
        }

        public static IncidentTimeline decode(final Bytes key) {
            final Keys.Reader in = Keys.read(key, true);
            return new IncidentTimeline(in.str(), in.str(), in.num(), in.str());
        }

        public static Bytes prefix(final String service, final String group) {
            return Keys.of(TAG).str(service).str(group).build();
        }
    }

    /**
     * The incidents a deployment was last known to be charged with: (service, deployment id, incident service,
     * incident id), valued with the rule that charges it ({@link RuleValue}).
     */
    public record Charged(String service, String deploymentId, String incidentService, String incidentId) {
        public static final byte TAG = 'a';

        public Bytes encode() {
            return Keys.of(TAG).str(service).str(deploymentId).str(incidentService).str(incidentId).build();
        }

        public static Charged decode(final Bytes key) {
            final Keys.Reader in = Keys.read(key, true);
            return new Charged(in.str(), in.str(), in.str(), in.str());
        }

        public static Bytes prefix(final String service, final String deploymentId) {
            return Keys.of(TAG).str(service).str(deploymentId).build();
        }
    }

    /**
     * The deployments charged with each incident: (service, incident id, deployment service, deployment id),
     * valued with the rule that charges it ({@link RuleValue}).
     */
    public record Attributed(String service, String incidentId, String deploymentService, String deploymentId) {
        public static final byte TAG = 'b';

        public Bytes encode() {
            return Keys.of(TAG).str(service).str(incidentId).str(deploymentService).str(deploymentId).build();
        }

        public static Attributed decode(final Bytes key) {
            final Keys.Reader in = Keys.read(key, true);
            return new Attributed(in.str(), in.str(), in.str(), in.str());
        }

        public static Bytes prefix(final String service, final String incidentId) {
            return Keys.of(TAG).str(service).str(incidentId).build();
        }
    }
}
