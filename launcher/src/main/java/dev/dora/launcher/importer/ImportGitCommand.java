package dev.dora.launcher.importer;

import dev.dora.launcher.DoraCommand;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code dora import git --repo PATH --service S}: every commit reachable from a branch of a local repository (its
 * first-parent line and everything merged into it, with all parents and the committer timestamp) as {@code change}
 * events. Squash and rebase merges are ordinary commits on the branch and yield lead-time samples like any other.
 * No commit message, name or e-mail address is read.
 */
@Command(name = "git", mixinStandardHelpOptions = true, sortOptions = false,
        versionProvider = DoraCommand.VersionProvider.class,
        description = "Import the commits of a branch of a local git repository as change events "
                + "(parents before children; no names or e-mail addresses).")
public final class ImportGitCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--repo", required = true, paramLabel = "PATH",
            description = "The repository: a working copy or a bare repository.")
    Path repo;

    @Option(names = "--service", required = true, paramLabel = "SERVICE",
            description = "The service the commits belong to (the service deployments of this code name).")
    String service;

    @Option(names = "--branch", defaultValue = "main", paramLabel = "BRANCH",
            description = "The branch whose history is imported: a local branch, else origin's branch of that name, "
                    + "else any revision (default: ${DEFAULT-VALUE}).")
    String branch;

    @Option(names = "--team", paramLabel = "TEAM", description = "The team owning the service (optional).")
    String team;

    @Option(names = "--repo-name", paramLabel = "NAME",
            description = "The events' repo (default: the path of remote.origin.url, e.g. acme/shop, or the "
                    + "directory's name).")
    String repoName;

    @Option(names = "--since", paramLabel = "DATE", converter = SinceConverter.class,
            description = "Leave out commits committed before DATE (2025-01-31 means 00:00 UTC, or an instant "
                    + "such as 2025-01-31T12:00:00Z).")
    Instant since;

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
        validate();
        final PrintWriter out = spec.commandLine().getOut();
        final long started = System.nanoTime();
        final GitHistory history = GitHistory.read(repo.toAbsolutePath().normalize(), branch, service, team,
                repoName, since);
        out.printf("Read %,d commits of %s (%s) in %s%n", history.size(), history.repo(), branch,
                ImportCommand.seconds((System.nanoTime() - started) / 1e9));
        out.flush();
        final Importer.Summary summary = ImportCommand.send(spec, target, backoff, terminal, "Importing commits",
                history.size(), history.items());
        out.printf("Imported %,d commits of %s (%s) as service %s: %,d accepted, %,d refused, in %s "
                        + "(%,d events/s%s)%s%n", summary.sent(), history.repo(), branch, service, summary.accepted(),
                summary.refused().size(), ImportCommand.seconds(summary.seconds()), summary.rate(),
                ImportCommand.waited(summary), summary.refused().isEmpty() ? "" : "; refused: " + summary.refusedList());
        out.flush();
        return 0;
    }

    private void validate() {
        target.validate(spec);
        if (!Files.isDirectory(repo)) {
            throw new ParameterException(spec.commandLine(), "--repo " + repo + ": no such directory");
        }
        if (service.isBlank()) {
            throw new ParameterException(spec.commandLine(), "--service must not be empty");
        }
        if (branch.isBlank()) {
            throw new ParameterException(spec.commandLine(), "--branch must not be empty");
        }
        if (team != null && team.isBlank()) {
            throw new ParameterException(spec.commandLine(), "--team must not be empty");
        }
        if (repoName != null && repoName.isBlank()) {
            throw new ParameterException(spec.commandLine(), "--repo-name must not be empty");
        }
    }
}
