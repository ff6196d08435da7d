package dev.dora.ingest;

import dev.dora.events.BuildEvent;
import dev.dora.events.ChangeEvent;
import dev.dora.events.DeploymentEvent;
import dev.dora.events.IncidentEvent;
import dev.dora.schema.KafkaClientSettings;
import dev.dora.schema.Topic;
import dev.dora.schema.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes validated events to their topics and rejections to the dead-letter topic, and waits until Kafka
 * acknowledged every one of them.
 *
 * <p>The producer is idempotent with {@code acks=all}, so an acknowledged record survives a broker failure and
 * the producer's own retries add no duplicates. A caller that gets a {@link PublishException} should resend
 * everything: some records may already have been written, and the pipeline ignores exact duplicates.
 *
 * <p>Keys: a {@link ChangeEvent} is keyed by service (a change's identity is (service, sha)), a
 * {@link DeploymentEvent}, {@link IncidentEvent} or {@link BuildEvent} by its id. Dead-letter records have no key;
 * the value is the payload and the reason travels in the {@code dora.error.*} headers of {@link Topics}.
 *
 * <p>Thread-safe: one instance serves every request.
 */
public final class EventPublisher implements AutoCloseable {

    /** The producer's {@code compression.type}, unless {@code --kafka-config} sets one. */
    public static final String COMPRESSION = "lz4";

    /** Added to the producer's own time limits before {@link #publish} gives up waiting. */
    static final Duration MARGIN = Duration.ofSeconds(5);
    static final String ORIGIN = "api";

    private static final Logger LOG = LoggerFactory.getLogger(EventPublisher.class);
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(10);

    private final Producer<byte[], byte[]> producer;
    private final Duration timeout;

    /** The settings the producer cannot do without, whatever {@code --kafka-config} says. */
    static final List<KafkaClientSettings.Required> REQUIRED = List.of(
            new KafkaClientSettings.Required(ProducerConfig.ACKS_CONFIG, "all",
                    "an event is acknowledged only once every in-sync replica has it"),
            new KafkaClientSettings.Required(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                    "the producer's own retries must not write an event twice"),
            KafkaClientSettings.Required.absent(ProducerConfig.TRANSACTIONAL_ID_CONFIG,
                    "the ingest producer acknowledges each request on its own, outside any transaction"),
            new KafkaClientSettings.Required(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class,
                    "dora encodes keys and values itself"),
            new KafkaClientSettings.Required(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class,
                    "dora encodes keys and values itself"));

    /** An idempotent producer with {@code acks=all}. */
    public EventPublisher(final String bootstrapServers) {
        this(KafkaClientSettings.of(bootstrapServers), Map.of());
    }

    /** @param producerOverrides producer configuration that replaces the defaults, e.g. shorter timeouts */
    public EventPublisher(final String bootstrapServers, final Map<String, Object> producerOverrides) {
        this(KafkaClientSettings.of(bootstrapServers), producerOverrides);
    }

    /** An idempotent producer with {@code acks=all}, connected as {@code kafka} says (TLS, SASL, ...). */
    public EventPublisher(final KafkaClientSettings kafka) {
        this(kafka, Map.of());
    }

    /**
     * @param kafka             the servers and the client properties of {@code --kafka-config}, which may tune the
     *                          defaults (timeouts, ...) but not {@link #REQUIRED}
     * @param producerOverrides producer configuration that replaces the defaults, e.g. shorter timeouts
     * @throws IllegalArgumentException when the client properties contradict {@link #REQUIRED}
     */
    public EventPublisher(final KafkaClientSettings kafka, final Map<String, Object> producerOverrides) {
        final Map<String, Object> defaults = new HashMap<>();
        defaults.put(ProducerConfig.CLIENT_ID_CONFIG, "dora-ingest");
        defaults.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        // events are Avro records with repeated names and ids: lz4 halves what the topics keep for little CPU
        defaults.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, COMPRESSION);
        defaults.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 10_000);
        defaults.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
        defaults.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 30_000);
        // a whole rejected request body goes to the dead-letter topic in one record
        defaults.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Topics.DEAD_LETTER_MAX_BYTES + 64 * 1024);
        defaults.putAll(producerOverrides);
        final Map<String, Object> config = kafka.configFor("the ingest producer", defaults, REQUIRED);
        // a send may block up to max.block.ms before the delivery timeout even starts
        this.timeout = Duration.ofMillis(millis(config, ProducerConfig.MAX_BLOCK_MS_CONFIG)
                + millis(config, ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG)).plus(MARGIN);
        this.producer = new KafkaProducer<>(config);
    }

    /**
     * Sends every accepted event to its topic and every rejection to the dead-letter topic, and returns only once
     * Kafka acknowledged all of them.
     *
     * @throws PublishException when Kafka cannot take them in time; nothing is retried after the first failure
     */
    public void publish(final List<SpecificRecord> accepted, final List<Rejection> rejected) {
        publish(accepted, rejected, ORIGIN);
    }

    /**
     * As {@link #publish(List, List)}, with the dead-letter records' {@link Topics#DLQ_ORIGIN_HEADER} set to
     * {@code origin} (e.g. {@code webhook:github}) instead of {@code api}.
     *
     * @throws PublishException when Kafka cannot take them in time; nothing is retried after the first failure
     */
    public void publish(final List<SpecificRecord> accepted, final List<Rejection> rejected, final String origin) {
        publish(accepted, rejected, origin, false);
    }

    /**
     * As {@link #publish(List, List, String)}, for history sent in bulk: each event carries {@link Topics#BULK_HEADER},
     * so that a pipeline that commits history rarely (a {@code commit.interval.ms} above its default) commits it with
     * the records around it instead of at once.
     *
     * @throws PublishException when Kafka cannot take them in time; nothing is retried after the first failure
     */
    public void publishHistory(final List<SpecificRecord> accepted, final List<Rejection> rejected,
                               final String origin) {
        publish(accepted, rejected, origin, true);
    }

    private void publish(final List<SpecificRecord> accepted, final List<Rejection> rejected, final String origin,
                         final boolean bulk) {
        if (accepted.isEmpty() && rejected.isEmpty()) {
            return;
        }
        final long deadline = System.nanoTime() + timeout.toNanos();
        final List<Future<RecordMetadata>> pending = new ArrayList<>(accepted.size() + rejected.size());
        try {
            for (final SpecificRecord event : accepted) {
                pending.add(send(toRecord(event, bulk)));
            }
            if (!rejected.isEmpty()) {
                final String receivedAt = Instant.now().toString();
                for (final Rejection rejection : rejected) {
                    pending.add(send(toDeadLetter(rejection, receivedAt, origin)));
                }
            }
            for (final Future<RecordMetadata> future : pending) {
                final long remaining = deadline - System.nanoTime();
                future.get(Math.max(remaining, 0), TimeUnit.NANOSECONDS);
            }
        } catch (final ExecutionException e) {
            throw failure(e.getCause() == null ? e : e.getCause());
        } catch (final TimeoutException e) {
            throw failure(new TimeoutException("no acknowledgement within " + timeout.toMillis() + " ms"));
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            throw failure(e);
        } catch (final RuntimeException e) {
            throw failure(e);
        }
    }

    private Future<RecordMetadata> send(final ProducerRecord<byte[], byte[]> record) throws ExecutionException {
        final Future<RecordMetadata> future = producer.send(record);
        // a record that failed before it was even queued (no metadata within max.block.ms, record too large, ...)
        // fails every following one the same way: stop instead of waiting max.block.ms per record
        if (future.isDone()) {
            try {
                future.get();
            } catch (final InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ExecutionException(e);
            }
        }
        return future;
    }

    private static PublishException failure(final Throwable cause) {
        final String message = cause.getClass().getSimpleName() + ": " + cause.getMessage();
        LOG.warn("Kafka did not acknowledge published records: {}", message);
        return new PublishException(message, cause);
    }

    static ProducerRecord<byte[], byte[]> toRecord(final SpecificRecord event, final boolean bulk) {
        final ProducerRecord<byte[], byte[]> record = toRecord(event);
        if (bulk) {
            Topics.markBulk(record.headers());
        }
        return record;
    }

    static ProducerRecord<byte[], byte[]> toRecord(final SpecificRecord event) {
        if (event instanceof ChangeEvent change) {
            return record(Topics.CHANGES, change.getService(), change);
        }
        if (event instanceof DeploymentEvent deployment) {
            return record(Topics.DEPLOYMENTS, deployment.getId(), deployment);
        }
        if (event instanceof IncidentEvent incident) {
            return record(Topics.INCIDENTS, incident.getId(), incident);
        }
        if (event instanceof BuildEvent build) {
            return record(Topics.BUILDS, build.getId(), build);
        }
        throw new IllegalArgumentException("not an event type: " + event.getClass().getName());
    }

    private static <V> ProducerRecord<byte[], byte[]> record(final Topic<String, V> topic, final String key,
                                                             final V value) {
        return new ProducerRecord<>(topic.name(),
                topic.keySerde().serializer().serialize(topic.name(), key),
                topic.valueSerde().serializer().serialize(topic.name(), value));
    }

    static ProducerRecord<byte[], byte[]> toDeadLetter(final Rejection rejection, final String receivedAt,
                                                       final String origin) {
        final ProducerRecord<byte[], byte[]> record =
                new ProducerRecord<>(Topics.DEAD_LETTER.name(), null, rejection.payload());
        record.headers()
                .add(Topics.DLQ_REASON_HEADER, utf8(rejection.error()))
                .add(Topics.DLQ_ORIGIN_HEADER, utf8(origin))
                .add(Topics.DLQ_INDEX_HEADER, utf8(Integer.toString(rejection.index())))
                .add(Topics.DLQ_RECEIVED_AT_HEADER, utf8(receivedAt));
        return record;
    }

    private static byte[] utf8(final String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static long millis(final Map<String, Object> config, final String name) {
        return Long.parseLong(config.get(name).toString());
    }

    /** Waits a bounded time for records still in flight, then closes the producer. */
    @Override
    public void close() {
        producer.close(CLOSE_TIMEOUT);
    }
}
