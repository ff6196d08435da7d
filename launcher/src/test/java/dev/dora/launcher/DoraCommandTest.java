package dev.dora.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dora.streams.config.HotfixRule;
import dev.dora.streams.config.MetricsConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine;

/** The command line is a public contract: option names, defaults and exit codes. Nothing is started here. */
@Tag("unit")
class DoraCommandTest {

    @TempDir
    Path tempDir;

    private static <T> T parse(final Class<T> type, final String... args) {
        final ParseResult result = DoraCommand.newCommandLine().parseArgs(args);
        assertTrue(result.hasSubcommand(), "a subcommand was parsed");
        return type.cast(result.subcommand().commandSpec().userObject());
    }

    @Test
    void serveDefaults() {
        final ServeCommand serve = parse(ServeCommand.class, "serve");
        assertEquals(8080, serve.common.port);
        assertEquals(Path.of("./data").toAbsolutePath().normalize(), serve.common.dataDir());
        assertEquals(19092, serve.common.kafkaPort);
        assertNull(serve.cluster.bootstrapServers);
        assertEquals(3, serve.partitions);
        assertEquals(List.of("production", "prod"), serve.productionEnvironments);
        assertEquals(Duration.ofHours(24), serve.incidentWindow);
        assertEquals(List.of("hotfix/**", "hotfix-*"), serve.hotfixBranches);
        assertEquals(List.of("hotfix"), serve.hotfixLabels);
        assertEquals(HotfixRule.defaults(), serve.hotfixRule());

        final MetricsConfig config = serve.metricsConfig("localhost:19092");
        final MetricsConfig defaults = MetricsConfig.defaults("localhost:19092",
                Path.of("./data").toAbsolutePath().normalize().resolve("streams"));
        assertEquals(defaults, config, "serve without options runs the documented defaults");
    }

    @Test
    void serveOptions() {
        final ServeCommand serve = parse(ServeCommand.class, "serve", "--port", "9000", "--data-dir", "/tmp/dora-x",
                "--bootstrap-servers", "kafka:9092", "--kafka-port", "29092", "--partitions", "6",
                "--production-environments", "live, prod-eu", "--incident-window", "2d", "--fast-build", "15m");
        assertEquals(9000, serve.common.port);
        assertEquals(Path.of("/tmp/dora-x"), serve.common.dataDir());
        assertEquals("kafka:9092", serve.cluster.bootstrapServers);
        assertEquals(29092, serve.common.kafkaPort);

        final MetricsConfig config = serve.metricsConfig("kafka:9092");
        assertEquals("kafka:9092", config.bootstrapServers());
        assertEquals(Path.of("/tmp/dora-x/streams"), config.stateDir());
        assertEquals(6, config.partitions());
        assertEquals(Set.of("live", "prod-eu"), config.productionEnvironments());
        assertEquals(900, config.fastBuildSeconds());
        assertEquals(Duration.ofDays(2), config.incidentWindow());
        assertEquals("dora-metrics", config.applicationId());
        assertEquals(HotfixRule.defaults(), config.hotfixRule(), "the hotfix options keep their defaults");
    }

    @Test
    void hotfixOptions() {
        final ServeCommand serve = parse(ServeCommand.class, "serve",
                "--hotfix-branches", "hotfix/**, release/*/hotfix,", "--hotfix-labels", "Hotfix, emergency");
        final HotfixRule rule = serve.metricsConfig("kafka:9092").hotfixRule();
        assertEquals(new HotfixRule(List.of("hotfix/**", "release/*/hotfix"), List.of("hotfix", "emergency")), rule);
        assertTrue(rule.matchesBranch("release/2.1/hotfix"));
        assertTrue(rule.matchesAnyLabel(List.of("EMERGENCY")));
        assertFalse(rule.matchesBranch("hotfix-1"), "the default globs are replaced, not extended");

        final ServeCommand off = parse(ServeCommand.class, "serve", "--hotfix-branches=", "--hotfix-labels=");
        assertEquals(HotfixRule.none(), off.metricsConfig("kafka:9092").hotfixRule());
        assertNotEquals(MetricsConfig.defaults("kafka:9092", Path.of("s")).streamsApplicationId(),
                off.metricsConfig("kafka:9092").streamsApplicationId(), "no rule is another computation");

        final ServeCommand labelsOnly = parse(ServeCommand.class, "serve", "--hotfix-branches", "");
        assertEquals(new HotfixRule(List.of(), List.of("hotfix")), labelsOnly.hotfixRule());
    }

    @Test
    void invalidHotfixGlobsAreRefusedNamingTheOption() {
        final CliRun bracket = run("serve", "--hotfix-branches", "hotfix/[0-9]*", "--data-dir", tempDir.toString());
        assertEquals(2, bracket.code());
        assertTrue(bracket.err().contains("--hotfix-branches: hotfix branch glob 'hotfix/[0-9]*': '[' at position 7"
                + " is not supported"), bracket.err());
        final CliRun stars = run("serve", "--hotfix-branches", "hotfix/***", "--data-dir", tempDir.toString());
        assertEquals(2, stars.code());
        assertTrue(stars.err().contains("--hotfix-branches: hotfix branch glob 'hotfix/***'"), stars.err());
        final CliRun space = run("serve", "--hotfix-branches", "hot fix/*", "--data-dir", tempDir.toString());
        assertEquals(2, space.code());
        assertTrue(space.err().contains("must not contain whitespace"), space.err());
    }

    @Test
    void demoOptions() {
        final DemoCommand defaults = parse(DemoCommand.class, "demo");
        assertEquals(8080, defaults.common.port);
        assertEquals(19092, defaults.common.kafkaPort);
        assertFalse(defaults.fresh);

        final DemoCommand demo = parse(DemoCommand.class, "demo", "--port=8181", "--data-dir=demo-data",
                "--kafka-port=29092", "--fresh");
        assertEquals(8181, demo.common.port);
        assertEquals(Path.of("demo-data").toAbsolutePath(), demo.common.dataDir());
        assertEquals(29092, demo.common.kafkaPort);
        assertTrue(demo.fresh);
    }

    @Test
    void prometheusWindow() {
        assertEquals(30, parse(ServeCommand.class, "serve").common.observability().windowDays());
        assertEquals("30d", parse(DemoCommand.class, "demo").common.observability().windowLabel());
        assertEquals("7d", parse(ServeCommand.class, "serve", "--prometheus-window", "7d").common.observability()
                .windowLabel());
        for (final String wrong : List.of("0d", "30", "2w", "3661d")) {
            final CliRun run = run("serve", "--prometheus-window", wrong, "--data-dir", tempDir.toString());
            assertEquals(2, run.code(), wrong);
            assertTrue(run.err().contains("--prometheus-window must be a number of days like 7d"), run.err());
        }
    }

    @Test
    void durations() {
        final DurationConverter converter = new DurationConverter();
        assertEquals(Duration.ofMinutes(30), converter.convert("30m"));
        assertEquals(Duration.ofHours(24), converter.convert("24h"));
        assertEquals(Duration.ofDays(2), converter.convert("2d"));
        assertEquals(Duration.ofSeconds(90), converter.convert("90s"));
        assertEquals(Duration.ofHours(36), converter.convert("PT36H"));
        assertEquals(Duration.ZERO, converter.convert("0"), "a bare zero needs no unit");
        assertEquals(Duration.ofMillis(500), converter.convert("500ms"));
        assertThrows(CommandLine.TypeConversionException.class, () -> converter.convert("soon"));
    }

    @Test
    void exitCodes() {
        assertEquals(0, run("--help").code());
        assertEquals(0, run("--version").code());
        assertEquals(0, run("serve", "--help").code());
        assertEquals(0, run("demo", "--help").code());
        assertEquals(2, run().code(), "no subcommand");
        assertEquals(2, run("launch").code(), "unknown subcommand");
        assertEquals(2, run("serve", "--port", "eighty").code());
        assertEquals(2, run("serve", "--incident-window", "soon").code());
        assertEquals(2, run("serve", "--fast-build", "quick").code());
        assertEquals(2, run("serve", "--no-such-option").code());
        // range checks run before anything starts
        assertEquals(2, run("serve", "--port", "0", "--data-dir", tempDir.toString()).code());
        assertEquals(2, run("serve", "--partitions", "0", "--data-dir", tempDir.toString()).code());
        assertEquals(2, run("demo", "--port", "19093", "--data-dir", tempDir.toString()).code(),
                "--port clashes with the controller port");
    }

    @Test
    void versionAndHelpShowTheContract() {
        final CliRun version = run("--version");
        assertTrue(version.out().startsWith("dora "), version.out());
        final CliRun help = run("serve", "--help");
        for (final String option : List.of("--port", "--data-dir", "--bootstrap-servers", "--kafka-port",
                "--partitions", "--production-environments", "--incident-window", "--hotfix-branches",
                "--hotfix-labels", "--prometheus-window", "--fast-build")) {
            assertTrue(help.out().contains(option), option + " in\n" + help.out());
        }
        assertTrue(run("demo", "--help").out().contains("--fresh"));
    }

    @Test
    void freshRefusesToDeleteForeignFiles() throws Exception {
        final Path dataDir = Files.createDirectories(tempDir.resolve("data"));
        Files.createDirectories(dataDir.resolve("kafka"));
        Files.writeString(dataDir.resolve("kafka").resolve("meta.properties"), "x");
        Files.writeString(dataDir.resolve(DemoCommand.MARKER), "x");
        DemoCommand.wipe(dataDir);
        assertFalse(Files.exists(dataDir));

        final Path home = Files.createDirectories(tempDir.resolve("home"));
        Files.writeString(home.resolve("thesis.tex"), "precious");
        final IllegalStateException e = assertThrows(IllegalStateException.class, () -> DemoCommand.wipe(home));
        assertTrue(e.getMessage().contains("thesis.tex"), e.getMessage());
        assertTrue(Files.exists(home.resolve("thesis.tex")));
    }

    private static CliRun run(final String... args) {
        return CliRun.of(args);
    }

}
