package dev.dora.launcher.multi;

import dev.dora.api.QueryRoutes;
import dev.dora.api.cluster.ClusterReader;
import dev.dora.ingest.EventPublisher;
import dev.dora.ingest.IngestRoutes;
import dev.dora.launcher.http.ApiTokens;
import dev.dora.launcher.http.HttpEdge;
import dev.dora.streams.MetricsPipeline;
import dev.dora.streams.config.MetricsConfig;
import dev.dora.streams.config.StreamsOverrides;
import io.javalin.Javalin;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.StreamsConfig;

/**
 * One dora instance as {@code dora serve} runs it, in the test JVM: its own state directory, the pipeline, the ingest
 * and query routes behind the same {@link HttpEdge} (with tokens) on a port of its own. Clustered, it advertises
 * {@code http://localhost:PORT} as {@code application.server}, keeps one standby and reads through a
 * {@link ClusterReader}, as {@code --advertised-url} makes it; otherwise it reads its own stores only, under its own
 * application id (a single-instance reference over the same events).
 */
final class AppInstance implements AutoCloseable {

    /** The session timeout of the clustered instances: a stopped member's partitions move after this long. */
    static final Duration SESSION = Duration.ofSeconds(6);

    private final MetricsPipeline pipeline;
    private final EventPublisher publisher;
    private final Javalin http;
    private final ClusterReader reader;
    private final int port;
    private boolean closed;

    private AppInstance(final MetricsPipeline pipeline, final EventPublisher publisher, final Javalin http,
                        final ClusterReader reader, final int port) {
        this.pipeline = pipeline;
        this.publisher = publisher;
        this.http = http;
        this.reader = reader;
        this.port = port;
    }

    /** An instance of the clustered application ({@code --advertised-url http://localhost:PORT}). */
    static AppInstance clustered(final String bootstrap, final ApiTokens tokens) throws Exception {
        return start(bootstrap, tokens, true, "dora-metrics");
    }

    /** A single instance of an application of its own over the same topics, reading only its own stores. */
    static AppInstance single(final String bootstrap, final ApiTokens tokens) throws Exception {
        return start(bootstrap, tokens, false, "dora-single");
    }

    private static AppInstance start(final String bootstrap, final ApiTokens tokens, final boolean clustered,
                                     final String applicationId) throws Exception {
        final int port = freePort();
        final Path state = Files.createTempDirectory(Path.of(System.getProperty("java.io.tmpdir")), "dora-multi");
        final Map<String, String> overrides = new HashMap<>();
        if (clustered) {
            overrides.put(StreamsConfig.APPLICATION_SERVER_CONFIG, "localhost:" + port);
            overrides.put(StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG, "1");
            overrides.put("session.timeout.ms", Long.toString(SESSION.toMillis()));
        }
        final MetricsPipeline pipeline = MetricsPipeline.start(MetricsConfig.defaults(bootstrap, state)
                .withApplicationId(applicationId).withReplicationFactor((short) 1).withStreamThreads(1)
                .withStreamsOverrides(StreamsOverrides.of(overrides)));
        final ClusterReader reader = clustered ? new ClusterReader(pipeline.partitions(), new ClusterReader.Settings(
                URI.create("http://localhost:" + port), Optional.empty(), Duration.ofSeconds(5))) : null;
        if (reader != null) {
            pipeline.readThrough(reader, reader::version);
        }
        final EventPublisher publisher = new EventPublisher(bootstrap);
        final HttpEdge edge = HttpEdge.of(HttpEdge.Settings.local(port).withTokens(tokens));
        final Javalin http = Javalin.create(config -> {
            edge.configure(config);
            IngestRoutes.register(config, publisher, IngestRoutes.DEFAULT_MAX_BODY_BYTES);
            QueryRoutes.register(config, pipeline);
        }).start();
        return new AppInstance(pipeline, publisher, http, reader, port);
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    String baseUrl() {
        return "http://localhost:" + port;
    }

    MetricsPipeline pipeline() {
        return pipeline;
    }

    /** Requests this instance has sent to other instances so far. */
    long peerRequests() {
        return reader.peerRequests();
    }

    /**
     * Stops the instance as a crash would, for the others: its HTTP port closes and Kafka Streams stops without
     * leaving the group, so its partitions stay assigned to it until its session times out.
     */
    void stopWithoutLeaving() {
        http.stop();
        pipeline.kafkaStreams().close(CloseOptions.groupMembershipOperation(
                CloseOptions.GroupMembershipOperation.REMAIN_IN_GROUP).withTimeout(Duration.ofSeconds(30)));
        close();
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        http.stop();
        publisher.close();
        pipeline.close();
    }
}
