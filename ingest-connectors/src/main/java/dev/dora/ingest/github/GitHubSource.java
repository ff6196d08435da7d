package dev.dora.ingest.github;

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
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * GitHub repository and organisation webhooks ({@code POST /webhooks/github}), JSON content type.
 *
 * <p>Authenticity: {@code X-Hub-Signature-256: sha256=<hex>}, the HMAC-SHA256 of the raw body keyed with the
 * webhook's secret ({@code DORA_GITHUB_SECRET}). Redeliveries are recognised by {@code X-GitHub-Delivery}, which
 * GitHub keeps when a delivery is redelivered by hand; the event type is {@code X-GitHub-Event}.
 *
 * <p>Mapping (every field comes from the payload, never from the time of receipt; author and committer names and
 * e-mail addresses are never read):
 * <ul>
 *   <li>{@code push} to the repository's default branch: one change per commit of {@code commits[]}, chained in
 *       order (the first one's parent is {@code before} unless that is all zeros);</li>
 *   <li>{@code pull_request} closed and merged into the default branch: a change for {@code merge_commit_sha}
 *       committed at {@code merged_at}, parent {@code base.sha}, labelled with the names of
 *       {@code pull_request.labels[]} (which a hotfix rule may match);</li>
 *   <li>{@code deployment_status}: a deployment with id {@code deployment.id};</li>
 *   <li>{@code issues} labelled {@code incident}: a production incident {@code github-issue-<issue.id>}, open or
 *       resolved after the issue's state, its cause read from {@code root cause: <sha>} and
 *       {@code caused by: <deployment id>} in the body;</li>
 *   <li>{@code workflow_run} started or completed: a build ({@link WorkflowRuns});</li>
 *   <li>anything else ({@code ping} included) is ignored.</li>
 * </ul>
 * The service is the catalog's entry for {@code repository.full_name}, else (deployments only) the deployer's
 * {@code deployment.payload.service}, else {@code repository.name}, reported as unmapped.
 */
public final class GitHubSource extends AbstractWebhookSource {

    public static final String NAME = "github";
    public static final String SECRET_VARIABLE = "DORA_GITHUB_SECRET";
    public static final String SIGNATURE_HEADER = "X-Hub-Signature-256";
    public static final String DELIVERY_HEADER = "X-GitHub-Delivery";
    public static final String EVENT_HEADER = "X-GitHub-Event";
    /** Issues with this label (in any case) are incidents. */
    public static final String INCIDENT_LABEL = "incident";
    /** The environment of incidents from issues. */
    public static final String INCIDENT_ENVIRONMENT = "production";

    static final String SOURCE = "github";
    static final String ZERO_SHA = "0".repeat(40);

    private static final String SIGNATURE_PREFIX = "sha256=";
    private static final Pattern SEVERITY_LABEL = Pattern.compile("(?i)sev[-_ ]?([1-5])");
    private static final Set<String> INCIDENT_ACTIONS = Set.of("opened", "labeled", "reopened", "closed", "edited");

    public GitHubSource() {
        super(NAME, SECRET_VARIABLE);
    }

    @Override
    protected Optional<String> verifyWith(final WebhookRequest request, final byte[] secret) {
        final String signature = request.header(SIGNATURE_HEADER);
        if (signature == null || signature.isBlank()) {
            return Optional.of("missing " + SIGNATURE_HEADER + " header: give the webhook on GitHub the secret "
                    + "configured for dora (" + SECRET_VARIABLE + ")");
        }
        if (!signature.startsWith(SIGNATURE_PREFIX)) {
            return Optional.of(Signatures.MALFORMED + ": " + SIGNATURE_HEADER + " must be sha256=<hex>");
        }
        return Signatures.verifyHmacSha256Hex(secret, request.body(), signature.substring(SIGNATURE_PREFIX.length()))
                .map(problem -> Signatures.MALFORMED.equals(problem)
                        ? Signatures.MALFORMED + ": " + SIGNATURE_HEADER + " must be sha256=<64 hexadecimal digits>"
                        : SIGNATURE_HEADER + " does not match the body: the webhook's secret on GitHub differs from "
                        + "the one configured for dora (" + SECRET_VARIABLE + ")");
    }

    @Override
    public String deliveryId(final WebhookRequest request) {
        return request.trimmedHeader(DELIVERY_HEADER);
    }

    @Override
    public Mapping map(final WebhookRequest request, final ServiceCatalog catalog) {
        final String event = request.header(EVENT_HEADER);
        if (event == null || event.isBlank()) {
            throw new InvalidEventException(EVENT_HEADER, "header is required");
        }
        switch (event) {
            case "ping":
                return Mapping.ignored("ping");
            case "push":
                return push(payload(request), catalog);
            case "pull_request":
                return pullRequest(payload(request), catalog);
            case "deployment_status":
                return deploymentStatus(payload(request), catalog);
            case "issues":
                return issues(payload(request), catalog);
            case "workflow_run":
                return WorkflowRuns.map(payload(request), catalog);
            default:
                return Mapping.ignored("event type " + JsonFields.echo(event) + " is not mapped");
        }
    }

    private static JsonFields payload(final WebhookRequest request) {
        final String contentType = request.header("Content-Type");
        if (contentType != null
                && contentType.toLowerCase(Locale.ROOT).startsWith("application/x-www-form-urlencoded")) {
            throw new InvalidEventException("Content-Type", "form-encoded webhooks are not supported: set the "
                    + "webhook's content type to application/json on GitHub");
        }
        return JsonFields.root(request.json()).lenient();
    }

    private static Mapping push(final JsonFields payload, final ServiceCatalog catalog) {
        final String ref = payload.text("ref");
        if (ref.startsWith("refs/tags/")) {
            return Mapping.ignored("tag push " + ref.substring("refs/tags/".length()));
        }
        if (!ref.startsWith("refs/heads/")) {
            return Mapping.ignored("push to " + ref + ", which is not a branch");
        }
        final String branch = ref.substring("refs/heads/".length());
        if (payload.optionalBoolean("deleted")) {
            return Mapping.ignored("branch " + branch + " deleted");
        }
        final JsonFields repository = payload.object("repository");
        final String tracked = repository.text("default_branch");
        if (!branch.equals(tracked)) {
            return Mapping.ignored("push to branch " + branch + ", tracking " + tracked);
        }
        final List<JsonFields> commits = payload.optionalObjects("commits");
        if (commits.isEmpty()) {
            return Mapping.ignored("push to " + branch + " without commits");
        }
        final String before = payload.sha("before");
        final Owner owner = Owner.of(catalog, repository, null);
        final String repo = repository.text("full_name");
        final List<ChangeEvent> changes = new ArrayList<>(commits.size() + 1);
        final Set<String> shas = new HashSet<>();
        String parent = ZERO_SHA.equals(before) ? null : before;
        for (final JsonFields commit : commits) {
            final String sha = commit.sha("id");
            changes.add(change(owner, repo, branch, sha, parent, commit.instant("timestamp")));
            shas.add(sha);
            parent = sha;
        }
        // GitHub lists at most 2048 commits; the head commit comes separately, so the pushed tip stays known
        final JsonFields head = payload.optionalObject("head_commit");
        if (head != null) {
            final String headSha = head.sha("id");
            if (!shas.contains(headSha)) {
                changes.add(change(owner, repo, branch, headSha, parent, head.instant("timestamp")));
            }
        }
        return Mapping.of(changes, owner.unmapped());
    }

    private static Mapping pullRequest(final JsonFields payload, final ServiceCatalog catalog) {
        final String action = payload.text("action");
        final JsonFields pullRequest = payload.object("pull_request");
        if (!"closed".equals(action)) {
            return Mapping.ignored("pull_request action " + JsonFields.echo(action)
                    + " is not mapped (only closed and merged)");
        }
        if (!pullRequest.optionalBoolean("merged")) {
            return Mapping.ignored("pull request closed without merging");
        }
        final JsonFields repository = payload.object("repository");
        final JsonFields base = pullRequest.object("base");
        final String tracked = repository.text("default_branch");
        final String branch = base.text("ref");
        if (!branch.equals(tracked)) {
            return Mapping.ignored("pull request merged into branch " + branch + ", tracking " + tracked);
        }
        final String sha = pullRequest.sha("merge_commit_sha");
        final String baseSha = base.sha("sha");
        final Owner owner = Owner.of(catalog, repository, null);
        final Instant mergedAt = pullRequest.instant("merged_at");
        final List<String> labels = new ArrayList<>();
        for (final JsonFields label : pullRequest.optionalObjects("labels")) {
            labels.add(label.optionalText("name"));
        }
        // The push of the same commit knows its real place in the history (the pull request only knows the
        // base): occurring a millisecond earlier, this event loses to it whatever their arrival order.
        final ChangeEvent change = ChangeEvent.newBuilder(change(owner, repository.text("full_name"), branch, sha,
                baseSha.equals(sha) ? null : baseSha, mergedAt)).setOccurredAt(mergedAt.minusMillis(1))
                .setLabels(CanonicalEvents.acceptableLabels(labels)).build();
        return Mapping.of(List.of(change), owner.unmapped());
    }

    private static ChangeEvent change(final Owner owner, final String repo, final String branch, final String sha,
                                      final String parent, final Instant committedAt) {
        return ChangeEvent.newBuilder()
                .setId(sha)
                .setService(owner.service())
                .setTeam(owner.team())
                .setSource(SOURCE)
                .setOccurredAt(committedAt)
                .setSha(sha)
                .setParents(parent == null ? List.of() : List.of(parent))
                .setCommittedAt(committedAt)
                .setRepo(repo)
                .setBranch(branch)
                .setAuthoredAt(null)
                .build();
    }

    private static Mapping deploymentStatus(final JsonFields payload, final ServiceCatalog catalog) {
        final JsonFields status = payload.object("deployment_status");
        final JsonFields deployment = payload.object("deployment");
        final String state = status.text("state");
        final String id = deployment.id("id");
        final DeploymentStatus mapped;
        switch (state) {
            case "success":
                mapped = DeploymentStatus.success;
                break;
            case "failure":
                mapped = DeploymentStatus.failure;
                break;
            case "error":
                mapped = DeploymentStatus.error;
                break;
            case "pending":
            case "queued":
            case "waiting":
                mapped = DeploymentStatus.pending;
                break;
            case "in_progress":
                mapped = DeploymentStatus.in_progress;
                break;
            case "inactive":
                return Mapping.ignored("deployment " + id + " became inactive (a later deployment replaced it)");
            default:
                return Mapping.ignored("deployment_status state " + JsonFields.echo(state) + " is not mapped");
        }
        final String environment = status.optionalText("environment") != null
                ? status.optionalText("environment")
                : deployment.text("environment");
        final String sha = deployment.sha("sha");
        final Instant occurredAt = status.optionalInstant("created_at") != null
                ? status.optionalInstant("created_at")
                : status.instant("updated_at");
        final boolean terminal = mapped == DeploymentStatus.success || mapped == DeploymentStatus.failure
                || mapped == DeploymentStatus.error;
        final Owner owner = Owner.of(catalog, payload.object("repository"), deployment.looseObject("payload"));
        final DeploymentEvent event = DeploymentEvent.newBuilder()
                .setId(id)
                .setService(owner.service())
                .setTeam(owner.team())
                .setSource(SOURCE)
                .setOccurredAt(occurredAt)
                .setEnvironment(environment)
                .setStatus(mapped)
                .setFinishedAt(terminal ? occurredAt : null)
                .setSha(sha)
                .setStartedAt(deployment.optionalInstant("created_at"))
                .setRollbackOf(null)
                .setStrategy(null)
                .build();
        return Mapping.of(List.of(event), owner.unmapped());
    }

    private static Mapping issues(final JsonFields payload, final ServiceCatalog catalog) {
        final String action = payload.text("action");
        final JsonFields issue = payload.object("issue");
        final List<String> labels = new ArrayList<>();
        for (final JsonFields label : issue.optionalObjects("labels")) {
            labels.add(label.text("name"));
        }
        if (labels.stream().noneMatch(INCIDENT_LABEL::equalsIgnoreCase)) {
            return Mapping.ignored("issue without the '" + INCIDENT_LABEL + "' label");
        }
        if (!INCIDENT_ACTIONS.contains(action)) {
            return Mapping.ignored("issues action " + JsonFields.echo(action) + " is not mapped");
        }
        final boolean closed = "closed".equals(issue.text("state"));
        final String body = issue.optionalText("body");
        final Owner owner = Owner.of(catalog, payload.object("repository"), null);
        final IncidentEvent event = IncidentEvent.newBuilder()
                .setId("github-issue-" + issue.id("id"))
                .setService(owner.service())
                .setTeam(owner.team())
                .setSource(SOURCE)
                .setOccurredAt(issue.instant("updated_at"))
                .setEnvironment(INCIDENT_ENVIRONMENT)
                .setStatus(closed ? IncidentStatus.resolved : IncidentStatus.open)
                .setOpenedAt(issue.instant("created_at"))
                .setResolvedAt(closed ? issue.instant("closed_at") : null)
                .setSeverity(severity(labels))
                .setCauseDeploymentId(CauseLines.causeDeploymentId(body))
                .setCauseSha(CauseLines.causeSha(body))
                .build();
        return Mapping.of(List.of(event), owner.unmapped());
    }

    private static Severity severity(final List<String> labels) {
        for (final String label : labels) {
            final Matcher matcher = SEVERITY_LABEL.matcher(label.trim());
            if (matcher.matches()) {
                return Severity.valueOf("SEV" + matcher.group(1));
            }
        }
        return null;
    }
}
