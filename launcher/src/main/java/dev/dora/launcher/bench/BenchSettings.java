package dev.dora.launcher.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Set;

/**
 * Everything one {@code dora bench} run is told (see {@link BenchCommand} for each option's meaning), grouped by
 * what it concerns.
 *
 * @param history    the generated history
 * @param phases     the phases to measure
 * @param importing  how the backfills are imported
 * @param querying   the query load
 * @param live       the live traffic of the freshness phase
 * @param underTest  the dora process under test
 * @param profiling  the JFR profile of the backfill
 * @param output     where the run's files and report go
 */
public record BenchSettings(History history, Set<Phase> phases, Importing importing, Querying querying, Live live,
                            UnderTest underTest, Profiling profiling, Output output) {

    public BenchSettings {
        phases = Set.copyOf(phases);
    }

    /**
     * The generated history.
     *
     * @param events    about how many events the history holds
     * @param services  services in the organisation
     * @param days      days of history, ending at {@code end}
     * @param seed      seed of the generated history
     * @param end       the history ends at 00:00 UTC of this day (exclusive)
     */
    public record History(long events, int services, int days, long seed, LocalDate end) {

        /** The instant the history ends: every event happens strictly before it. */
        public Instant endInstant() {
            return end.atStartOfDay().toInstant(ZoneOffset.UTC);
        }

        /** The first day of the history. */
        public LocalDate start() {
            return end.minusDays(days);
        }
    }

    /**
     * How the backfills are imported.
     *
     * @param overHttp   through {@code POST /api/v1/events} instead of straight to Kafka
     * @param batchSize  events per import batch
     * @param maxLag     the importer's {@code --max-lag}: how much of the pipeline's work it keeps queued
     */
    public record Importing(boolean overHttp, int batchSize, Duration maxLag) {
    }

    /**
     * The query load.
     *
     * @param clients   concurrent query clients
     * @param warmUp    requests per query type before the measured ones (at most ten seconds' worth)
     * @param requests  measured requests per query type (at most)
     * @param seconds   measuring time per query type (at most)
     */
    public record Querying(int clients, int warmUp, int requests, int seconds) {
    }

    /**
     * The live traffic of the freshness phase.
     *
     * @param rate              live events per second
     * @param seconds           how long live events are measured at rest
     * @param concurrentEvents  events of the backfill that runs during the second freshness measurement
     */
    public record Live(int rate, int seconds, long concurrentEvents) {
    }

    /**
     * The dora process under test.
     *
     * @param javaOptions     its JVM options
     * @param serveArguments  extra arguments of its {@code dora serve}
     * @param httpPort        its HTTP port, 0 for a free one
     * @param kafkaPort       its broker's port (the controller takes the next), 0 for a free pair
     */
    public record UnderTest(List<String> javaOptions, List<String> serveArguments, int httpPort, int kafkaPort) {

        public UnderTest {
            javaOptions = List.copyOf(javaOptions);
            serveArguments = List.copyOf(serveArguments);
        }
    }

    /**
     * The JFR profile of the backfill.
     *
     * @param enabled       record one
     * @param delaySeconds  seconds into the backfill when the profile starts
     * @param seconds       length of the profile
     */
    public record Profiling(boolean enabled, int delaySeconds, int seconds) {
    }

    /**
     * Where the run's files and report go.
     *
     * @param workDir  where the history and dora's data go; null for a new temporary directory
     * @param keep     keep the work directory afterwards
     * @param json     where to write the JSON report, or null
     */
    public record Output(Path workDir, boolean keep, Path json) {
    }

    /** Whether the history must be imported: the backfill itself, or a phase that needs it loaded. */
    boolean loadsHistory() {
        return phases.stream().anyMatch(Phase::needsHistory);
    }

    boolean measures(final Phase phase) {
        return phases.contains(phase);
    }
}
