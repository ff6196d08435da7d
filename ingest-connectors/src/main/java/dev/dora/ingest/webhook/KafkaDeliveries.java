package dev.dora.ingest.webhook;

import dev.dora.schema.KafkaClientSettings;
import dev.dora.schema.Topics;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The acknowledged webhook deliveries of every instance, kept in the compacted topic
 * {@link Topics#WEBHOOK_DELIVERIES}: an acknowledgement is written there ({@code acks=all}) before the webhook is
 * answered, and a follower thread reads the topic from its beginning into the same bounded memory as a single
 * instance uses, so a redelivery is recognised by whichever instance receives it, also after a restart, for as long
 * as the topic keeps it (seven days).
 *
 * <p>Another instance recognises a delivery once it has read its record, milliseconds later. Two copies arriving at
 * two instances at the same moment may both be published: their events are identical, which the pipeline ignores,
 * so no number changes; only the {@code duplicate} answer and counter miss it. If the acknowledgement cannot be
 * written, the webhook is still answered 202 (its events are stored) and the failure is logged.
 */
public final class KafkaDeliveries implements Deliveries, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(KafkaDeliveries.class);
    private static final Duration POLL = Duration.ofMillis(200);
    private static final Duration WRITE_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(10);

    private final WebhookRoutes.DeliveryLog memory = new WebhookRoutes.DeliveryLog(
            WebhookRoutes.DEFAULT_REMEMBERED_DELIVERIES);
    private final KafkaProducer<String, String> producer;
    private final KafkaConsumer<String, String> consumer;
    private final Thread follower;
    private final CountDownLatch caughtUp = new CountDownLatch(1);
    private volatile boolean closing;

    private KafkaDeliveries(final KafkaClientSettings kafka) {
        this.producer = new KafkaProducer<>(producerConfig(kafka));
        this.consumer = new KafkaConsumer<>(consumerConfig(kafka));
        this.follower = new Thread(this::follow, "dora-webhook-deliveries");
        this.follower.setDaemon(true);
    }

    /**
     * Starts following the topic and returns once it has been read to its end, so the first webhook this instance
     * answers already knows every earlier delivery. The topic must exist ({@code TopicAdmin.ensureTopics}).
     *
     * @throws IllegalStateException when the topic cannot be read within {@code startTimeout}
     */
    public static KafkaDeliveries start(final KafkaClientSettings kafka, final Duration startTimeout) {
        final KafkaDeliveries deliveries = new KafkaDeliveries(kafka);
        deliveries.follower.start();
        try {
            if (!deliveries.caughtUp.await(startTimeout.toMillis(), TimeUnit.MILLISECONDS)) {
                deliveries.close();
                throw new IllegalStateException("could not read " + Topics.WEBHOOK_DELIVERIES.name() + " within "
                        + startTimeout.toSeconds() + " s; is the broker up and the topic created?");
            }
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            deliveries.close();
            throw new IllegalStateException("interrupted while reading " + Topics.WEBHOOK_DELIVERIES.name(), e);
        }
        return deliveries;
    }

    @Override
    public boolean seen(final String source, final String deliveryId) {
        return memory.contains(source, deliveryId);
    }

    @Override
    public void acknowledged(final String source, final String deliveryId) {
        memory.add(source, deliveryId);
        try {
            producer.send(new ProducerRecord<>(Topics.WEBHOOK_DELIVERIES.name(), key(source, deliveryId),
                    Instant.now().toString())).get(WRITE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (final ExecutionException | TimeoutException e) {
            LOG.warn("cannot record webhook delivery {} of {} for the other instances (its events are stored; a "
                    + "redelivery to another instance would be published again, changing no metric): {}",
                    deliveryId, source, e.toString());
        }
    }

    private static String key(final String source, final String deliveryId) {
        return source + '\n' + deliveryId;
    }

    private void follow() {
        try {
            final List<TopicPartition> partitions = consumer.partitionsFor(Topics.WEBHOOK_DELIVERIES.name()).stream()
                    .map(info -> new TopicPartition(info.topic(), info.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            final Map<TopicPartition, Long> end = new HashMap<>(consumer.endOffsets(partitions));
            while (!closing) {
                // checked before each poll, so an empty log (the usual case) is caught up without waiting one out
                if (caughtUp.getCount() > 0) {
                    end.entrySet().removeIf(e -> consumer.position(e.getKey()) >= e.getValue());
                    if (end.isEmpty()) {
                        caughtUp.countDown();
                    }
                }
                try {
                    for (final ConsumerRecord<String, String> record : consumer.poll(POLL)) {
                        remember(record);
                    }
                } catch (final WakeupException e) {
                    throw e;
                } catch (final KafkaException e) {
                    LOG.warn("cannot read {}, retrying: {}", Topics.WEBHOOK_DELIVERIES.name(), e.toString());
                }
            }
        } catch (final WakeupException e) {
            if (!closing) {
                LOG.error("the webhook delivery follower was woken up unexpectedly", e);
            }
        } catch (final RuntimeException e) {
            LOG.error("the webhook delivery follower stopped; redeliveries to other instances are no longer "
                    + "recognised", e);
        } finally {
            consumer.close(CloseOptions.timeout(CLOSE_TIMEOUT));
        }
    }

    private void remember(final ConsumerRecord<String, String> record) {
        final String key = record.key();
        final int separator = key == null ? -1 : key.indexOf('\n');
        if (separator > 0 && record.value() != null) {
            memory.add(key.substring(0, separator), key.substring(separator + 1));
        }
    }

    @Override
    public void close() {
        closing = true;
        if (follower.isAlive()) {
            consumer.wakeup();
            try {
                follower.join(CLOSE_TIMEOUT.toMillis());
            } catch (final InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        producer.close(CLOSE_TIMEOUT);
    }

    private static Map<String, Object> producerConfig(final KafkaClientSettings kafka) {
        return kafka.configFor("the webhook delivery log", Map.of(
                ProducerConfig.CLIENT_ID_CONFIG, "dora-webhook-deliveries",
                ProducerConfig.MAX_BLOCK_MS_CONFIG, 10_000,
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 10_000,
                ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000), List.of(
                new KafkaClientSettings.Required(ProducerConfig.ACKS_CONFIG, "all",
                        "an acknowledged delivery must survive a broker failure"),
                new KafkaClientSettings.Required(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                        "a retried write must not be duplicated"),
                KafkaClientSettings.Required.absent(ProducerConfig.TRANSACTIONAL_ID_CONFIG,
                        "deliveries are recorded outside any transaction"),
                new KafkaClientSettings.Required(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                        "the delivery topic holds text"),
                new KafkaClientSettings.Required(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                        "the delivery topic holds text")));
    }

    private static Map<String, Object> consumerConfig(final KafkaClientSettings kafka) {
        return kafka.configFor("the webhook delivery follower", Map.of(
                ConsumerConfig.CLIENT_ID_CONFIG, "dora-webhook-deliveries-follower",
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"), List.of(
                new KafkaClientSettings.Required(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                        "every instance reads the whole topic from the start"),
                new KafkaClientSettings.Required(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false,
                        "dora creates its topics with their retention itself"),
                KafkaClientSettings.Required.absent(ConsumerConfig.GROUP_ID_CONFIG,
                        "every instance reads every partition of the topic, outside any group"),
                new KafkaClientSettings.Required(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG,
                        StringDeserializer.class, "the delivery topic holds text"),
                new KafkaClientSettings.Required(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
                        StringDeserializer.class, "the delivery topic holds text")));
    }
}
