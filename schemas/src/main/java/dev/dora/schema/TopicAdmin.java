package dev.dora.schema;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates the pipeline's topics where they are missing and checks the ones that exist, so that a topic created
 * earlier with another partition count or cleanup policy is reported by name at start-up rather than discovered
 * later as wrong numbers. Replication is the cluster's business: the replication factor is configurable ({@code -1}
 * takes the broker's {@code default.replication.factor}) and {@code min.insync.replicas} is left to the cluster.
 */
public final class TopicAdmin {

    private static final Logger LOG = LoggerFactory.getLogger(TopicAdmin.class);

    private TopicAdmin() {
    }

    /**
     * Creates every topic of {@link Topics#ALL} that does not exist yet and checks them all.
     *
     * @param replicationFactor {@code -1} for the broker's default
     * @throws IllegalStateException naming every existing topic whose partition count (the event topics must all
     *                               have {@code partitions}: the topology joins them by service) or cleanup policy
     *                               does not fit
     */
    public static void ensureTopics(final Admin admin, final int partitions, final short replicationFactor)
            throws InterruptedException {
        ensureTopics(admin, Topics.ALL, names(Topics.EVENT_TOPICS), partitions, replicationFactor);
    }

    /**
     * Creates {@code topic} if it does not exist and checks that it has {@code partitions} partitions, as a topic
     * co-partitioned with the event topics must, and the cleanup policy of its configuration.
     */
    public static void ensureTopic(final Admin admin, final Topic<?, ?> topic, final int partitions,
                                   final short replicationFactor) throws InterruptedException {
        ensureTopics(admin, List.of(topic), Set.of(topic.name()), partitions, replicationFactor);
    }

    /**
     * Creates the missing {@code topics} with {@code partitions} partitions, then checks every one of them: those in
     * {@code coPartitioned} must have exactly {@code partitions} partitions, and each must have the cleanup policy of
     * its configuration ({@code delete} when it names none).
     *
     * @throws IllegalStateException naming each topic that does not fit, or when the cluster refuses to create one
     */
    public static void ensureTopics(final Admin admin, final Collection<? extends Topic<?, ?>> topics,
                                    final Set<String> coPartitioned, final int partitions,
                                    final short replicationFactor) throws InterruptedException {
        final Set<String> wanted = names(topics);
        try {
            final Set<String> existing = admin.listTopics().names().get();
            final List<TopicPartition> created = new ArrayList<>();
            for (final Topic<?, ?> topic : topics) {
                if (!existing.contains(topic.name())) {
                    create(admin, topic, partitions, replicationFactor);
                    for (int p = 0; p < partitions; p++) {
                        created.add(new TopicPartition(topic.name(), p));
                    }
                }
            }
            final Map<String, TopicDescription> described = whenVisible(
                    () -> admin.describeTopics(wanted).allTopicNames().get());
            awaitLeading(admin, created);
            final Map<ConfigResource, Config> configs = whenVisible(() -> admin.describeConfigs(wanted.stream()
                    .map(name -> new ConfigResource(ConfigResource.Type.TOPIC, name)).toList()).all().get());
            final List<String> problems = new ArrayList<>();
            for (final Topic<?, ?> topic : topics) {
                final int actual = described.get(topic.name()).partitions().size();
                if (coPartitioned.contains(topic.name()) && actual != partitions) {
                    problems.add("topic " + topic.name() + " has " + actual + " partitions where " + partitions
                            + " (the configured partition count, --partitions) are needed");
                }
                final Config config = configs.get(new ConfigResource(ConfigResource.Type.TOPIC, topic.name()));
                cleanupPolicyProblem(topic, config).ifPresent(problems::add);
                retentionWarning(topic, config);
            }
            if (!problems.isEmpty()) {
                throw new IllegalStateException("existing topics do not fit dora: " + String.join("; ", problems)
                        + ". Recreate them (dora creates missing topics itself), or set --partitions to match");
            }
        } catch (final ExecutionException e) {
            final String message = e.getCause().getMessage();
            throw new IllegalStateException("cannot create or check the pipeline's topics " + wanted + ": "
                    + (message == null || message.isBlank() ? e.getCause().getClass().getSimpleName()
                    : SecretRedaction.scrub(message)), e.getCause());
        }
    }

    private static void create(final Admin admin, final Topic<?, ?> topic, final int partitions,
                               final short replicationFactor) throws ExecutionException, InterruptedException {
        final Optional<Short> replicas = replicationFactor < 0 ? Optional.empty() : Optional.of(replicationFactor);
        try {
            admin.createTopics(List.of(new NewTopic(topic.name(), Optional.of(partitions), replicas)
                    .configs(topic.configs()))).all().get();
            LOG.info("created topic {} with {} partitions, replication factor {}", topic.name(), partitions,
                    replicas.map(String::valueOf).orElse("of the cluster's default"));
        } catch (final ExecutionException e) {
            // another instance created it at the same moment: the checks that follow hold for it all the same
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw e;
            }
        }
    }

    /** The cleanup policy a topic needs, compared as a set ({@code compact,delete} is not {@code compact}). */
    private static Optional<String> cleanupPolicyProblem(final Topic<?, ?> topic, final Config config) {
        final String expected = topic.configs().getOrDefault(TopicConfig.CLEANUP_POLICY_CONFIG,
                TopicConfig.CLEANUP_POLICY_DELETE);
        final ConfigEntry entry = config == null ? null : config.get(TopicConfig.CLEANUP_POLICY_CONFIG);
        if (entry == null || entry.value() == null || policies(entry.value()).equals(policies(expected))) {
            return Optional.empty();
        }
        final String why = TopicConfig.CLEANUP_POLICY_COMPACT.equals(expected)
                ? "it holds one current record per key"
                : "its records are kept, never compacted away";
        return Optional.of("topic " + topic.name() + " has cleanup.policy=" + entry.value() + " where "
                + expected + " is needed (" + why + ")");
    }

    /** Event topics are the record of truth; a finite retention loses what a re-computation needs. */
    private static void retentionWarning(final Topic<?, ?> topic, final Config config) {
        final String expected = topic.configs().get(TopicConfig.RETENTION_MS_CONFIG);
        final ConfigEntry entry = config == null ? null : config.get(TopicConfig.RETENTION_MS_CONFIG);
        if (expected != null && entry != null && entry.value() != null && !expected.equals(entry.value())) {
            LOG.warn("topic {} has retention.ms={} where dora creates it with {}: events older than that cannot be "
                    + "recomputed", topic.name(), entry.value(), expected);
        }
    }

    private static Set<String> policies(final String value) {
        return Arrays.stream(value.split(",")).map(String::trim).filter(s -> !s.isEmpty())
                .collect(Collectors.toCollection(TreeSet::new));
    }

    private static Set<String> names(final Collection<? extends Topic<?, ?>> topics) {
        return topics.stream().map(Topic::name).collect(Collectors.toCollection(TreeSet::new));
    }

    /**
     * Waits until the leader of every partition serves it: a topic the controller has created can be described, with
     * its leader, before that broker has applied the creation. An idempotent producer writing then gets
     * NOT_LEADER_OR_FOLLOWER on its first request while a later one is appended, and retries the first with
     * OUT_OF_ORDER_SEQUENCE_NUMBER until its delivery timeout (KAFKA-15591): the first events after start-up would wait
     * minutes and fail. A partition whose leader answered a ListOffsets request takes writes.
     *
     * @throws ExecutionException when a leader refuses for a reason a retry cannot fix, or after a minute
     */
    public static void awaitLeading(final Admin admin, final Collection<TopicPartition> partitions)
            throws InterruptedException, ExecutionException {
        if (partitions.isEmpty()) {
            return;
        }
        final Map<TopicPartition, OffsetSpec> latest = partitions.stream()
                .collect(Collectors.toMap(tp -> tp, tp -> OffsetSpec.latest(), (a, b) -> a));
        final long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
        while (true) {
            try {
                admin.listOffsets(latest).all().get();
                return;
            } catch (final ExecutionException e) {
                if (!(e.getCause() instanceof RetriableException) || System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(100);
            }
        }
    }

    /** One admin call that may fail while a topic just created is not yet known to every broker. */
    @FunctionalInterface
    private interface AdminCall<T> {
        T call() throws InterruptedException, ExecutionException;
    }

    /**
     * Topics just created may take a moment to be visible to every broker's metadata, their configurations too (seen on
     * a three-broker cluster: the configurations of a topic created a moment before were unknown to the broker asked).
     */
    private static <T> T whenVisible(final AdminCall<T> call) throws InterruptedException, ExecutionException {
        for (int attempt = 1; ; attempt++) {
            try {
                return call.call();
            } catch (final ExecutionException e) {
                if (!(e.getCause() instanceof UnknownTopicOrPartitionException) || attempt == 50) {
                    throw e;
                }
                Thread.sleep(100);
            }
        }
    }
}
