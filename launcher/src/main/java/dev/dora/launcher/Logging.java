package dev.dora.launcher;

import java.nio.file.Path;
import org.apache.logging.log4j.core.config.Configurator;

/**
 * Points the log file at the data directory. {@code log4j2.xml} reads the system property when log4j configures
 * itself, which happens when the first logger is created. A library may create one before the data directory is
 * known (Avro's {@code Schema} does when {@code dora.jar} trusts the generated classes at start-up), so {@link #init}
 * also reconfigures log4j: until then the file is {@code <tmp>/dora-logs/dora.log}, never a {@code data/} directory
 * in whatever directory dora was started from.
 */
public final class Logging {

    /** The system property {@code log4j2.xml} reads the log directory from. */
    public static final String LOG_DIR_PROPERTY = "dora.log.dir";

    private Logging() {
    }

    /** Sends the log to {@code dataDir/logs/dora.log}; call before anything logs. */
    public static void init(final Path dataDir) {
        final String dir = logDir(dataDir).toString();
        if (dir.equals(System.getProperty(LOG_DIR_PROPERTY))) {
            return;
        }
        System.setProperty(LOG_DIR_PROPERTY, dir);
        Configurator.reconfigure();
    }

    static Path logDir(final Path dataDir) {
        return dataDir.toAbsolutePath().normalize().resolve("logs");
    }

    public static Path logFile(final Path dataDir) {
        return logDir(dataDir).resolve("dora.log");
    }
}
