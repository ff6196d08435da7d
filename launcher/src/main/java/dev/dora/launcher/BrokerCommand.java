package dev.dora.launcher;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.apache.logging.log4j.LogManager;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code dora broker}: only the single-node KRaft broker that {@code dora demo} and {@code dora serve} embed, until
 * Ctrl-C, so that several {@code dora serve --bootstrap-servers localhost:PORT} instances can share one broker on a
 * laptop, and the broker can be stopped and started on its own.
 */
@Command(name = "broker", mixinStandardHelpOptions = true, sortOptions = false,
        versionProvider = DoraCommand.VersionProvider.class,
        description = {"Run only the embedded single-node Kafka broker (KRaft, broker and controller in one process) "
                + "until Ctrl-C.",
                "Then point any number of 'dora serve --bootstrap-servers localhost:PORT --data-dir DIR' at it, each "
                        + "with its own --port and --data-dir."})
public final class BrokerCommand implements Callable<Integer> {

    /** Printed once the broker accepts clients; scripts and tests wait for it. */
    static final String READY = "Kafka broker ready on ";

    @Spec
    CommandSpec spec;

    @Option(names = "--kafka-port", defaultValue = "" + EmbeddedKafka.DEFAULT_PORT, paramLabel = "PORT",
            description = "Client port of the broker; its controller uses PORT+1 (default: ${DEFAULT-VALUE}).")
    int kafkaPort;

    @Option(names = "--data-dir", defaultValue = "./data", paramLabel = "DIR",
            description = "Where the broker keeps its data (kafka/) and its log (logs/dora.log); the same directory "
                    + "as a 'dora demo' keeps every topic it wrote (default: ${DEFAULT-VALUE}).")
    Path dataDir;

    @Override
    public Integer call() throws Exception {
        if (kafkaPort < 1 || kafkaPort > 65534) {
            throw new ParameterException(spec.commandLine(),
                    "--kafka-port must be between 1 and 65534, its controller uses the next port (got " + kafkaPort + ")");
        }
        final Path dir = dataDir.toAbsolutePath().normalize();
        Logging.init(dir);
        final PrintWriter out = spec.commandLine().getOut();
        out.printf("Starting the Kafka broker on localhost:%d (data in %s)%n", kafkaPort, dir.resolve("kafka"));
        out.flush();
        final EmbeddedKafka kafka = EmbeddedKafka.start(dir, kafkaPort);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            out.println();
            out.println("Stopping the Kafka broker...");
            out.flush();
            kafka.close();
            out.println("Stopped.");
            out.flush();
            LogManager.shutdown();
        }, "dora-broker-shutdown"));
        out.printf("%s%s (log: %s)%n", READY, kafka.bootstrapServers(), Logging.logFile(dir));
        out.printf("  dora serve --bootstrap-servers %s --port 8081 --data-dir ./data-8081%n",
                kafka.bootstrapServers());
        out.println("Press Ctrl-C to stop.");
        out.flush();
        Shutdown.awaitSignal();
        return 0;
    }
}
