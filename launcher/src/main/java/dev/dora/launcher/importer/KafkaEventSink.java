package dev.dora.launcher.importer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dora.events.BuildEvent;
import dev.dora.ingest.CanonicalEvents;
import dev.dora.ingest.DefaultBranches;
import dev.dora.ingest.EventPublisher;
import dev.dora.ingest.PublishException;
import dev.dora.ingest.Rejection;
import dev.dora.ingest.catalog.CatalogSync;
import dev.dora.ingest.catalog.ServiceCatalog;
import dev.dora.schema.KafkaClientSettings;
import dev.dora.schema.KafkaConnectionCheck;
import dev.dora.schema.Topic;
import dev.dora.schema.Topics;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.slf4j.LoggerFactory;

/**
 * Produces batches straight to the pipeline's topics with {@link EventPublisher} (idempotent, {@code acks=all}):
 * valid events to their topics, invalid items to the dead-letter topic with the reason in its headers, exactly as the
 * HTTP API would. The topics must exist already, i.e. {@code dora serve --bootstrap-servers} has run against the
 * cluster once; a batch that Kafka did not acknowledge is resent with {@link Backoff}.
 *
 * <p>Builds are stamped with their service's default branch from the service catalog the cluster's dora instances
 * share ({@code dora.catalog}, followed from the first batch that holds a build), as the HTTP edge stamps them.
 */
final class KafkaEventSink implements EventSink {

    /** Leaves room for headers within the dead-letter topic's message size limit, as the HTTP edge does. */
    static final int DEAD_LETTER_PAYLOAD_BYTES = Topics.DEAD_LETTER_MAX_BYTES - 64 * 1024;

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration ADMIN_TIMEOUT = Duration.ofSeconds(15);

    private final KafkaClientSettings kafka;
    private final String bootstrapServers;
    private final Set<String> topics;
    private final Backoff backoff;
    private final EventPublisher publisher;
    /** The shared catalog, followed once a build is sent; null until then. */
    private CatalogSync catalog;
    /** Items acknowledged so far: a dead-letter record's index is its position in the whole import. */
    private long sent;

    private KafkaEventSink(final KafkaClientSettings kafka, final Set<String> topics, final Backoff backoff,
                           final EventPublisher publisher) {
        this.kafka = kafka;
        this.bootstrapServers = kafka.bootstrapServers();
        this.topics = topics;
        this.backoff = backoff;
        this.publisher = publisher;
    }

    /**
     * Checks that the cluster is reachable and holds dora's topics, then creates the producer.
     *
     * @throws ImportException when it is not reachable or the topics are missing
     */
    static KafkaEventSink open(final String bootstrapServers, final Backoff backoff) throws InterruptedException {
        return open(KafkaClientSettings.of(bootstrapServers), backoff);
    }

    /**
     * Checks that the cluster is reachable with these settings (TLS, SASL, ...) and holds dora's topics, then
     * creates the producer.
     *
     * @throws ImportException when it is not reachable, refuses the credentials, or the topics are missing
     */
    static KafkaEventSink open(final KafkaClientSettings kafka, final Backoff backoff) throws InterruptedException {
        try {
            KafkaConnectionCheck.verify(kafka, ADMIN_TIMEOUT);
        } catch (final KafkaConnectionCheck.KafkaConnectionException e) {
            throw new ImportException(e.getMessage(), e);
        }
        final Set<String> topics = requireTopics(kafka);
        return new KafkaEventSink(kafka, topics, backoff, new EventPublisher(kafka,
                Map.of("client.id", "dora-import")));
    }

    /** The cluster's topics, which must include those of changes, deployments, incidents and rejections. */
    private static Set<String> requireTopics(final KafkaClientSettings kafka) throws InterruptedException {
        final String bootstrapServers = kafka.bootstrapServers();
        final Map<String, Object> config = kafka.configFor("the importer's admin client", Map.of(
                AdminClientConfig.CLIENT_ID_CONFIG, "dora-import-admin",
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) ADMIN_TIMEOUT.toMillis(),
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) ADMIN_TIMEOUT.toMillis()));
        final Set<String> existing;
        try (Admin admin = Admin.create(config)) {
            existing = admin.listTopics().names().get(ADMIN_TIMEOUT.toMillis() + 1_000, TimeUnit.MILLISECONDS);
        } catch (final ExecutionException | TimeoutException e) {
            throw new ImportException("cannot reach Kafka at " + bootstrapServers + " within "
                    + ADMIN_TIMEOUT.toSeconds() + " s (" + DescribeFailure.of(e) + ")", e);
        }
        final List<String> missing = new ArrayList<>();
        for (final Topic<String, ?> topic : List.of(Topics.CHANGES, Topics.DEPLOYMENTS, Topics.INCIDENTS,
                Topics.DEAD_LETTER)) {
            if (!existing.contains(topic.name())) {
                missing.add(topic.name());
            }
        }
        if (!missing.isEmpty()) {
            throw new ImportException("Kafka at " + bootstrapServers + " has no topic " + String.join(", ", missing)
                    + "; start 'dora serve --bootstrap-servers " + bootstrapServers + "' once first (it creates them)");
        }
        return existing;
    }

    @Override
    public List<Refusal> send(final List<ImportItem> batch) throws InterruptedException {
        final List<SpecificRecord> accepted = new ArrayList<>(batch.size());
        final List<Rejection> rejected = new ArrayList<>();
        final List<Refusal> refused = new ArrayList<>();
        for (int i = 0; i < batch.size(); i++) {
            final ImportItem item = batch.get(i);
            if (item.isValid()) {
                accepted.add(item.event());
            } else {
                rejected.add(new Rejection((int) Math.min(Integer.MAX_VALUE, sent + i), item.error(),
                        deadLetterPayload(item.wire())));
                refused.add(new Refusal(i, item.error()));
            }
        }
        final List<SpecificRecord> events = accepted.stream().anyMatch(BuildEvent.class::isInstance)
                ? DefaultBranches.stamp(accepted, catalogForBuilds()) : accepted;
        for (int attempt = 1; ; attempt++) {
            try {
                publisher.publishHistory(events, rejected, "import");
                sent += batch.size();
                return refused;
            } catch (final PublishException e) {
                if (attempt >= backoff.attempts()) {
                    throw new ImportException("Kafka at " + bootstrapServers + " did not acknowledge a batch after "
                            + attempt + " attempts (" + e.getMessage() + "); running the import again is safe", e);
                }
                final Duration delay = backoff.delay(attempt, Duration.ZERO);
                LoggerFactory.getLogger(KafkaEventSink.class).warn("Kafka did not acknowledge a batch ({}); "
                        + "retrying in {} ms", e.getMessage(), delay.toMillis());
                Thread.sleep(delay.toMillis());
            }
        }
    }

    /** The item as read, scrubbed of author and e-mail fields when it is JSON, cut to the topic's size limit. */
    static byte[] deadLetterPayload(final String wire) {
        byte[] payload;
        try {
            final JsonNode node = JSON.readTree(wire);
            payload = node == null || node.isMissingNode()
                    ? wire.getBytes(StandardCharsets.UTF_8)
                    : JSON.writeValueAsBytes(CanonicalEvents.scrub(node));
        } catch (final IOException e) {
            payload = wire.getBytes(StandardCharsets.UTF_8);
        }
        return payload.length <= DEAD_LETTER_PAYLOAD_BYTES ? payload : Arrays.copyOf(payload, DEAD_LETTER_PAYLOAD_BYTES);
    }

    /**
     * The catalog to stamp builds with: the one the cluster's dora instances share, read to its end the first time;
     * none when the cluster has no catalog topic.
     *
     * @throws ImportException when the cluster has no builds topic yet (a dora from before builds created it)
     */
    private ServiceCatalog catalogForBuilds() {
        if (!topics.contains(Topics.BUILDS.name())) {
            throw new ImportException("Kafka at " + bootstrapServers + " has no topic " + Topics.BUILDS.name()
                    + " for the builds of the file; start 'dora serve --bootstrap-servers " + bootstrapServers
                    + "' of this version once first (it creates it)");
        }
        if (!topics.contains(Topics.CATALOG.name())) {
            return ServiceCatalog.empty();
        }
        if (catalog == null) {
            try {
                catalog = CatalogSync.start(kafka, Optional.empty());
            } catch (final IllegalStateException e) {
                throw new ImportException("cannot read the service catalog from " + Topics.CATALOG.name() + " at "
                        + bootstrapServers + " (" + e.getMessage() + "); running the import again is safe", e);
            }
        }
        return catalog.current().get();
    }

    @Override
    public String describe() {
        return "Kafka at " + bootstrapServers;
    }

    @Override
    public void close() {
        if (catalog != null) {
            catalog.close();
        }
        publisher.close();
    }}
