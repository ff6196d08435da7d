package dev.dora.launcher;

import dev.dora.launcher.bench.BenchCommand;
import dev.dora.launcher.importer.ImportCommand;
import dev.dora.schema.SecretRedaction;
import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * The {@code dora} command line: {@code dora demo}, {@code dora serve}, {@code dora broker},
 * {@code dora import git|events}, {@code dora report} and {@code dora bench}.
 *
 * <p>Exit codes: 0 success, 1 a runtime failure (a one-line message on stderr, the stack trace in the log),
 * 2 a usage error.
 */
@Command(name = "dora",
        mixinStandardHelpOptions = true,
        versionProvider = DoraCommand.VersionProvider.class,
        description = "DORA metrics (deployment frequency, lead time for changes, change failure rate, time to "
                + "restore) computed continuously from change, deployment and incident events with Kafka Streams.",
        subcommands = {DemoCommand.class, ServeCommand.class, BrokerCommand.class, ImportCommand.class,
                ReportCommand.class, BenchCommand.class,
                CommandLine.HelpCommand.class},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:success", "1:runtime failure (details in <data-dir>/logs/dora.log)", "2:usage error"})
public final class DoraCommand implements Runnable {

    @Spec
    CommandSpec spec;

    /** Entry point of {@code dora.jar}. */
    public static void main(final String[] args) {
        // before any generated record is built or copied, whichever command runs
        dev.dora.schema.AvroCodec.trustGeneratedClasses();
        System.exit(newCommandLine().execute(args));
    }

    /** The configured picocli command line, shared by {@link #main} and the tests. */
    public static CommandLine newCommandLine() {
        final CommandLine commandLine = new CommandLine(new DoraCommand());
        commandLine.setExecutionExceptionHandler(DoraCommand::handleFailure);
        return commandLine;
    }

    @Override
    public void run() {
        // "dora" alone is a usage error: say what to type instead of doing nothing
        throw new ParameterException(spec.commandLine(),
                "Missing command: use 'dora demo', 'dora serve', 'dora broker', 'dora import', 'dora report' or 'dora bench'");
    }

    /** Runtime failures: a readable message on stderr, the stack trace only in the log file. */
    private static int handleFailure(final Exception failure, final CommandLine commandLine,
                                     final CommandLine.ParseResult parseResult) {
        // a client's exception may quote a setting: secrets from the configuration files are scrubbed first
        LoggerFactory.getLogger(DoraCommand.class).error("dora {} failed", commandLine.getCommandName(),
                SecretRedaction.scrub(failure));
        final String logDir = System.getProperty(Logging.LOG_DIR_PROPERTY);
        commandLine.getErr().println(commandLine.getColorScheme().errorText("error: "
                + SecretRedaction.scrub(describe(failure))));
        if (logDir != null) {
            commandLine.getErr().println("details: " + logDir + "/dora.log");
        }
        commandLine.getErr().flush();
        return CommandLine.ExitCode.SOFTWARE;
    }

    /** The message of a failure, or of its cause when the failure only wraps it. */
    static String describe(final Throwable failure) {
        Throwable current = failure;
        while (current.getMessage() == null && current.getCause() != null) {
            current = current.getCause();
        }
        return current.getMessage() != null ? current.getMessage() : current.getClass().getSimpleName();
    }

    /** Reads the version Maven wrote into {@code version.properties}. */
    public static final class VersionProvider implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() throws IOException {
            final Properties properties = new Properties();
            try (InputStream in = DoraCommand.class.getResourceAsStream("version.properties")) {
                if (in != null) {
                    properties.load(in);
                }
            }
            return new String[] {
                    "dora " + properties.getProperty("version", "unknown"),
                    "Java " + System.getProperty("java.version") + " (" + System.getProperty("java.vendor") + ")"};
        }
    }
}
