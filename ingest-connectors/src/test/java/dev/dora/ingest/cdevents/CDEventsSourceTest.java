package dev.dora.ingest.cdevents;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
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
import dev.dora.ingest.catalog.ServiceCatalogYaml;
import dev.dora.ingest.webhook.Mapping;
import dev.dora.ingest.webhook.WebhookRequest;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** CDEvents over CloudEvents HTTP (binary and structured mode) against fixtures shaped like spec 0.4/0.5 events. */
@Tag("unit")
class CDEventsSourceTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TOKEN = "s3cr3t-cdevents-token";
    private static final byte[] SECRET = TOKEN.getBytes(StandardCharsets.UTF_8);
    private static final ServiceCatalog CATALOG = ServiceCatalogYaml.parse("""
            production: [production, prod]
            services:
              - name: shop
                team: retail
                repositories: [acme/shop]
                pagerduty: [Shop API]
                applications: [shop-app]
            """);

    private final CDEventsSource source = new CDEventsSource();

    // ---- deployments -------------------------------------------------------------------------------------------

    @Test
    void binaryServiceDeployedIsASuccessfulDeploymentMappedThroughTheCatalog() {
        final Mapping mapping = map(binary(load("binary/service-deployed.json")));

        final DeploymentEvent deployment = single(mapping, DeploymentEvent.class);
        assertEquals("deploy-4711", deployment.getId());
        assertEquals("shop", deployment.getService(), "subject.id service/shop-app → application shop-app");
        assertEquals("retail", deployment.getTeam(), "the catalog's team wins over customData.team");
        assertEquals("production", deployment.getEnvironment());
        assertEquals(DeploymentStatus.success, deployment.getStatus());
        assertEquals(Instant.parse("2026-03-02T10:15:30.123Z"), deployment.getFinishedAt());
        assertEquals(deployment.getFinishedAt(), deployment.getOccurredAt());
        assertEquals("fc95a768cd3969583f8086152319430b2405a3b1", deployment.getSha(), "lower-cased");
        assertNull(deployment.getRollbackOf());
        assertEquals("cdevents", deployment.getSource());
        assertEquals(List.of(), mapping.unmappedServices());
    }

    @Test
    void structuredServiceUpgradedOfAnOlderVersionWithoutCatalogEntryIsUnmapped() {
        final Mapping mapping = map(structured(load("structured/service-upgraded.json")));

        final DeploymentEvent deployment = single(mapping, DeploymentEvent.class);
        assertEquals("3c9b8a7d-6e5f-4a3b-9c1d-0e2f4a6b8c0d", deployment.getId(), "no deploymentId: context.id");
        assertEquals("payments-api", deployment.getService());
        assertEquals("billing", deployment.getTeam(), "customData.team without a catalog entry");
        assertEquals("prod", deployment.getEnvironment());
        assertEquals(Instant.parse("2026-03-03T13:20:00Z"), deployment.getFinishedAt(), "offset applied");
        assertEquals("dd5cb3e0cce8dc372da9199fc3358faba87c8323", deployment.getSha());
        assertEquals(List.of("payments-api"), mapping.unmappedServices());
    }

    @Test
    void rolledbackIsASuccessfulDeploymentThatRollsBackAnother() {
        final DeploymentEvent deployment = single(map(structured(load("structured/service-rolledback.json"))),
                DeploymentEvent.class);
        assertEquals("deploy-4712", deployment.getId());
        assertEquals("deploy-4711", deployment.getRollbackOf());
        assertEquals(DeploymentStatus.success, deployment.getStatus());
        assertEquals("shop", deployment.getService());
        assertEquals("d4952a8ded6339e8c6562d9ccfe2a5672344c01e", deployment.getSha());
    }

    @Test
    void rollbackOfIsOnlyReadFromRolledbackEvents() {
        final ObjectNode data = load("binary/service-deployed.json");
        custom(data).put("rollbackOf", "deploy-1");
        assertNull(single(map(binary(data)), DeploymentEvent.class).getRollbackOf());
    }

    @Test
    void aDeploymentWithoutShaIsStillAccepted() {
        final ObjectNode data = load("binary/service-deployed.json");
        custom(data).remove("sha");
        final DeploymentEvent deployment = single(map(binary(data)), DeploymentEvent.class);
        assertNull(deployment.getSha());
        assertEquals("deploy-4711", deployment.getId());
    }

    @Test
    void aDeploymentWithoutAnyCustomDataUsesSpecFieldsOnly() {
        final ObjectNode data = load("binary/service-deployed.json");
        data.remove("customData");
        data.remove("customDataContentType");
        final Mapping mapping = map(binary(data));
        final DeploymentEvent deployment = single(mapping, DeploymentEvent.class);
        assertEquals("0b6d2f4e-3c51-4a8f-8d1e-6a2b9c7f0e13", deployment.getId());
        assertEquals("shop", deployment.getService());
        assertNull(deployment.getSha());
    }

    @Test
    void serviceFallsBackToTheArtifactNameThenToTheSubjectId() {
        final ObjectNode data = load("binary/service-deployed.json");
        subject(data).put("id", "deployments/shop-v2");
        content(data).put("artifactId", "pkg:oci/shop-app@sha256%3Aabc?repository_url=registry.example.com");
        assertEquals("shop", single(map(binary(data)), DeploymentEvent.class).getService(), "purl name shop-app");

        content(data).put("artifactId", "pkg:oci/unknown-image@1.0");
        final Mapping unmapped = map(binary(data));
        assertEquals("shop-v2", single(unmapped, DeploymentEvent.class).getService(), "last segment of subject.id");
        assertEquals(List.of("shop-v2"), unmapped.unmappedServices());
    }

    @Test
    void customDataServiceMayNameACatalogServiceOrApplication() {
        final ObjectNode data = load("binary/service-deployed.json");
        custom(data).put("service", "shop");
        subject(data).put("id", "something-else");
        assertEquals("shop", single(map(binary(data)), DeploymentEvent.class).getService());
        custom(data).put("service", "SHOP-APP");
        assertEquals("shop", single(map(binary(data)), DeploymentEvent.class).getService());
    }

    @Test
    void customDataSentAsAJsonStringIsRead() {
        final ObjectNode data = load("binary/service-deployed.json");
        data.put("customData", custom(data).toString());
        assertEquals("deploy-4711", single(map(binary(data)), DeploymentEvent.class).getId());
    }

    // ---- changes -----------------------------------------------------------------------------------------------

    @Test
    void changeMergedIsAChangeWithShaAndParentsFromCustomData() {
        final Mapping mapping = map(binary(load("binary/change-merged.json")));
        final ChangeEvent change = single(mapping, ChangeEvent.class);
        assertEquals("77dd133eef92c49f3dca97327ce72e4eee15e106", change.getSha());
        assertEquals(change.getSha(), change.getId());
        assertEquals(List.of("5da16f820a6ee7d49ad271272b50d3596b02f8c2", "4c47ed9a3ebdd5747b280ff12dde0e3a2e54694f"),
                change.getParents());
        assertEquals(Instant.parse("2026-03-02T09:01:02Z"), change.getCommittedAt());
        assertEquals(change.getCommittedAt(), change.getOccurredAt());
        assertEquals("shop", change.getService(), "repository acme/shop through the catalog");
        assertEquals("retail", change.getTeam());
        assertEquals("acme/shop", change.getRepo());
        assertEquals("main", change.getBranch());
        assertEquals(List.of(), mapping.unmappedServices());
    }

    @Test
    void structuredChangeMergedMapsTheSame() {
        assertEquals(single(map(binary(load("binary/change-merged.json"))), ChangeEvent.class),
                single(map(structured(load("structured/change-merged.json"))), ChangeEvent.class));
    }

    @Test
    void changeWithoutParentsHasNoneAndAnUnknownRepositoryFallsBackToItsName() {
        final ObjectNode data = load("binary/change-merged.json");
        custom(data).remove("parents");
        ((ObjectNode) content(data).get("repository")).put("id", "https://git.example.com/acme/cart.git");
        final Mapping mapping = map(binary(data));
        final ChangeEvent change = single(mapping, ChangeEvent.class);
        assertEquals(List.of(), change.getParents());
        assertEquals("cart", change.getService());
        assertEquals(List.of("cart"), mapping.unmappedServices());
    }

    @Test
    void aRepositoryUrlIsLookedUpByItsPath() {
        final ObjectNode data = load("binary/change-merged.json");
        ((ObjectNode) content(data).get("repository")).put("id", "https://git.example.com/acme/shop.git");
        assertEquals("shop", single(map(binary(data)), ChangeEvent.class).getService());
    }

    @Test
    void theCatalogEntryOfTheRepositoryWinsOverCustomDataService() {
        final ObjectNode data = load("binary/change-merged.json");
        custom(data).put("service", "storefront");
        assertEquals("shop", single(map(binary(data)), ChangeEvent.class).getService());
        ((ObjectNode) content(data).get("repository")).put("id", "acme/unknown");
        final Mapping mapping = map(binary(data));
        assertEquals("storefront", single(mapping, ChangeEvent.class).getService());
        assertEquals(List.of("storefront"), mapping.unmappedServices());
    }

    @Test
    void changeMergedWithoutShaIsIgnoredNotRejected() {
        final ObjectNode data = load("binary/change-merged.json");
        custom(data).remove("sha");
        final Mapping mapping = map(binary(data));
        assertTrue(mapping.events().isEmpty());
        assertTrue(mapping.ignored().contains("customData.sha"), mapping.ignored());
    }

    @Test
    void aSubjectIdThatIsAShaIsTheChangesSha() {
        final ObjectNode data = load("binary/change-merged.json");
        custom(data).remove("sha");
        subject(data).put("id", "ABCDEF0123456789ABCDEF0123456789ABCDEF01");
        assertEquals("abcdef0123456789abcdef0123456789abcdef01", single(map(binary(data)), ChangeEvent.class).getSha());
    }

    // ---- incidents ---------------------------------------------------------------------------------------------

    @Test
    void incidentDetectedIsAnOpenIncident() {
        final IncidentEvent incident = single(map(binary(load("binary/incident-detected.json"))), IncidentEvent.class);
        assertEquals("incident-shop-17", incident.getId());
        assertEquals(IncidentStatus.open, incident.getStatus());
        assertEquals(Instant.parse("2026-03-02T11:00:00Z"), incident.getOpenedAt());
        assertNull(incident.getResolvedAt());
        assertEquals("shop", incident.getService());
        assertEquals("production", incident.getEnvironment());
        assertEquals(Severity.SEV2, incident.getSeverity());
        assertEquals("deploy-4711", incident.getCauseDeploymentId());
    }

    @Test
    void incidentReportedIsAnOpenIncidentNamedByCustomDataService() {
        final Mapping mapping = map(structured(load("structured/incident-reported.json")));
        final IncidentEvent incident = single(mapping, IncidentEvent.class);
        assertEquals("OPS-881", incident.getId());
        assertEquals(IncidentStatus.open, incident.getStatus());
        assertEquals("payments-api", incident.getService());
        assertEquals("billing", incident.getTeam());
        assertEquals("prod", incident.getEnvironment());
        assertEquals(List.of("payments-api"), mapping.unmappedServices());
    }

    @Test
    void incidentResolvedTakesOpenedAtFromCustomData() {
        final IncidentEvent incident = single(map(binary(load("binary/incident-resolved.json"))), IncidentEvent.class);
        assertEquals(IncidentStatus.resolved, incident.getStatus());
        assertEquals("incident-shop-17", incident.getId());
        assertEquals(Instant.parse("2026-03-02T11:00:00Z"), incident.getOpenedAt());
        assertEquals(Instant.parse("2026-03-02T11:45:10.500Z"), incident.getResolvedAt());
        assertEquals(incident.getResolvedAt(), incident.getOccurredAt());
    }

    @Test
    void incidentResolvedWithoutOpenedAtIsRefusedRatherThanRestoredInZeroSeconds() {
        final ObjectNode data = load("binary/incident-resolved.json");
        data.remove("customData");
        final InvalidEventException e = assertThrows(InvalidEventException.class, () -> map(binary(data)));
        assertTrue(e.getMessage().startsWith("customData.openedAt"), e.getMessage());
    }

    @Test
    void anIncidentNamesItsServiceByArtifactWhenItHasNoServiceSubject() {
        final ObjectNode data = load("binary/incident-detected.json");
        content(data).remove("service");
        content(data).put("artifactId", "pkg:oci/shop-app@sha256%3Aabc");
        assertEquals("shop", single(map(binary(data)), IncidentEvent.class).getService());
        content(data).remove("artifactId");
        final InvalidEventException e = assertThrows(InvalidEventException.class, () -> map(binary(data)));
        assertEquals("subject.content.service.id", e.field());
    }

    // ---- ignored -----------------------------------------------------------------------------------------------

    @Test
    void unmappedTypesAreIgnoredNamingTheType() {
        // a pipeline run without its branch is ignored too (PipelineRunsTest); a task run is not mapped at all
        final ObjectNode taskRun = load("binary/pipelinerun-finished.json");
        context(taskRun).put("type", "dev.cdevents.taskrun.finished.0.3.0");
        final Mapping mapping = map(binary(taskRun));
        assertTrue(mapping.events().isEmpty());
        assertTrue(mapping.ignored().startsWith("CDEvent type dev.cdevents.taskrun.finished.0.3.0 is not mapped"),
                mapping.ignored());
        assertTrue(map(binary(load("binary/pipelinerun-finished.json"))).ignored()
                .contains("dev.cdevents.pipelinerun.finished.0.3.0"));
    }

    @Test
    void unsupportedVersionsAndForeignTypesAreIgnored() {
        final ObjectNode future = load("binary/service-deployed.json");
        context(future).put("type", "dev.cdevents.service.deployed.0.4.0");
        assertTrue(map(binary(future)).ignored().contains("0.4.0"));
        final ObjectNode custom = load("binary/service-deployed.json");
        context(custom).put("type", "dev.cdeventsx.acme-deploy.finished.0.1.0");
        assertTrue(map(binary(custom)).ignored().contains("dev.cdeventsx.acme-deploy.finished.0.1.0"));
    }

    @Test
    void everyAcceptedVersionMaps() {
        for (final String version : List.of("0.1.0", "0.1.1", "0.2.0", "0.3.0", "0.3.1", "0.3.0-draft")) {
            final ObjectNode data = load("binary/service-deployed.json");
            context(data).put("type", "dev.cdevents.service.deployed." + version);
            single(map(binary(data)), DeploymentEvent.class);
        }
    }

    // ---- authenticity ------------------------------------------------------------------------------------------

    @Test
    void acceptsTheRightBearerTokenOnly() {
        final ObjectNode data = load("binary/service-deployed.json");
        assertEquals(Optional.empty(), source.verify(binary(data), SECRET));
        assertEquals(Optional.empty(), source.verify(withAuthorization(data, "bearer " + TOKEN), SECRET));
        assertTrue(source.verify(withAuthorization(data, null), SECRET).orElseThrow().contains("missing"));
        assertTrue(source.verify(withAuthorization(data, "Bearer wrong"), SECRET).orElseThrow().contains("wrong"));
        assertTrue(source.verify(withAuthorization(data, "Bearer " + TOKEN + "x"), SECRET).isPresent());
        assertTrue(source.verify(withAuthorization(data, "Bearer " + TOKEN.substring(1)), SECRET).isPresent());
        assertTrue(source.verify(withAuthorization(data, "Bearer "), SECRET).isPresent());
        assertTrue(source.verify(withAuthorization(data, "Basic " + Base64.getEncoder()
                .encodeToString(("user:" + TOKEN).getBytes(StandardCharsets.UTF_8))), SECRET).orElseThrow()
                .contains("Bearer"));
        assertTrue(source.verify(withAuthorization(data, TOKEN), SECRET).isPresent());
        assertTrue(source.verify(binary(data), new byte[0]).orElseThrow().contains("DORA_CDEVENTS_TOKEN"));
        source.verify(withAuthorization(data, "Bearer wrong"), SECRET)
                .ifPresent(reason -> assertTrue(!reason.contains(TOKEN), "never echoes the secret"));
    }

    @Test
    void nameAndSecretVariable() {
        assertEquals("cdevents", source.name());
        assertEquals("DORA_CDEVENTS_TOKEN", source.secretVariable());
    }

    // ---- delivery ids ------------------------------------------------------------------------------------------

    @Test
    void deliveryIdIsCloudEventSourceAndId() {
        final String expected = "/deployer/acme-prod|0b6d2f4e-3c51-4a8f-8d1e-6a2b9c7f0e13";
        final ObjectNode data = load("binary/service-deployed.json");
        assertEquals(expected, source.deliveryId(binary(data)));
        assertEquals("/deployer/acme-prod|8a7b6c5d-4e3f-4210-9fed-cba987654321",
                source.deliveryId(structured(load("structured/service-rolledback.json"))));
        assertEquals(expected, source.deliveryId(request(Map.of("Content-Type", "application/json"),
                data.toString())), "a bare CDEvent: context.source|context.id");
        assertNull(source.deliveryId(request(Map.of("Content-Type", "application/json"), "not json")));
    }

    // ---- malformed ---------------------------------------------------------------------------------------------

    @Test
    void malformedPayloadsNameTheField() {
        assertField("body", request(Map.of("ce-specversion", "1.0", "ce-type", "x"), "{not json"));
        assertField("ce-specversion", request(Map.of("ce-specversion", "0.3"), "{}"));
        assertField("content-type", request(Map.of("Content-Type", "application/cloudevents-batch+json"), "[]"));
        assertField("context", request(Map.of("ce-specversion", "1.0"), "{\"subject\":{}}"));

        final ObjectNode noTimestamp = load("binary/service-deployed.json");
        context(noTimestamp).remove("timestamp");
        assertField("context.timestamp", request(Map.of("ce-specversion", "1.0"), noTimestamp.toString()));

        final ObjectNode badTimestamp = load("binary/service-deployed.json");
        context(badTimestamp).put("timestamp", "2026-03-02 10:15:30");
        assertField("context.timestamp", binary(badTimestamp));

        final ObjectNode structuredBadTimestamp = load("structured/service-rolledback.json");
        context((ObjectNode) structuredBadTimestamp.get("data")).put("timestamp", "yesterday");
        assertField("data.context.timestamp", structured(structuredBadTimestamp));

        final ObjectNode noData = load("structured/service-rolledback.json");
        noData.remove("data");
        assertField("data", structured(noData));

        final ObjectNode noEnvironment = load("binary/service-deployed.json");
        content(noEnvironment).remove("environment");
        assertField("subject.content.environment", binary(noEnvironment));
        final ObjectNode noEnvironmentId = load("binary/service-deployed.json");
        ((ObjectNode) content(noEnvironmentId).get("environment")).remove("id");
        assertField("subject.content.environment.id", binary(noEnvironmentId));

        final ObjectNode shortSha = load("binary/service-deployed.json");
        custom(shortSha).put("sha", "abc123");
        assertField("customData.sha", binary(shortSha));

        final ObjectNode badParent = load("binary/change-merged.json");
        custom(badParent).putArray("parents").add("5da16f820a6ee7d49ad271272b50d3596b02f8c2").add("main");
        assertField("customData.parents[1]", binary(badParent));

        final ObjectNode rollbackOfItself = load("structured/service-rolledback.json");
        custom((ObjectNode) rollbackOfItself.get("data")).put("rollbackOf", "deploy-4712");
        assertField("data.customData.rollbackOf", structured(rollbackOfItself));

        final ObjectNode openedLater = load("binary/incident-resolved.json");
        custom(openedLater).put("openedAt", "2026-03-02T12:00:00Z");
        assertField("customData.openedAt", binary(openedLater));

        final ObjectNode badSeverity = load("binary/incident-detected.json");
        custom(badSeverity).put("severity", "critical");
        assertField("customData.severity", binary(badSeverity));

        final ObjectNode noSubject = load("binary/incident-detected.json");
        final Map<String, String> headers = binaryHeaders(noSubject);
        noSubject.remove("subject");
        assertField("subject", request(headers, noSubject.toString()));

        final ObjectNode numericEnvironment = load("binary/incident-detected.json");
        ((ObjectNode) content(numericEnvironment).get("environment")).put("id", 7);
        assertField("subject.content.environment.id", binary(numericEnvironment));

        final ObjectNode noRepository = load("binary/change-merged.json");
        content(noRepository).remove("repository");
        assertField("subject.content.repository.id", binary(noRepository));
    }

    @Test
    void theCloudEventTypeMustAgreeWithTheContextType() {
        final ObjectNode data = load("binary/service-deployed.json");
        final Map<String, String> headers = new HashMap<>(binaryHeaders(data));
        headers.put("ce-type", "dev.cdevents.service.removed.0.3.0");
        assertField("context.type", request(headers, data.toString()));
    }

    @Test
    void attributesFallBackToTheCloudEventWhenTheContextLacksThem() {
        final ObjectNode data = load("binary/service-deployed.json");
        final Map<String, String> headers = binaryHeaders(data);
        context(data).remove("type");
        context(data).remove("timestamp");
        final DeploymentEvent deployment = single(map(request(headers, data.toString())), DeploymentEvent.class);
        assertEquals(Instant.parse("2026-03-02T10:15:30.123Z"), deployment.getFinishedAt());
    }

    @Test
    void aStructuredEventPostedAsPlainJsonAndBase64DataAreRecognised() {
        final ObjectNode envelope = load("structured/service-rolledback.json");
        assertEquals("deploy-4712", single(map(request(Map.of("Content-Type", "application/json"),
                envelope.toString())), DeploymentEvent.class).getId());
        final ObjectNode base64 = envelope.deepCopy();
        base64.put("data_base64", Base64.getEncoder().encodeToString(
                base64.remove("data").toString().getBytes(StandardCharsets.UTF_8)));
        assertEquals("deploy-4712", single(map(structured(base64)), DeploymentEvent.class).getId());
    }

    // ---- helpers -----------------------------------------------------------------------------------------------

    private Mapping map(final WebhookRequest request) {
        final Mapping mapping = source.map(request, CATALOG);
        for (final SpecificRecord event : mapping.events()) {
            assertEquals(event, CanonicalEvents.parse(CanonicalEvents.toJson(event)), "a valid canonical event");
        }
        return mapping;
    }

    private static <T extends SpecificRecord> T single(final Mapping mapping, final Class<T> type) {
        assertNull(mapping.ignored(), mapping.ignored());
        assertEquals(1, mapping.events().size(), mapping.events().toString());
        return type.cast(mapping.events().get(0));
    }

    private void assertField(final String field, final WebhookRequest request) {
        final InvalidEventException e = assertThrows(InvalidEventException.class, () -> source.map(request, CATALOG));
        assertEquals(field, e.field(), e.getMessage());
    }

    static ObjectNode load(final String name) {
        try (InputStream in = CDEventsSourceTest.class.getResourceAsStream("/webhooks/cdevents/" + name)) {
            if (in == null) {
                throw new IllegalArgumentException("no fixture " + name);
            }
            return (ObjectNode) JSON.readTree(in);
        } catch (final IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static ObjectNode context(final ObjectNode data) {
        return (ObjectNode) data.get("context");
    }

    private static ObjectNode subject(final ObjectNode data) {
        return (ObjectNode) data.get("subject");
    }

    private static ObjectNode content(final ObjectNode data) {
        return (ObjectNode) subject(data).get("content");
    }

    private static ObjectNode custom(final ObjectNode data) {
        return data.hasNonNull("customData") ? (ObjectNode) data.get("customData") : data.putObject("customData");
    }

    private static Map<String, String> binaryHeaders(final ObjectNode data) {
        final Map<String, String> headers = new HashMap<>();
        headers.put("Content-Type", "application/json");
        headers.put("ce-specversion", "1.0");
        headers.put("ce-id", context(data).path("id").asText());
        headers.put("ce-source", context(data).path("source").asText());
        headers.put("ce-type", context(data).path("type").asText());
        headers.put("ce-time", context(data).path("timestamp").asText());
        headers.put("ce-subject", subject(data).path("id").asText());
        headers.put("Authorization", "Bearer " + TOKEN);
        return headers;
    }

    static WebhookRequest binary(final ObjectNode data) {
        return request(binaryHeaders(data), data.toString());
    }

    static WebhookRequest structured(final ObjectNode envelope) {
        return request(Map.of("Content-Type", "application/cloudevents+json; charset=UTF-8",
                "Authorization", "Bearer " + TOKEN), envelope.toString());
    }

    private static WebhookRequest withAuthorization(final ObjectNode data, final String authorization) {
        final Map<String, String> headers = new HashMap<>(binaryHeaders(data));
        headers.remove("Authorization");
        if (authorization != null) {
            headers.put("Authorization", authorization);
        }
        return request(headers, data.toString());
    }

    private static WebhookRequest request(final Map<String, String> headers, final String body) {
        return new WebhookRequest(headers, body.getBytes(StandardCharsets.UTF_8));
    }
}
