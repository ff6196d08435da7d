package dev.dora.launcher;

import dev.dora.launcher.http.ApiTokens;
import dev.dora.launcher.http.HttpEdge;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * Who may reach the HTTP API and from where: the listening address, the API tokens, CORS. Shared by {@code demo} and
 * {@code serve}; option names are a public contract. Without tokens the server listens on the loopback interface
 * only, and refuses a network interface unless {@code --insecure-open} says that is meant.
 */
public final class AccessOptions {

    /** The environment variable naming the tokens file when {@code --api-tokens} is not given. */
    static final String TOKENS_VARIABLE = "DORA_API_TOKENS";

    @Option(names = "--host", paramLabel = "ADDRESS",
            description = "Address the HTTP server listens on. Default: 127.0.0.1 without API tokens, every "
                    + "interface (0.0.0.0) with them. Without tokens, any address but loopback needs --insecure-open.")
    String host;

    @Option(names = "--api-tokens", paramLabel = "FILE",
            description = "YAML file of API tokens (name, scope read|ingest|admin, sha256 of the token): every "
                    + "/api/v1 request but /api/v1/health, and /metrics, then needs Authorization: Bearer <token>. "
                    + "Default: the file named by " + TOKENS_VARIABLE + ", if any. See docs/SECURITY.md.")
    Path apiTokens;

    @Option(names = "--insecure-open",
            description = "Listen on a network interface (--host) without API tokens: anyone who can reach the port "
                    + "can read the metrics and send events.")
    boolean insecureOpen;

    @Option(names = "--cors-origins", split = ",", paramLabel = "ORIGIN",
            description = "Origins whose web pages may call the API from a browser, e.g. "
                    + "https://grafana.example.com; none by default (CORS off).")
    List<String> corsOrigins;

    /**
     * The HTTP edge these options describe, checked.
     *
     * @throws ParameterException naming the option at fault (exit code 2)
     */
    HttpEdge.Settings settings(final CommandSpec spec, final int port) {
        final ApiTokens tokens = tokens(spec);
        final String address = host != null ? host.trim() : tokens.isEmpty() ? "127.0.0.1" : "0.0.0.0";
        if (address.isEmpty()) {
            throw new ParameterException(spec.commandLine(), "--host must not be empty");
        }
        if (tokens.isEmpty() && !insecureOpen && !isLoopback(spec, address)) {
            throw new ParameterException(spec.commandLine(), "--host " + address + " would let anyone who can "
                    + "reach it read the metrics and send events: give --api-tokens FILE (see docs/SECURITY.md), "
                    + "or --insecure-open if that is really meant");
        }
        return HttpEdge.Settings.local(port).withHost(address).withTokens(tokens).withCorsOrigins(origins(spec));
    }

    private ApiTokens tokens(final CommandSpec spec) {
        Path file = apiTokens;
        final String fromEnvironment = System.getenv(TOKENS_VARIABLE);
        if (file == null && fromEnvironment != null && !fromEnvironment.isBlank()) {
            file = Path.of(fromEnvironment.trim());
        }
        if (file == null) {
            return ApiTokens.none();
        }
        try {
            return ApiTokens.load(file.toAbsolutePath().normalize());
        } catch (final ApiTokens.InvalidTokensException e) {
            throw new ParameterException(spec.commandLine(), "--api-tokens: " + e.getMessage());
        }
    }

    private static boolean isLoopback(final CommandSpec spec, final String address) {
        try {
            for (final InetAddress resolved : InetAddress.getAllByName(address)) {
                if (!resolved.isLoopbackAddress()) {
                    return false;
                }
            }
            return true;
        } catch (final UnknownHostException e) {
            throw new ParameterException(spec.commandLine(), "--host " + address + " is not an address of this "
                    + "machine: " + e.getMessage());
        }
    }

    /** The CORS origins, each {@code http(s)://host[:port]}, without a path. */
    private List<String> origins(final CommandSpec spec) {
        final List<String> origins = new ArrayList<>();
        for (final String origin : corsOrigins == null ? List.<String>of() : corsOrigins) {
            if (origin.isBlank()) {
                continue;
            }
            final String trimmed = origin.trim();
            try {
                if (isOrigin(new URI(trimmed))) {
                    origins.add(trimmed);
                    continue;
                }
            } catch (final URISyntaxException e) {
                // one message below
            }
            throw new ParameterException(spec.commandLine(), "--cors-origins: each origin is http(s)://host[:port]"
                    + " without a path, e.g. https://grafana.example.com (got '" + trimmed + "')");
        }
        return origins;
    }

    private static boolean isOrigin(final URI uri) {
        final String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        final boolean bare = (uri.getRawPath() == null || uri.getRawPath().isEmpty()) && uri.getRawQuery() == null;
        return (scheme.equals("http") || scheme.equals("https")) && uri.getHost() != null && bare
                && uri.getUserInfo() == null;
    }
}
