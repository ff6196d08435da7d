package dev.dora.launcher.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dora.launcher.DoraCommand;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code dora bench}'s options are a public contract: their names, defaults, and the usage errors. */
@Tag("unit")
class BenchCommandTest {

    private static BenchSettings settings(final String... args) {
        final CommandLine commandLine = DoraCommand.newCommandLine();
        final String[] all = new String[args.length + 1];
        all[0] = "bench";
        System.arraycopy(args, 0, all, 1, args.length);
        final CommandLine.ParseResult result = commandLine.parseArgs(all);
        return ((BenchCommand) result.subcommand().commandSpec().userObject()).settings();
    }

    @Test
    void defaults() {
        final BenchSettings settings = settings();
        assertEquals(1_000_000, settings.history().events());
        assertEquals(300, settings.history().services());
        assertEquals(365, settings.history().days());
        assertEquals(42, settings.history().seed());
        assertEquals(LocalDate.now(ZoneOffset.UTC), settings.history().end());
        assertEquals(EnumSet.allOf(Phase.class), settings.phases());
        assertFalse(settings.importing().overHttp());
        assertEquals(1000, settings.importing().batchSize());
        assertEquals(16, settings.querying().clients());
        assertEquals(100, settings.live().rate());
        assertEquals(100_000, settings.live().concurrentEvents());
        assertEquals(List.of(), settings.underTest().javaOptions());
        assertNull(settings.output().workDir());
        assertNull(settings.output().json());
        assertFalse(settings.profiling().enabled());
        assertEquals(0, settings.underTest().httpPort());
        assertEquals(LocalDate.now(ZoneOffset.UTC).minusDays(365), settings.history().start());
    }

    @Test
    void options() {
        final BenchSettings settings = settings("--events", "20000", "--services", "30", "--days", "90", "--seed", "7",
                "--end", "2026-11-01", "--only", "backfill, queries", "--import", "http", "--java-opts",
                " -Xmx1g  -XX:+UseG1GC ", "--serve-args", "--partitions 6", "--port", "18381", "--kafka-port", "19392");
        assertEquals(20_000, settings.history().events());
        assertEquals(LocalDate.parse("2026-11-01"), settings.history().end());
        assertEquals(Set.of(Phase.BACKFILL, Phase.QUERIES), settings.phases());
        assertTrue(settings.importing().overHttp());
        assertEquals(List.of("-Xmx1g", "-XX:+UseG1GC"), settings.underTest().javaOptions());
        assertEquals(List.of("--partitions", "6"), settings.underTest().serveArguments());
        assertEquals(20_000, settings.live().concurrentEvents(), "the concurrent backfill is at most the history");
        assertEquals(18381, settings.underTest().httpPort());
        assertEquals(19392, settings.underTest().kafkaPort());
        assertTrue(settings.loadsHistory());
        assertFalse(settings("--only", "passthrough").loadsHistory(), "the pass-through alone needs no import");
        assertEquals(EnumSet.of(Phase.PASSTHROUGH, Phase.BACKFILL, Phase.QUERIES),
                settings("--skip", "restart,freshness").phases());
    }

    @Test
    void badOptionsAreUsageErrorsNamingTheOption() {
        assertUsageError("--only: unknown phase 'backfil'", "--only", "backfil");
        assertUsageError("--only/--skip leave no phase", "--only", "queries", "--skip", "queries");
        assertUsageError("--events must be positive", "--events", "0");
        assertUsageError("--query-warm-up must be positive", "--query-warm-up", "0");
        assertUsageError("--import must be kafka or http", "--import", "ftp");
        assertUsageError("--end must be a date", "--end", "yesterday");
        assertUsageError("--batch-size must be at most 10000", "--batch-size", "20000");
        assertUsageError("clashes with the broker's ports", "--port", "19393", "--kafka-port", "19392");
    }

    private static void assertUsageError(final String message, final String... args) {
        final StringWriter err = new StringWriter();
        final CommandLine commandLine = DoraCommand.newCommandLine().setErr(new PrintWriter(err, true))
                .setOut(new PrintWriter(new StringWriter()));
        final String[] all = new String[args.length + 1];
        all[0] = "bench";
        System.arraycopy(args, 0, all, 1, args.length);
        assertEquals(CommandLine.ExitCode.USAGE, commandLine.execute(all), err.toString());
        assertTrue(err.toString().contains(message), err.toString());
    }
}
