package dev.dora.launcher.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@Tag("unit")
class ApiTokensTest {

    private static final String GRAFANA = ApiTokens.sha256Hex("grafana-secret");
    private static final String CI = ApiTokens.sha256Hex("ci-secret");

    private static String refusal(final String yaml) {
        return assertThrows(ApiTokens.InvalidTokensException.class, () -> ApiTokens.parse(yaml)).getMessage();
    }

    @Test
    void findsATokenByItsHashAndNeverKeepsTheToken() {
        final ApiTokens tokens = ApiTokens.parse("""
                tokens:
                  - name: grafana          # shown in logs and metrics
                    scope: read
                    sha256: %s
                  - {name: ci, scope: ingest, sha256: %s}
                """.formatted(GRAFANA.toUpperCase(), CI));
        assertEquals(List.of("grafana", "ci"), tokens.names());
        assertEquals(Optional.of(new ApiTokens.Token("grafana", Scope.READ)), tokens.find("grafana-secret"));
        assertEquals(Optional.of(new ApiTokens.Token("ci", Scope.INGEST)), tokens.find("ci-secret"));
        assertEquals(Optional.empty(), tokens.find("grafana-secre"));
        assertEquals(Optional.empty(), tokens.find(GRAFANA), "the hash itself is not a token");
        assertEquals(Optional.empty(), tokens.find(""));
        assertEquals(Optional.empty(), tokens.find("x".repeat(ApiTokens.MAX_TOKEN_CHARS + 1)));
        assertTrue(ApiTokens.none().isEmpty());
    }

    @Test
    void theKnownSha256OfAKnownString() {
        // printf %s test | sha256sum
        assertEquals("9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08", ApiTokens.sha256Hex("test"));
    }

    @Test
    void everyProblemIsNamedByItsPath() {
        assertEquals("tokens: required, a list of at least one token", refusal("tokens: []"));
        assertEquals("tokens: required (a list of name, scope and sha256)", refusal("- a"));
        assertEquals("tokens[0].scope: must be one of read, ingest, admin (got 'write')",
                refusal("tokens: [{name: a, scope: write, sha256: " + CI + "}]"));
        assertTrue(refusal("tokens: [{name: a, scope: read, sha256: ci-secret}]")
                .startsWith("tokens[0].sha256: must be the 64 hexadecimal digits of the token's SHA-256"));
        assertEquals("tokens[0].name: required (a string)", refusal("tokens: [{scope: read, sha256: " + CI + "}]"));
        assertEquals("tokens[0].nmae: unknown key; allowed: name, scope, sha256",
                refusal("tokens: [{nmae: a, scope: read, sha256: " + CI + "}]"));
        assertEquals("token: unknown key; allowed: tokens", refusal("token: []"));
        assertEquals("tokens[1].name: 'a' is already the name of another token",
                refusal("tokens: [{name: a, scope: read, sha256: " + CI + "}, {name: a, scope: read, sha256: "
                        + GRAFANA + "}]"));
        assertEquals("tokens[1].sha256: the same hash as another token's",
                refusal("tokens: [{name: a, scope: read, sha256: " + CI + "}, {name: b, scope: admin, sha256: "
                        + CI.toUpperCase() + "}]"));
        assertTrue(refusal("tokens: [{name: 'a b', scope: read, sha256: " + CI + "}]").startsWith("tokens[0].name: "));
        assertTrue(refusal("tokens: [{name: a, name: b, scope: read, sha256: " + CI + "}]")
                .startsWith("not valid YAML: Duplicate field 'name'"));
    }

    @Test
    void aFileThatCannotBeReadOrParsedIsNamed(@TempDir final Path dir) throws Exception {
        final Path file = dir.resolve("tokens.yaml");
        assertTrue(assertThrows(ApiTokens.InvalidTokensException.class, () -> ApiTokens.load(file)).getMessage()
                .startsWith("cannot read the API tokens file " + file));
        Files.writeString(file, "tokens: [{name: a, scope: reader, sha256: " + CI + "}]");
        assertTrue(assertThrows(ApiTokens.InvalidTokensException.class, () -> ApiTokens.load(file)).getMessage()
                .startsWith("API tokens file " + file + ": tokens[0].scope: "));
    }

    @Test
    void anInProcessTokenJoinsTheFilesTokens() {
        final ApiTokens tokens = ApiTokens.parse("tokens: [{name: ci, scope: ingest, sha256: " + CI + "}]")
                .with("dora-demo", Scope.ADMIN, "demo-secret");
        assertEquals(Optional.of(new ApiTokens.Token("dora-demo", Scope.ADMIN)), tokens.find("demo-secret"));
        assertEquals(List.of("ci", "dora-demo"), tokens.names());
    }

    @Test
    void scopes() {
        assertTrue(Scope.ADMIN.grants(Scope.READ) && Scope.ADMIN.grants(Scope.INGEST));
        assertTrue(Scope.READ.grants(Scope.READ) && !Scope.READ.grants(Scope.INGEST));
        assertTrue(Scope.INGEST.grants(Scope.INGEST) && !Scope.INGEST.grants(Scope.READ));
        assertTrue(!Scope.READ.grants(Scope.ADMIN) && !Scope.INGEST.grants(Scope.ADMIN));
    }
}
