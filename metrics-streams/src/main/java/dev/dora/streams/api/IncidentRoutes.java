package dev.dora.streams.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dora.facts.DeploymentFact;
import dev.dora.facts.IncidentFact;
import dev.dora.state.DeployRef;
import dev.dora.streams.MetricsPipeline;
import dev.dora.streams.ledger.LedgerReader;
import io.javalin.http.Context;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.apache.kafka.streams.errors.InvalidStateStoreException;

/**
 * {@code GET /api/v1/incidents} and {@code /api/v1/incidents/{id}}: each incident with its time to restore and
 * the deployment it was charged to, by which rule, or why it was charged to none.
 */
final class IncidentRoutes {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final MetricsPipeline pipeline;
    private final Function<Context, QueryRoutes.Request> scope;

    /** @param scope parses a request's scope and window, answering errors itself (then null) */
    IncidentRoutes(final MetricsPipeline pipeline, final Function<Context, QueryRoutes.Request> scope) {
        this.pipeline = pipeline;
        this.scope = scope;
    }

    void list(final Context ctx) {
        final int limit;
        final int offset;
        try {
            limit = DeploymentRoutes.limit(ctx.queryParam("limit"));
            offset = offset(ctx.queryParam("cursor"));
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
            // as before environments could be chosen, no environment lists the incidents of all of them
            final boolean everyEnvironment = ctx.queryParam("environment") == null
                    || ctx.queryParam("environment").isBlank();
            final List<IncidentFact> all = new ArrayList<>();
            for (final String name : services) {
                ledger.incidents(name, window.from().toEpochMilli(), window.to().toEpochMilli()).stream()
                        .filter(fact -> everyEnvironment || request.environment().equals(group(fact)))
                        .forEach(all::add);
            }
            final ObjectNode body = JSON.createObjectNode();
            final ArrayNode incidents = body.putArray("incidents");
            for (final IncidentFact fact : all.subList(Math.min(offset, all.size()), Math.min(offset + limit, all.size()))) {
                incidents.add(write(fact, ledger));
            }
            body.put("next", offset + limit < all.size() ? Integer.toString(offset + limit) : null);
            QueryRoutes.send(ctx, 200, body);
        } catch (final InvalidStateStoreException e) {
            QueryRoutes.error(ctx, 503, "the incidents are not readable yet: " + e.getMessage() + "; retry shortly");
        }
    }

    void one(final Context ctx) {
        final String id = ctx.pathParam("id");
        if (!pipeline.isRunning()) {
            QueryRoutes.error(ctx, 503, "the pipeline is " + pipeline.state() + "; retry shortly");
            return;
        }
        try {
            final LedgerReader ledger = pipeline.ledger();
            final Optional<IncidentFact> fact = pipeline.incidentService(id).flatMap(s -> ledger.incident(s, id));
            if (fact.isEmpty()) {
                QueryRoutes.error(ctx, 404, "id: no incident '" + id + "' is known");
                return;
            }
            QueryRoutes.send(ctx, 200, write(fact.get(), ledger));
        } catch (final InvalidStateStoreException e) {
            QueryRoutes.error(ctx, 503, "the incidents are not readable yet: " + e.getMessage() + "; retry shortly");
        }
    }

    private ObjectNode write(final IncidentFact fact, final LedgerReader ledger) {
        final ObjectNode node = JSON.createObjectNode();
        node.put("id", fact.getIncidentId());
        node.put("service", fact.getService());
        node.put("environment", fact.getEnvironment());
        node.put("production", fact.getProduction());
        node.put("openedAt", fact.getOpenedAt().toString());
        node.put("resolvedAt", fact.getResolvedAt() == null ? null : fact.getResolvedAt().toString());
        node.put("restoreSeconds", fact.getRestoreSeconds());
        node.put("severity", fact.getSeverity() == null ? null : fact.getSeverity().name());
        node.put("causeDeploymentId", fact.getCauseDeploymentId());
        node.put("causeSha", fact.getCauseSha());
        attribute(node.putObject("attribution"), fact, ledger);
        return node;
    }

    /** Which deployment the incident is charged to and by which rule, or why it is charged to none. */
    private void attribute(final ObjectNode out, final IncidentFact fact, final LedgerReader ledger) {
        final String group = group(fact);
        if (fact.getCauseDeploymentId() != null) {
            final String id = fact.getCauseDeploymentId();
            final Optional<DeploymentFact> named = pipeline.deploymentService(id).flatMap(s -> ledger.deployment(s, id));
            if (named.isPresent() && group.equals(pipeline.config().environmentGroup(named.get().getEnvironment()))) {
                charged(out, id, named.get().getService(), "cause_deployment_id");
            } else if (named.isPresent()) {
                none(out, "causeDeploymentId names deployment '" + id + "' to " + named.get().getEnvironment()
                        + ", not to the incident's environment " + fact.getEnvironment());
            } else {
                none(out, "causeDeploymentId names deployment '" + id + "', which is not a known successful"
                        + " deployment");
            }
            return;
        }
        if (fact.getCauseSha() != null) {
            final Optional<DeployRef> first = ledger.firstDeployment(fact.getService(), group, fact.getCauseSha());
            if (first.isPresent()) {
                charged(out, first.get().getDeploymentId(), fact.getService(), "cause_sha");
            } else {
                none(out, ledger.knowsCommit(fact.getService(), fact.getCauseSha())
                        ? "causeSha " + fact.getCauseSha() + " has not been delivered by a deployment of "
                                + fact.getService() + " to " + group
                        : "causeSha " + fact.getCauseSha() + " is not a known commit of " + fact.getService());
            }
            return;
        }
        final long opened = fact.getOpenedAt().toEpochMilli();
        final Optional<DeployRef> last = ledger.latestAtOrBefore(fact.getService(), group, opened);
        final Duration window = pipeline.config().incidentWindow();
        if (last.isEmpty()) {
            none(out, "no deployment of " + fact.getService() + " to " + group + " finished before the incident opened");
        } else if (opened - last.get().getFinishedAt() > window.toMillis()) {
            none(out, "the last deployment of " + fact.getService() + " to " + group + " before it ("
                    + last.get().getDeploymentId() + ") finished more than " + window.toHours() + " h before it opened");
        } else {
            charged(out, last.get().getDeploymentId(), fact.getService(), "time_window");
        }
    }

    private String group(final IncidentFact fact) {
        return pipeline.config().environmentGroup(fact.getEnvironment());
    }

    private static void charged(final ObjectNode out, final String deploymentId, final String service, final String rule) {
        out.put("deploymentId", deploymentId);
        out.put("deploymentService", service);
        out.put("rule", rule);
        out.putNull("reason");
    }

    private static void none(final ObjectNode out, final String reason) {
        out.putNull("deploymentId");
        out.putNull("deploymentService");
        out.putNull("rule");
        out.put("reason", reason);
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
        throw new IllegalArgumentException("cursor: not a cursor this API returned as next (got '" + cursor + "')");
    }

}
