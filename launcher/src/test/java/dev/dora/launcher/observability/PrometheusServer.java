package dev.dora.launcher.observability;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A real Prometheus (Debian's {@code prometheus}) in its own process, scraping one dora instance's {@code /metrics},
 * with its data and log in a fresh directory under the build directory. Ready once the target is up.
 */
final class PrometheusServer implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Process process;
    private final int port;
    private final Path log;
    private final HttpClient client = HttpClient.newHttpClient();

    private PrometheusServer(final Process process, final int port, final Path log) {
        this.process = process;
        this.port = port;
        this.log = log;
    }

    static PrometheusServer start(final int targetPort, final Duration scrapeInterval) throws Exception {
        DebianTool.PROMETHEUS.assumeInstalled();
        final Path dir = Files.createTempDirectory(Path.of(System.getProperty("java.io.tmpdir")), "prometheus");
        final Path config = dir.resolve("prometheus.yml");
        Files.writeString(config, """
                global:
                  scrape_interval: %1$ds
                  evaluation_interval: %1$ds
                scrape_configs:
                  - job_name: dora
                    metrics_path: /metrics
                    static_configs:
                      - targets: ['127.0.0.1:%2$d']
                """.formatted(scrapeInterval.toSeconds(), targetPort));
        final int port = freePort();
        final Path log = dir.resolve("prometheus.log");
        final Process process = new ProcessBuilder(DebianTool.PROMETHEUS.binary().toString(),
                "--config.file=" + config, "--storage.tsdb.path=" + dir.resolve("data"),
                "--web.listen-address=127.0.0.1:" + port, "--log.level=warn")
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        final PrometheusServer server = new PrometheusServer(process, port, log);
        try {
            // the target list fills at the first service-discovery sync, about 5 s after the start
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).ignoreExceptions()
                    .until(() -> {
                        if (!process.isAlive()) {
                            throw new IllegalStateException("prometheus exited: " + Files.readString(log));
                        }
                        return server.value("up{job=\"dora\"}").orElse(0.0) == 1.0;
                    });
        } catch (final RuntimeException e) {
            server.close();
            throw new IllegalStateException("prometheus did not scrape the target; its log: "
                    + Files.readString(log), e);
        }
        return server;
    }

    /** The value of an instant query that selects one series, or empty when it selects none. */
    Optional<Double> value(final String promql) throws IOException, InterruptedException {
        final HttpResponse<String> response = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                + "/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8))).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        final JsonNode answer = JSON.readTree(response.body());
        if (response.statusCode() != 200 || !"success".equals(answer.path("status").asText())) {
            throw new IllegalStateException(promql + ": " + response.statusCode() + " " + response.body());
        }
        final JsonNode result = answer.at("/data/result");
        if (result.size() > 1) {
            throw new IllegalStateException(promql + " selects " + result.size() + " series: " + result);
        }
        return result.isEmpty() ? Optional.empty() : Optional.of(Double.parseDouble(result.get(0).at("/value/1").asText()));
    }

    /**
     * The value of an instant query that selects one series, once it selects one: a scrape that failed (a timeout
     * on a busy machine) marks the target's series stale until the next one succeeds.
     */
    double awaitValue(final String promql) {
        final double[] value = new double[1];
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250)).until(() -> {
            final Optional<Double> found = value(promql);
            found.ifPresent(v -> value[0] = v);
            return found.isPresent();
        });
        return value[0];
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Override
    public String toString() {
        return "prometheus on port " + port + " (log " + log + ")";
    }
}
