package dev.dora.launcher;

import java.nio.file.Path;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LoggerContext;

/**
 * Points the log file at the data directory. {@code log4j2.xml} reads the system property when log4j configures
 * itself, which happens when the first logger is created; the command classes create their loggers lazily for this
 * reason, and when a library created one earlier (Avro does, when the generated classes are trusted at start-up)
 * log4j is configured again here. The file appender creates its file on the first message only, so that early
 * configuration leaves no stray {@code data/logs} behind.
 */
public final class Logging {

    /** The system property {@code log4j2.xml} reads the log directory from. */
    public static final String LOG_DIR_PROPERTY = "dora.log.dir";

    private Logging() {
    }

    /** Sends the log to {@code dataDir/logs/dora.log}; call before anything logs. */
    public static void init(final Path dataDir) {
        System.setProperty(LOG_DIR_PROPERTY, logDir(dataDir).toString());
        if (LogManager.getContext(false) instanceof LoggerContext context) {
            context.reconfigure();
        }
    }

    static Path logDir(final Path dataDir) {
        return dataDir.toAbsolutePath().normalize().resolve("logs");
    }

    public static Path logFile(final Path dataDir) {
        return logDir(dataDir).resolve("dora.log");
    }
}
