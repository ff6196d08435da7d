package dev.dora.ingest.gitlab;

import dev.dora.events.ChangeEvent;
import dev.dora.events.DeploymentEvent;
import dev.dora.events.DeploymentStatus;
import dev.dora.events.IncidentEvent;
import dev.dora.events.IncidentStatus;
import dev.dora.events.Severity;
import dev.dora.ingest.CanonicalEvents;
import dev.dora.ingest.InvalidEventException;
import dev.dora.ingest.JsonFields;
import dev.dora.ingest.catalog.ServiceCatalog;
import dev.dora.ingest.webhook.AbstractWebhookSource;
import dev.dora.ingest.webhook.CauseLines;
import dev.dora.ingest.webhook.Mapping;
import dev.dora.ingest.webhook.Signatures;
import dev.dora.ingest.webhook.WebhookRequest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.avro.specific.SpecificRecord;

/**
 * GitLab webhooks ({@code POST /webhooks/gitlab}): Push, Merge Request, Deployment, Issue (incidents) and Pipeline
 * hooks (builds).
 *
 * <p>Authenticity: the {@code X-Gitlab-Token} header must equal the configured secret ({@code DORA_GITLAB_TOKEN}),
 * compared in constant time. Redeliveries carry the same {@code Idempotency-Key} (GitLab 17.4+). The mapping of
 * each hook, and why, is documented in {@code docs/CONNECTORS.md (GitLab)}; in short:
 * <ul>
 *   <li>{@code Push Hook} to the project's default branch: one change per commit, chained from {@code before};</li>
 *   <li>{@code Merge Request Hook} with action {@code merge}: one change for the merge (or squash) commit, labelled
 *       with the titles of the merge request's {@code labels[]} (which a hotfix rule may match);</li>
 *   <li>{@code Deployment Hook}: a deployment, its full sha taken from {@code commit_url};</li>
 *   <li>{@code Issue Hook} of an incident (object kind {@code work_item} or {@code issue}): an incident;</li>
 *   <li>{@code Pipeline Hook} of a branch pipeline that runs or finished: a build ({@link Pipelines}).</li>
 * </ul>
 * Everything else is ignored with a reason. Author names and e-mail addresses are never read.
 */
public final class GitLabSource extends AbstractWebhookSource {

    /** The path segment and the {@code source} of the events produced. */
    public static final String NAME = "gitlab";
    public static final String SECRET_VARIABLE = "DORA_GITLAB_TOKEN";
    public static final String TOKEN_HEADER = "X-Gitlab-Token";
    public static final String EVENT_HEADER = "X-Gitlab-Event";
    public static final String DELIVERY_HEADER = "Idempotency-Key";
    /** Incidents opened in GitLab are production incidents. */
    public static final String INCIDENT_ENVIRONMENT = "production";

    private static final String ZERO_SHA = "0000000000000000000000000000000000000000";
    private static final String BRANCH_PREFIX = "refs/heads/";
    /** X-Gitlab-Event values whose body must carry one of these object kinds. */
    private static final Map<String, Set<String>> KINDS_BY_HEADER = Map.of(
            "Push Hook", Set.of("push"),
            "Merge Request Hook", Set.of("merge_request"),
            "Deployment Hook", Set.of("deployment"),
            "Pipeline Hook", Set.of("pipeline"),
            "Issue Hook", Set.of("issue", "work_item"),
            "Confidential Issue Hook", Set.of("issue", "work_item"));
    private static final Pattern COMMIT_URL =
            Pattern.compile("/commit/(" + JsonFields.SHA_REGEX + ")/?(?:[?#].*)?$");

    public GitLabSource() {
        super(NAME, SECRET_VARIABLE);
    }

    @Override
    protected Optional<String> verifyWith(final WebhookRequest request, final byte[] secret) {
        final String token = request.header(TOKEN_HEADER);
        if (token == null || token.isEmpty()) {
            return Optional.of("missing " + TOKEN_HEADER + " header");
        }
        if (!Signatures.tokenMatches(secret, token)) {
            return Optional.of(TOKEN_HEADER + " does not match");
        }
        return Optional.empty();
    }

    @Override
    public String deliveryId(final WebhookRequest request) {
        return request.trimmedHeader(DELIVERY_HEADER);
    }

    @Override
    public Mapping map(final WebhookRequest request, final ServiceCatalog catalog) {
        final JsonFields body = JsonFields.root(request.json());
        final ServiceCatalog services = catalog == null ? ServiceCatalog.empty() : catalog;
        final String header = request.header(EVENT_HEADER);
        final String kind = objectKind(header, body);
        switch (kind) {
            case "push":
                return push(body, services);
            case "merge_request":
                return mergeRequest(body, services);
            case "deployment":
                return deployment(body, services);
            case "issue":
            case "work_item":
                return issue(body, services);
            case "pipeline":
                return Pipelines.map(body, services);
            default:
                return Mapping.ignored("GitLab " + (header == null ? "" : "'" + header + "' ") + "object_kind '"
                        + kind + "' is not used: changes, deployments, incidents and builds come from Push,"
                        + " Merge Request, Deployment, Issue and Pipeline hooks");
        }
    }

    /** The body's {@code object_kind}, checked against {@code X-Gitlab-Event} when that names a hook we map. */
    private static String objectKind(final String header, final JsonFields body) {
        final String kind = body.optionalText("object_kind");
        final Set<String> expected = header == null ? null : KINDS_BY_HEADER.get(header.trim());
        if (kind == null) {
            if (expected == null) {
                throw new InvalidEventException("object_kind", "required (and " + EVENT_HEADER + " is "
                        + (header == null ? "missing" : JsonFields.echo(header)) + ")");
            }
            return kindOf(expected);
        }
        if (expected != null && !expected.contains(kind)) {
            throw new InvalidEventException("object_kind", "is " + JsonFields.echo(kind) + " but " + EVENT_HEADER
                    + " is " + JsonFields.echo(header) + " (a custom webhook template?)");
        }
        return kind;
    }

    private static String kindOf(final Set<String> kinds) {
        return kinds.contains("issue") ? "issue" : kinds.iterator().next();
    }

    // ---------------------------------------------------------------------------------------------- push

    private static Mapping push(final JsonFields body, final ServiceCatalog catalog) {
        final JsonFields project = body.object("project");
        final String repo = project.text("path_with_namespace");
        final String ref = body.text("ref");
        if (!ref.startsWith(BRANCH_PREFIX)) {
            return Mapping.ignored("push to " + ref + " is not a branch push");
        }
        final String branch = ref.substring(BRANCH_PREFIX.length());
        final String defaultBranch = project.text("default_branch");
        if (!branch.equals(defaultBranch)) {
            return Mapping.ignored("push to branch '" + branch + "', not the default branch '" + defaultBranch
                    + "' of " + repo);
        }
        final String after = body.optionalSha("after");
        if (ZERO_SHA.equals(after)) {
            return Mapping.ignored("push deletes branch '" + branch + "'");
        }
        final List<JsonFields> commits = new ArrayList<>(body.objects("commits"));
        if (commits.isEmpty()) {
            return Mapping.ignored("push to branch '" + branch + "' carries no commits");
        }
        // GitLab lists commits oldest first, ending with `after`; should a sender list them newest first, reverse.
        if (after != null && commits.size() > 1 && after.equals(commits.get(0).optionalSha("id"))
                && !after.equals(commits.get(commits.size() - 1).optionalSha("id"))) {
            Collections.reverse(commits);
        }
        final Service service = Service.forRepository(catalog, repo);
        final String before = body.optionalSha("before");
        String parent = before == null || ZERO_SHA.equals(before) ? null : before;
        final List<SpecificRecord> events = new ArrayList<>(commits.size());
        for (final JsonFields commit : commits) {
            final String sha = commit.sha("id");
            final Instant committedAt = GitLabTimestamps.parse(commit.path("timestamp"), commit.text("timestamp"));
            events.add(change(service, sha, parent == null ? List.of() : List.of(parent), committedAt, committedAt,
                    repo, branch));
            parent = sha;
        }
        return service.mapping(events);
    }

    // ------------------------------------------------------------------------------------- merge request

    private static Mapping mergeRequest(final JsonFields body, final ServiceCatalog catalog) {
        final JsonFields attributes = body.object("object_attributes");
        final String action = attributes.optionalText("action");
        final String reference = "merge request !" + Optional.ofNullable(attributes.looseId("iid"))
                .orElse("?");
        if (!"merge".equals(action)) {
            return Mapping.ignored(reference + ": action '" + action + "' is not a merge");
        }
        final JsonFields project = body.object("project");
        final String repo = project.text("path_with_namespace");
        final String defaultBranch = project.optionalText("default_branch");
        final String target = attributes.optionalText("target_branch");
        if (defaultBranch != null && target != null && !target.equals(defaultBranch)) {
            return Mapping.ignored(reference + " was merged into '" + target + "', not the default branch '"
                    + defaultBranch + "' of " + repo);
        }
        final String mergeSha = attributes.optionalSha("merge_commit_sha");
        final String squashSha = attributes.optionalSha("squash_commit_sha");
        final JsonFields lastCommit = attributes.optionalObject("last_commit");
        final String lastSha = lastCommit == null ? null : lastCommit.optionalSha("id");
        final String sha;
        final List<String> parents;
        if (mergeSha != null) {
            sha = mergeSha;
            // The merge commit's first parent (the target branch's previous head) is not in the payload; its other
            // parent is the squash commit (squash + merge commit) or the source branch's head.
            if (squashSha != null && !squashSha.equals(mergeSha)) {
                parents = List.of(squashSha);
            } else if (squashSha == null && lastSha != null && !lastSha.equals(mergeSha)) {
                parents = List.of(lastSha);
            } else {
                parents = List.of();
            }
        } else if (squashSha != null) {
            sha = squashSha;
            parents = List.of();
        } else {
            return Mapping.ignored(reference + " was merged without a merge or squash commit (fast-forward):"
                    + " its commits arrive with the Push Hook");
        }
        final Instant mergedAt = attributes.optionalText("merged_at") != null
                ? time(attributes, "merged_at")
                : time(attributes, "updated_at");
        // The Push Hook of the same merge reports this commit too, with better parents: give this event an earlier
        // occurredAt (the merge request's creation, necessarily before its merge) so that the push's event wins.
        final Instant occurredAt = attributes.optionalText("created_at") != null
                ? min(time(attributes, "created_at"), mergedAt)
                : mergedAt;
        final Service service = Service.forRepository(catalog, repo);
        final ChangeEvent change = ChangeEvent.newBuilder(change(service, sha, parents, mergedAt, occurredAt, repo,
                target)).setLabels(labels(body, attributes)).build();
        return service.mapping(List.of(change));
    }

    /**
     * The merge request's label titles, from the hook's top-level {@code labels[]} and from
     * {@code object_attributes.labels[]} (GitLab sends them in both places; either may be missing), each once.
     */
    private static List<String> labels(final JsonFields body, final JsonFields attributes) {
        final List<String> titles = new ArrayList<>();
        for (final JsonFields owner : List.of(body, attributes)) {
            for (final JsonFields label : owner.optionalObjects("labels")) {
                // an empty or non-string title names no label: it is left out rather than refusing the merge
                titles.add(label.looseText("title"));
            }
        }
        return CanonicalEvents.acceptableLabels(titles);
    }

    private static Instant min(final Instant a, final Instant b) {
        return a.isBefore(b) ? a : b;
    }

    private static ChangeEvent change(final Service service, final String sha, final List<String> parents,
                                      final Instant committedAt, final Instant occurredAt, final String repo,
                                      final String branch) {
        return ChangeEvent.newBuilder()
                .setId(sha)
                .setService(service.name())
                .setTeam(service.team())
                .setSource(NAME)
                .setOccurredAt(occurredAt)
                .setSha(sha)
                .setParents(parents)
                .setCommittedAt(committedAt)
                .setRepo(repo)
                .setBranch(branch)
                .build();
    }

    // ---------------------------------------------------------------------------------------- deployment

    private static Mapping deployment(final JsonFields body, final ServiceCatalog catalog) {
        final String state = body.text("status");
        final DeploymentStatus status;
        switch (state) {
            case "created":
                status = DeploymentStatus.pending;
                break;
            case "running":
                status = DeploymentStatus.in_progress;
                break;
            case "success":
                status = DeploymentStatus.success;
                break;
            case "failed":
                status = DeploymentStatus.failure;
                break;
            case "canceled":
                status = DeploymentStatus.cancelled;
                break;
            default:
                return Mapping.ignored("deployment status '" + state + "' is not mapped (only created, running,"
                        + " success, failed and canceled are)");
        }
        final String id = body.id("deployment_id");
        final String environment = body.text("environment");
        final Instant changedAt = time(body, "status_changed_at");
        final String sha = deployedSha(body);
        final String repo = body.object("project").text("path_with_namespace");
        final Service service = Service.forRepository(catalog, repo);
        final boolean terminal = status == DeploymentStatus.success || status == DeploymentStatus.failure
                || status == DeploymentStatus.cancelled;
        return service.mapping(List.of(DeploymentEvent.newBuilder()
                .setId(id)
                .setService(service.name())
                .setTeam(service.team())
                .setSource(NAME)
                .setOccurredAt(changedAt)
                .setEnvironment(environment)
                .setStatus(status)
                .setFinishedAt(terminal ? changedAt : null)
                .setSha(sha)
                .build()));
    }

    /** The full sha, found only at the end of {@code commit_url}; checked against {@code short_sha}. */
    private static String deployedSha(final JsonFields body) {
        final String url = body.optionalText("commit_url");
        if (url == null) {
            return null;
        }
        final Matcher matcher = COMMIT_URL.matcher(url);
        if (!matcher.find()) {
            throw new InvalidEventException("commit_url", "must end with /commit/<40 hexadecimal digits> (got "
                    + JsonFields.echo(url) + ")");
        }
        final String sha = matcher.group(1).toLowerCase(Locale.ROOT);
        final String shortSha = body.optionalText("short_sha");
        if (shortSha != null && !sha.startsWith(shortSha.toLowerCase(Locale.ROOT))) {
            throw new InvalidEventException("commit_url", "names commit " + sha + " but short_sha is "
                    + JsonFields.echo(shortSha));
        }
        return sha;
    }

    // -------------------------------------------------------------------------------------------- issues

    private static Mapping issue(final JsonFields body, final ServiceCatalog catalog) {
        final JsonFields attributes = body.object("object_attributes");
        final String type = attributes.optionalText("type");
        final String issueType = attributes.optionalText("issue_type");
        final String reference = "issue #" + Optional.ofNullable(attributes.looseId("iid")).orElse("?");
        if (!"incident".equalsIgnoreCase(type) && !"incident".equalsIgnoreCase(issueType)) {
            return Mapping.ignored(reference + " is not an incident (type '" + (type != null ? type : issueType)
                    + "')");
        }
        final String action = attributes.optionalText("action");
        final IncidentStatus status;
        if ("open".equals(action) || "reopen".equals(action)) {
            status = IncidentStatus.open;
        } else if ("close".equals(action)) {
            status = IncidentStatus.resolved;
        } else if ("update".equals(action)) {
            // An edit (e.g. a root cause line added after the fact) restates the incident in its current state.
            final String state = attributes.text("state");
            if ("opened".equals(state)) {
                status = IncidentStatus.open;
            } else if ("closed".equals(state)) {
                status = IncidentStatus.resolved;
            } else {
                return Mapping.ignored("incident " + reference + " is in state '" + state + "'");
            }
        } else {
            return Mapping.ignored("incident " + reference + ": action '" + action + "' is not mapped");
        }
        final String id = "gitlab-incident-" + attributes.id("id");
        final Instant openedAt = time(attributes, "created_at");
        final Instant resolvedAt = status == IncidentStatus.resolved ? time(attributes, "closed_at") : null;
        final Instant occurredAt = attributes.optionalText("updated_at") != null
                ? time(attributes, "updated_at")
                : resolvedAt != null ? resolvedAt : openedAt;
        final String description = attributes.optionalText("description");
        final String repo = body.object("project").text("path_with_namespace");
        final Service service = Service.forRepository(catalog, repo);
        return service.mapping(List.of(IncidentEvent.newBuilder()
                .setId(id)
                .setService(service.name())
                .setTeam(service.team())
                .setSource(NAME)
                .setOccurredAt(occurredAt)
                .setEnvironment(INCIDENT_ENVIRONMENT)
                .setStatus(status)
                .setOpenedAt(openedAt)
                .setResolvedAt(resolvedAt)
                .setSeverity(severity(attributes.optionalText("severity")))
                .setCauseSha(CauseLines.causeSha(description))
                .setCauseDeploymentId(CauseLines.causeDeploymentId(description))
                .build()));
    }

    /** GitLab incident severity: critical, high, medium, low map to SEV1..SEV4; unknown to none. */
    private static Severity severity(final String severity) {
        if (severity == null) {
            return null;
        }
        switch (severity.toLowerCase(Locale.ROOT)) {
            case "critical":
                return Severity.SEV1;
            case "high":
                return Severity.SEV2;
            case "medium":
                return Severity.SEV3;
            case "low":
                return Severity.SEV4;
            default:
                return null;
        }
    }

    static Instant time(final JsonFields node, final String name) {
        return GitLabTimestamps.parse(node.path(name), node.text(name));
    }
}
