package dev.dora.streams;

import dev.dora.schema.KafkaClientSettings;
import dev.dora.schema.KafkaClientSettings.Required;
import dev.dora.schema.Topics;
import dev.dora.streams.config.MetricsConfig;
import dev.dora.streams.topology.BoundedMemoryRocksDbConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.LogAndContinueExceptionHandler;
import org.apache.kafka.streams.errors.LogAndContinueProcessingExceptionHandler;

/**
 * The Kafka Streams configuration of the pipeline: dora's settings, then the client properties of
 * {@code --kafka-config} (for every internal client), then the {@code --streams-config} overrides, and last the
 * {@linkplain #PROTECTED protected} settings, which neither file may change: a file that tries is refused with the key
 * and the reason.
 */
public final class StreamsProperties {

    private static final String EXACTLY_ONCE = "exactly-once processing commits the state stores, the facts and the "
            + "consumed offsets together, so that a crash neither loses nor double-counts an event";
    private static final String DEAD_LETTERS = "a record that cannot be read or processed goes to "
            + Topics.DEAD_LETTER.name() + " with its reason, and processing goes on";

    /**
     * Kafka Streams' {@code commit.interval.ms} unless {@code --streams-config} sets it: every record is committed
     * within it. An operator who backfills much may set a longer one: history that {@code dora import} sends is then
     * committed that often only (a fifth less CPU per event at a second), while live records ask for a commit once
     * processed ({@code PromptCommits}), at the price of a tail in the freshness at rest (docs/BENCHMARKS.md, "History
     * committed less often, live events at once (stop 31)").
     */
    public static final long COMMIT_INTERVAL_MS = 50;
    /**
     * The {@code compression.type} of Kafka Streams' producer (changelogs, the repartition topic, the facts) unless
     * either file sets one: the changelogs carry whole Avro rows whose maps and names repeat from version to version,
     * and lz4 halves the bytes the broker appends and keeps and a restore reads, for less CPU per event, not more
     * (docs/BENCHMARKS.md, "Compressed topics").
     */
    public static final String COMPRESSION = "lz4";
    /**
     * The {@code segment.bytes} of the internal topics Kafka Streams creates (the changelogs, the repartition topic)
     * unless either file sets {@code topic.segment.bytes}. The broker compacts only closed segments: with Kafka's
     * default of 1 GiB a changelog of a few hundred megabytes per partition is never compacted, and a restore reads
     * every version of every row ever written; with 16 MiB segments all but the newest are compacted down to each
     * row's last value (docs/BENCHMARKS.md, "Compacted changelogs"). Topics that exist keep their configuration.
     */
    public static final int INTERNAL_SEGMENT_BYTES = 16 * 1024 * 1024;
    /** Kafka Streams' {@code poll.ms} (how long an idle stream thread blocks in poll) unless overridden. */
    public static final long POLL_MS = 20;
    /**
     * The global consumer's {@code fetch.max.wait.ms} unless either file sets one. The weekly reports' topic is written
     * in transactions, so each partition ends with a commit marker, and Kafka Streams reads the global store up to
     * each partition's end, partition by partition, before any stream thread starts: with Kafka's default the broker
     * held the fetch past that marker for its 500 ms, about a second of every start. The restore consumer keeps the
     * default: the same setting there cost the backfill a fifth more CPU in three runs of three (docs/BENCHMARKS.md,
     * "Commit markers at the end of the global store").
     */
    public static final int GLOBAL_FETCH_MAX_WAIT_MS = 50;

    /** The Streams settings dora fixes, each with the reason it cannot change. */
    public static final List<Required> PROTECTED = protectedSettings();

    private StreamsProperties() {
    }

    /**
     * Sets dora's default of one client's {@code setting} (its {@code prefixed} key) unless either file set it for
     * that client or for every client: a prefixed default would win over the operator's client-wide value.
     */
    private static void putClientDefault(final Properties props, final String setting, final String prefixed,
                                         final Object value) {
        if (!props.containsKey(setting) && !props.containsKey(prefixed)) {
            props.put(prefixed, value);
        }
    }

    /**
     * The properties Kafka Streams runs with.
     *
     * @throws IllegalArgumentException when either file changes a protected setting, naming it and why
     */
    public static Properties of(final MetricsConfig config) {
        requireNothingProtected(config.kafka().properties(), config.kafka().origin());
        requireNothingProtected(config.streamsOverrides().properties(), config.streamsOverrides().origin());
        final Properties props = new Properties();
        props.put(StreamsConfig.STATE_DIR_CONFIG, config.stateDir().toAbsolutePath().toString());
        props.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, config.streamThreads());
        props.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, (int) config.replicationFactor());
        // A live event crosses two exactly-once stages (the resolver, then the ledger), and each one's output is seen
        // only once its transaction commits: the resolver's by the ledger's read_committed consumer, the ledger's by
        // the queries (its write-back layer writes at the commit). So an event waits up to two commit intervals, and
        // a stream thread with nothing to read sits in poll() for up to poll.ms before it looks at the clock to
        // commit: a lone event waited up to poll.ms again per stage. See "Freshness: where the time goes" in
        // docs/BENCHMARKS.md for the measurements behind both values and what a shorter interval costs a backfill.
        props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, COMMIT_INTERVAL_MS);
        props.put(StreamsConfig.POLL_MS_CONFIG, POLL_MS);
        // the record cache absorbs the repeated writes of hot rows (today's team and organisation buckets) between
        // commits; it is on the heap, shared by the stream threads
        props.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, 64L * 1024 * 1024);
        // the ledger's results do not depend on the order of its inputs (ConvergenceTest shuffles them), so a task
        // never waits for an empty input partition to order records by timestamp across topics: that wait stalled
        // the ledger whenever the repartitioned deployments lagged the changes
        props.put(StreamsConfig.MAX_TASK_IDLE_MS_CONFIG, StreamsConfig.MAX_TASK_IDLE_MS_DISABLED);
        // larger batches for the changelog and repartition writes, which are flushed at every commit anyway
        props.put(StreamsConfig.producerPrefix(ProducerConfig.BATCH_SIZE_CONFIG), 256 * 1024);
        props.put(StreamsConfig.ROCKSDB_CONFIG_SETTER_CLASS_CONFIG, BoundedMemoryRocksDbConfig.class);
        props.put(StreamsConfig.topicPrefix(TopicConfig.SEGMENT_BYTES_CONFIG), INTERNAL_SEGMENT_BYTES);
        props.putAll(config.kafka().properties());
        props.putAll(config.streamsOverrides().properties());
        putClientDefault(props, ProducerConfig.COMPRESSION_TYPE_CONFIG,
                StreamsConfig.producerPrefix(ProducerConfig.COMPRESSION_TYPE_CONFIG), COMPRESSION);
        putClientDefault(props, ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG,
                StreamsConfig.globalConsumerPrefix(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG), GLOBAL_FETCH_MAX_WAIT_MS);
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, config.streamsApplicationId());
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
        // the client-level ones (acks, isolation.level, ...) Kafka Streams sets itself under exactly-once
        for (final Required setting : PROTECTED) {
            if (setting.value() != null && StreamsConfig.configDef().names().contains(setting.key())) {
                props.put(setting.key(), setting.value());
            }
        }
        return props;
    }

    /**
     * Refuses properties that would change a protected setting.
     *
     * @param origin where they come from ({@code --streams-config /path}, {@code --kafka-config /path}), for the message
     * @throws IllegalArgumentException naming each such setting and why
     */
    public static void requireNothingProtected(final Map<String, String> properties, final String origin) {
        final List<String> conflicts = KafkaClientSettings.conflicts(properties, PROTECTED);
        if (!conflicts.isEmpty()) {
            throw new IllegalArgumentException(origin + " changes settings dora's pipeline relies on: "
                    + String.join("; ", conflicts));
        }
    }

    private static List<Required> protectedSettings() {
        final List<Required> settings = new ArrayList<>(List.of(
                new Required(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2, EXACTLY_ONCE),
                new Required(StreamsConfig.ENSURE_EXPLICIT_INTERNAL_RESOURCE_NAMING_CONFIG, true,
                        "every store and internal topic keeps its name across releases, so that state survives "
                                + "an upgrade"),
                Required.absent(StreamsConfig.APPLICATION_ID_CONFIG, "the application id carries a fingerprint of "
                        + "the metric definitions: a change of definitions starts a new computation instead of "
                        + "mixing two"),
                Required.absent(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG,
                        "give the cluster with --bootstrap-servers or in --kafka-config"),
                Required.absent(StreamsConfig.DEFAULT_KEY_SERDE_CLASS_CONFIG,
                        "every topic and store of the pipeline names its own serdes"),
                Required.absent(StreamsConfig.DEFAULT_VALUE_SERDE_CLASS_CONFIG,
                        "every topic and store of the pipeline names its own serdes"),
                new Required(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG,
                        LogAndContinueExceptionHandler.class, DEAD_LETTERS),
                new Required(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG,
                        LogAndContinueProcessingExceptionHandler.class, DEAD_LETTERS),
                new Required(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG, true, DEAD_LETTERS),
                new Required(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG, Topics.DEAD_LETTER.name(),
                        DEAD_LETTERS),
                Required.absent(StreamsConfig.PRODUCTION_EXCEPTION_HANDLER_CLASS_CONFIG,
                        "a result that cannot be written must stop processing, never be dropped")));
        // the same client settings reach Streams' clients with or without a prefix
        for (final String prefix : List.of("", "main.consumer.", "restore.consumer.", "global.consumer.",
                "consumer.")) {
            settings.add(new Required(prefix + ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                    EXACTLY_ONCE));
        }
        for (final String prefix : List.of("", "producer.")) {
            settings.add(new Required(prefix + ProducerConfig.ACKS_CONFIG, "all", EXACTLY_ONCE));
            settings.add(new Required(prefix + ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true, EXACTLY_ONCE));
            settings.add(Required.absent(prefix + ProducerConfig.TRANSACTIONAL_ID_CONFIG,
                    "Kafka Streams names its own transactions"));
        }
        return List.copyOf(settings);
    }
}
