package dev.dora.testkit;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;

/**
 * Real KRaft brokers as separate JVMs started from the Maven test classpath ({@code kafka.Kafka server.properties}
 * after {@code kafka.tools.StorageTool format}), for tests that stop, kill or restart a broker, or that need a
 * listener with TLS or SASL: one combined broker-and-controller node, or a three-node cluster with a static
 * controller quorum.
 *
 * <p>Each node has a PLAINTEXT listener {@code INTERNAL} (between brokers, and for {@link #internalBootstrapServers()}),
 * a {@code CONTROLLER} listener, and, unless the security is {@link Security#PLAINTEXT}, a {@code CLIENT} listener with
 * the chosen security for the clients under test. Ports are chosen once and kept across restarts; each node's
 * data, {@code server.properties} and log ({@code broker.log}, {@code stdout.log}) live under its own directory.
 *
 * <p>The only use of Kafka's internal API ({@code kafka.tools.StorageTool}) is in {@link #format}, as
 * {@link TestKafkaCluster} keeps its own to one class.
 */
public final class KafkaProcessCluster implements AutoCloseable {

    /** The security of the {@code CLIENT} listener. */
    public enum Security {
        /** No separate client listener: clients use the internal PLAINTEXT one. */
        PLAINTEXT,
        /** SASL over plain TCP with SCRAM-SHA-512; the user is created when the storage is formatted. */
        SASL_SCRAM_SHA_512,
        /** SASL over plain TCP with PLAIN; the user is declared in the listener's JAAS configuration. */
        SASL_PLAIN,
        /** TLS with a server certificate ({@link TlsMaterial}). */
        SSL
    }

    /**
     * Three broker JVMs starting at once on a busy 2-core machine took over 90 s to elect a controller (measured while
     * other builds ran); a healthy start takes 10 to 20 s.
     */
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(180);

    private final Path baseDir;
    private final Security security;
    private final String user;
    private final String password;
    private final TlsMaterial tls;
    private final List<Node> nodes;
    private final String heap;

    private KafkaProcessCluster(final Builder builder, final List<Node> nodes) {
        this.baseDir = builder.baseDir;
        this.security = builder.security;
        this.user = builder.user;
        this.password = builder.password;
        this.tls = builder.tls;
        this.heap = builder.heap;
        this.nodes = nodes;
    }

    public static Builder builder(final Path baseDir) {
        return new Builder(baseDir);
    }

    /** The {@code CLIENT} listener of every node (the internal one with {@link Security#PLAINTEXT}). */
    public String bootstrapServers() {
        return nodes.stream().map(n -> "127.0.0.1:" + (security == Security.PLAINTEXT ? n.internalPort : n.clientPort))
                .collect(Collectors.joining(","));
    }

    /** The PLAINTEXT listener of every node, for the test's own checks. */
    public String internalBootstrapServers() {
        return nodes.stream().map(n -> "127.0.0.1:" + n.internalPort).collect(Collectors.joining(","));
    }

    /**
     * What a client needs for the {@code CLIENT} listener ({@code security.protocol}, {@code sasl.*} or
     * {@code ssl.*}), with {@code secret} as the password (pass a wrong one to test a refusal).
     */
    public Map<String, String> clientProperties(final String secret) {
        return switch (security) {
            case PLAINTEXT -> Map.of();
            case SASL_SCRAM_SHA_512 -> Map.of("security.protocol", "SASL_PLAINTEXT",
                    "sasl.mechanism", "SCRAM-SHA-512",
                    "sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required "
                            + "username=\"" + user + "\" password=\"" + secret + "\";");
            case SASL_PLAIN -> Map.of("security.protocol", "SASL_PLAINTEXT",
                    "sasl.mechanism", "PLAIN",
                    "sasl.jaas.config", "org.apache.kafka.common.security.plain.PlainLoginModule required "
                            + "username=\"" + user + "\" password=\"" + secret + "\";");
            case SSL -> tls.clientProperties(secret);
        };
    }

    /** The password of the cluster's user, or of the trust store for {@link Security#SSL}. */
    public String password() {
        return security == Security.SSL ? tls.trustStorePassword() : password;
    }

    /** Node ids, from 1. */
    public List<Integer> nodeIds() {
        return nodes.stream().map(n -> n.id).toList();
    }

    public boolean isRunning(final int nodeId) {
        return node(nodeId).process != null && node(nodeId).process.isAlive();
    }

    /** SIGTERM: a controlled shutdown. Waits until the process has exited. */
    public void stop(final int nodeId) throws InterruptedException {
        final Node node = node(nodeId);
        if (node.process != null) {
            node.process.stop();
        }
    }

    /** SIGKILL ({@code kill -9}): nothing is flushed. Waits until the process is gone. */
    public void kill(final int nodeId) throws InterruptedException {
        final Node node = node(nodeId);
        if (node.process != null) {
            node.process.kill();
        }
    }

    /** Starts a stopped or killed node again on the same data and ports; see {@link #awaitReady()}. */
    public void restart(final int nodeId) throws IOException {
        final Node node = node(nodeId);
        if (node.process != null && node.process.isAlive()) {
            throw new IllegalStateException("broker " + nodeId + " is still running");
        }
        launch(node);
    }

    /**
     * Waits until every running node is registered as a broker and answers, asked through the internal listener.
     *
     * @throws IllegalStateException with the tail of each node's log when they are not ready in time
     */
    public void awaitReady() throws InterruptedException {
        final long expected = nodes.stream().filter(n -> n.process != null && n.process.isAlive()).count();
        final long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        String last = "no answer";
        while (System.nanoTime() < deadline) {
            for (final Node node : nodes) {
                if (node.process != null && !node.process.isAlive()) {
                    node.process = null;
                    throw new IllegalStateException("broker " + node.id + " exited during start-up:\n"
                            + tail(node.dir.resolve("stdout.log")));
                }
            }
            try (Admin admin = Admin.create(Map.of(
                    AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, runningInternalServers(),
                    AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 3_000,
                    AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 5_000))) {
                final int registered = admin.describeCluster().nodes().get(6, TimeUnit.SECONDS).size();
                if (registered >= expected) {
                    return;
                }
                last = registered + " of " + expected + " brokers registered";
            } catch (final ExecutionException | TimeoutException | org.apache.kafka.common.KafkaException e) {
                last = e.toString();
            }
            Thread.sleep(250);
        }
        throw new IllegalStateException("the Kafka cluster in " + baseDir + " is not ready after "
                + READY_TIMEOUT.toSeconds() + " s (" + last + "):\n" + nodes.stream()
                .map(n -> "broker " + n.id + ": " + tail(n.dir.resolve("stdout.log"))).collect(Collectors.joining("\n")));
    }

    private String runningInternalServers() {
        final String running = nodes.stream().filter(n -> n.process != null && n.process.isAlive())
                .map(n -> "127.0.0.1:" + n.internalPort).collect(Collectors.joining(","));
        return running.isEmpty() ? internalBootstrapServers() : running;
    }

    /** Stops every node (SIGTERM, SIGKILL after 30 s). The data stays, for the test's temporary directory. */
    @Override
    public void close() throws InterruptedException {
        for (final Node node : nodes) {
            if (node.process != null) {
                node.process.close();
            }
        }
    }

    private Node node(final int nodeId) {
        return nodes.stream().filter(n -> n.id == nodeId).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no broker " + nodeId + " in " + nodeIds()));
    }

    private void launch(final Node node) throws IOException {
        node.process = JvmProcess.start("broker-" + node.id, List.of(
                        "-Xms64m", "-Xmx" + heap, "-XX:+UseSerialGC",
                        "-Dlog4j2.configurationFile=" + node.dir.resolve("log4j2.xml").toUri(),
                        "-Djava.io.tmpdir=" + node.dir),
                "kafka.Kafka", List.of(node.dir.resolve("server.properties").toString()),
                node.dir.resolve("stdout.log"));
    }

    private static String tail(final Path log) {
        try {
            final List<String> lines = Files.exists(log) ? Files.readAllLines(log, StandardCharsets.UTF_8) : List.of();
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 15), lines.size()));
        } catch (final IOException e) {
            return "(" + log + " cannot be read: " + e + ")";
        }
    }

    /** Configures and starts a cluster. */
    public static final class Builder {
        private final Path baseDir;
        private int size = 1;
        private Security security = Security.PLAINTEXT;
        private String user = "dora";
        private String password = "dora-secret";
        private TlsMaterial tls;
        private String heap = "384m";
        private final Map<String, String> brokerConfig = new LinkedHashMap<>();

        private Builder(final Path baseDir) {
            this.baseDir = baseDir;
        }

        /** 1 (the default) for one combined node, 3 for a cluster that survives the loss of one. */
        public Builder nodes(final int count) {
            if (count < 1) {
                throw new IllegalArgumentException("at least one node");
            }
            this.size = count;
            return this;
        }

        public Builder security(final Security value) {
            this.security = value;
            return this;
        }

        /** The SASL user; {@code dora} / {@code dora-secret} unless set. */
        public Builder user(final String name, final String secret) {
            this.user = name;
            this.password = secret;
            return this;
        }

        /** The certificate of a {@link Security#SSL} listener. */
        public Builder tls(final TlsMaterial material) {
            this.tls = material;
            return this;
        }

        /** Maximum heap of each broker JVM ({@code 384m} unless set). */
        public Builder heap(final String value) {
            this.heap = value;
            return this;
        }

        /** Any broker setting, e.g. {@code min.insync.replicas=2}; applied to every node, last. */
        public Builder brokerConfig(final String key, final String value) {
            brokerConfig.put(key, value);
            return this;
        }

        /** Formats every node's storage, starts them and waits until all are registered. */
        public KafkaProcessCluster start() throws IOException, InterruptedException {
            if (security == Security.SSL && tls == null) {
                throw new IllegalStateException("a TLS listener needs TlsMaterial");
            }
            final List<Node> nodes = new ArrayList<>();
            for (int id = 1; id <= size; id++) {
                nodes.add(new Node(id, baseDir.resolve("broker-" + id), freePort(), freePort(),
                        security == Security.PLAINTEXT ? -1 : freePort()));
            }
            final String voters = nodes.stream().map(n -> n.id + "@127.0.0.1:" + n.controllerPort)
                    .collect(Collectors.joining(","));
            final String clusterId = Uuid.randomUuid().toString();
            final KafkaProcessCluster cluster = new KafkaProcessCluster(this, nodes);
            for (final Node node : nodes) {
                Files.createDirectories(node.dir);
                writeProperties(node.dir.resolve("server.properties"), serverProperties(node, voters));
                Files.writeString(node.dir.resolve("log4j2.xml"), LOG4J.replace("@LOG@",
                        node.dir.resolve("broker.log").toString()), StandardCharsets.UTF_8);
                format(node, clusterId);
            }
            try {
                for (final Node node : nodes) {
                    cluster.launch(node);
                }
                cluster.awaitReady();
            } catch (final IOException | InterruptedException | RuntimeException e) {
                cluster.close();
                throw e;
            }
            return cluster;
        }

        private Map<String, String> serverProperties(final Node node, final String voters) {
            final int replicas = Math.min(3, size);
            final int minIsr = Math.min(2, size);
            final Map<String, String> p = new TreeMap<>();
            p.put("process.roles", "broker,controller");
            p.put("node.id", Integer.toString(node.id));
            p.put("controller.quorum.voters", voters);
            p.put("controller.listener.names", "CONTROLLER");
            p.put("inter.broker.listener.name", "INTERNAL");
            final String client = security == Security.PLAINTEXT ? ""
                    : ",CLIENT://127.0.0.1:" + node.clientPort;
            p.put("listeners", "INTERNAL://127.0.0.1:" + node.internalPort + ",CONTROLLER://127.0.0.1:"
                    + node.controllerPort + client);
            p.put("advertised.listeners", "INTERNAL://127.0.0.1:" + node.internalPort + client);
            p.put("listener.security.protocol.map", "INTERNAL:PLAINTEXT,CONTROLLER:PLAINTEXT,CLIENT:"
                    + switch (security) {
                        case PLAINTEXT -> "PLAINTEXT";
                        case SASL_SCRAM_SHA_512, SASL_PLAIN -> "SASL_PLAINTEXT";
                        case SSL -> "SSL";
                    });
            p.put("log.dirs", node.dir.resolve("data").toString());
            p.put("offsets.topic.replication.factor", Integer.toString(replicas));
            p.put("offsets.topic.num.partitions", "3");
            p.put("transaction.state.log.replication.factor", Integer.toString(replicas));
            p.put("transaction.state.log.min.isr", Integer.toString(minIsr));
            p.put("transaction.state.log.num.partitions", "3");
            p.put("share.coordinator.state.topic.replication.factor", Integer.toString(replicas));
            p.put("share.coordinator.state.topic.min.isr", Integer.toString(minIsr));
            p.put("group.initial.rebalance.delay.ms", "0");
            p.put("auto.create.topics.enable", "false");
            p.put("num.partitions", "3");
            switch (security) {
                case SASL_SCRAM_SHA_512 -> {
                    p.put("listener.name.client.sasl.enabled.mechanisms", "SCRAM-SHA-512");
                    p.put("listener.name.client.scram-sha-512.sasl.jaas.config",
                            "org.apache.kafka.common.security.scram.ScramLoginModule required;");
                }
                case SASL_PLAIN -> {
                    p.put("listener.name.client.sasl.enabled.mechanisms", "PLAIN");
                    p.put("listener.name.client.plain.sasl.jaas.config",
                            "org.apache.kafka.common.security.plain.PlainLoginModule required user_" + user
                                    + "=\"" + password + "\";");
                }
                case SSL -> p.putAll(tls.brokerProperties("client"));
                default -> {
                }
            }
            p.putAll(brokerConfig);
            return p;
        }

        /** The one call into Kafka's internal API: {@code kafka-storage format}, in this JVM (no System.exit). */
        private void format(final Node node, final String clusterId) {
            final List<String> args = new ArrayList<>(List.of("format", "-t", clusterId, "-c",
                    node.dir.resolve("server.properties").toString()));
            if (security == Security.SASL_SCRAM_SHA_512) {
                args.add("--add-scram");
                args.add("SCRAM-SHA-512=[name=" + user + ",password=" + password + "]");
            }
            final ByteArrayOutputStream output = new ByteArrayOutputStream();
            final int rc;
            try (PrintStream printStream = new PrintStream(output, true, StandardCharsets.UTF_8)) {
                rc = kafka.tools.StorageTool.execute(args.toArray(String[]::new), printStream);
            }
            if (rc != 0) {
                throw new IllegalStateException("cannot format broker " + node.id + " in " + node.dir + " (exit code "
                        + rc + "): " + output.toString(StandardCharsets.UTF_8).trim());
            }
        }

        private static void writeProperties(final Path file, final Map<String, String> properties)
                throws IOException {
            final Properties props = new Properties();
            props.putAll(properties);
            try (OutputStream out = Files.newOutputStream(file)) {
                props.store(out, "dora testkit broker");
            }
        }

        private static int freePort() throws IOException {
            try (ServerSocket socket = new ServerSocket()) {
                socket.setReuseAddress(true);
                socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
                return socket.getLocalPort();
            }
        }
    }

    /** One broker-and-controller node: its ports stay the same across restarts. */
    private static final class Node {
        final int id;
        final Path dir;
        final int internalPort;
        final int controllerPort;
        final int clientPort;
        JvmProcess process;

        Node(final int id, final Path dir, final int internalPort, final int controllerPort, final int clientPort) {
            this.id = id;
            this.dir = dir;
            this.internalPort = internalPort;
            this.controllerPort = controllerPort;
            this.clientPort = clientPort;
        }
    }

    /** Kafka's own INFO lines to the node's file; the console (stdout.log) only gets warnings. */
    private static final String LOG4J = """
            <?xml version="1.0" encoding="UTF-8"?>
            <Configuration status="WARN">
              <Appenders>
                <File name="file" fileName="@LOG@">
                  <PatternLayout pattern="%d{ISO8601} %-5level [%t] %c - %msg%n"/>
                </File>
                <Console name="console" target="SYSTEM_OUT">
                  <PatternLayout pattern="%d{HH:mm:ss} %-5level %c{1} - %msg%n"/>
                </Console>
              </Appenders>
              <Loggers>
                <Root level="INFO">
                  <AppenderRef ref="file"/>
                  <AppenderRef ref="console" level="WARN"/>
                </Root>
              </Loggers>
            </Configuration>
            """;
}
