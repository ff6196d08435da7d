package dev.dora.ingest.catalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The catalog file: the documented shape, and an error naming the path for everything else. */
@Tag("unit")
class ServiceCatalogYamlTest {

    @Test
    void parsesTheDocumentedShape() throws IOException {
        final ServiceCatalog catalog = ServiceCatalogYaml.parse(resource("/catalog/catalog.yaml"));

        assertEquals(Set.of("production", "prod"), catalog.production());
        assertEquals(3, catalog.entries().size());
        final ServiceCatalog.Entry shop = catalog.service("shop").orElseThrow();
        assertEquals("retail", shop.team());
        assertEquals(List.of("acme/shop", "acme/shop-frontend"), shop.repositories());
        assertEquals(shop, catalog.forRepository("ACME/Shop").orElseThrow());
        assertEquals(shop, catalog.forPagerDuty("shop api").orElseThrow());
        assertEquals(shop, catalog.forApplication("shop-app").orElseThrow());
        final ServiceCatalog.Entry payments = catalog.service("payments").orElseThrow();
        assertEquals(List.of("Payments"), payments.pagerduty());
        assertEquals(payments, catalog.forApplication("payments-worker").orElseThrow());
        final ServiceCatalog.Entry docs = catalog.service("docs").orElseThrow();
        assertNull(docs.team());
        assertEquals(List.of(), docs.repositories());
        assertEquals("trunk", shop.defaultBranch());
        assertEquals("trunk", catalog.defaultBranch("shop"));
        assertNull(catalog.defaultBranch("docs"), "none named: the pipeline reads main or master");
        assertNull(catalog.defaultBranch("unknown"));
    }

    @Test
    void aDefaultBranchIsOneStringNamedByItsPathWhenWrong() {
        assertEquals("release/2026", ServiceCatalogYaml.parse("services: [{name: s, defaultBranch: ' release/2026 '}]\n")
                .defaultBranch("s"));
        assertError("services[0].defaultBranch", "must be a string", "services: [{name: s, defaultBranch: [a]}]\n");
        assertError("services[0].defaultBranch", "must not be empty", "services: [{name: s, defaultBranch: ' '}]\n");
        assertError("services[0].defaultBranch", "must be at most 1024 characters",
                "services: [{name: s, defaultBranch: " + "b".repeat(1025) + "}]\n");
    }

    @Test
    void theExampleOfTheIssueParses() {
        final ServiceCatalog catalog = ServiceCatalogYaml.parse("""
                production: [production, prod]
                services:
                  - name: shop
                    team: retail
                    repositories: [acme/shop]          # GitHub full_name or GitLab path_with_namespace
                    pagerduty: [Shop API]              # PagerDuty service summaries
                """);
        assertEquals("shop", catalog.forPagerDuty("Shop API").orElseThrow().name());
    }

    @Test
    void emptyListsAndMissingSectionsAreAllowed() {
        assertEquals(0, ServiceCatalogYaml.parse("services: []\n").entries().size());
        assertEquals(Set.of(), ServiceCatalogYaml.parse("services:\n").production());
        assertEquals(Set.of("live"), ServiceCatalogYaml.parse("production: live\n").production());
    }

    @Test
    void aMissingNameIsNamedByItsPath() {
        assertError("services[2].name", "required", """
                services:
                  - name: a
                  - name: b
                  - team: c
                """);
    }

    @Test
    void duplicateServiceNamesAreRejected() {
        final String message = assertError("services[1].name", "duplicate service name", """
                services:
                  - name: shop
                  - name: Shop
                """);
        assertTrue(message.contains("services[0]"), message);
    }

    @Test
    void aRepositoryPagerDutyServiceOrApplicationBelongsToOneServiceOnly() {
        final String message = assertError("services[1].repositories[1]", "already mapped to service 'shop'", """
                services:
                  - name: shop
                    repositories: [acme/shop]
                  - name: cart
                    repositories: [acme/cart, ACME/shop]
                """);
        assertTrue(message.contains("repository 'ACME/shop'"), message);
        assertError("services[1].pagerduty[0]", "already mapped", """
                services:
                  - {name: shop, pagerduty: [Shop API]}
                  - {name: cart, pagerduty: [shop api]}
                """);
        assertError("services[1].applications[0]", "already mapped", """
                services:
                  - {name: shop, applications: [web]}
                  - {name: cart, applications: [web]}
                """);
        // the same repository twice in one service is harmless
        assertEquals(List.of("acme/shop"), ServiceCatalogYaml.parse("""
                services:
                  - {name: shop, repositories: [acme/shop, acme/shop]}
                """).entries().get(0).repositories());
    }

    @Test
    void unknownKeysAreRejectedByName() {
        assertError("services[0].repos", "unknown key", """
                services:
                  - name: shop
                    repos: [acme/shop]
                """);
        assertError("environments", "unknown key", "environments: [prod]\nservices: []\n");
    }

    @Test
    void wrongTypesAreRejected() {
        assertError("services", "must be a list", "services: {name: shop}\n");
        assertError("services[0]", "must be a mapping", "services: [shop]\n");
        assertError("services[0].team", "must be a string", "services: [{name: shop, team: [a, b]}]\n");
        assertError("services[0].name", "quote it", "services: [{name: 2024}]\n");
        assertError("services[0].repositories", "must be a list", "services: [{name: s, repositories: {a: b}}]\n");
        assertError("services[0].applications[1]", "must be a string", "services: [{name: s, applications: [a, ~]}]\n");
        assertError("production[0]", "must be a string", "production: [true]\n");
        assertError("services[0].name", "must not be empty", "services: [{name: '  '}]\n");
        assertError("services[0].name", "at most 200", "services: [{name: " + "x".repeat(201) + "}]\n");
    }

    @Test
    void documentLevelErrors() {
        assertError("catalog", "empty document", "");
        assertError("catalog", "empty document", "# nothing but a comment\n");
        assertError("catalog", "must be a mapping", "- name: shop\n");
        assertError("catalog", "not valid YAML", "services: [name: shop\n");
        assertError("catalog", "not valid YAML", "services: []\nservices: []\n");
    }

    private static String assertError(final String path, final String problem, final String yaml) {
        final ServiceCatalogYaml.InvalidCatalogException e = assertThrows(
                ServiceCatalogYaml.InvalidCatalogException.class, () -> ServiceCatalogYaml.parse(yaml));
        assertEquals(path, e.path(), e.getMessage());
        assertTrue(e.getMessage().startsWith(path + ": "), e.getMessage());
        assertTrue(e.getMessage().contains(problem), e.getMessage());
        return e.getMessage();
    }

    private static String resource(final String name) throws IOException {
        try (InputStream in = ServiceCatalogYamlTest.class.getResourceAsStream(name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
