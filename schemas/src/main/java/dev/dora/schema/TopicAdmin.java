package dev.dora.schema;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/** Creates the pipeline's topics where they are missing and checks the ones that exist. */
public final class TopicAdmin {

    private TopicAdmin() {
    }

    /**
     * Creates {@code topic} if it does not exist and checks that it has {@code partitions} partitions, as a
     * topic co-partitioned with the event topics must.
     */
    public static void ensureTopic(final Admin admin, final Topic<?, ?> topic, final int partitions,
                                   final short replicationFactor) throws InterruptedException {
        try {
            if (!admin.listTopics().names().get().contains(topic.name())) {
                try {
                    admin.createTopics(List.of(new NewTopic(topic.name(), Optional.of(partitions),
                            Optional.of(replicationFactor)).configs(topic.configs()))).all().get();
                } catch (final ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw e;
                    }
                }
            }
            final int actual = describe(admin, Set.of(topic.name())).get(topic.name()).partitions().size();
            if (actual != partitions) {
                throw new IllegalStateException("topic " + topic.name() + " has " + actual + " partitions where "
                        + partitions + " (the configured partition count) are needed");
            }
        } catch (final ExecutionException e) {
            throw new IllegalStateException("cannot create topic " + topic.name() + ": " + e.getCause().getMessage(),
                    e.getCause());
        }
    }

    /** Topics just created may take a moment to be visible to every broker's metadata. */
    private static Map<String, TopicDescription> describe(final Admin admin, final Set<String> topics)
            throws InterruptedException, ExecutionException {
        for (int attempt = 1; ; attempt++) {
            try {
                return admin.describeTopics(topics).allTopicNames().get();
            } catch (final ExecutionException e) {
                if (!(e.getCause() instanceof UnknownTopicOrPartitionException) || attempt == 50) {
                    throw e;
                }
                Thread.sleep(100);
            }
        }
    }

    /**
     * Creates every topic of {@link Topics#ALL} that does not exist yet.
     *
     * @param replicationFactor {@code -1} for the broker's default
     * @throws IllegalStateException when an event topic exists with another partition count: the metrics
     *                               topology joins them by service and needs them co-partitioned
     */
    public static void ensureTopics(final Admin admin, final int partitions, final short replicationFactor)
            throws InterruptedException {
        try {
            final Set<String> existing = admin.listTopics().names().get();
            final List<NewTopic> missing = new ArrayList<>();
            for (final Topic<String, ?> topic : Topics.ALL) {
                if (!existing.contains(topic.name())) {
                    missing.add(new NewTopic(topic.name(), Optional.of(partitions), Optional.of(replicationFactor))
                            .configs(topic.configs()));
                }
            }
            for (final NewTopic topic : missing) {
                try {
                    admin.createTopics(List.of(topic)).all().get();
                } catch (final ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw e;
                    }
                }
            }
            final Set<String> eventTopics = Topics.EVENT_TOPICS.stream().map(Topic::name).collect(Collectors.toSet());
            final Map<String, TopicDescription> described = describe(admin, eventTopics);
            final Map<String, Integer> counts = described.values().stream()
                    .collect(Collectors.toMap(TopicDescription::name, d -> d.partitions().size()));
            if (counts.values().stream().anyMatch(n -> n != partitions)) {
                throw new IllegalStateException("the event topics must all have " + partitions
                        + " partitions (the configured partition count) but have " + counts
                        + "; set the partition count to match, or recreate the topics");
            }
        } catch (final ExecutionException e) {
            throw new IllegalStateException("cannot create the pipeline's topics: " + e.getCause().getMessage(),
                    e.getCause());
        }
    }
}
