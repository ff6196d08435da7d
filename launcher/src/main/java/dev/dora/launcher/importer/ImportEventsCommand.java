package dev.dora.launcher.importer;

import dev.dora.launcher.DoraCommand;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code dora import events FILE}: an NDJSON file of canonical events (the shape of {@code POST /api/v1/events}:
 * changes, deployments, incidents and builds), e.g. deployments, incidents and CI builds exported from other tools,
 * sent in file order or, with {@code --sort}, oldest first. Invalid lines are reported with their line number and
 * kept in the dead-letter topic; the valid ones are imported. History is best sent oldest first:
 * the pipeline does the least work that way (docs/ARCHITECTURE.md, "Known limits").
 */
@Command(name = "events", mixinStandardHelpOptions = true, sortOptions = false,
        versionProvider = DoraCommand.VersionProvider.class,
        description = {"Import an NDJSON file of canonical events (one JSON object per line, as POST /api/v1/events "
                + "takes them), in file order or, with --sort, oldest first. Invalid lines are reported by line "
                + "number and kept in the dead-letter topic; the other events are imported.",
                "History oldest first is what the pipeline processes fastest: sort it, or use --sort."})
public final class ImportEventsCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "FILE", description = "The NDJSON file, or - for standard input.")
    Path file;

    @Option(names = "--sort", description = {"Send the events oldest first (by occurredAt) rather than in file "
            + "order. A file listing deployments newest first after their commits, as many tools export them, "
            + "costs the pipeline commits x deployments in file order, each commit once sorted. Reads the file "
            + "twice and holds about 60 bytes a line; not for standard input."})
    boolean sort;

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
        if (stdin && sort) {
            throw new ParameterException(spec.commandLine(), "--sort: needs a FILE (standard input is read once, "
                    + "and sorting reads the file twice)");
        }
        final PrintWriter out = spec.commandLine().getOut();
        final String name = stdin ? "standard input" : file.toString();
        final long total = stdin ? -1 : EventsFile.countLines(file);
        final Importer.Summary summary;
        final OrderWatch order;
        if (sort) {
            order = new OrderWatch(SortedEventsFile.items(file));
            summary = ImportCommand.send(spec, target, backoff, terminal, "Importing events", total, order);
        } else {
            try (InputStream in = stdin ? System.in : Files.newInputStream(file)) {
                order = new OrderWatch(EventsFile.items(in));
                summary = ImportCommand.send(spec, target, backoff, terminal, "Importing events", total, order);
            }
        }
        out.printf("Imported %s: %,d events accepted, %,d invalid, in %s (%,d events/s%s)%s%n", name,
                summary.accepted(), summary.refused().size(), ImportCommand.seconds(summary.seconds()),
                summary.rate(), ImportCommand.waited(summary), summary.refused().isEmpty() ? ""
                        : "; invalid, kept in the dead-letter topic: " + summary.refusedList());
        if (order.backwards() > 0) {
            out.printf("%,d %s after a newer deployment of their service: --sort sends the file oldest first, "
                    + "which the pipeline processes fastest%n", order.backwards(),
                    order.backwards() == 1 ? "deployment came" : "deployments came");
        }
        out.flush();
        return 0;
    }
}
