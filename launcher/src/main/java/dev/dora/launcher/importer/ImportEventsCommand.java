package dev.dora.launcher.importer;

import dev.dora.launcher.DoraCommand;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code dora import events FILE}: an NDJSON file of canonical events (the shape of {@code POST /api/v1/events}:
 * changes, deployments, incidents and builds), e.g. deployments, incidents and CI builds exported from other tools,
 * sent in file order. Invalid lines are reported with their line number and kept in the dead-letter topic; the valid
 * ones are imported. History is best sent oldest first:
 * the pipeline does the least work that way (docs/ARCHITECTURE.md, "Known limits").
 */
@Command(name = "events", mixinStandardHelpOptions = true, sortOptions = false,
        versionProvider = DoraCommand.VersionProvider.class,
        description = {"Import an NDJSON file of canonical events (one JSON object per line, as POST /api/v1/events "
                + "takes them), in file order. Invalid lines are reported by line number and kept in the dead-letter "
                + "topic; the other events are imported.",
                "Sort history oldest first: the pipeline is fastest that way."})
public final class ImportEventsCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "FILE", description = "The NDJSON file, or - for standard input.")
    Path file;

    @Mixin
    TargetOptions target;

    /** Retries; tests shorten them. */
    Backoff backoff = Backoff.DEFAULT;
    /** Whether stdout is a terminal; {@code null} asks the console (tests set it). */
    Boolean terminal;

    @Override
    public Integer call() throws Exception {
        // before validation: reading --kafka-config loads Kafka's client classes, which create loggers
        ImportCommand.initLogging();
        final boolean stdin = "-".equals(file.toString());
        target.validate(spec);
        if (!stdin && !Files.isRegularFile(file)) {
            throw new ParameterException(spec.commandLine(), file + ": no such file");
        }
        final PrintWriter out = spec.commandLine().getOut();
        final String name = stdin ? "standard input" : file.toString();
        final Importer.Summary summary;
        try (InputStream in = stdin ? System.in : Files.newInputStream(file)) {
            final long total = stdin ? -1 : EventsFile.countLines(file);
            summary = ImportCommand.send(spec, target, backoff, terminal, "Importing events", total,
                    EventsFile.items(in));
        }
        out.printf("Imported %s: %,d events accepted, %,d invalid, in %s (%,d events/s%s)%s%n", name,
                summary.accepted(), summary.refused().size(), ImportCommand.seconds(summary.seconds()),
                summary.rate(), ImportCommand.waited(summary), summary.refused().isEmpty() ? ""
                        : "; invalid, kept in the dead-letter topic: " + summary.refusedList());
        out.flush();
        return 0;
    }
}
