package dev.dora.api;

import dev.dora.facts.ChargedDeployment;
import dev.dora.facts.IncidentFact;
import dev.dora.streams.query.LedgerReader;
import dev.dora.streams.query.UnattributedReason;
import io.javalin.http.Context;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code GET /api/v1/incidents} and {@code /api/v1/incidents/{id}}: each incident with its time to restore and the
 * deployments the ledger charged it to, each with its rule, or why it was charged to none.
 */
final class IncidentRoutes {

    private final PipelineAccess pipeline;
    private final Clock clock;

    IncidentRoutes(final PipelineAccess pipeline, final Clock clock) {
        this.pipeline = pipeline;
        this.clock = clock;
    }

    /** One page of incidents; {@code next} is the cursor of the following page, null on the last. */
    record Page(List<Incident> incidents, String next) {
    }

    /** One incident as the API shows it. */
    record Incident(String id, String service, String environment, boolean production, String openedAt,
                    String resolvedAt, Long restoreSeconds, String severity, String causeDeploymentId, String causeSha,
                    Attribution attribution) {
    }

    /**
     * The deployments the incident is charged to ({@code deployments}, in the documented order: by rule, then
     * service, then id), the first of them in the single fields, or, when there is none, the reason.
     */
    record Attribution(String deploymentId, String deploymentService, String rule, String reason,
                       List<Charge> deployments) {
    }

    /** A deployment the incident makes a failed change, and the rule that charges it. */
    record Charge(String deploymentId, String deploymentService, String rule) {
    }

    void list(final Context ctx) {
        final int limit = DeploymentRoutes.limit(QueryParams.one(ctx, "limit"));
        final int offset = offset(QueryParams.one(ctx, "cursor"));
        final RequestScope scope = RequestScope.parse(ctx, pipeline, clock);
        final LedgerReader ledger = pipeline.ledger();
        // without environment= the list shows the incidents of every environment
        final boolean everyEnvironment = !RequestScope.namesEnvironment(ctx);
        final List<IncidentFact> all = new ArrayList<>();
        for (final String name : scope.services()) {
            ledger.incidents(name, scope.window().from().toEpochMilli(), scope.window().to().toEpochMilli()).stream()
                    .filter(fact -> everyEnvironment
                            || scope.environment().equals(pipeline.config().environmentGroup(fact.getEnvironment())))
                    .forEach(all::add);
        }
        final UnattributedReason reasons = reasons(ledger);
        final List<Incident> incidents = new ArrayList<>();
        // in long: a cursor near Integer.MAX_VALUE plus the limit must not wrap around
        final long end = (long) offset + limit;
        for (final IncidentFact fact : all.subList(Math.min(offset, all.size()), (int) Math.min(end, all.size()))) {
            incidents.add(view(fact, reasons));
        }
        ctx.json(new Page(incidents, end < all.size() ? Long.toString(end) : null));
    }

    void one(final Context ctx) {
        final String id = QueryParams.id(ctx);
        final LedgerReader ledger = pipeline.ledger();
        final IncidentFact fact = pipeline.pipeline().incidentService(id).flatMap(s -> ledger.incident(s, id))
                .orElseThrow(() -> ApiException.notFound("id: no incident '" + id + "' is known"));
        ctx.json(view(fact, reasons(ledger)));
    }

    private UnattributedReason reasons(final LedgerReader ledger) {
        return new UnattributedReason(pipeline.config(), ledger, id -> pipeline.deployment(ledger, id));
    }

    private static Incident view(final IncidentFact fact, final UnattributedReason reasons) {
        return new Incident(fact.getIncidentId(), fact.getService(), fact.getEnvironment(), fact.getProduction(),
                fact.getOpenedAt().toString(), fact.getResolvedAt() == null ? null : fact.getResolvedAt().toString(),
                fact.getRestoreSeconds(), fact.getSeverity() == null ? null : fact.getSeverity().name(),
                fact.getCauseDeploymentId(), fact.getCauseSha(), attribution(fact, reasons));
    }

    private static Attribution attribution(final IncidentFact fact, final UnattributedReason reasons) {
        final List<Charge> charges = fact.getChargedDeployments().stream().map(IncidentRoutes::charge).toList();
        if (charges.isEmpty()) {
            return new Attribution(null, null, null, reasons.of(fact), charges);
        }
        final Charge first = charges.get(0);
        return new Attribution(first.deploymentId(), first.deploymentService(), first.rule(), null, charges);
    }

    private static Charge charge(final ChargedDeployment charged) {
        return new Charge(charged.getDeploymentId(), charged.getDeploymentService(), charged.getRule().name());
    }

    private static int offset(final String cursor) {
        if (cursor == null || cursor.isBlank()) {
            return 0;
        }
        try {
            final int offset = Integer.parseInt(cursor.trim());
            if (offset >= 0) {
                return offset;
            }
        } catch (final NumberFormatException e) {
            // one message below
        }
        throw ApiException.badRequest("cursor: not a cursor this API returned as next (got "
                + QueryParams.echo(cursor) + ")");
    }
}
