package dev.dora.api.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import dev.dora.events.BuildEvent;
import dev.dora.facts.DeploymentFact;
import dev.dora.facts.IncidentFact;
import dev.dora.state.DeployRef;
import dev.dora.streams.LocalPartitions;
import dev.dora.streams.query.LedgerReader;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The ledgers' reads across instances: each names its service, and is answered by the instance holding that
 * service's partition ({@link ClusterReader#routed}), which runs the same read on its own stores.
 */
final class ClusterLedgerReader implements LedgerReader {

    private final ClusterReader cluster;

    ClusterLedgerReader(final ClusterReader cluster) {
        this.cluster = cluster;
    }

    @Override
    public Optional<DeploymentFact> deployment(final String service, final String id) {
        return Optional.ofNullable(cluster.routed(LocalPartitions.Keyed.SERVICE, service, "deployment", args("service", service,
                "id", id), reader -> reader.ledger().deployment(service, id).orElse(null),
                json -> Wire.decode(json, DeploymentFact.class)));
    }

    @Override
    public Optional<IncidentFact> incident(final String service, final String id) {
        return Optional.ofNullable(cluster.routed(LocalPartitions.Keyed.SERVICE, service, "incident", args("service", service,
                "id", id), reader -> reader.ledger().incident(service, id).orElse(null),
                json -> Wire.decode(json, IncidentFact.class)));
    }

    @Override
    public List<DeliveredChange> changes(final DeploymentFact deployment) {
        final String service = deployment.getService();
        return cluster.routed(LocalPartitions.Keyed.SERVICE, service, "changes", args("service", service,
                "id", deployment.getDeploymentId()), reader -> reader.ledger().changes(deployment),
                json -> Wire.list(json, change -> new DeliveredChange(change.get("sha").asText(),
                        change.get("leadTimeSeconds").isNull() ? null : change.get("leadTimeSeconds").asLong())));
    }

    @Override
    public List<IncidentFact> incidents(final String service, final long fromMs, final long toMs) {
        return cluster.routed(LocalPartitions.Keyed.SERVICE, service, "incidents", args("service", service,
                "fromMs", Long.toString(fromMs), "toMs", Long.toString(toMs)),
                reader -> reader.ledger().incidents(service, fromMs, toMs),
                json -> Wire.list(json, fact -> Wire.decode(fact, IncidentFact.class)));
    }

    @Override
    public Optional<DeployRef> firstDeployment(final String service, final String group, final String sha) {
        return Optional.ofNullable(cluster.routed(LocalPartitions.Keyed.SERVICE, service, "firstDeployment", args("service",
                service, "group", group, "sha", sha),
                reader -> reader.ledger().firstDeployment(service, group, sha).orElse(null),
                json -> Wire.decode(json, DeployRef.class)));
    }

    @Override
    public boolean knowsCommit(final String service, final String sha) {
        return cluster.routed(LocalPartitions.Keyed.SERVICE, service, "knowsCommit", args("service", service, "sha", sha),
                reader -> reader.ledger().knowsCommit(service, sha), JsonNode::asBoolean);
    }

    @Override
    public Optional<DeployRef> latestAtOrBefore(final String service, final String group, final long atMs) {
        return Optional.ofNullable(cluster.routed(LocalPartitions.Keyed.SERVICE, service, "latestAtOrBefore", args("service",
                service, "group", group, "atMs", Long.toString(atMs)),
                reader -> reader.ledger().latestAtOrBefore(service, group, atMs).orElse(null),
                json -> Wire.decode(json, DeployRef.class)));
    }

    @Override
    public List<DeployRef> deployments(final String service, final String group, final long fromMs, final long toMs,
                                       final DeployRef after, final int limit) {
        final Map<String, String> query = args("service", service, "group", group, "fromMs", Long.toString(fromMs),
                "toMs", Long.toString(toMs), "limit", Integer.toString(limit));
        if (after != null) {
            query.put("after", Wire.encode(after));
        }
        return cluster.routed(LocalPartitions.Keyed.SERVICE, service, "deployments", query,
                reader -> reader.ledger().deployments(service, group, fromMs, toMs, after, limit),
                json -> Wire.list(json, ref -> Wire.decode(ref, DeployRef.class)));
    }

    @Override
    public List<BuildEntry> builds(final String service, final long fromMs, final long toMs, final DeployRef after,
                                   final int limit) {
        final Map<String, String> query = args("service", service, "fromMs", Long.toString(fromMs),
                "toMs", Long.toString(toMs), "limit", Integer.toString(limit));
        if (after != null) {
            query.put("after", Wire.encode(after));
        }
        return cluster.routed(LocalPartitions.Keyed.SERVICE, service, "builds", query,
                reader -> reader.ledger().builds(service, fromMs, toMs, after, limit),
                json -> Wire.list(json, entry -> new BuildEntry(Wire.decode(entry.get("build"), BuildEvent.class),
                        entry.get("duration").asLong(), entry.get("defaultBranch").asBoolean(),
                        entry.get("broke").asBoolean(),
                        entry.get("timeToFix").isNull() ? null : entry.get("timeToFix").asLong())));
    }

    private static Map<String, String> args(final String... namesAndValues) {
        final Map<String, String> args = new LinkedHashMap<>();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            args.put(namesAndValues[i], namesAndValues[i + 1]);
        }
        return args;
    }
}
