package dev.dora.ingest.gitlab;

import static dev.dora.ingest.gitlab.Webhooks.TOKEN;
import static dev.dora.ingest.gitlab.Webhooks.bytes;
import static dev.dora.ingest.gitlab.Webhooks.json;
import static dev.dora.ingest.gitlab.Webhooks.request;
import static dev.dora.ingest.gitlab.Webhooks.revalidated;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dora.events.ChangeEvent;
import dev.dora.events.DeploymentEvent;
import dev.dora.events.DeploymentStatus;
import dev.dora.events.IncidentEvent;
import dev.dora.events.IncidentStatus;
import dev.dora.events.Severity;
import dev.dora.ingest.CanonicalEvents;
import dev.dora.ingest.InvalidEventException;
import dev.dora.ingest.catalog.ServiceCatalog;
import dev.dora.ingest.webhook.Mapping;
import dev.dora.ingest.webhook.WebhookRequest;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

@Tag("unit")
class GitLabSourceTest {

    static final String A1 = "a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1";
    static final String B2 = "b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2";
    static final String C3 = "c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3";
    static final String E5 = "e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5";
    static final String BEFORE = "1111111111111111111111111111111111111111";
    static final String ZEROS = "0000000000000000000000000000000000000000";

    static final ServiceCatalog CATALOG = new ServiceCatalog(List.of(new ServiceCatalog.Entry("checkout", "payments",
            List.of("ACME/Payments/Checkout-API"), List.of(), List.of())), List.of("production"));

    final GitLabSource source = new GitLabSource();

    Mapping map(final String event, final ObjectNode body) {
        return source.map(request(event, body), ServiceCatalog.empty());
    }

    Mapping map(final String event, final String fixture, final Consumer<ObjectNode> change) {
        final ObjectNode body = json(fixture);
        change.accept(body);
        return map(event, body);
    }

    InvalidEventException rejected(final String event, final String fixture, final Consumer<ObjectNode> change) {
        return assertThrows(InvalidEventException.class, () -> map(event, fixture, change));
    }

    static ObjectNode attributes(final ObjectNode body) {
        return (ObjectNode) body.get("object_attributes");
    }

    @Test
    void identifiesItself() {
        assertEquals("gitlab", source.name());
        assertEquals("DORA_GITLAB_TOKEN", source.secretVariable());
    }

    @Nested
    class Verification {

        final byte[] secret = TOKEN.getBytes(StandardCharsets.UTF_8);
        final byte[] body = bytes("push.main.json");

        @Test
        void acceptsTheConfiguredToken() {
            assertEquals(Optional.empty(), source.verify(request("Push Hook", body), secret));
            assertEquals(Optional.empty(), source.verify(
                    request("Push Hook", body, "X-Gitlab-Token", null, "x-gitlab-token", TOKEN), secret));
        }

        @Test
        void rejectsAMissingToken() {
            assertEquals(Optional.of("missing X-Gitlab-Token header"),
                    source.verify(request("Push Hook", body, "X-Gitlab-Token", null), secret));
            assertEquals(Optional.of("missing X-Gitlab-Token header"),
                    source.verify(request("Push Hook", body, "X-Gitlab-Token", ""), secret));
        }

        @Test
        void rejectsAWrongToken() {
            for (final String wrong : List.of("gl-t0ken-ete", TOKEN + "x", TOKEN.substring(1), "x", TOKEN.toUpperCase())) {
                final Optional<String> problem = source.verify(request("Push Hook", body, "X-Gitlab-Token", wrong),
                        secret);
                assertEquals(Optional.of("X-Gitlab-Token does not match"), problem, wrong);
            }
        }

        @Test
        void refusesWithoutASecretAndNeverEchoesIt() {
            final Optional<String> problem = source.verify(request("Push Hook", body), new byte[0]);
            assertTrue(problem.orElseThrow().contains("DORA_GITLAB_TOKEN"));
            final Optional<String> wrong = source.verify(request("Push Hook", body, "X-Gitlab-Token", "guess"), secret);
            assertFalse(wrong.orElseThrow().contains(TOKEN));
        }

        @Test
        void deliveryIdIsTheIdempotencyKey() {
            assertEquals("7f3c2a9e-0b1d-4e5f-8a6b-1c2d3e4f5a6b", source.deliveryId(request("Push Hook", body,
                    "Idempotency-Key", "7f3c2a9e-0b1d-4e5f-8a6b-1c2d3e4f5a6b")));
            assertNull(source.deliveryId(request("Push Hook", body, "X-Gitlab-Event-UUID", "not-a-delivery-id")));
        }
    }

    @Nested
    class Push {

        @Test
        void mapsEachCommitToAChangeChainedFromBefore() {
            final Mapping mapping = revalidated(map("Push Hook", json("push.main.json")));
            assertEquals(3, mapping.events().size());
            final ChangeEvent first = (ChangeEvent) mapping.events().get(0);
            final ChangeEvent second = (ChangeEvent) mapping.events().get(1);
            final ChangeEvent third = (ChangeEvent) mapping.events().get(2);
            assertEquals(A1, first.getId());
            assertEquals(A1, first.getSha());
            assertEquals(List.of(BEFORE), first.getParents());
            assertEquals(Instant.parse("2026-03-02T08:15:00Z"), first.getCommittedAt());
            assertEquals(first.getCommittedAt(), first.getOccurredAt());
            assertEquals(B2, second.getSha(), "upper-case shas are lower-cased");
            assertEquals(List.of(A1), second.getParents());
            assertEquals(Instant.parse("2026-03-02T09:20:30Z"), second.getCommittedAt());
            assertEquals(List.of(B2), third.getParents());
            assertEquals(Instant.parse("2026-03-02T11:45:10Z"), third.getCommittedAt());
            for (final ChangeEvent change : List.of(first, second, third)) {
                assertEquals("checkout-api", change.getService());
                assertNull(change.getTeam());
                assertEquals("gitlab", change.getSource());
                assertEquals("acme/payments/checkout-api", change.getRepo());
                assertEquals("main", change.getBranch());
                assertEquals(List.of(), change.getLabels(), "a push knows no labels");
                assertNull(change.getAuthoredAt());
            }
            assertEquals(List.of("checkout-api"), mapping.unmappedServices());
        }

        @Test
        void neverCopiesAuthorNamesOrEmails() {
            final String events = map("Push Hook", json("push.main.json")).events().stream()
                    .map(e -> CanonicalEvents.toJson(e).toString()).reduce("", String::concat);
            for (final String personal : List.of("Ada", "Grace", "example.com", "example.org", "ada")) {
                assertFalse(events.contains(personal), personal + " in " + events);
            }
        }

        @Test
        void usesTheCatalog() {
            final Mapping mapping = revalidated(source.map(request("Push Hook", bytes("push.main.json")), CATALOG));
            for (final var event : mapping.events()) {
                assertEquals("checkout", ((ChangeEvent) event).getService());
                assertEquals("payments", ((ChangeEvent) event).getTeam());
            }
            assertEquals(List.of(), mapping.unmappedServices());
        }

        @Test
        void theFirstCommitOfANewBranchHasNoParent() {
            final Mapping mapping = revalidated(map("Push Hook", "push.main.json", b -> b.put("before", ZEROS)));
            assertEquals(List.of(), ((ChangeEvent) mapping.events().get(0)).getParents());
            assertEquals(List.of(A1), ((ChangeEvent) mapping.events().get(1)).getParents());
        }

        @Test
        void chainsCommitsListedNewestFirstInHistoryOrder() {
            final Mapping mapping = revalidated(map("Push Hook", "push.main.json", b -> {
                final ArrayNode commits = (ArrayNode) b.get("commits");
                final ArrayNode reversed = b.arrayNode();
                for (int i = commits.size() - 1; i >= 0; i--) {
                    reversed.add(commits.get(i));
                }
                b.set("commits", reversed);
            }));
            assertEquals(A1, ((ChangeEvent) mapping.events().get(0)).getSha());
            assertEquals(List.of(B2), ((ChangeEvent) mapping.events().get(2)).getParents());
        }

        @Test
        void worksWithoutTheEventHeader() {
            final Mapping mapping = revalidated(source.map(request(null, bytes("push.main.json")),
                    ServiceCatalog.empty()));
            assertEquals(3, mapping.events().size());
            assertEquals(A1, ((ChangeEvent) mapping.events().get(0)).getSha());
            assertEquals(List.of(BEFORE), ((ChangeEvent) mapping.events().get(0)).getParents());
        }

        @Test
        void ignoresOtherBranchesNamingThem() {
            final Mapping mapping = map("Push Hook", json("push.feature-branch.json"));
            assertEquals(List.of(), mapping.events());
            assertTrue(mapping.ignored().contains("'feature/login'"), mapping.ignored());
            assertTrue(mapping.ignored().contains("'main'"), mapping.ignored());
        }

        @Test
        void ignoresTagsDeletionsAndEmptyPushes() {
            assertTrue(map("Tag Push Hook", "push.main.json", b -> {
                b.put("object_kind", "tag_push");
                b.put("ref", "refs/tags/v1.0.0");
            }).ignored().contains("tag_push"));
            assertTrue(map("Push Hook", "push.main.json", b -> b.put("ref", "refs/tags/v1.0.0"))
                    .ignored().contains("refs/tags/v1.0.0"));
            assertTrue(map("Push Hook", "push.main.json", b -> {
                b.put("after", ZEROS);
                b.putArray("commits");
            }).ignored().contains("deletes"));
            assertTrue(map("Push Hook", "push.main.json", b -> b.putArray("commits")).ignored().contains("no commits"));
        }

        @Test
        void rejectsMalformedCommitsNamingTheField() {
            assertEquals("commits[1].timestamp", rejected("Push Hook", "push.main.json",
                    b -> ((ObjectNode) b.get("commits").get(1)).put("timestamp", "last tuesday")).field());
            assertEquals("commits[2].timestamp", rejected("Push Hook", "push.main.json",
                    b -> ((ObjectNode) b.get("commits").get(2)).remove("timestamp")).field());
            assertEquals("commits[0].id", rejected("Push Hook", "push.main.json",
                    b -> ((ObjectNode) b.get("commits").get(0)).put("id", "a1a1a1a")).field());
            assertEquals("commits", rejected("Push Hook", "push.main.json", b -> b.remove("commits")).field());
            assertEquals("before", rejected("Push Hook", "push.main.json", b -> b.put("before", "nope")).field());
            assertEquals("project.path_with_namespace", rejected("Push Hook", "push.main.json",
                    b -> ((ObjectNode) b.get("project")).remove("path_with_namespace")).field());
            assertEquals("project.default_branch", rejected("Push Hook", "push.main.json",
                    b -> ((ObjectNode) b.get("project")).putNull("default_branch")).field());
            assertEquals("ref", rejected("Push Hook", "push.main.json", b -> b.put("ref", 3)).field());
        }
    }

    @Nested
    class MergeRequest {

        @Test
        void aSquashMergeYieldsTheSquashCommit() {
            final Mapping mapping = revalidated(map("Merge Request Hook", json("merge_request.merged.squash.json")));
            assertEquals(1, mapping.events().size());
            final ChangeEvent change = (ChangeEvent) mapping.events().get(0);
            assertEquals(E5, change.getSha());
            assertEquals(E5, change.getId());
            assertEquals(List.of(), change.getParents());
            assertEquals(Instant.parse("2026-03-02T12:00:05Z"), change.getCommittedAt(), "updated_at of the merge");
            assertEquals(Instant.parse("2026-03-01T08:00:00Z"), change.getOccurredAt(), "created_at of the MR");
            assertEquals("main", change.getBranch());
            assertEquals("acme/payments/checkout-api", change.getRepo());
            assertEquals("checkout-api", change.getService());
            assertEquals("gitlab", change.getSource());
            assertEquals(List.of("Hotfix", "backend"), change.getLabels(), "the merge request's labels, each once");
            assertEquals(List.of("checkout-api"), mapping.unmappedServices());
        }

        @Test
        void readsLabelsFromEitherPlaceAndSkipsOddOnes() {
            final ChangeEvent fromAttributes = (ChangeEvent) revalidated(map("Merge Request Hook",
                    "merge_request.merged.squash.json", b -> b.remove("labels"))).events().get(0);
            assertEquals(List.of("Hotfix"), fromAttributes.getLabels());
            final ChangeEvent unlabelled = (ChangeEvent) revalidated(map("Merge Request Hook",
                    "merge_request.merged.squash.json", b -> {
                        b.remove("labels");
                        attributes(b).putNull("labels");
                    })).events().get(0);
            assertEquals(List.of(), unlabelled.getLabels());
            final ChangeEvent odd = (ChangeEvent) revalidated(map("Merge Request Hook",
                    "merge_request.merged.squash.json", b -> {
                        b.putArray("labels").add(b.objectNode().put("title", " "))
                                .add(b.objectNode().put("id", 1))
                                .add(b.objectNode().put("title", "x".repeat(CanonicalEvents.MAX_LABEL_CHARS + 1)))
                                .add(b.objectNode().put("title", "HOTFIX"));
                    })).events().get(0);
            assertEquals(List.of("HOTFIX"), odd.getLabels(), "one label of an odd name costs not the event");
        }

        @Test
        void aMergeCommitHasTheSourceHeadAsParent() {
            final ChangeEvent change = (ChangeEvent) revalidated(map("Merge Request Hook",
                    "merge_request.merged.squash.json", b -> {
                        attributes(b).put("merge_commit_sha", C3);
                        attributes(b).putNull("squash_commit_sha");
                    })).events().get(0);
            assertEquals(C3, change.getSha());
            assertEquals(List.of(B2), change.getParents());
        }

        @Test
        void aSquashedMergeCommitHasTheSquashCommitAsParent() {
            final ChangeEvent change = (ChangeEvent) revalidated(map("Merge Request Hook",
                    "merge_request.merged.squash.json", b -> attributes(b).put("merge_commit_sha", C3)))
                    .events().get(0);
            assertEquals(C3, change.getSha());
            assertEquals(List.of(E5), change.getParents());
        }

        @Test
        void prefersMergedAtWhenPresent() {
            final ChangeEvent change = (ChangeEvent) revalidated(map("Merge Request Hook",
                    "merge_request.merged.squash.json", b -> attributes(b).put("merged_at", "2026-03-02T12:00:03.250Z")))
                    .events().get(0);
            assertEquals(Instant.parse("2026-03-02T12:00:03.250Z"), change.getCommittedAt());
        }

        @Test
        void usesTheCatalog() {
            final Mapping mapping = revalidated(source.map(
                    request("Merge Request Hook", bytes("merge_request.merged.squash.json")), CATALOG));
            assertEquals("checkout", ((ChangeEvent) mapping.events().get(0)).getService());
            assertEquals("payments", ((ChangeEvent) mapping.events().get(0)).getTeam());
            assertEquals(List.of(), mapping.unmappedServices());
        }

        @Test
        void ignoresWhatIsNotAMergeIntoTheDefaultBranch() {
            assertTrue(map("Merge Request Hook", "merge_request.merged.squash.json",
                    b -> attributes(b).put("action", "update")).ignored().contains("'update'"));
            assertTrue(map("Merge Request Hook", "merge_request.merged.squash.json",
                    b -> attributes(b).put("target_branch", "release/1.x")).ignored().contains("'release/1.x'"));
            assertTrue(map("Merge Request Hook", "merge_request.merged.squash.json",
                    b -> attributes(b).putNull("squash_commit_sha")).ignored().contains("fast-forward"));
        }

        @Test
        void rejectsMalformedPayloadsNamingTheField() {
            assertEquals("object_attributes.squash_commit_sha", rejected("Merge Request Hook",
                    "merge_request.merged.squash.json", b -> attributes(b).put("squash_commit_sha", "e5e5")).field());
            assertEquals("object_attributes.updated_at", rejected("Merge Request Hook",
                    "merge_request.merged.squash.json", b -> attributes(b).put("updated_at", "2026-03-02")).field());
            assertEquals("object_attributes", rejected("Merge Request Hook",
                    "merge_request.merged.squash.json", b -> b.remove("object_attributes")).field());
        }
    }

    @Nested
    class Deployment {

        @Test
        void aSuccessIsFinishedWithTheFullShaFromTheCommitUrl() {
            final Mapping mapping = revalidated(map("Deployment Hook", json("deployment.success.json")));
            final DeploymentEvent deployment = (DeploymentEvent) mapping.events().get(0);
            assertEquals("7001", deployment.getId());
            assertEquals(DeploymentStatus.success, deployment.getStatus());
            assertEquals("production", deployment.getEnvironment());
            assertEquals(C3, deployment.getSha());
            assertEquals(Instant.parse("2026-03-02T12:30:19Z"), deployment.getOccurredAt());
            assertEquals(Instant.parse("2026-03-02T12:30:19Z"), deployment.getFinishedAt());
            assertNull(deployment.getStartedAt());
            assertEquals("checkout-api", deployment.getService());
            assertEquals("gitlab", deployment.getSource());
            assertEquals(List.of("checkout-api"), mapping.unmappedServices());
        }

        @Test
        void aFailureIsFinished() {
            final DeploymentEvent deployment = (DeploymentEvent) revalidated(
                    map("Deployment Hook", json("deployment.failed.json"))).events().get(0);
            assertEquals("7002", deployment.getId());
            assertEquals(DeploymentStatus.failure, deployment.getStatus());
            assertEquals(Instant.parse("2026-03-02T12:50:00Z"), deployment.getFinishedAt());
        }

        @Test
        void aRunningDeploymentIsNotFinished() {
            final DeploymentEvent deployment = (DeploymentEvent) revalidated(
                    map("Deployment Hook", json("deployment.running.json"))).events().get(0);
            assertEquals(DeploymentStatus.in_progress, deployment.getStatus());
            assertEquals(Instant.parse("2026-03-02T12:25:00Z"), deployment.getOccurredAt());
            assertNull(deployment.getFinishedAt());
            assertEquals(C3, deployment.getSha());
        }

        @ParameterizedTest
        @CsvSource({"created, pending, false", "running, in_progress, false", "success, success, true",
                "failed, failure, true", "canceled, cancelled, true"})
        void mapsEachStatus(final String gitlab, final DeploymentStatus status, final boolean finished) {
            final DeploymentEvent deployment = (DeploymentEvent) revalidated(map("Deployment Hook",
                    "deployment.running.json", b -> b.put("status", gitlab))).events().get(0);
            assertEquals(status, deployment.getStatus());
            assertEquals(finished, deployment.getFinishedAt() != null);
        }

        @Test
        void ignoresOtherStatusesNamingThem() {
            for (final String status : List.of("blocked", "skipped")) {
                final Mapping mapping = map("Deployment Hook", "deployment.running.json", b -> b.put("status", status));
                assertEquals(List.of(), mapping.events());
                assertTrue(mapping.ignored().contains("'" + status + "'"), mapping.ignored());
            }
        }

        @Test
        void usesTheCatalog() {
            final Mapping mapping = revalidated(source.map(request("Deployment Hook",
                    bytes("deployment.success.json")), CATALOG));
            assertEquals("checkout", ((DeploymentEvent) mapping.events().get(0)).getService());
            assertEquals("payments", ((DeploymentEvent) mapping.events().get(0)).getTeam());
            assertEquals(List.of(), mapping.unmappedServices());
        }

        @Test
        void withoutACommitUrlTheShaIsUnknown() {
            assertNull(((DeploymentEvent) revalidated(map("Deployment Hook", "deployment.success.json",
                    b -> b.remove("commit_url"))).events().get(0)).getSha());
        }

        @Test
        void rejectsMalformedPayloadsNamingTheField() {
            assertEquals("commit_url", rejected("Deployment Hook", "deployment.success.json",
                    b -> b.put("commit_url", "https://gitlab.example.com/acme/payments/checkout-api/-/commit/c3c3c3c3"))
                    .field());
            assertEquals("commit_url", rejected("Deployment Hook", "deployment.success.json",
                    b -> b.put("short_sha", "deadbeef")).field());
            assertEquals("deployment_id", rejected("Deployment Hook", "deployment.success.json",
                    b -> b.remove("deployment_id")).field());
            assertEquals("status_changed_at", rejected("Deployment Hook", "deployment.success.json",
                    b -> b.put("status_changed_at", "2026-03-02 12:30:19")).field());
            assertEquals("environment", rejected("Deployment Hook", "deployment.success.json",
                    b -> b.put("environment", "")).field());
            assertEquals("status", rejected("Deployment Hook", "deployment.success.json",
                    b -> b.remove("status")).field());
        }
    }

    @Nested
    class Incident {

        @Test
        void anIncidentOpenedAsAWorkItem() {
            final Mapping mapping = revalidated(map("Issue Hook", json("incident.opened.work_item.json")));
            final IncidentEvent incident = (IncidentEvent) mapping.events().get(0);
            assertEquals("gitlab-incident-555001", incident.getId());
            assertEquals(IncidentStatus.open, incident.getStatus());
            assertEquals("production", incident.getEnvironment());
            assertEquals(Instant.parse("2026-03-02T13:05:12.480Z"), incident.getOpenedAt());
            assertEquals(Instant.parse("2026-03-02T13:05:12.480Z"), incident.getOccurredAt());
            assertNull(incident.getResolvedAt());
            assertEquals(Severity.SEV1, incident.getSeverity());
            assertEquals(C3, incident.getCauseSha());
            assertEquals("7001", incident.getCauseDeploymentId());
            assertEquals("checkout-api", incident.getService());
            assertEquals("gitlab", incident.getSource());
            assertEquals(List.of("checkout-api"), mapping.unmappedServices());
        }

        @Test
        void anIncidentClosedAsAnIssue() {
            final IncidentEvent incident = (IncidentEvent) revalidated(
                    map("Issue Hook", json("incident.closed.issue.json"))).events().get(0);
            assertEquals("gitlab-incident-555001", incident.getId());
            assertEquals(IncidentStatus.resolved, incident.getStatus());
            assertEquals(Instant.parse("2026-03-02T13:05:12.480Z"), incident.getOpenedAt());
            assertEquals(Instant.parse("2026-03-02T14:41:07.655Z"), incident.getResolvedAt());
            assertEquals(Instant.parse("2026-03-02T14:41:07.903Z"), incident.getOccurredAt());
            assertEquals(Severity.SEV2, incident.getSeverity());
            assertNull(incident.getCauseSha());
            assertNull(incident.getCauseDeploymentId());
        }

        @Test
        void reopeningAndEditingRestateTheIncident() {
            final IncidentEvent reopened = (IncidentEvent) revalidated(map("Issue Hook", "incident.closed.issue.json",
                    b -> {
                        attributes(b).put("action", "reopen").put("state", "opened").putNull("closed_at")
                                .put("updated_at", "2026-03-02T16:00:00.000Z");
                    })).events().get(0);
            assertEquals(IncidentStatus.open, reopened.getStatus());
            assertEquals(Instant.parse("2026-03-02T16:00:00Z"), reopened.getOccurredAt());
            final IncidentEvent edited = (IncidentEvent) revalidated(map("Issue Hook", "incident.closed.issue.json",
                    b -> attributes(b).put("action", "update")
                            .put("description", "Postmortem done.\n  Root Cause: " + B2 + "\n"))).events().get(0);
            assertEquals(IncidentStatus.resolved, edited.getStatus());
            assertEquals(B2, edited.getCauseSha());
        }

        @Test
        void recognisesTheIssueTypeField() {
            final Mapping mapping = revalidated(map("Issue Hook", "incident.opened.work_item.json", b -> {
                attributes(b).remove("type");
                attributes(b).put("issue_type", "incident");
            }));
            assertEquals(1, mapping.events().size());
        }

        @Test
        void causesMayAppearWithinALineButNeedAFullSha() {
            final IncidentEvent named = (IncidentEvent) revalidated(map("Issue Hook",
                    "incident.opened.work_item.json", b -> attributes(b).put("description",
                            "Postmortem: the Root Cause: " + B2 + ", caused by: 7002."))).events().get(0);
            assertEquals(B2, named.getCauseSha());
            assertEquals("7002", named.getCauseDeploymentId());
            final IncidentEvent unnamed = (IncidentEvent) revalidated(map("Issue Hook",
                    "incident.opened.work_item.json", b -> attributes(b).put("description",
                            "root cause: c3c3c3c (short)\nroot cause: " + C3 + "ff\ncaused by: \n"))).events().get(0);
            assertNull(unnamed.getCauseSha());
            assertNull(unnamed.getCauseDeploymentId());
        }

        @Test
        void usesTheCatalog() {
            final Mapping mapping = revalidated(source.map(request("Issue Hook",
                    bytes("incident.opened.work_item.json")), CATALOG));
            assertEquals("checkout", ((IncidentEvent) mapping.events().get(0)).getService());
            assertEquals("payments", ((IncidentEvent) mapping.events().get(0)).getTeam());
            assertEquals(List.of(), mapping.unmappedServices());
        }

        @Test
        void ignoresIssuesThatAreNotIncidents() {
            final Mapping mapping = map("Issue Hook", json("issue.not-incident.json"));
            assertEquals(List.of(), mapping.events());
            assertTrue(mapping.ignored().contains("not an incident"), mapping.ignored());
            assertTrue(mapping.ignored().contains("#8"), mapping.ignored());
        }

        @Test
        void rejectsMalformedPayloadsNamingTheField() {
            assertEquals("object_attributes.closed_at", rejected("Issue Hook", "incident.closed.issue.json",
                    b -> attributes(b).putNull("closed_at")).field());
            assertEquals("object_attributes.created_at", rejected("Issue Hook", "incident.opened.work_item.json",
                    b -> attributes(b).put("created_at", "28/05/2026")).field());
            assertEquals("object_attributes.id", rejected("Issue Hook", "incident.opened.work_item.json",
                    b -> attributes(b).remove("id")).field());
        }
    }

    @Nested
    class Envelope {

        @Test
        void ignoresOtherHooksNamingThem() {
            // a Job Hook's object kind is "build": one job, not the pipeline (the Pipeline Hook is the build)
            final Mapping mapping = map("Job Hook", "deployment.success.json", b -> b.put("object_kind", "build"));
            assertEquals(List.of(), mapping.events());
            assertTrue(mapping.ignored().contains("Job Hook"), mapping.ignored());
            assertTrue(mapping.ignored().contains("'build'"), mapping.ignored());
            assertTrue(map("Note Hook", "push.main.json", b -> b.put("object_kind", "note"))
                    .ignored().contains("'note'"));
        }

        @Test
        void rejectsAnObjectKindThatContradictsTheHeader() {
            final InvalidEventException e = assertThrows(InvalidEventException.class,
                    () -> map("Deployment Hook", json("push.main.json")));
            assertEquals("object_kind", e.field());
        }

        @Test
        void rejectsBodiesThatAreNotJsonObjects() {
            for (final String body : List.of("not json", "[1, 2]", "")) {
                final WebhookRequest request = request("Push Hook", body.getBytes(StandardCharsets.UTF_8));
                final InvalidEventException e = assertThrows(InvalidEventException.class,
                        () -> source.map(request, ServiceCatalog.empty()));
                assertEquals("body", e.field(), body);
            }
        }

        @Test
        void rejectsABodyWithoutObjectKindOrKnownHeader() {
            final ObjectNode body = json("push.main.json");
            body.remove("object_kind");
            assertEquals("object_kind", assertThrows(InvalidEventException.class,
                    () -> map("System Hook", body)).field());
            revalidated(map("Push Hook", body));
        }
    }
}
