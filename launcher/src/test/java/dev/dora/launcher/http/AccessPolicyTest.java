package dev.dora.launcher.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Optional;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("unit")
class AccessPolicyTest {

    private static final AccessPolicy POLICY = AccessPolicy.standard();

    private static Optional<Scope> needed(final String method, final String path) {
        return POLICY.needed(method, path);
    }

    @Test
    void theApiNeedsReadIngestNeedsIngestHealthAndTheRestAreOpen() {
        assertEquals(Optional.of(Scope.READ), needed("GET", "/api/v1/metrics"));
        assertEquals(Optional.of(Scope.READ), needed("GET", "/api/v1/deployments/d-1"));
        assertEquals(Optional.of(Scope.READ), needed("GET", "/api/v1/some-route-added-later"));
        assertEquals(Optional.of(Scope.READ), needed("GET", "/metrics"));
        assertEquals(Optional.of(Scope.INGEST), needed("POST", "/api/v1/events"));
        assertEquals(Optional.of(Scope.READ), needed("GET", "/api/v1/events"), "only POST is ingest");
        assertEquals(Optional.empty(), needed("GET", "/api/v1/health"));
        assertEquals(Optional.empty(), needed("HEAD", "/api/v1/health"));
        assertEquals(Optional.of(Scope.READ), needed("POST", "/api/v1/health"));
        assertEquals(Optional.empty(), needed("GET", "/"));
        assertEquals(Optional.empty(), needed("GET", "/api"));
        assertEquals(Optional.empty(), needed("GET", "/apiary"));
        assertEquals(Optional.empty(), needed("GET", "/metricsx"));
        assertEquals(Optional.empty(), needed("POST", "/webhooks/github"));
        assertEquals(Optional.empty(), needed("GET", "/webjars/uplot/1.6.30/dist/uPlot.min.css"));
    }

    @Test
    void everySpellingOfAProtectedPathNeedsItsScope() {
        for (final String path : new String[] {"/api/v1/metrics/", "//api/v1/metrics", "/api/v1//metrics",
                "/api/v1/./metrics", "/x/../api/v1/metrics", "/%61pi/v1/metrics", "/%2561pi/v1/metrics",
                "/API/V1/METRICS", "/api/v1/metrics;jsessionid=1", "/api;x/v1/metrics", "/api/v1/health/../metrics",
                "/api/v1/health/..%2Fmetrics", "/api/v1/health%2F..%2Fmetrics", "\\api\\v1\\metrics",
                "/api/v1/ metrics", "/%zz/../api/v1/metrics"}) {
            assertEquals(Optional.of(Scope.READ), needed("GET", path), path);
        }
        assertEquals(Optional.of(Scope.INGEST), needed("POST", "/API/v1/events/"));
        assertEquals(Optional.of(Scope.INGEST), needed("post", "/api/v1/events"));
    }

    @Test
    void morePathsCanBeProtectedAndAStricterReadingWins() {
        final AccessPolicy policy = AccessPolicy.standard().require(Scope.ADMIN, null, "/admin");
        assertEquals(Optional.of(Scope.ADMIN), policy.needed("GET", "/admin/x"));
        assertEquals(Optional.of(Scope.ADMIN), policy.needed("GET", "/%61dmin"));
        assertEquals("/api/v1/metrics", AccessPolicy.canonical("/api/v1/health/..%2Fmetrics"));
        assertEquals("/", AccessPolicy.canonical("/../.."));
    }
}
