package dev.dora.streams.ledger;

import dev.dora.state.Attribution;
import dev.dora.state.CauseClaim;
import dev.dora.state.DeployRef;
import dev.dora.streams.config.MetricsConfig;
import dev.dora.streams.metrics.BuildBuckets;
import dev.dora.streams.metrics.DayBuckets;
import dev.dora.streams.store.LedgerTx;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The unit of work of one ledger record: the staged stores it reads and writes, what it marked for recomputation,
 * and the messages it has for other ledgers. Created per record and dropped after it, so no state of one record
 * can leak into the next, whether the record succeeded or failed.
 */
final class LedgerChange {

    private final MetricsConfig config;
    private final LedgerTx tx;
    private final DayBuckets buckets;
    private final BuildBuckets buildBuckets;
    private final ServiceDirectory directory;
    /** Deployments whose facts the record may have changed, in the order they were marked. */
    private final Set<String> dirtyDeployments = new LinkedHashSet<>();
    private final Set<String> dirtyIncidents = new LinkedHashSet<>();
    /** Entities that left this service during the record: their facts are now owned elsewhere. */
    private final Set<String> detached = new LinkedHashSet<>();
    /** Deployments new to this service: publish their state even when it is "no fact", in case they moved here. */
    private final Set<String> arrived = new LinkedHashSet<>();
    private final List<CauseClaim> claims = new ArrayList<>();
    private final List<Attribution> attributions = new ArrayList<>();

    LedgerChange(final MetricsConfig config, final LedgerTx tx) {
        this.config = config;
        this.tx = tx;
        this.directory = new ServiceDirectory(tx.services());
        this.buckets = new DayBuckets(tx.buckets(), config::environmentGroup, directory::team);
        this.buildBuckets = new BuildBuckets(tx.builds(), directory::team);
        directory.movesWith(buckets, buildBuckets);
    }

    MetricsConfig config() {
        return config;
    }

    LedgerTx tx() {
        return tx;
    }

    String service() {
        return tx.service();
    }

    DayBuckets buckets() {
        return buckets;
    }

    BuildBuckets buildBuckets() {
        return buildBuckets;
    }

    ServiceDirectory directory() {
        return directory;
    }

    /** The environment group of an environment: production for every production environment. */
    String group(final String environment) {
        return config.environmentGroup(environment);
    }

    void markDeployment(final String id) {
        dirtyDeployments.add(id);
    }

    void markDeployment(final DeployRef ref) {
        if (ref != null) {
            dirtyDeployments.add(ref.getDeploymentId());
        }
    }

    void markIncident(final String id) {
        dirtyIncidents.add(id);
    }

    void detach(final String id) {
        detached.add(id);
    }

    void arrive(final String id) {
        arrived.add(id);
    }

    boolean detached(final String id) {
        return detached.contains(id);
    }

    boolean arrived(final String id) {
        return arrived.contains(id);
    }

    void claim(final CauseClaim claim) {
        claims.add(claim);
    }

    void attribution(final Attribution attribution) {
        attributions.add(attribution);
    }

    Set<String> dirtyDeployments() {
        return dirtyDeployments;
    }

    Set<String> dirtyIncidents() {
        return dirtyIncidents;
    }

    List<CauseClaim> claims() {
        return claims;
    }

    List<Attribution> attributions() {
        return attributions;
    }
}
