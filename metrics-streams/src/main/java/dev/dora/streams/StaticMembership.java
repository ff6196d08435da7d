package dev.dora.streams;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.streams.StreamsConfig;

/**
 * Static consumer-group membership for the pipeline, so that a restart after a crash ({@code kill -9}, a power loss)
 * gets its partitions back at once.
 *
 * <p>Without it, a crashed instance stays a member of its consumer group until its session times out (45 s by
 * default), and a broker restarted with it starts that timer anew; the restarted instance is a new member, and the
 * group waits for the old one before it can rebalance: measured, 36 of the 78 s a restart after {@code kill -9} took.
 * With a {@code group.instance.id} that survives restarts, the coordinator recognises the returning member and
 * hands it its partitions without waiting. A clean stop still leaves the group at once ({@code MetricsPipeline#close}).
 *
 * <p>The id must belong to one running instance only (the coordinator fences an instance whose id another has
 * taken), so it is a random UUID kept in the instance's own state directory, {@value #FILE}, which one process owns
 * at a time. Kafka Streams appends each stream thread's index to it.
 */
final class StaticMembership {

    /** The file in the state directory that keeps the instance's id across restarts. */
    static final String FILE = "dora-instance-id";

    private static final Pattern ID = Pattern.compile("dora-[0-9a-f-]{36}");

    private StaticMembership() {
    }

    /** The consumer settings of static membership for the instance whose state lives in {@code stateDir}. */
    static Map<String, Object> properties(final Path stateDir) {
        return Map.of(StreamsConfig.mainConsumerPrefix(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG), instanceId(stateDir));
    }

    /** The instance's id, created on first use. */
    static String instanceId(final Path stateDir) {
        final Path file = stateDir.resolve(FILE);
        try {
            if (Files.exists(file)) {
                final String id = Files.readString(file, StandardCharsets.UTF_8).trim();
                if (ID.matcher(id).matches()) {
                    return id;
                }
            }
            Files.createDirectories(stateDir);
            final String id = "dora-" + UUID.randomUUID();
            Files.writeString(file, id + "\n", StandardCharsets.UTF_8);
            return id;
        } catch (final IOException e) {
            throw new UncheckedIOException("cannot keep the instance id in " + file, e);
        }
    }
}
