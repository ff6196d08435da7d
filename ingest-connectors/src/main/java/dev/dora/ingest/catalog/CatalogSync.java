package dev.dora.ingest.catalog;

import dev.dora.schema.KafkaClientSettings;
import dev.dora.schema.Topics;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps every instance's service catalog the same: the compacted topic {@link Topics#CATALOG} holds the catalog's
 * YAML text under {@link Topics#CATALOG_KEY}, and this class both writes it and follows it.
 *
 * <ul>
 *   <li><b>Publishing</b> (only with a catalog file): the file is parsed and published when this starts, then
 *       re-read every {@code pollInterval}; when its text changes it is parsed again and published if valid. An
 *       invalid edit is logged and not published, so every instance keeps the previous catalog.</li>
 *   <li><b>Following</b> (always): a dedicated consumer thread assigns itself every partition of the topic, reads
 *       it from the beginning with {@code isolation.level=read_committed}, and replaces {@link #current()}'s catalog
 *       with each valid value it reads. An instance started without a file therefore uses whatever catalog another
 *       instance published last. A tombstone clears the catalog; an invalid value is logged and skipped.</li>
 * </ul>
 *
 * <p>{@link #start} returns once the topic has been read up to its end (including the file just published), so
 * the first request an instance serves is already mapped with the shared catalog.
 */
public final class CatalogSync implements AutoCloseable {

    /** How often the catalog file is checked for changes. */
    public static final Duration DEFAULT_POLL_INTERVAL = Duration.ofSeconds(2);
    /** How long {@link #start} waits for the broker: to publish the file and to read the topic to its end. */
    public static final Duration DEFAULT_START_TIMEOUT = Duration.ofSeconds(30);

    private static final Logger LOG = LoggerFactory.getLogger(CatalogSync.class);
    private static final Duration CONSUMER_POLL = Duration.ofMillis(200);
    private static final Duration RETRY_BACKOFF = Duration.ofSeconds(1);
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(10);

    private final AtomicReference<ServiceCatalog> catalog = new AtomicReference<>(ServiceCatalog.empty());
    private final Optional<Path> file;
    private final KafkaProducer<String, String> producer;
    private final KafkaConsumer<String, String> consumer;
    private final Thread follower;
    private final ScheduledExecutorService watcher;
    private final CountDownLatch caughtUp = new CountDownLatch(1);
    private final AtomicLong recordsRead = new AtomicLong();
    private final AtomicLong fileChecks = new AtomicLong();
    private final Duration startTimeout;
    private volatile boolean closing;
    /** The file's text last published or rejected; only touched by the start thread, then the watcher thread. */
    private String lastFileText;

    private CatalogSync(final KafkaClientSettings kafka, final Optional<Path> file, final Duration startTimeout) {
        this.file = file;
        this.startTimeout = startTimeout;
        this.producer = file.isPresent() ? new KafkaProducer<>(producerConfig(kafka)) : null;
        this.consumer = new KafkaConsumer<>(consumerConfig(kafka));
        this.follower = new Thread(this::follow, "dora-catalog-follower");
        this.follower.setDaemon(true);
        this.watcher = file.isPresent()
                ? Executors.newSingleThreadScheduledExecutor(runnable -> {
                    final Thread thread = new Thread(runnable, "dora-catalog-watcher");
                    thread.setDaemon(true);
                    return thread;
                })
                : null;
    }

    /** {@link #start(KafkaClientSettings, Optional, Duration, Duration)} with the default poll interval and start
     *  timeout. */
    public static CatalogSync start(final String bootstrapServers, final Optional<Path> catalogFile) {
        return start(KafkaClientSettings.of(bootstrapServers), catalogFile);
    }

    /** {@link #start(KafkaClientSettings, Optional, Duration, Duration)} with the default poll interval and start
     *  timeout. */
    public static CatalogSync start(final KafkaClientSettings kafka, final Optional<Path> catalogFile) {
        return start(kafka, catalogFile, DEFAULT_POLL_INTERVAL, DEFAULT_START_TIMEOUT);
    }

    /** {@link #start(KafkaClientSettings, Optional, Duration, Duration)} with plain connections. */
    public static CatalogSync start(final String bootstrapServers, final Optional<Path> catalogFile,
                                    final Duration pollInterval, final Duration startTimeout) {
        return start(KafkaClientSettings.of(bootstrapServers), catalogFile, pollInterval, startTimeout);
    }

    /**
     * Publishes the catalog file (if any), starts following the topic and returns once the topic has been read to
     * its end. The topic must exist ({@code TopicAdmin.ensureTopics}).
     *
     * @param catalogFile  the {@code --catalog} file to publish and watch; empty to only follow the topic
     * @param pollInterval how often the file is checked for changes
     * @param startTimeout how long to wait for the broker
     * @throws ServiceCatalogYaml.InvalidCatalogException when the file is not a valid catalog
     * @throws IllegalStateException when the file cannot be read or the broker does not answer in time
     */
    public static CatalogSync start(final KafkaClientSettings kafka, final Optional<Path> catalogFile,
                                    final Duration pollInterval, final Duration startTimeout) {
        final Optional<Path> file = catalogFile.map(Path::toAbsolutePath);
        final String text;
        if (file.isPresent()) {
            // fail before connecting to anything: an operator who passed --catalog wants to hear about a bad file
            text = read(file.get());
            ServiceCatalogYaml.parse(text);
        } else {
            text = null;
        }
        final CatalogSync sync = new CatalogSync(kafka, file, startTimeout);
        try {
            if (text != null) {
                sync.publish(text).get(startTimeout.toMillis(), TimeUnit.MILLISECONDS);
                sync.lastFileText = text;
                LOG.info("published the service catalog from {}", file.get());
            }
            sync.follower.start();
            if (!sync.caughtUp.await(startTimeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new IllegalStateException("could not read the catalog topic " + Topics.CATALOG.name()
                        + " within " + startTimeout.toSeconds() + " s; is the broker up and the topic created?");
            }
            if (sync.watcher != null) {
                final long millis = pollInterval.toMillis();
                sync.watcher.scheduleWithFixedDelay(sync::checkFile, millis, millis, TimeUnit.MILLISECONDS);
            }
            return sync;
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            sync.close();
            throw new IllegalStateException("interrupted while starting the catalog sync", e);
        } catch (final ExecutionException | TimeoutException e) {
            sync.close();
            final Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
            throw new IllegalStateException("could not publish the service catalog to " + Topics.CATALOG.name()
                    + ": " + cause.getMessage(), cause);
        } catch (final RuntimeException e) {
            sync.close();
            throw e;
        }
    }

    /** The latest valid catalog read from the topic; the empty catalog until one has been published. */
    public Supplier<ServiceCatalog> current() {
        return catalog::get;
    }

    /** The catalog file this instance publishes, if any. */
    public Optional<Path> file() {
        return file;
    }

    private Future<RecordMetadata> publish(final String text) {
        return producer.send(new ProducerRecord<>(Topics.CATALOG.name(), Topics.CATALOG_KEY, text));
    }

    /**
     * Records read from the topic so far, valid or not. Progress made visible, so that a caller can tell that a
     * record was processed (and ignored) instead of waiting some time and hoping.
     */
    long recordsRead() {
        return recordsRead.get();
    }

    /** Checks of the catalog file completed so far, whatever they found; see {@link #recordsRead()}. */
    long fileChecks() {
        return fileChecks.get();
    }

    /** Runs on the watcher thread. */
    private void checkFile() {
        try {
            publishChangedFile();
        } finally {
            fileChecks.incrementAndGet();
        }
    }

    /** Publishes the file when its text changed and is valid. */
    private void publishChangedFile() {
        if (closing) {
            return;
        }
        final Path path = file.orElseThrow();
        final String text;
        try {
            text = Files.readString(path, StandardCharsets.UTF_8);
        } catch (final NoSuchFileException e) {
            // editors often replace the file by a rename: it reappears on the next check
            return;
        } catch (final IOException e) {
            LOG.warn("cannot read the catalog file {}: {}; keeping the current catalog", path, e.toString());
            return;
        }
        if (text.equals(lastFileText)) {
            return;
        }
        lastFileText = text;
        try {
            ServiceCatalogYaml.parse(text);
        } catch (final IllegalArgumentException e) {
            LOG.error("the catalog file {} is not valid, keeping the current catalog: {}", path, e.getMessage());
            return;
        }
        try {
            publish(text).get(startTimeout.toMillis(), TimeUnit.MILLISECONDS);
            LOG.info("published the changed service catalog from {}", path);
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (final ExecutionException | TimeoutException e) {
            LOG.error("could not publish the changed service catalog from {}; will retry: {}", path, e.toString());
            lastFileText = null;
        }
    }

    /** Runs on the follower thread: keeps {@link #catalog} at the topic's latest valid value. */
    private void follow() {
        try {
            final List<TopicPartition> partitions = awaitPartitions();
            if (partitions == null) {
                return;
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            final Map<TopicPartition, Long> end = new HashMap<>(consumer.endOffsets(partitions));
            while (!closing) {
                // checked before each poll, so a log already read to its end is caught up without waiting a poll out
                if (caughtUp.getCount() > 0) {
                    end.entrySet().removeIf(e -> consumer.position(e.getKey()) >= e.getValue());
                    if (end.isEmpty()) {
                        caughtUp.countDown();
                    }
                }
                final ConsumerRecords<String, String> records;
                try {
                    records = consumer.poll(CONSUMER_POLL);
                } catch (final WakeupException e) {
                    throw e;
                } catch (final KafkaException e) {
                    LOG.warn("cannot read the catalog topic, retrying: {}", e.toString());
                    sleep(RETRY_BACKOFF);
                    continue;
                }
                for (final ConsumerRecord<String, String> record : records) {
                    apply(record);
                    recordsRead.incrementAndGet();
                }
            }
        } catch (final WakeupException e) {
            if (!closing) {
                LOG.error("the catalog follower was woken up unexpectedly", e);
            }
        } catch (final RuntimeException e) {
            LOG.error("the catalog follower stopped; the catalog will no longer be updated", e);
        } finally {
            consumer.close(CloseOptions.timeout(CLOSE_TIMEOUT));
        }
    }

    private List<TopicPartition> awaitPartitions() {
        while (!closing) {
            final List<PartitionInfo> infos = consumer.partitionsFor(Topics.CATALOG.name());
            if (infos != null && !infos.isEmpty()) {
                return infos.stream()
                        .map(info -> new TopicPartition(info.topic(), info.partition()))
                        .collect(Collectors.toList());
            }
            LOG.warn("the catalog topic {} does not exist yet; waiting", Topics.CATALOG.name());
            sleep(RETRY_BACKOFF);
        }
        return null;
    }

    private void sleep(final Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            closing = true;
        }
    }

    private void apply(final ConsumerRecord<String, String> record) {
        if (!Topics.CATALOG_KEY.equals(record.key())) {
            LOG.warn("ignoring a record with key {} on {} at {}-{}: only the key {} is read", record.key(),
                    record.topic(), record.partition(), record.offset(), Topics.CATALOG_KEY);
            return;
        }
        if (record.value() == null) {
            catalog.set(ServiceCatalog.empty());
            LOG.info("the service catalog was deleted (tombstone at offset {}); using the empty catalog",
                    record.offset());
            return;
        }
        try {
            catalog.set(ServiceCatalogYaml.parse(record.value()));
            LOG.debug("service catalog updated from offset {}", record.offset());
        } catch (final IllegalArgumentException e) {
            LOG.error("ignoring an invalid service catalog on {} at offset {}: {}", record.topic(), record.offset(),
                    e.getMessage());
        }
    }

    @Override
    public void close() {
        closing = true;
        if (watcher != null) {
            watcher.shutdownNow();
            try {
                watcher.awaitTermination(CLOSE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (final InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (follower.isAlive()) {
            consumer.wakeup();
            try {
                follower.join(CLOSE_TIMEOUT.toMillis());
            } catch (final InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        } else if (follower.getState() == Thread.State.NEW) {
            consumer.close(CloseOptions.timeout(CLOSE_TIMEOUT));
        }
        if (producer != null) {
            producer.close(CLOSE_TIMEOUT);
        }
    }

    private static String read(final Path path) {
        try {
            return Files.readString(path, StandardCharsets.UTF_8);
        } catch (final IOException e) {
            throw new IllegalStateException("cannot read the catalog file " + path + ": " + e, e);
        }
    }

    private static Map<String, Object> producerConfig(final KafkaClientSettings kafka) {
        return kafka.configFor("the catalog publisher", Map.of(
                ProducerConfig.CLIENT_ID_CONFIG, "dora-catalog-publisher",
                ProducerConfig.MAX_BLOCK_MS_CONFIG, 10_000,
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 30_000,
                ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000), List.of(
                new KafkaClientSettings.Required(ProducerConfig.ACKS_CONFIG, "all",
                        "a published catalog must survive a broker failure"),
                new KafkaClientSettings.Required(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                        "retries must not reorder catalog versions"),
                KafkaClientSettings.Required.absent(ProducerConfig.TRANSACTIONAL_ID_CONFIG,
                        "the catalog is published outside any transaction"),
                new KafkaClientSettings.Required(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                        "the catalog topic holds text"),
                new KafkaClientSettings.Required(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                        "the catalog topic holds text")));
    }

    private static Map<String, Object> consumerConfig(final KafkaClientSettings kafka) {
        return kafka.configFor("the catalog follower", Map.of(
                ConsumerConfig.CLIENT_ID_CONFIG, "dora-catalog-follower",
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"), List.of(
                new KafkaClientSettings.Required(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                        "only catalogs whose write completed are applied"),
                new KafkaClientSettings.Required(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                        "every instance reads the whole topic from the start"),
                new KafkaClientSettings.Required(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false,
                        "dora creates its topics with their retention itself"),
                KafkaClientSettings.Required.absent(ConsumerConfig.GROUP_ID_CONFIG,
                        "every instance reads every partition of the catalog topic, outside any group"),
                new KafkaClientSettings.Required(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG,
                        StringDeserializer.class, "the catalog topic holds text"),
                new KafkaClientSettings.Required(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
                        StringDeserializer.class, "the catalog topic holds text")));
    }
}
