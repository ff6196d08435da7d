package dev.dora.api.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import dev.dora.state.BuildBucket;
import dev.dora.state.DayBucket;
import dev.dora.state.ServiceInfo;
import dev.dora.streams.LocalPartitions;
import dev.dora.streams.StateVersions;
import dev.dora.streams.query.BucketRow;
import dev.dora.streams.query.BuildRow;
import dev.dora.streams.query.LedgerReader;
import dev.dora.streams.query.StateUnavailableException;
import dev.dora.streams.query.StoreReader;
import dev.dora.streams.store.Span;
import dev.dora.streams.store.Scope;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.HostInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link StoreReader} of an instance that shares the application with others: every read answers as if one
 * instance held all the state.
 *
 * <ul>
 *   <li>A read of one key (a service's rows and ledger, a deployment's or incident's owner) goes to the instance
 *       holding the key's partition actively ({@code queryMetadataForKey}): read here when that is this instance,
 *       else asked of it over HTTP, naming the partition.</li>
 *   <li>A read of a team or the organisation, or of every service, gathers each instance's active partitions, named
 *       explicitly (interactive queries v2 with {@code requireActive()}, so a standby is never read), and checks that
 *       every partition answered exactly once before the rows are added up.</li>
 *   <li>While that cannot be done (a rebalance, an instance gone, a partition restoring) the read retries for
 *       {@code retryFor}, then throws {@link StateUnavailableException}: never part of the data.</li>
 * </ul>
 */
public final class ClusterReader implements StoreReader {

    /**
     * How this instance reads across the application.
     *
     * @param advertisedUrl this instance's URL as the others reach it ({@code application.server}); every instance
     *                      is asked with its scheme
     * @param peerToken     the bearer token for reads no API request asked for (e.g. the Prometheus gauges), when
     *                      the instances need tokens
     * @param retryFor      how long a read waits for every partition to be readable before it gives up
     */
    public record Settings(URI advertisedUrl, Optional<String> peerToken, Duration retryFor) {
    }

    private static final Logger LOG = LoggerFactory.getLogger(ClusterReader.class);
    private static final long FIRST_BACKOFF_MS = 50;
    private static final long MAX_BACKOFF_MS = 400;

    private final LocalPartitions local;
    private final HostInfo self;
    private final PeerClient peers;
    private final Duration retryFor;

    public ClusterReader(final LocalPartitions local, final Settings settings) {
        this.local = local;
        this.self = hostOf(settings.advertisedUrl());
        this.peers = new PeerClient(settings.advertisedUrl().getScheme(), self, settings.peerToken());
        this.retryFor = settings.retryFor();
    }

    /** {@code host:port} of a URL, the port defaulting to its scheme's. */
    public static HostInfo hostOf(final URI url) {
        final int port = url.getPort() >= 0 ? url.getPort() : "https".equalsIgnoreCase(url.getScheme()) ? 443 : 80;
        return new HostInfo(url.getHost(), port);
    }

    /** Requests sent to other instances so far. */
    public long peerRequests() {
        return peers.sent();
    }

    /**
     * The version of what {@code reads} names across the instances, for the answer cache: every instance's part
     * ({@link LocalPartitions#version}: the positions of its active partitions through the record cache and below
     * it, its epoch and its identity), this one's read here and the others' asked over HTTP, by instance. Empty (no
     * answer reused) unless every partition of every store named is held actively by exactly one of them, and when
     * any instance cannot tell its part. Each part is read before the answer: whatever changes after it moves the
     * next reading.
     */
    public Optional<?> version(final StateVersions.Reads reads) {
        final Map<String, JsonNode> parts = new TreeMap<>();
        final Map<String, Set<Integer>> held = new HashMap<>();
        try {
            for (final HostInfo host : local.instances()) {
                final JsonNode part = host.equals(self)
                        ? local.version(reads).map(v -> Wire.version(local.instance(), v)).orElse(null)
                        : peers.get(host, InternalRoutes.VERSION_PATH, Map.of("reads", reads.name())).get("version");
                if (part == null || part.isNull() || !claims(part, reads, held)) {
                    return Optional.empty();
                }
                parts.put(host.host() + ':' + host.port(), part);
            }
        } catch (final PeerClient.PeerException | RuntimeException e) {
            return Optional.empty();
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
        for (final String store : reads.stores()) {
            if (held.getOrDefault(store, Set.of()).size() != local.partitions()) {
                return Optional.empty();
            }
        }
        return Optional.of(parts);
    }

    /** Adds the partitions an instance's part holds to {@code held}; false if another part holds one of them. */
    private static boolean claims(final JsonNode part, final StateVersions.Reads reads,
                                  final Map<String, Set<Integer>> held) {
        for (final String store : reads.stores()) {
            final Set<Integer> partitions = held.computeIfAbsent(store, s -> new HashSet<>());
            for (final var names = part.path("stores").path(store).fieldNames(); names.hasNext(); ) {
                if (!partitions.add(Integer.parseInt(names.next()))) {
                    return false;
                }
            }
        }
        return true;
    }

    @Override
    public Optional<ServiceInfo> service(final String name) {
        return Optional.ofNullable(routed(LocalPartitions.Keyed.SERVICE, name, "service", Map.of("name", name),
                reader -> reader.service(name).orElse(null), json -> Wire.decode(json, ServiceInfo.class)));
    }

    @Override
    public List<ServiceInfo> services() {
        return gathered("services", Map.of(), local::services, json -> Wire.decode(json, ServiceInfo.class));
    }

    @Override
    public List<BucketRow> buckets(final Scope scope, final Span span, final String group, final long fromDay,
                                   final long lastDay) {
        final Map<String, String> query = new LinkedHashMap<>();
        query.put("kind", scope.kind().name());
        query.put("name", scope.name());
        query.put("span", span.name());
        query.put("group", group);
        query.put("from", Long.toString(fromDay));
        query.put("last", Long.toString(lastDay));
        final Function<Set<Integer>, LocalPartitions.Answers<List<BucketRow>>> here =
                partitions -> local.buckets(scope, span, group, fromDay, lastDay, partitions);
        final Function<JsonNode, BucketRow> row =
                json -> new BucketRow(json.get("day").asLong(), Wire.decode(json.get("bucket"), DayBucket.class));
        if (scope.kind() == Scope.Kind.SERVICE) {
            // a service's rows are all in its partition: ask its owner for that one partition
            return retrying("the rows of service " + scope.name(), () -> {
                final KeyQueryMetadata owner = owner(LocalPartitions.Keyed.SERVICE, scope.name());
                return collect(Map.of(owner.activeHost(), Set.of(owner.partition())), "buckets", query, here, row);
            });
        }
        return gathered("buckets", query, here, row);
    }

    @Override
    public List<BuildRow> buildBuckets(final Scope scope, final long fromDay, final long lastDay) {
        final Map<String, String> query = new LinkedHashMap<>();
        query.put("kind", scope.kind().name());
        query.put("name", scope.name());
        query.put("from", Long.toString(fromDay));
        query.put("last", Long.toString(lastDay));
        final Function<Set<Integer>, LocalPartitions.Answers<List<BuildRow>>> here =
                partitions -> local.buildBuckets(scope, fromDay, lastDay, partitions);
        final Function<JsonNode, BuildRow> row =
                json -> new BuildRow(json.get("day").asLong(), Wire.decode(json.get("bucket"), BuildBucket.class));
        if (scope.kind() == Scope.Kind.SERVICE) {
            return retrying("the build rows of service " + scope.name(), () -> {
                final KeyQueryMetadata owner = owner(LocalPartitions.Keyed.SERVICE, scope.name());
                return collect(Map.of(owner.activeHost(), Set.of(owner.partition())), "buildBuckets", query, here,
                        row);
            });
        }
        return gathered("buildBuckets", query, here, row);
    }

    @Override
    public Optional<String> buildService(final String id) {
        return Optional.ofNullable(routed(LocalPartitions.Keyed.BUILD, id, "buildService", Map.of("id", id),
                reader -> reader.buildService(id).orElse(null), json -> json.isNull() ? null : json.asText()));
    }

    @Override
    public LedgerReader ledger() {
        return new ClusterLedgerReader(this);
    }

    @Override
    public Optional<String> deploymentService(final String id) {
        return Optional.ofNullable(routed(LocalPartitions.Keyed.DEPLOYMENT, id, "deploymentService", Map.of("id", id),
                reader -> reader.deploymentService(id).orElse(null), json -> json.isNull() ? null : json.asText()));
    }

    @Override
    public Optional<String> incidentService(final String id) {
        return Optional.ofNullable(routed(LocalPartitions.Keyed.INCIDENT, id, "incidentService", Map.of("id", id),
                reader -> reader.incidentService(id).orElse(null), json -> json.isNull() ? null : json.asText()));
    }

    /**
     * A read of one key: here when this instance holds the key's partition actively, else by the instance that does.
     *
     * @param op     the internal operation a peer runs ({@link InternalRoutes})
     * @param here   the same read of this instance's partition
     * @param decode the peer's {@code value}
     */
    <T> T routed(final LocalPartitions.Keyed kind, final String key, final String op, final Map<String, String> parameters,
                 final Function<StoreReader, T> here, final Function<JsonNode, T> decode) {
        return retrying(op + " of " + key, () -> {
            final KeyQueryMetadata owner = owner(kind, key);
            if (owner.activeHost().equals(self)) {
                try {
                    return here.apply(local.partition(owner.partition()));
                } catch (final InvalidStateStoreException e) {
                    throw new Unavailable("partition " + owner.partition() + " is not readable here: "
                            + e.getMessage());
                }
            }
            final Map<String, String> query = new LinkedHashMap<>(parameters);
            query.put("partition", Integer.toString(owner.partition()));
            return decode.apply(ask(owner.activeHost(), InternalRoutes.KEY_PATH + op, query).get("value"));
        });
    }

    private KeyQueryMetadata owner(final LocalPartitions.Keyed kind, final String key) {
        return local.owner(kind, key).orElseThrow(() -> new Unavailable("no instance holds the partition of '"
                + key + "' now"));
    }

    /** A read of every partition: each instance's active ones, each partition's answer taken exactly once. */
    private <T> List<T> gathered(final String op, final Map<String, String> parameters,
                                 final Function<Set<Integer>, LocalPartitions.Answers<List<T>>> here,
                                 final Function<JsonNode, T> decode) {
        return retrying(op, () -> {
            final Map<HostInfo, Set<Integer>> byHost = local.ledgerPartitionsByHost();
            final Set<Integer> assigned = new TreeSet<>();
            for (final Set<Integer> held : byHost.values()) {
                for (final Integer partition : held) {
                    if (!assigned.add(partition)) {
                        throw new Unavailable("partition " + partition + " is claimed by two instances");
                    }
                }
            }
            return collect(byHost, op, parameters, here, decode);
        });
    }

    /** Asks each instance for its partitions and checks that exactly the partitions asked answered, once each. */
    private <T> List<T> collect(final Map<HostInfo, Set<Integer>> byHost, final String op,
                                final Map<String, String> parameters,
                                final Function<Set<Integer>, LocalPartitions.Answers<List<T>>> here,
                                final Function<JsonNode, T> decode) throws InterruptedException {
        final Set<Integer> wanted = new TreeSet<>();
        byHost.values().forEach(wanted::addAll);
        if (wanted.size() < expected(op, parameters)) {
            throw new Unavailable("partitions " + missing(wanted) + " have no active instance now");
        }
        final Map<Integer, List<T>> answered = new TreeMap<>();
        final Map<Integer, String> failed = new TreeMap<>();
        for (final Map.Entry<HostInfo, Set<Integer>> entry : byHost.entrySet()) {
            final LocalPartitions.Answers<List<T>> answers = entry.getKey().equals(self) ? here.apply(entry.getValue())
                    : decodeAnswers(ask(entry.getKey(), InternalRoutes.GATHER_PATH + op,
                    withPartitions(parameters, entry.getValue())), decode);
            failed.putAll(answers.failed());
            for (final Map.Entry<Integer, List<T>> one : answers.answered().entrySet()) {
                if (!entry.getValue().contains(one.getKey()) || answered.put(one.getKey(), one.getValue()) != null) {
                    throw new Unavailable("partition " + one.getKey() + " answered twice or unasked");
                }
            }
        }
        if (!failed.isEmpty() || !answered.keySet().equals(wanted)) {
            throw new Unavailable("partitions not readable now: " + (failed.isEmpty() ? missing(answered.keySet())
                    : failed));
        }
        final List<T> rows = new ArrayList<>();
        answered.values().forEach(rows::addAll);
        return rows;
    }

    /** Every partition for a gathered read; the one partition of a routed read of a service's rows. */
    private int expected(final String op, final Map<String, String> parameters) {
        return ("buckets".equals(op) || "buildBuckets".equals(op))
                && Scope.Kind.SERVICE.name().equals(parameters.get("kind")) ? 1
                : local.partitions();
    }

    private String missing(final Set<Integer> present) {
        final Set<Integer> all = new TreeSet<>();
        for (int p = 0; p < local.partitions(); p++) {
            all.add(p);
        }
        all.removeAll(present);
        return all.toString();
    }

    private static Map<String, String> withPartitions(final Map<String, String> parameters,
                                                      final Set<Integer> partitions) {
        final Map<String, String> query = new LinkedHashMap<>(parameters);
        query.put("partitions", partitions.stream().map(String::valueOf).collect(Collectors.joining(",")));
        return query;
    }

    private static <T> LocalPartitions.Answers<List<T>> decodeAnswers(final JsonNode json, final Function<JsonNode, T> decode) {
        final Map<Integer, List<T>> answered = new TreeMap<>();
        json.get("answered").fields().forEachRemaining(entry ->
                answered.put(Integer.parseInt(entry.getKey()), Wire.list(entry.getValue(), decode)));
        final Map<Integer, String> failed = new TreeMap<>();
        json.get("failed").fields().forEachRemaining(entry ->
                failed.put(Integer.parseInt(entry.getKey()), entry.getValue().asText()));
        return new LocalPartitions.Answers<>(answered, failed);
    }

    private JsonNode ask(final HostInfo peer, final String path, final Map<String, String> query)
            throws InterruptedException {
        try {
            return peers.get(peer, path, query);
        } catch (final PeerClient.PeerException e) {
            if (e.retryable()) {
                throw new Unavailable(e.getMessage());
            }
            // e.g. a peer refusing the token, or one of another version: retrying will not help, nor may the
            // query answer without that instance's partitions
            LOG.warn("Another instance refused a read: {}", e.getMessage());
            throw new StateUnavailableException("another instance cannot be read (" + e.getMessage() + ")");
        }
    }

    /** One attempt of a read, which may find the state unavailable for now. */
    @FunctionalInterface
    private interface Attempt<T> {
        T run() throws InterruptedException;
    }

    /** A partition not readable at this moment; the read is tried again until {@code retryFor} has passed. */
    private static final class Unavailable extends RuntimeException {

        private static final long serialVersionUID = 1L;

        Unavailable(final String message) {
            super(message, null, false, false);
        }
    }

    private <T> T retrying(final String what, final Attempt<T> attempt) {
        final long deadline = System.nanoTime() + retryFor.toNanos();
        long backoff = FIRST_BACKOFF_MS;
        while (true) {
            try {
                return attempt.run();
            } catch (final Unavailable e) {
                if (System.nanoTime() + backoff * 1_000_000 > deadline) {
                    LOG.info("Read of {} gave up after {} ms: {}", what, retryFor.toMillis(), e.getMessage());
                    throw new StateUnavailableException("the metrics are moving between instances (" + e.getMessage()
                            + "); retry shortly");
                }
                sleep(backoff);
                backoff = Math.min(MAX_BACKOFF_MS, backoff * 2);
            } catch (final InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new StateUnavailableException("interrupted while reading " + what);
            }
        }
    }

    private static void sleep(final long millis) {
        try {
            Thread.sleep(millis);
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StateUnavailableException("interrupted while waiting for the metrics to be readable");
        }
    }
}
