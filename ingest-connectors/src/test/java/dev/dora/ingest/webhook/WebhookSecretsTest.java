package dev.dora.ingest.webhook;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dora.ingest.github.GitHubSource;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Where secrets come from, that they are never shown, the shared signature helpers, and the delivery log bound. */
@Tag("unit")
class WebhookSecretsTest {

    private static final List<WebhookSource> SOURCES = List.of(new GitHubSource());

    @Test
    void configurationWinsOverTheEnvironmentAndBlankCountsAsMissing() {
        final WebhookSecrets configured = WebhookSecrets.of(Map.of("github", "from-config"),
                Map.of("DORA_GITHUB_SECRET", "from-env"), SOURCES);
        assertArrayEquals(bytes("from-config"), configured.secret("github").orElseThrow());
        final WebhookSecrets environment = WebhookSecrets.of(Map.of("github", " "),
                Map.of("DORA_GITHUB_SECRET", "from-env"), SOURCES);
        assertArrayEquals(bytes("from-env"), environment.secret("github").orElseThrow());
        assertEquals(Optional.empty(), WebhookSecrets.of(Map.of(), Map.of("DORA_GITHUB_SECRET", ""), SOURCES)
                .secret("github"));
        assertEquals(Optional.empty(), configured.secret("gitlab"));

        assertEquals("WebhookSecrets{github=configured}", configured.toString());
        assertEquals("WebhookSecrets{github=from DORA_GITHUB_SECRET}", environment.toString());
        assertFalse(environment.toString().contains("from-env"));
    }

    @Test
    void comparesSignaturesAndTokens() {
        final byte[] secret = bytes("k");
        final byte[] body = bytes("body");
        final String hex = Signatures.hmacSha256Hex(secret, body);
        assertEquals(Optional.empty(), Signatures.verifyHmacSha256Hex(secret, body, hex));
        assertEquals(Optional.of(Signatures.MISMATCH), Signatures.verifyHmacSha256Hex(secret, bytes("other"), hex));
        assertEquals(Optional.of(Signatures.MALFORMED), Signatures.verifyHmacSha256Hex(secret, body, "xyz"));
        assertEquals(Optional.of(Signatures.MALFORMED), Signatures.verifyHmacSha256Hex(secret, body, null));
        assertTrue(Signatures.tokenMatches(bytes("token"), "token"));
        assertFalse(Signatures.tokenMatches(bytes("token"), "tokeN"));
        assertFalse(Signatures.tokenMatches(bytes("token"), null));
    }

    @Test
    void forgetsTheLeastRecentlySeenDeliveries() {
        final WebhookRoutes.DeliveryLog log = new WebhookRoutes.DeliveryLog(2);
        log.add("github", "a");
        log.add("github", "b");
        assertTrue(log.contains("github", "a"));
        log.add("github", "c");
        assertEquals(2, log.size());
        assertTrue(log.contains("github", "a"));
        assertFalse(log.contains("github", "b"));
        assertFalse(log.contains("gitlab", "a"));
    }

    private static byte[] bytes(final String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
