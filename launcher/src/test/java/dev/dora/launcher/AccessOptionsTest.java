package dev.dora.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dora.launcher.http.ApiTokens;
import dev.dora.launcher.http.HttpEdge;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.ParseResult;

/** Who may reach the API: the listening address, the tokens file, CORS; nothing is started here. */
@Tag("unit")
class AccessOptionsTest {

    @TempDir
    Path dir;

    private static HttpEdge.Settings settings(final String... args) {
        final ParseResult result = DoraCommand.newCommandLine().parseArgs(args);
        final ServeCommand serve = (ServeCommand) result.subcommand().commandSpec().userObject();
        return serve.access.settings(serve.spec, serve.common.port);
    }

    private static String refusal(final String... args) {
        return assertThrows(CommandLine.ParameterException.class, () -> settings(args)).getMessage();
    }

    private Path tokensFile() throws Exception {
        final Path file = dir.resolve("tokens.yaml");
        Files.writeString(file, "tokens: [{name: grafana, scope: read, sha256: " + ApiTokens.sha256Hex("t") + "}]");
        return file;
    }

    @Test
    void withoutTokensOnlyTheLoopbackInterface() {
        final HttpEdge.Settings local = settings("serve");
        assertEquals("127.0.0.1", local.host());
        assertEquals(8080, local.port());
        assertTrue(local.tokens().isEmpty() && local.corsOrigins().isEmpty());
        assertEquals("localhost", settings("serve", "--host", "localhost").host());
        assertEquals("::1", settings("serve", "--host", "::1").host());
    }

    @Test
    void aNetworkInterfaceWithoutTokensIsRefusedUnlessInsecureOpen() {
        final String refused = refusal("serve", "--host", "0.0.0.0");
        assertTrue(refused.startsWith("--host 0.0.0.0 would let anyone who can reach it read the metrics and send"
                + " events: give --api-tokens FILE"), refused);
        assertEquals("0.0.0.0", settings("serve", "--host", "0.0.0.0", "--insecure-open").host());
        assertTrue(refusal("serve", "--host", "no-such-host.invalid").startsWith("--host no-such-host.invalid is"
                + " not an address of this machine"));
    }

    @Test
    void withTokensEveryInterfaceByDefault() throws Exception {
        final HttpEdge.Settings guarded = settings("serve", "--api-tokens", tokensFile().toString());
        assertEquals("0.0.0.0", guarded.host());
        assertEquals(List.of("grafana"), guarded.tokens().names());
        assertEquals("127.0.0.1", settings("serve", "--api-tokens", tokensFile().toString(), "--host", "127.0.0.1")
                .host());
    }

    @Test
    void aBadTokensFileIsAUsageErrorNamingTheOption() throws Exception {
        final Path file = dir.resolve("bad.yaml");
        Files.writeString(file, "tokens: [{name: grafana, scope: read, sha256: the-token-itself}]");
        final String refused = refusal("serve", "--api-tokens", file.toString());
        assertTrue(refused.startsWith("--api-tokens: API tokens file " + file + ": tokens[0].sha256: "), refused);
    }

    @Test
    void corsOriginsAreBareOrigins() {
        assertEquals(List.of("https://grafana.example.com", "http://localhost:3000"),
                settings("serve", "--cors-origins", "https://grafana.example.com,http://localhost:3000").corsOrigins());
        assertTrue(refusal("serve", "--cors-origins", "https://grafana.example.com/dashboards")
                .startsWith("--cors-origins: each origin is http(s)://host[:port] without a path"));
        assertTrue(refusal("serve", "--cors-origins", "*").startsWith("--cors-origins: "));
    }
}
