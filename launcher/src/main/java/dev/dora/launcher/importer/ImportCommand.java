package dev.dora.launcher.importer;

import dev.dora.launcher.DoraCommand;
import dev.dora.launcher.Logging;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Iterator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code dora import}: backfills history into a running dora, so that a team sees its metrics on day one.
 * {@code dora import git} reads a local repository's commits, {@code dora import events} an NDJSON file of canonical
 * events. Both post to the API ({@code --url}) or produce to Kafka ({@code --bootstrap-servers}), in batches, with
 * bounded retries; both are idempotent (the events depend only on their source, and the pipeline ignores exact
 * duplicates), so an interrupted import is simply run again.
 */
@Command(name = "import", mixinStandardHelpOptions = true,
        versionProvider = DoraCommand.VersionProvider.class,
        description = "Load history into a running dora: commits from a git repository, or events from an NDJSON "
                + "file. Running an import twice changes nothing.",
        subcommands = {ImportGitCommand.class, ImportEventsCommand.class})
public final class ImportCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(),
                "Missing command: use 'dora import git' or 'dora import events'");
    }

    /**
     * Imports (and {@code dora report}) have no data directory: their log goes to
     * {@code <tmp>/dora-import-<user>/logs/dora.log}. Call before anything logs.
     */
    public static void initLogging() {
        if (System.getProperty(Logging.LOG_DIR_PROPERTY) == null) {
            Logging.init(Path.of(System.getProperty("java.io.tmpdir"),
                    "dora-import-" + System.getProperty("user.name", "user")));
        }
    }

    /**
     * Sends the items to the target with progress on {@code out} and refused items on {@code err}.
     *
     * @param terminal whether to redraw the progress line in place, {@code null} to ask the console
     */
    static Importer.Summary send(final CommandSpec spec, final TargetOptions target, final Backoff backoff,
                                 final Boolean terminal, final String label, final long total,
                                 final Iterator<ImportItem> items) throws InterruptedException {
        final PrintWriter out = spec.commandLine().getOut();
        final PrintWriter err = spec.commandLine().getErr();
        try (EventSink sink = target.open(spec, backoff); PipelineBacklog backlog = target.backlog(spec)) {
            out.printf("%s: sending %s to %s%n", label, total >= 0 ? String.format("%,d events", total) : "events",
                    sink.describe());
            out.flush();
            final ImportProgress progress = new ImportProgress(out, label, total,
                    terminal != null ? terminal : ImportProgress.stdoutIsTerminal(), System::nanoTime);
            return new Importer(sink, target.batchSize, err, new Pacer(backlog, target.maxLag, System::nanoTime))
                    .run(items, progress);
        }
    }

    /** {@code ; 3.2 s of it waiting for the pipeline}, or nothing when the import never waited. */
    static String waited(final Importer.Summary summary) {
        return summary.waited() < 0.05 ? "" : "; " + seconds(summary.waited()) + " of it waiting for the pipeline "
                + "(--max-lag)";
    }

    /** {@code 1.2 s} or {@code 45 ms}. */
    static String seconds(final double seconds) {
        return seconds < 1 ? Math.round(seconds * 1000) + " ms" : String.format("%.1f s", seconds);
    }
}
