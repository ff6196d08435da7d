package dev.dora.launcher;

import java.io.PrintWriter;
import java.io.StringWriter;
import picocli.CommandLine;

/**
 * {@code dora ...} run in the test JVM as {@code dora.jar} runs it, its output captured.
 *
 * @param code the exit code
 * @param out  what it printed on standard output
 * @param err  what it printed on standard error
 */
public record CliRun(int code, String out, String err) {

    /** Runs the command line with these arguments. */
    public static CliRun of(final String... args) {
        final StringWriter out = new StringWriter();
        final StringWriter err = new StringWriter();
        final CommandLine commandLine = DoraCommand.newCommandLine();
        commandLine.setOut(new PrintWriter(out));
        commandLine.setErr(new PrintWriter(err));
        final int code = commandLine.execute(args);
        return new CliRun(code, out.toString(), err.toString());
    }

    @Override
    public String toString() {
        return "exit " + code + "\n--- out\n" + out + "--- err\n" + err;
    }
}
