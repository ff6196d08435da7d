package dev.dora.launcher;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A single-node Kafka (KRaft, one process acting as broker and controller) running inside this JVM, so that
 * {@code ./dora demo} and {@code ./dora serve} need nothing installed but Java.
 *
 * <p>Its data lives under {@code <dataDir>/kafka}. The storage is formatted only when it has never been formatted
 * ({@code meta.properties} is absent), so stopping and starting again on the same data directory keeps every topic,
 * record and consumer offset. Clients connect to {@code localhost:<port>}; the controller listens on
 * {@code port + 1}.
 *
 * <p>This uses Kafka's server classes directly (no test jars): {@code kafka.tools.StorageTool} to format and
 * {@link KafkaRaftServer} to run. It is meant for one developer machine; point a production deployment at a real
 * cluster with {@code --bootstrap-servers} instead.
 */
public final class EmbeddedKafka implements AutoCloseable {

    /** The default client port; not 9092, so that it does not clash with a Kafka the user already runs. */
    public static final int DEFAULT_PORT = 19092;

    private static final int NODE_ID = 1;
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);
    /**
     * The log cleaner's offset map, a heap buffer held from the broker's start and zeroed before every cleaning. Kafka's
     * default of 128 MiB is sized for a broker of many large partitions; here it was an eighth of a 1 GiB heap, and
     * zeroing it two fifths of what the cleaner did while it compacted the changelogs' 16 MiB segments in a backfill.
     * 16 MiB maps about 630,000 keys per pass, several segments of any changelog; a log with more dirty keys than that
     * is cleaned in more passes, as Kafka does with any size (docs/BENCHMARKS.md, "Where a backfill's CPU goes").
     */
    static final long CLEANER_DEDUPE_BUFFER_BYTES = 16L * 1024 * 1024;

    private final KafkaRaftServer server;
    private final int port;
    private final Path logDir;
    private boolean closed;

    private EmbeddedKafka(final KafkaRaftServer server, final int port, final Path logDir) {
        this.server = server;
        this.port = port;
        this.logDir = logDir;
    }

    /**
     * Starts the broker, formatting its storage first if needed, and returns once it accepts client requests.
     *
     * @param dataDir the application's data directory; Kafka's files go to {@code dataDir/kafka}
     * @param port    the client (PLAINTEXT) port; the controller uses {@code port + 1}
     * @throws Ports.PortInUseException when either port is already taken
     * @throws IllegalStateException when the storage cannot be formatted or the broker does not come up
     */
    public static EmbeddedKafka start(final Path dataDir, final int port) throws IOException, InterruptedException {
        if (port < 1 || port > 65534) {
            throw new IllegalArgumentException("the Kafka port must be between 1 and 65534 (the controller uses port + 1): "
                    + port);
        }
        final int controllerPort = port + 1;
        // Checked up front: a bind failure inside KafkaRaftServer surfaces as a long stack trace after half the
        // server has started, and the user needs to know which option to change.
        final String advice = "is another Kafka or dora running? Choose another port with --kafka-port,"
                + " or use an existing cluster with --bootstrap-servers";
        Ports.requireFree("localhost", port, "Kafka client port (--kafka-port)", advice);
        Ports.requireFree("localhost", controllerPort, "Kafka controller port (--kafka-port + 1)", advice);

        final Path logDir = dataDir.toAbsolutePath().normalize().resolve("kafka");
        Files.createDirectories(logDir);
        final Properties props = brokerProperties(logDir, port, controllerPort);
        final Logger log = LoggerFactory.getLogger(EmbeddedKafka.class);
        if (!Files.exists(logDir.resolve("meta.properties"))) {
            format(props, logDir);
            log.info("Formatted new Kafka storage in {}", logDir);
        } else {
            log.info("Reusing Kafka storage in {}", logDir);
        }

        final KafkaRaftServer server = new KafkaRaftServer(KafkaConfig.fromProps(props, false), Time.SYSTEM);
        final EmbeddedKafka kafka = new EmbeddedKafka(server, port, logDir);
        try {
            server.startup();
            kafka.awaitReady();
        } catch (final RuntimeException | InterruptedException e) {
            kafka.close();
            throw e;
        }
        log.info("Embedded Kafka is up on {} (data in {})", kafka.bootstrapServers(), logDir);
        return kafka;
    }

    /** The {@code bootstrap.servers} value for clients of this broker. */
    public String bootstrapServers() {
        return "localhost:" + port;
    }

    /** The directory holding Kafka's log segments and metadata. */
    public Path logDir() {
        return logDir;
    }

    /** Shuts the broker down cleanly (controlled shutdown, flushed logs) and waits for it; idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        server.shutdown();
        server.awaitShutdown();
        LoggerFactory.getLogger(EmbeddedKafka.class).info("Embedded Kafka stopped");
    }

    static Properties brokerProperties(final Path logDir, final int port, final int controllerPort) {
        final Properties props = new Properties();
        props.putAll(Map.ofEntries(
                Map.entry("process.roles", "broker,controller"),
                Map.entry("node.id", Integer.toString(NODE_ID)),
                // a dynamic quorum of one voter (KIP-853), bootstrapped by "format --standalone"
                Map.entry("controller.quorum.bootstrap.servers", "localhost:" + controllerPort),
                Map.entry("listeners", "PLAINTEXT://localhost:" + port + ",CONTROLLER://localhost:" + controllerPort),
                Map.entry("advertised.listeners", "PLAINTEXT://localhost:" + port),
                Map.entry("controller.listener.names", "CONTROLLER"),
                Map.entry("inter.broker.listener.name", "PLAINTEXT"),
                Map.entry("listener.security.protocol.map", "CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT"),
                Map.entry("log.dirs", logDir.toString()),
                // one node: every internal topic can have exactly one replica
                Map.entry("offsets.topic.replication.factor", "1"),
                Map.entry("transaction.state.log.replication.factor", "1"),
                Map.entry("transaction.state.log.min.isr", "1"),
                Map.entry("share.coordinator.state.topic.replication.factor", "1"),
                Map.entry("share.coordinator.state.topic.min.isr", "1"),
                Map.entry("min.insync.replicas", "1"),
                Map.entry("default.replication.factor", "1"),
                // the defaults (50 partitions each) only slow down the first group join on a laptop
                Map.entry("offsets.topic.num.partitions", "3"),
                Map.entry("transaction.state.log.num.partitions", "3"),
                // nothing to wait for with a single Streams instance
                Map.entry("group.initial.rebalance.delay.ms", "0"),
                // topics are created explicitly with their retention (TopicAdmin); a typo must not create one
                Map.entry("auto.create.topics.enable", "false"),
                Map.entry("num.partitions", "3"),
                Map.entry("log.cleaner.dedupe.buffer.size", Long.toString(CLEANER_DEDUPE_BUFFER_BYTES))));
        return props;
    }

    private static void format(final Properties props, final Path logDir) throws IOException {
        // StorageTool reads its configuration from a file; a temporary one, outside the log dir it formats
        final Path config = Files.createTempFile("dora-kafka-format-", ".properties");
        try {
            try (OutputStream out = Files.newOutputStream(config)) {
                props.store(out, "dora embedded Kafka (format only)");
            }
            final ByteArrayOutputStream output = new ByteArrayOutputStream();
            final int rc;
            try (PrintStream printStream = new PrintStream(output, true, StandardCharsets.UTF_8)) {
                // execute(...) returns an exit code instead of calling System.exit like main(...) does
                rc = kafka.tools.StorageTool.execute(new String[] {
                        "format", "-t", Uuid.randomUuid().toString(), "-c", config.toString(), "--standalone"},
                        printStream);
            }
            final String text = output.toString(StandardCharsets.UTF_8).trim();
            if (rc != 0) {
                throw new IllegalStateException("cannot format the Kafka storage in " + logDir + " (exit code " + rc
                        + ")" + (text.isEmpty() ? "" : ": " + text));
            }
            LoggerFactory.getLogger(EmbeddedKafka.class).debug("kafka-storage format: {}", text);
        } finally {
            Files.deleteIfExists(config);
        }
    }

    private void awaitReady() throws InterruptedException {
        // startup() returns when the broker is registered; asking for the cluster proves clients can really connect
        try (Admin admin = Admin.create(Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers(),
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) READY_TIMEOUT.toMillis()))) {
            admin.describeCluster().nodes().get(READY_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (final ExecutionException | TimeoutException e) {
            throw new IllegalStateException("the embedded Kafka broker on " + bootstrapServers()
                    + " did not become ready within " + READY_TIMEOUT.toSeconds() + " s", e);
        }
    }
}
