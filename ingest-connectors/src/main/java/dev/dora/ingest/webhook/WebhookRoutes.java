package dev.dora.ingest.webhook;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dora.ingest.BoundedBody;
import dev.dora.ingest.CanonicalEvents;
import dev.dora.ingest.DefaultBranches;
import dev.dora.ingest.EventPublisher;
import dev.dora.ingest.IngestRoutes;
import dev.dora.ingest.InvalidEventException;
import dev.dora.ingest.JsonFields;
import dev.dora.ingest.PublishException;
import dev.dora.ingest.Rejection;
import dev.dora.ingest.catalog.ServiceCatalog;
import dev.dora.ingest.http.ApiErrors;
import dev.dora.ingest.http.ApiException;
import dev.dora.ingest.http.JsonReply;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.apache.avro.specific.SpecificRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /webhooks/{source}}: providers' webhooks (GitHub, GitLab, PagerDuty, CDEvents…) turned into
 * canonical events.
 *
 * <p>In order: an unknown source is {@code 404}; a source without a secret is refused with {@code 401} unless
 * unsigned webhooks are explicitly allowed ({@code --insecure-webhooks}); a body over 10 MiB is {@code 413}; a
 * request the source does not verify is {@code 401} and produces nothing; a redelivery of an already acknowledged
 * delivery id is {@code 202 {"duplicate": true, "deliveryId": …}} and produces nothing; a payload the source
 * cannot map is {@code 400 {"error": "<field>: <problem>"}} and is kept in the dead-letter topic (origin
 * {@code webhook:<source>}); an irrelevant event is {@code 202 {"ignored": "<why>"}}; otherwise the events are
 * validated again, produced, and answered {@code 202 {"accepted": N, "unmappedServices": […]}} once Kafka
 * acknowledged them, or {@code 503} with {@code Retry-After} when it did not.
 *
 * <p>Mappings derive every field from the payload, never from the time of receipt, so the same occurrence delivered
 * twice under different delivery ids (a repository hook and an organisation hook) yields identical events, which
 * the pipeline ignores. Dead-lettered payloads that parse as JSON are scrubbed of author and e-mail fields first.
 */
public final class WebhookRoutes {

    public static final String PATH = "/webhooks/{source}";
    /** Acknowledged delivery ids remembered for recognising redeliveries, over all sources. */
    public static final int DEFAULT_REMEMBERED_DELIVERIES = 100_000;

    static final long MAX_BODY_BYTES = IngestRoutes.DEFAULT_MAX_BODY_BYTES;

    private static final Logger LOG = LoggerFactory.getLogger(WebhookRoutes.class);

    private WebhookRoutes() {
    }

    /**
     * Adds {@code POST /webhooks/{source}}; its counters are not readable (see the overload with a
     * {@link WebhookStats}).
     */
    public static void register(final JavalinConfig config, final EventPublisher publisher,
                                final List<WebhookSource> sources, final WebhookSecrets secrets,
                                final Supplier<ServiceCatalog> catalog, final boolean insecure) {
        register(config, publisher, sources, secrets, catalog, insecure, new WebhookStats());
    }

    /**
     * Adds {@code POST /webhooks/{source}} for the given sources, recognising redeliveries in this process only.
     *
     * @param catalog  read for every request, so a reloaded catalog applies at once
     * @param insecure accept unsigned webhooks from sources without a secret (local demos only)
     * @param stats    receives the per-source counters
     */
    public static void register(final JavalinConfig config, final EventPublisher publisher,
                                final List<WebhookSource> sources, final WebhookSecrets secrets,
                                final Supplier<ServiceCatalog> catalog, final boolean insecure,
                                final WebhookStats stats) {
        register(config, publisher, sources, secrets, catalog, insecure, stats,
                new DeliveryLog(DEFAULT_REMEMBERED_DELIVERIES));
    }

    /**
     * Adds {@code POST /webhooks/{source}} for the given sources, recognising redeliveries by {@code deliveries}
     * (e.g. {@link KafkaDeliveries}, shared by every instance).
     */
    public static void register(final JavalinConfig config, final EventPublisher publisher,
                                final List<WebhookSource> sources, final WebhookSecrets secrets,
                                final Supplier<ServiceCatalog> catalog, final boolean insecure,
                                final WebhookStats stats, final Deliveries deliveries) {
        final Map<String, WebhookSource> byName = new LinkedHashMap<>();
        for (final WebhookSource source : sources) {
            if (byName.put(source.name(), source) != null) {
                throw new IllegalArgumentException("two webhook sources are named " + source.name());
            }
        }
        // this route reads the body itself with its own limit; never let Javalin's limit be the smaller one
        config.http.maxRequestSize = Math.max(config.http.maxRequestSize, MAX_BODY_BYTES);
        ApiErrors.register(config);
        final Handler handler = new Handler(publisher, Map.copyOf(byName), secrets, catalog, insecure, stats,
                deliveries);
        config.routes.post(PATH, ApiErrors.guarded(handler::handle));
    }

    /** Delivery ids already acknowledged in this process, least recently seen first out. */
    static final class DeliveryLog implements Deliveries {

        private final Map<String, Boolean> seen;

        DeliveryLog(final int capacity) {
            this.seen = new LinkedHashMap<>(1024, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(final Map.Entry<String, Boolean> eldest) {
                    return size() > capacity;
                }
            };
        }

        synchronized boolean contains(final String source, final String deliveryId) {
            return seen.get(key(source, deliveryId)) != null;
        }

        synchronized void add(final String source, final String deliveryId) {
            seen.put(key(source, deliveryId), Boolean.TRUE);
        }

        @Override
        public boolean seen(final String source, final String deliveryId) {
            return contains(source, deliveryId);
        }

        @Override
        public void acknowledged(final String source, final String deliveryId) {
            add(source, deliveryId);
        }

        synchronized int size() {
            return seen.size();
        }

        private static String key(final String source, final String deliveryId) {
            return source + '\n' + deliveryId;
        }
    }

    private static final class Handler {

        private final EventPublisher publisher;
        private final Map<String, WebhookSource> sources;
        private final WebhookSecrets secrets;
        private final Supplier<ServiceCatalog> catalog;
        private final boolean insecure;
        private final WebhookStats stats;
        private final Deliveries deliveries;
        private final Set<String> warnedUnsigned = ConcurrentHashMap.newKeySet();

        Handler(final EventPublisher publisher, final Map<String, WebhookSource> sources,
                final WebhookSecrets secrets, final Supplier<ServiceCatalog> catalog, final boolean insecure,
                final WebhookStats stats, final Deliveries deliveries) {
            this.publisher = publisher;
            this.sources = sources;
            this.secrets = secrets;
            this.catalog = catalog;
            this.insecure = insecure;
            this.stats = stats;
            this.deliveries = deliveries;
        }

        void handle(final Context ctx) {
            final String name = ctx.pathParam("source");
            final WebhookSource source = sources.get(name);
            if (source == null) {
                throw new ApiException(HttpStatus.NOT_FOUND, "no webhook source " + JsonFields.echo(name)
                        + "; known: " + String.join(", ", sources.keySet().stream().sorted().toList()));
            }
            final Optional<byte[]> secret = secrets.secret(name);
            if (secret.isEmpty() && !insecure) {
                stats.unauthorized(name);
                throw new ApiException(HttpStatus.UNAUTHORIZED, "webhooks from " + name + " are refused: no secret"
                        + " is configured (set " + source.secretVariable() + "); --insecure-webhooks accepts unsigned"
                        + " webhooks for local demos");
            }
            final byte[] body = BoundedBody.readOrRefuse(ctx.req(), MAX_BODY_BYTES);
            final WebhookRequest request = new WebhookRequest(ctx.headerMap(), body);
            if (secret.isPresent()) {
                final Optional<String> problem = source.verify(request, secret.get());
                if (problem.isPresent()) {
                    stats.unauthorized(name);
                    LOG.info("Refused a webhook from {}: {}", name, problem.get());
                    throw new ApiException(HttpStatus.UNAUTHORIZED, problem.get());
                }
            } else if (warnedUnsigned.add(name)) {
                LOG.warn("Accepting unsigned webhooks from {} because of --insecure-webhooks and no {}: anyone who "
                        + "can reach this port can send events", name, source.secretVariable());
            }
            final String deliveryId = source.deliveryId(request);
            if (deliveryId != null && deliveries.seen(name, deliveryId)) {
                stats.duplicate(name);
                JsonReply.send(ctx, 202, JsonReply.object().put("duplicate", true).put("deliveryId", deliveryId));
                return;
            }
            final Mapping mapping;
            final List<SpecificRecord> events;
            final ServiceCatalog services = catalog.get();
            try {
                mapping = source.map(request, services);
                events = DefaultBranches.stamp(revalidate(mapping.events()), services);
            } catch (final InvalidEventException e) {
                throw refuse(name, body, e.getMessage());
            }
            if (mapping.ignored() != null) {
                stats.ignored(name);
                JsonReply.send(ctx, 202, JsonReply.object().put("ignored", mapping.ignored()));
                return;
            }
            publish(events, List.of(), name);
            if (deliveryId != null) {
                deliveries.acknowledged(name, deliveryId);
            }
            final List<String> unmapped = List.copyOf(new LinkedHashSet<>(mapping.unmappedServices()));
            stats.accepted(name, events.size());
            stats.unmapped(name, unmapped.size());
            final ObjectNode response = JsonReply.object().put("accepted", events.size());
            unmapped.forEach(response.putArray("unmappedServices")::add);
            JsonReply.send(ctx, 202, response);
        }

        /**
         * The events as the ingest API would accept them, or the first rule one of them breaks; 413 for more events
         * than one request to the ingest API may carry.
         */
        private static List<SpecificRecord> revalidate(final List<SpecificRecord> events) {
            if (events.size() > IngestRoutes.MAX_EVENTS) {
                throw new ApiException(HttpStatus.CONTENT_TOO_LARGE, "body: maps to " + events.size()
                        + " events; one delivery may carry at most " + IngestRoutes.MAX_EVENTS);
            }
            final List<SpecificRecord> valid = new ArrayList<>(events.size());
            for (final SpecificRecord event : events) {
                valid.add(CanonicalEvents.parse(CanonicalEvents.toJson(event)));
            }
            return valid;
        }

        /** Keeps a payload that cannot be mapped in the dead-letter topic; the 400 to throw once Kafka has it. */
        private ApiException refuse(final String source, final byte[] body, final String reason) {
            stats.rejected(source);
            LOG.info("Refused a webhook from {}: {}", source, reason);
            publish(List.of(), List.of(Rejection.ofBody(reason, body)), source);
            return new ApiException(HttpStatus.BAD_REQUEST, reason);
        }

        /** Returns once Kafka acknowledged everything; else the answer is a 503. */
        private void publish(final List<SpecificRecord> events, final List<Rejection> rejected, final String source) {
            try {
                publisher.publish(events, rejected, "webhook:" + source);
            } catch (final PublishException e) {
                throw ApiException.Unavailable.kafka(e.getMessage(), "redeliver the webhook");
            }
        }
    }
}
