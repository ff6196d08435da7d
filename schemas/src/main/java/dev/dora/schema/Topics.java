package dev.dora.schema;

import dev.dora.events.BuildEvent;
import dev.dora.events.ChangeEvent;
import dev.dora.events.DeploymentEvent;
import dev.dora.events.IncidentEvent;
import dev.dora.facts.DeploymentFact;
import dev.dora.facts.IncidentFact;
import dev.dora.reports.WeeklyReport;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.Serdes;

/**
 * Every topic the pipeline reads or writes outside Kafka Streams' own internal topics. Names, keys and value
 * types are public contracts: extend them, never change them.
 */
public final class Topics {

    /** Raw events are the record of truth that every metric can be recomputed from: kept forever, never compacted
     *  (compaction keeps the last-arrived event of a key, which need not be the latest-occurred one). */
    private static final Map<String, String> KEEP_FOREVER = Map.of(
            TopicConfig.RETENTION_MS_CONFIG, "-1",
            TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_DELETE);

    private static final Map<String, String> COMPACTED = Map.of(
            TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT);

    /** Large enough for a whole rejected request body (the ingest limit is 10 MiB). */
    public static final int DEAD_LETTER_MAX_BYTES = 16 * 1024 * 1024;

    /** Commits, keyed by service: a change's identity is (service, sha). */
    public static final Topic<String, ChangeEvent> CHANGES = new Topic<>("dora.events.changes",
            Serdes.String(), AvroSerdes.of(ChangeEvent.class), KEEP_FOREVER);

    /** Deployments, keyed by deployment id. */
    public static final Topic<String, DeploymentEvent> DEPLOYMENTS = new Topic<>("dora.events.deployments",
            Serdes.String(), AvroSerdes.of(DeploymentEvent.class), KEEP_FOREVER);

    /** Incidents, keyed by incident id. */
    public static final Topic<String, IncidentEvent> INCIDENTS = new Topic<>("dora.events.incidents",
            Serdes.String(), AvroSerdes.of(IncidentEvent.class), KEEP_FOREVER);

    /** CI builds, keyed by build id: one attempt of a pipeline, a re-run being another build. */
    public static final Topic<String, BuildEvent> BUILDS = new Topic<>("dora.events.builds",
            Serdes.String(), AvroSerdes.of(BuildEvent.class), KEEP_FOREVER);

    /**
     * What could not be accepted or processed, with the reason in headers ({@code dora.error.*} from the
     * ingest edge, {@code __streams.errors.*} from Kafka Streams); the value is the payload as received.
     */
    public static final Topic<String, byte[]> DEAD_LETTER = new Topic<>("dora.dead-letter",
            Serdes.String(), Serdes.ByteArray(), Map.of(
                    TopicConfig.RETENTION_MS_CONFIG, "-1",
                    TopicConfig.MAX_MESSAGE_BYTES_CONFIG, Integer.toString(DEAD_LETTER_MAX_BYTES)));

    /** One record per production deployment, keyed by deployment id; tombstoned when it stops being one. */
    public static final Topic<String, DeploymentFact> DEPLOYMENT_FACTS = new Topic<>("dora.facts.deployments",
            Serdes.String(), AvroSerdes.of(DeploymentFact.class), COMPACTED);

    /** One record per incident, keyed by incident id; tombstoned when it moves to another service's ledger. */
    public static final Topic<String, IncidentFact> INCIDENT_FACTS = new Topic<>("dora.facts.incidents",
            Serdes.String(), AvroSerdes.of(IncidentFact.class), COMPACTED);

    /**
     * One record per closed ISO week and scope (every service, every team, the organisation), keyed
     * {@code service:<name>:<week>}, {@code team:<name>:<week>} or {@code organisation:<week>}, e.g.
     * {@code team:commerce:2026-W44}; a week whose numbers change is published again with the next revision.
     */
    public static final Topic<String, WeeklyReport> WEEKLY_REPORTS = new Topic<>("dora.reports.weekly",
            Serdes.String(), AvroSerdes.of(WeeklyReport.class), COMPACTED);

    /**
     * The service catalog (YAML text as loaded from {@code --catalog}), under the single key
     * {@link #CATALOG_KEY}: every instance reads the latest one, so they all map events the same way.
     */
    public static final Topic<String, String> CATALOG = new Topic<>("dora.catalog",
            Serdes.String(), Serdes.String(), COMPACTED);
    public static final String CATALOG_KEY = "catalog";

    /** How long a webhook's delivery id is remembered for recognising a redelivery (providers retry for days). */
    public static final long WEBHOOK_DELIVERY_RETENTION_MS = 7L * 24 * 60 * 60 * 1000;

    /**
     * The webhook deliveries acknowledged, keyed by source and delivery id ({@code github\n<X-GitHub-Delivery>}),
     * the value the time of acknowledgement: every instance follows it, so a redelivery is recognised by whichever
     * instance receives it, also after a restart. Compacted, and forgotten after
     * {@link #WEBHOOK_DELIVERY_RETENTION_MS}.
     */
    public static final Topic<String, String> WEBHOOK_DELIVERIES = new Topic<>("dora.webhook-deliveries",
            Serdes.String(), Serdes.String(), Map.of(
                    TopicConfig.CLEANUP_POLICY_CONFIG,
                    TopicConfig.CLEANUP_POLICY_COMPACT + "," + TopicConfig.CLEANUP_POLICY_DELETE,
                    TopicConfig.RETENTION_MS_CONFIG, Long.toString(WEBHOOK_DELIVERY_RETENTION_MS)));

    /** The event topics; the metrics topology requires all of them to have the same partition count. */
    public static final List<Topic<String, ?>> EVENT_TOPICS = List.of(CHANGES, DEPLOYMENTS, INCIDENTS, BUILDS);

    public static final List<Topic<String, ?>> ALL = List.of(
            CHANGES, DEPLOYMENTS, INCIDENTS, BUILDS, DEAD_LETTER, DEPLOYMENT_FACTS, INCIDENT_FACTS, WEEKLY_REPORTS,
            CATALOG, WEBHOOK_DELIVERIES);

    /** Header names on dead-letter records written by the ingest edge. */
    public static final String DLQ_REASON_HEADER = "dora.error.reason";
    public static final String DLQ_ORIGIN_HEADER = "dora.error.origin";
    public static final String DLQ_INDEX_HEADER = "dora.error.index";
    public static final String DLQ_RECEIVED_AT_HEADER = "dora.received-at";
    /**
     * Marks an event as history sent in bulk ({@code dora import}), on the event topics and on what the pipeline
     * derives from it. A pipeline whose {@code commit.interval.ms} is longer than its default commits such records at
     * that interval only, and any other record (a webhook, a {@code POST}) at once, so that live events are still seen
     * within milliseconds while a backfill pays for a commit only every few thousand records. Its value is not read;
     * an event without it is live.
     */
    public static final String BULK_HEADER = "dora.bulk";

    /** Marks {@code headers} as those of history sent in bulk ({@link #BULK_HEADER}). */
    public static Headers markBulk(final Headers headers) {
        return headers.add(BULK_HEADER, new byte[] {1});
    }

    /** Whether {@code headers} are those of history sent in bulk ({@link #BULK_HEADER}). */
    public static boolean isBulk(final Headers headers) {
        return headers.lastHeader(BULK_HEADER) != null;
    }

    private Topics() {
    }
}
