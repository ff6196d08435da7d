package dev.dora.launcher.importer;

import dev.dora.launcher.DoraCommand;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import picocli.CommandLine;

/** Runs {@code dora ...} in the test JVM with captured output, no terminal, and short retries. */
final class ImportCli {

    static final Backoff QUICK = new Backoff(3, Duration.ofMillis(10), Duration.ofMillis(50));

    private ImportCli() {
    }

    static Run run(final String... args) {
        final StringWriter out = new StringWriter();
        final StringWriter err = new StringWriter();
        final CommandLine commandLine = DoraCommand.newCommandLine();
        commandLine.setOut(new PrintWriter(out));
        commandLine.setErr(new PrintWriter(err));
        final CommandLine importer = commandLine.getSubcommands().get("import");
        final ImportGitCommand git = importer.getSubcommands().get("git").getCommand();
        git.terminal = false;
        git.backoff = QUICK;
        final ImportEventsCommand events = importer.getSubcommands().get("events").getCommand();
        events.terminal = false;
        events.backoff = QUICK;
        final int code = commandLine.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    /** The exit code and what was printed. */
    record Run(int code, String out, String err) {
        @Override
        public String toString() {
            return "exit " + code + "\n--- out\n" + out + "--- err\n" + err;
        }
    }
}
