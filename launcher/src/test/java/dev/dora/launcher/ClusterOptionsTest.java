package dev.dora.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dora.schema.KafkaClientSettings;
import dev.dora.streams.config.MetricsConfig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** How serve's cluster options combine with the files they name. Nothing is started here. */
@Tag("unit")
class ClusterOptionsTest {

    @TempDir
    Path dir;

    private static ServeCommand parse(final String... args) {
        final CommandLine.ParseResult result = DoraCommand.newCommandLine().parseArgs(args);
        return (ServeCommand) result.subcommand().commandSpec().userObject();
    }

    private Path file(final String name, final String text) throws Exception {
        final Path file = dir.resolve(name);
        Files.writeString(file, text, StandardCharsets.UTF_8);
        return file;
    }

    private static MetricsConfig config(final ServeCommand serve) {
        return serve.metricsConfig(serve.cluster.cluster(serve.spec).orElseThrow());
    }

    @Test
    void threadsDefaultToTheCoresAndTheOptionWinsOverTheStreamsFile() throws Exception {
        final Path streams = file("streams.properties", "num.stream.threads=3\nreplication.factor=2\n"
                + "num.standby.replicas=1\n");
        final MetricsConfig defaults = config(parse("serve", "--bootstrap-servers", "k:9092"));
        assertEquals(Runtime.getRuntime().availableProcessors(), defaults.streamThreads());
        assertEquals(-1, defaults.replicationFactor(), "the cluster's default");

        final MetricsConfig fromFile = config(parse("serve", "--bootstrap-servers", "k:9092",
                "--streams-config", streams.toString()));
        assertEquals(3, fromFile.streamThreads());
        assertEquals(2, fromFile.replicationFactor());
        assertEquals(Map.of("num.standby.replicas", "1"), fromFile.streamsOverrides().properties(),
                "what an option also sets is taken out of the overrides");

        final MetricsConfig options = config(parse("serve", "--bootstrap-servers", "k:9092",
                "--streams-config", streams.toString(), "--stream-threads", "5", "--replication-factor", "3"));
        assertEquals(5, options.streamThreads());
        assertEquals(3, options.replicationFactor());
        assertEquals(defaults.streamsApplicationId(), options.streamsApplicationId(),
                "threads, replication and overrides do not start a new computation");
    }

    @Test
    void theAdvertisedUrlIsTheApplicationServerWithOneStandbyUnlessTheStreamsFileSaysOtherwise() throws Exception {
        final ServeCommand single = parse("serve", "--bootstrap-servers", "k:9092");
        assertTrue(single.cluster.clusterReads().isEmpty(), "without it an instance reads its own stores");
        assertEquals(Map.of(), config(single).streamsOverrides().properties());

        final ServeCommand advertised = parse("serve", "--bootstrap-servers", "k:9092", "--advertised-url",
                "http://dora-api-1:8080");
        assertEquals(Map.of("application.server", "dora-api-1:8080", "num.standby.replicas", "1"),
                config(advertised).streamsOverrides().properties());
        assertEquals("http://dora-api-1:8080",
                advertised.cluster.clusterReads().orElseThrow().advertisedUrl().toString());

        final Path streams = file("streams.properties", "num.standby.replicas=2\napplication.server=other:1\n");
        final ServeCommand overridden = parse("serve", "--bootstrap-servers", "k:9092", "--advertised-url",
                "https://dora.example.com", "--streams-config", streams.toString());
        assertEquals(Map.of("application.server", "dora.example.com:443", "num.standby.replicas", "2"),
                config(overridden).streamsOverrides().properties(), "the option wins, the file's standbys stay");

        for (final String bad : List.of("dora-api-1:8080", "ftp://h:1", "http://h:1/path", "http://u@h:1")) {
            final CliRun refused = run("serve", "--bootstrap-servers", "k:9092", "--advertised-url", bad,
                    "--data-dir", dir.resolve("advertised-" + Math.abs(bad.hashCode())).toString());
            assertEquals(2, refused.code(), bad);
            assertTrue(refused.err().contains("--advertised-url"), refused.err());
        }
    }

    @Test
    void theClientFileNamesTheClusterWhenTheOptionDoesNot() throws Exception {
        final Path client = file("client.properties", "bootstrap.servers=secure:9093\nsecurity.protocol=SSL\n");
        final ServeCommand serve = parse("serve", "--kafka-config", client.toString());
        final KafkaClientSettings settings = serve.cluster.cluster(serve.spec).orElseThrow();
        assertEquals("secure:9093", settings.bootstrapServers());
        assertEquals("SSL", config(serve).kafka().securityProtocol());

        final ServeCommand overridden = parse("serve", "--kafka-config", client.toString(), "--bootstrap-servers",
                "other:9093");
        assertEquals("other:9093", overridden.cluster.cluster(overridden.spec).orElseThrow().bootstrapServers());

        final ServeCommand fromEnvironment = parse("serve");
        fromEnvironment.cluster.environment = Map.of(KafkaClientSettings.ENVIRONMENT_VARIABLE, client.toString());
        assertEquals("secure:9093", fromEnvironment.cluster.cluster(fromEnvironment.spec).orElseThrow()
                .bootstrapServers());
        assertTrue(parse("serve").cluster.cluster(null).isEmpty(), "no cluster: the embedded broker");
    }

    @Test
    void badFilesAreUsageErrorsNamingTheFileAndTheSetting() throws Exception {
        final Path streams = file("streams.properties", "processing.guarantee=at_least_once\n");
        final CliRun protectedSetting = run("serve", "--bootstrap-servers", "k:9092", "--streams-config",
                streams.toString(), "--data-dir", dir.resolve("d").toString());
        assertEquals(2, protectedSetting.code());
        assertTrue(protectedSetting.err().contains("processing.guarantee=at_least_once is not allowed"),
                protectedSetting.err());
        assertTrue(protectedSetting.err().contains(streams.toAbsolutePath().toString()), protectedSetting.err());

        final Path noServers = file("client.properties", "security.protocol=SSL\n");
        final CliRun missing = run("serve", "--kafka-config", noServers.toString(), "--data-dir",
                dir.resolve("d").toString());
        assertEquals(2, missing.code());
        assertTrue(missing.err().contains("has no bootstrap.servers"), missing.err());

        assertEquals(2, run("serve", "--bootstrap-servers", "k:9092", "--stream-threads", "0").code());
        assertEquals(2, run("serve", "--bootstrap-servers", "k:9092", "--replication-factor", "0").code());
        final CliRun nothing = run("serve", "--kafka-config", dir.resolve("absent.properties").toString());
        assertTrue(nothing.err().contains("no such file"), nothing.err());
    }

    @Test
    void helpListsTheClusterOptionsAndTheBrokerCommand() {
        final CliRun help = run("serve", "--help");
        for (final String option : List.of("--kafka-config", "--streams-config", "--stream-threads",
                "--replication-factor", "--bootstrap-servers", "--advertised-url")) {
            assertTrue(help.out().contains(option), option + " in\n" + help.out());
        }
        final CliRun broker = run("broker", "--help");
        assertTrue(broker.out().contains("--kafka-port") && broker.out().contains("--data-dir"), broker.out());
        assertTrue(run("import", "events", "--help").out().contains("--kafka-config"));
        assertFalse(run("--help").out().isEmpty());
    }

    private static CliRun run(final String... args) {
        return CliRun.of(args);
    }

}
