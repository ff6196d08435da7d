package dev.dora.streams.reports;

import dev.dora.reports.WeeklyReport;
import dev.dora.schema.AvroSerdes;
import dev.dora.schema.KafkaClientSettings;
import dev.dora.schema.Topic;
import dev.dora.schema.TopicAdmin;
import dev.dora.schema.Topics;
import dev.dora.streams.MetricsPipeline;
import dev.dora.streams.config.MetricsConfig;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes the weekly reports to {@code dora.reports.weekly}: whenever the pipeline has moved on, it computes every
 * closed week of every scope ({@link ReportPass}) and publishes, in one transaction, the ones whose numbers changed,
 * each with its next revision; the passes are spaced by their own duration ({@link PassSpacing}). Exactly once: the
 * producer is transactional under one transactional id, so a second publisher fences the first, and the revisions
 * already published are read back from the topic (committed records only) before the first pass, so none is
 * published twice, across crashes and restarts.
 *
 * <p>One instance publishes at a time: the one holding the single partition of the lease topic
 * ({@code <application id>-reports-lease}) in the consumer group {@code <application id>-reports}; when it goes,
 * another takes the partition and carries on from the topic.
 */
public final class ReportPublisher implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ReportPublisher.class);
    private static final Duration POLL = Duration.ofMillis(500);

    private final MetricsPipeline pipeline;
    private final ReportSettings settings;
    private final Clock clock;
    private final KafkaConsumer<byte[], byte[]> lease;
    private final AtomicBoolean leader = new AtomicBoolean();
    private final AtomicBoolean running = new AtomicBoolean(true);
    /** Counted down by {@link #close()}: the wait between checks ends at once, not after a whole interval. */
    private final CountDownLatch stopping = new CountDownLatch(1);
    private final Thread thread;
    private KafkaProducer<String, WeeklyReport> producer;
    private ReportState state;
    private Instant lastPass = Instant.EPOCH;
    /** {@link MetricsPipeline#stateWritten()} at the last pass. */
    private long lastStateWritten = -1;
    private MetricsPipeline.Progress lastProgress;
    private final PassSpacing spacing = new PassSpacing();
    private volatile int published;
    private volatile int passes;

    private ReportPublisher(final MetricsPipeline pipeline, final ReportSettings settings, final Clock clock) {
        this.pipeline = pipeline;
        this.settings = settings;
        this.clock = clock;
        final MetricsConfig config = pipeline.config();
        this.lease = new KafkaConsumer<>(config.kafka().configFor("the weekly reports' lease", Map.of(
                ConsumerConfig.GROUP_ID_CONFIG, config.streamsApplicationId() + "-reports",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false)),
                new ByteArrayDeserializer(), new ByteArrayDeserializer());
        this.thread = new Thread(this::run, "dora-weekly-reports");
        this.thread.setDaemon(true);
    }

    /** Creates the topics it needs and starts publishing in the background. */
    public static ReportPublisher start(final MetricsPipeline pipeline, final ReportSettings settings,
                                        final Clock clock) throws InterruptedException {
        final MetricsConfig config = pipeline.config();
        try (Admin admin = Admin.create(config.kafka().configFor("the weekly reports' admin client", Map.of()))) {
            TopicAdmin.ensureTopic(admin, Topics.WEEKLY_REPORTS, config.partitions(), config.replicationFactor());
            TopicAdmin.ensureTopic(admin, new Topic<>(leaseTopic(config), null, null, Map.of()), 1,
                    config.replicationFactor());
        }
        final ReportPublisher publisher = new ReportPublisher(pipeline, settings, clock);
        publisher.lease.subscribe(List.of(leaseTopic(config)), new ConsumerRebalanceListener() {
            @Override
            public void onPartitionsRevoked(final java.util.Collection<TopicPartition> partitions) {
                publisher.leader.set(false);
            }

            @Override
            public void onPartitionsAssigned(final java.util.Collection<TopicPartition> partitions) {
                publisher.leader.set(!partitions.isEmpty());
            }
        });
        publisher.thread.start();
        return publisher;
    }

    static String leaseTopic(final MetricsConfig config) {
        return config.streamsApplicationId() + "-reports-lease";
    }

    /** How many report records (tombstones included) this publisher has published since it started. */
    public int published() {
        return published;
    }

    /** How many times it computed every report since it started, whether or not any had changed. */
    public int passes() {
        return passes;
    }

    private void run() {
        try {
            loop();
        } finally {
            releaseProducer();
            lease.close(CloseOptions.timeout(Duration.ofSeconds(5)));
        }
    }

    private void loop() {
        while (running.get()) {
            try {
                lease.poll(POLL);
                if (leader.get()) {
                    maybePublish();
                } else {
                    releaseProducer();
                }
                if (stopping.await(settings.checkInterval().toMillis(), TimeUnit.MILLISECONDS)) {
                    return;
                }
            } catch (final InterruptedException | WakeupException e) {
                return;
            } catch (final ProducerFencedException e) {
                LOG.warn("another instance publishes the weekly reports now");
                releaseProducer();
            } catch (final RuntimeException e) {
                if (running.get()) {
                    // the pipeline may be restoring or rebalancing: the next check tries again
                    LOG.warn("weekly reports not published this time: {}", e.toString());
                    LOG.debug("weekly reports failure", e);
                    releaseProducer();
                }
            }
        }
    }

    /** Publishes when the pipeline moved on: at once when it is idle, at most every busy interval while it works. */
    private void maybePublish() throws InterruptedException {
        if (!pipeline.isRunning()) {
            return;
        }
        // before asking Kafka anything: while a long pass's spacing runs, a check costs nothing
        if (!spacing.due(System.nanoTime())) {
            return;
        }
        final MetricsPipeline.Progress progress = pipeline.progress();
        // held deployments applied by the ledger's punctuation move no offset, on whichever instance holds them
        final long stateWritten = pipeline.stateWritten();
        if (progress.equals(lastProgress) && stateWritten == lastStateWritten) {
            return;
        }
        final Instant now = clock.instant();
        if (progress.pending() > 0 && Duration.between(lastPass, now).compareTo(settings.busyInterval()) < 0) {
            return;
        }
        if (producer == null) {
            takeOver();
        }
        final long started = System.nanoTime();
        final List<WeeklyReport> reports = new ReportPass(pipeline.query(), pipeline.ledger(), settings, now).reports();
        publish(reports, now);
        spacing.passed(started, System.nanoTime());
        LOG.debug("a pass over {} weekly reports took {} ms", reports.size(), spacing.lastTook() / 1_000_000);
        lastPass = now;
        lastProgress = progress;
        lastStateWritten = stateWritten;
        passes++;
    }

    /** Becomes the publisher: fences any earlier one, then reads back what was published. */
    private void takeOver() {
        final MetricsConfig config = pipeline.config();
        producer = new KafkaProducer<>(config.kafka().configFor("the weekly reports' producer", Map.of(),
                List.of(new KafkaClientSettings.Required(ProducerConfig.TRANSACTIONAL_ID_CONFIG,
                                config.streamsApplicationId() + "-weekly-reports", "no report revision is published twice"),
                        new KafkaClientSettings.Required(ProducerConfig.ACKS_CONFIG, "all", "every report is kept"),
                        new KafkaClientSettings.Required(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true",
                                "transactions need it"))),
                new StringSerializer(), AvroSerdes.of(WeeklyReport.class).serializer());
        producer.initTransactions();
        state = readBack();
        lastProgress = null;
        LOG.info("publishing the weekly reports; {} published before", state.size());
    }

    private ReportState readBack() {
        final ReportState read = new ReportState();
        ReportTopic.read(pipeline.config().kafka(), (key, report) -> {
            if (report != null) {
                read.remember(key, report);
            } else {
                read.withdrawn(key);
            }
        });
        return read;
    }

    /**
     * Publishes the reports whose numbers changed, and withdraws (a tombstone) the ones published before that this
     * pass no longer computes: a scope's first week with data can move later, e.g. when the deployment of a change
     * counted as never deployed arrives, and a compacted topic must then not keep the stale report.
     */
    private void publish(final List<WeeklyReport> reports, final Instant now) {
        final Map<String, WeeklyReport> changed = new LinkedHashMap<>();
        final Set<String> withdrawn = state.live();
        for (final WeeklyReport computed : reports) {
            final String key = WeeklyReports.key(computed.getScope().getKind(), computed.getScope().getName(),
                    computed.getWeek());
            withdrawn.remove(key);
            final WeeklyReport next = state.next(key, computed, now);
            if (next != null) {
                changed.put(key, next);
            }
        }
        if (changed.isEmpty() && withdrawn.isEmpty()) {
            return;
        }
        producer.beginTransaction();
        try {
            changed.forEach((key, report) ->
                    producer.send(new ProducerRecord<>(Topics.WEEKLY_REPORTS.name(), key, report)));
            withdrawn.forEach(key -> producer.send(new ProducerRecord<>(Topics.WEEKLY_REPORTS.name(), key, null)));
            producer.commitTransaction();
        } catch (final ProducerFencedException e) {
            throw e;
        } catch (final RuntimeException e) {
            producer.abortTransaction();
            throw e;
        }
        // only what is committed counts as published: an aborted pass is computed again next time
        changed.forEach(state::remember);
        withdrawn.forEach(state::withdrawn);
        published += changed.size() + withdrawn.size();
        LOG.info("published {} weekly report{}{} of {} computed", changed.size(), changed.size() == 1 ? "" : "s",
                withdrawn.isEmpty() ? "" : ", withdrew " + withdrawn.size(), reports.size());
    }

    private void releaseProducer() {
        if (producer != null) {
            producer.close(Duration.ofSeconds(5));
            producer = null;
            state = null;
        }
    }

    @Override
    public void close() throws InterruptedException {
        running.set(false);
        stopping.countDown();
        // not interrupted at first: an interrupted consumer cannot leave its group, and the next publisher would
        // wait for its session to time out before it got the lease
        lease.wakeup();
        thread.join(Duration.ofSeconds(30).toMillis());
        if (thread.isAlive()) {
            thread.interrupt();
            thread.join(Duration.ofSeconds(10).toMillis());
        }
    }
}
