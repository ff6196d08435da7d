package dev.dora.streams.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dora.facts.DeploymentFact;
import dev.dora.facts.FailureRule;
import dev.dora.state.DeployRef;
import dev.dora.streams.MetricsPipeline;
import dev.dora.streams.ledger.LedgerReader;
import io.javalin.http.Context;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.apache.kafka.streams.errors.InvalidStateStoreException;

/**
 * The evidence behind the numbers: {@code GET /api/v1/deployments} lists the successful deployments of one
 * environment group (production unless {@code environment} names another) with the commits each delivered and, for a failed change, the rule that made it one; {@code GET /api/v1/deployments/{id}} shows
 * one. Both read the ledgers' state stores.
 */
final class DeploymentRoutes {

    static final int DEFAULT_LIMIT = 100;
    static final int MAX_LIMIT = 1_000;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final MetricsPipeline pipeline;
    private final Function<Context, QueryRoutes.Request> scope;

    /** @param scope parses a request's scope and window, answering errors itself (then null) */
    DeploymentRoutes(final MetricsPipeline pipeline, final Function<Context, QueryRoutes.Request> scope) {
        this.pipeline = pipeline;
        this.scope = scope;
    }

    void list(final Context ctx) {
        final int limit;
        final Cursor after;
        try {
            limit = limit(ctx.queryParam("limit"));
            after = Cursor.parse(ctx.queryParam("cursor"));
        } catch (final IllegalArgumentException e) {
            QueryRoutes.error(ctx, 400, e.getMessage());
            return;
        }
        final QueryRoutes.Request request = scope.apply(ctx);
        if (request == null) {
            return;
        }
        final QueryRoutes.Window window = request.window();
        try {
            final LedgerReader ledger = pipeline.ledger();
            final List<String> services = request.services();
            // one more than a page tells whether another page follows
            final List<Cursor> found = new java.util.ArrayList<>();
            for (final String name : services) {
                if (after != null && name.compareTo(after.service) < 0) {
                    continue;
                }
                final DeployRef from = after != null && name.equals(after.service) ? after.ref : null;
                for (final DeployRef ref : ledger.deployments(name, request.environment(), window.from().toEpochMilli(),
                        window.to().toEpochMilli(), from, limit + 1 - found.size())) {
                    found.add(new Cursor(name, ref));
                }
                if (found.size() > limit) {
                    break;
                }
            }
            final ObjectNode body = JSON.createObjectNode();
            final ArrayNode deployments = body.putArray("deployments");
            for (final Cursor item : found.subList(0, Math.min(limit, found.size()))) {
                ledger.deployment(item.service, item.ref.getDeploymentId())
                        .ifPresent(fact -> deployments.add(write(fact, ledger, false)));
            }
            body.put("next", found.size() > limit ? found.get(limit - 1).encode() : null);
            QueryRoutes.send(ctx, 200, body);
        } catch (final InvalidStateStoreException e) {
            QueryRoutes.error(ctx, 503, "the deployments are not readable yet: " + e.getMessage() + "; retry shortly");
        }
    }

    void one(final Context ctx) {
        final String id = ctx.pathParam("id");
        if (!ready(ctx)) {
            return;
        }
        try {
            final Optional<String> service = pipeline.deploymentService(id);
            final LedgerReader ledger = pipeline.ledger();
            final Optional<DeploymentFact> fact = service.flatMap(s -> ledger.deployment(s, id));
            if (fact.isEmpty()) {
                QueryRoutes.error(ctx, 404, service.isEmpty() ? "id: no deployment '" + id + "' is known"
                        : "id: deployment '" + id + "' has not finished successfully");
                return;
            }
            QueryRoutes.send(ctx, 200, write(fact.get(), ledger, true));
        } catch (final InvalidStateStoreException e) {
            QueryRoutes.error(ctx, 503, "the deployments are not readable yet: " + e.getMessage() + "; retry shortly");
        }
    }

    private boolean ready(final Context ctx) {
        if (!pipeline.isRunning()) {
            QueryRoutes.error(ctx, 503, "the pipeline is " + pipeline.state() + "; retry shortly");
            return false;
        }
        return true;
    }

    /**
     * One deployment as the API shows it. A list leaves out a baseline's changes (its whole known history); the
     * single-deployment view lists them all.
     */
    private static ObjectNode write(final DeploymentFact fact, final LedgerReader ledger, final boolean allChanges) {
        final ObjectNode node = JSON.createObjectNode();
        node.put("id", fact.getDeploymentId());
        node.put("service", fact.getService());
        node.put("environment", fact.getEnvironment());
        node.put("finishedAt", fact.getFinishedAt().toString());
        node.put("sha", fact.getSha());
        node.put("baseline", fact.getBaseline());
        node.put("deployedChanges", fact.getDeployedChanges());
        final ArrayNode changes = node.putArray("changes");
        if (allChanges || !fact.getBaseline()) {
            for (final LedgerReader.DeliveredChange change : ledger.changes(fact)) {
                changes.addObject().put("sha", change.sha()).put("leadTimeSeconds", change.leadTimeSeconds());
            }
        }
        node.put("failed", fact.getFailed());
        if (fact.getFailureRule() == null) {
            node.putNull("failure");
        } else {
            final ObjectNode failure = node.putObject("failure");
            failure.put("rule", fact.getFailureRule().name());
            if (fact.getFailureRule() == FailureRule.rollback) {
                failure.put("rollbackDeploymentId", fact.getRolledBackBy().get(0));
            } else {
                failure.put("incidentId", firstIncident(fact));
            }
        }
        final ObjectNode evidence = node.putObject("evidence");
        fact.getCauseDeploymentIncidents().forEach(evidence.putArray("causeDeploymentIdIncidents")::add);
        fact.getCauseShaIncidents().forEach(evidence.putArray("causeShaIncidents")::add);
        fact.getTimeWindowIncidents().forEach(evidence.putArray("timeWindowIncidents")::add);
        fact.getRolledBackBy().forEach(evidence.putArray("rolledBackBy")::add);
        node.put("recoverySeconds", fact.getRecoverySeconds());
        node.put("rework", fact.getRework());
        node.put("shaUnknown", fact.getShaUnknown());
        node.put("rollbackOf", fact.getRollbackOf());
        node.put("strategy", fact.getStrategy() == null ? null : fact.getStrategy().name());
        return node;
    }

    private static String firstIncident(final DeploymentFact fact) {
        return switch (fact.getFailureRule()) {
            case cause_deployment_id -> fact.getCauseDeploymentIncidents().get(0);
            case cause_sha -> fact.getCauseShaIncidents().get(0);
            case time_window -> fact.getTimeWindowIncidents().get(0);
            case rollback -> null;
        };
    }

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
        throw new IllegalArgumentException("limit: must be a whole number from 1 to " + MAX_LIMIT + " (got '" + value + "')");
    }


    /** Where the previous page ended: opaque to clients, who pass {@code next} back as {@code cursor}. */
    private record Cursor(String service, DeployRef ref) {

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
                throw new IllegalArgumentException("cursor: not a cursor this API returned as next (got '" + value + "')");
            }
        }
    }
}
