package dev.dora.launcher.cluster;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dora.testkit.JvmProcess;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code dora broker} in its own JVM: ready message, clients served, Ctrl-C (SIGTERM) stops it, data kept. */
@Tag("e2e")
class BrokerCommandTest {

    @TempDir
    Path dir;

    @Test
    @Timeout(240)
    void runsTheBrokerUntilStoppedAndKeepsItsTopics() throws Exception {
        final int port = freePortPair();
        final String servers = "localhost:" + port;
        final List<String> args = List.of("broker", "--kafka-port", Integer.toString(port), "--data-dir",
                dir.resolve("data").toString());
        final String log4j = getClass().getClassLoader().getResource("log4j2.xml").toString();
        try (JvmProcess broker = JvmProcess.start("dora-broker", List.of("-Xmx384m", "-Dlog4j2.configurationFile="
                + log4j), "dev.dora.launcher.DoraCommand", args, dir.resolve("console.log"))) {
            awaitOutput(broker, "Kafka broker ready on " + servers);
            try (Admin admin = admin(servers)) {
                admin.createTopics(List.of(new NewTopic("kept", Optional.of(1), Optional.empty()))).all()
                        .get(30, TimeUnit.SECONDS);
            }
            // 143: the JVM's status after SIGTERM once its shutdown hooks have run
            assertTrue(List.of(0, 143).contains(broker.stop()), broker.output());
            assertTrue(broker.output().contains("Stopped."), "the shutdown hook closed the broker: " + broker.output());
        }
        assertTrue(Files.exists(dir.resolve("data").resolve("kafka").resolve("meta.properties")));
        assertTrue(Files.readString(dir.resolve("data").resolve("logs").resolve("dora.log"))
                .contains("Embedded Kafka is up"), "the log is in the data directory");
        try (JvmProcess again = JvmProcess.start("dora-broker", List.of("-Xmx384m", "-Dlog4j2.configurationFile="
                + log4j), "dev.dora.launcher.DoraCommand", args, dir.resolve("console-2.log"))) {
            awaitOutput(again, "Kafka broker ready on " + servers);
            try (Admin admin = admin(servers)) {
                final Set<String> topics = admin.listTopics().names().get(30, TimeUnit.SECONDS);
                assertTrue(topics.contains("kept"), "restarted on the same data: " + topics);
            }
        }
    }

    private static Admin admin(final String servers) {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, servers));
    }

    private static void awaitOutput(final JvmProcess process, final String text) throws InterruptedException {
        final long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        while (!process.output().contains(text)) {
            if (!process.isAlive() || System.nanoTime() > deadline) {
                throw new AssertionError("no '" + text + "' from dora broker:\n" + process.output());
            }
            Thread.sleep(200);
        }
    }

    /** A free port whose successor (the controller's) is free too. */
    private static int freePortPair() throws Exception {
        for (int attempt = 0; attempt < 50; attempt++) {
            final int port;
            try (ServerSocket socket = new ServerSocket()) {
                socket.bind(new InetSocketAddress("localhost", 0));
                port = socket.getLocalPort();
            }
            try (ServerSocket next = new ServerSocket()) {
                next.bind(new InetSocketAddress("localhost", port + 1));
                return port;
            } catch (final java.io.IOException taken) {
                // try another
            }
        }
        throw new IllegalStateException("no two adjacent free ports");
    }
}
