package dev.dora.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.dora.facts.DeploymentFact;
import dev.dora.facts.FailureRule;
import dev.dora.state.DeployRef;
import dev.dora.streams.query.LedgerReader;
import io.javalin.http.Context;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

/**
 * The evidence behind the numbers: {@code GET /api/v1/deployments} lists the successful deployments of one
 * environment group (production unless {@code environment} names another) with the commits each delivered and, for
 * a failed change, the rule that made it one; {@code GET /api/v1/deployments/{id}} shows one. Both read the facts
 * the ledgers derived.
 */
final class DeploymentRoutes {

    static final int DEFAULT_LIMIT = 100;
    static final int MAX_LIMIT = 1_000;

    private final PipelineAccess pipeline;
    private final Clock clock;

    DeploymentRoutes(final PipelineAccess pipeline, final Clock clock) {
        this.pipeline = pipeline;
        this.clock = clock;
    }

    /** One page of deployments; {@code next} is the cursor of the following page, null on the last. */
    record Page(List<Deployment> deployments, String next) {
    }

    /**
     * One deployment as the API shows it: its fact, the commits it delivered with their lead times, and for a
     * failed change the rule and the evidence.
     */
    record Deployment(String id, String service, String environment, String finishedAt, String sha, boolean baseline,
                      int deployedChanges, List<LedgerReader.DeliveredChange> changes, boolean failed,
                      Failure failure, Evidence evidence, Long recoverySeconds, boolean rework, boolean shaUnknown,
                      String rollbackOf, String strategy) {
    }

    /** Why a deployment is a failed change: the first rule that holds and the incident or rollback behind it. */
    record Failure(String rule, @JsonInclude(JsonInclude.Include.NON_NULL) String rollbackDeploymentId,
                   @JsonInclude(JsonInclude.Include.NON_NULL) String incidentId) {
    }

    /** Everything that makes the deployment a failed change, by rule. */
    record Evidence(List<String> causeDeploymentIdIncidents, List<String> causeShaIncidents,
                    List<String> timeWindowIncidents, List<String> rolledBackBy) {
    }

    Object list(final Context ctx) {
        final boolean rows = DeploymentRows.requested(QueryParams.one(ctx, "format"));
        final int limit = limit(QueryParams.one(ctx, "limit"));
        final Cursor after = Cursor.parse(QueryParams.one(ctx, "cursor"));
        final RequestScope scope = RequestScope.parse(ctx, pipeline, clock);
        final LedgerReader ledger = pipeline.ledger();
        // one more than a page tells whether another page follows
        final List<Cursor> found = new ArrayList<>();
        for (final String name : scope.services()) {
            if (after != null && name.compareTo(after.service) < 0) {
                continue;
            }
            final DeployRef from = after != null && name.equals(after.service) ? after.ref : null;
            for (final DeployRef ref : ledger.deployments(name, scope.environment(),
                    scope.window().from().toEpochMilli(), scope.window().to().toEpochMilli(), from,
                    limit + 1 - found.size())) {
                found.add(new Cursor(name, ref));
            }
            if (found.size() > limit) {
                break;
            }
        }
        final List<DeploymentFact> facts = new ArrayList<>();
        for (final Cursor item : found.subList(0, Math.min(limit, found.size()))) {
            ledger.deployment(item.service, item.ref.getDeploymentId()).ifPresent(facts::add);
        }
        final String next = found.size() > limit ? found.get(limit - 1).encode() : null;
        if (rows) {
            return new DeploymentRows.Page(facts.stream().map(DeploymentRows::row).toList(), next);
        }
        return new Page(facts.stream().map(fact -> view(fact, ledger, false)).toList(), next);
    }

    void one(final Context ctx) {
        final String id = QueryParams.id(ctx);
        final LedgerReader ledger = pipeline.ledger();
        final Optional<String> service = pipeline.pipeline().deploymentService(id);
        final DeploymentFact fact = service.flatMap(s -> ledger.deployment(s, id)).orElseThrow(() ->
                ApiException.notFound(service.isEmpty() ? "id: no deployment '" + id + "' is known"
                        : "id: deployment '" + id + "' has not finished successfully"));
        ctx.json(view(fact, ledger, true));
    }

    /**
     * A deployment as the API shows it. A list leaves out a baseline's changes (its whole known history); the
     * single-deployment view lists them all.
     */
    private static Deployment view(final DeploymentFact fact, final LedgerReader ledger, final boolean allChanges) {
        final List<LedgerReader.DeliveredChange> changes = allChanges || !fact.getBaseline()
                ? ledger.changes(fact) : List.of();
        return new Deployment(fact.getDeploymentId(), fact.getService(), fact.getEnvironment(),
                fact.getFinishedAt().toString(), fact.getSha(), fact.getBaseline(), fact.getDeployedChanges(), changes,
                fact.getFailed(), failure(fact),
                new Evidence(fact.getCauseDeploymentIncidents(), fact.getCauseShaIncidents(),
                        fact.getTimeWindowIncidents(), fact.getRolledBackBy()),
                fact.getRecoverySeconds(), fact.getRework(), fact.getShaUnknown(), fact.getRollbackOf(),
                fact.getStrategy() == null ? null : fact.getStrategy().name());
    }

    static Failure failure(final DeploymentFact fact) {
        final FailureRule rule = fact.getFailureRule();
        if (rule == null) {
            return null;
        }
        return switch (rule) {
            case cause_deployment_id -> new Failure(rule.name(), null, fact.getCauseDeploymentIncidents().get(0));
            case cause_sha -> new Failure(rule.name(), null, fact.getCauseShaIncidents().get(0));
            case time_window -> new Failure(rule.name(), null, fact.getTimeWindowIncidents().get(0));
            case rollback -> new Failure(rule.name(), fact.getRolledBackBy().get(0), null);
        };
    }

    /** {@code limit}: a page's size, {@value #DEFAULT_LIMIT} by default, at most {@value #MAX_LIMIT}. */
    static int limit(final String value) {
        if (value == null || value.isBlank()) {
            return DEFAULT_LIMIT;
        }
        try {
            final int limit = Integer.parseInt(value.trim());
            if (limit >= 1 && limit <= MAX_LIMIT) {
                return limit;
            }
        } catch (final NumberFormatException e) {
            // one message below
        }
        throw ApiException.badRequest("limit: must be a whole number from 1 to " + MAX_LIMIT + " (got "
                + QueryParams.echo(value) + ")");
    }

    /**
     * Where the previous page ended: opaque to clients, who pass {@code next} back as {@code cursor}. The builds'
     * drill-down pages the same way, a build's (finishedAt, id) standing in the reference.
     */
    record Cursor(String service, DeployRef ref) {

        String encode() {
            final String raw = service + '\u0000' + ref.getFinishedAt() + '\u0000' + ref.getDeploymentId();
            return Base64.getUrlEncoder().withoutPadding().encodeToString(raw.getBytes(StandardCharsets.UTF_8));
        }

        static Cursor parse(final String value) {
            if (value == null || value.isBlank()) {
                return null;
            }
            try {
                final String[] parts = new String(Base64.getUrlDecoder().decode(value.trim()), StandardCharsets.UTF_8)
                        .split("\u0000", 3);
                return new Cursor(parts[0], new DeployRef(Long.parseLong(parts[1]), parts[2]));
            } catch (final RuntimeException e) {
                throw ApiException.badRequest("cursor: not a cursor this API returned as next (got "
                        + QueryParams.echo(value) + ")");
            }
        }
    }
}
