package dev.dora.launcher.observability;

import dev.dora.ingest.webhook.WebhookStats;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Collection;
import java.util.Map;
import java.util.function.ToLongFunction;

/**
 * The webhook endpoints' own counters ({@link WebhookStats}) as Prometheus counters, per source: deliveries by
 * outcome, the canonical events they produced and the services the fallback rule named. Read at each scrape; the
 * counters are in memory and start at zero with the process.
 */
final class WebhookMeters {

    private static final Map<String, ToLongFunction<WebhookStats.Counts>> OUTCOMES = Map.of(
            "ignored", WebhookStats.Counts::ignored,
            "duplicate", WebhookStats.Counts::duplicates,
            "rejected", WebhookStats.Counts::rejected,
            "unauthorized", WebhookStats.Counts::unauthorized);

    private WebhookMeters() {
    }

    static void bind(final MeterRegistry registry, final WebhookStats stats, final Collection<String> sources) {
        for (final String source : sources) {
            OUTCOMES.forEach((outcome, count) -> FunctionCounter.builder("dora.webhook.deliveries", stats,
                            s -> count.applyAsLong(s.counts(source)))
                    .description("Webhook deliveries that produced no event, by outcome: ignored (irrelevant), "
                            + "duplicate (redelivered), rejected (400, kept in the dead-letter topic), unauthorized (401)")
                    .tag("source", source).tag("outcome", outcome).register(registry));
            FunctionCounter.builder("dora.webhook.events", stats, s -> s.counts(source).accepted())
                    .description("Canonical events webhooks produced and Kafka acknowledged")
                    .tag("source", source).register(registry);
            FunctionCounter.builder("dora.webhook.unmapped.services", stats, s -> s.counts(source).unmapped())
                    .description("Services named by the fallback rule because the catalog maps nothing, once per "
                            + "delivery and service")
                    .tag("source", source).register(registry);
        }
    }
}
