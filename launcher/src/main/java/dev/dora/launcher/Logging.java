package dev.dora.launcher;

import java.nio.file.Path;

/**
 * Points the log file at the data directory. {@code log4j2.xml} reads the system property when log4j configures
 * itself, which happens when the first logger is created; so this must run before that, and the command classes
 * create their loggers lazily for this reason.
 */
public final class Logging {

    /** The system property {@code log4j2.xml} reads the log directory from. */
    public static final String LOG_DIR_PROPERTY = "dora.log.dir";

    private Logging() {
    }

    /** Sends the log to {@code dataDir/logs/dora.log}; call before anything logs. */
    public static void init(final Path dataDir) {
        System.setProperty(LOG_DIR_PROPERTY, logDir(dataDir).toString());
    }

    static Path logDir(final Path dataDir) {
        return dataDir.toAbsolutePath().normalize().resolve("logs");
    }

    public static Path logFile(final Path dataDir) {
        return logDir(dataDir).resolve("dora.log");
    }
}
