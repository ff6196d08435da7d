package dev.dora.launcher.bench;

import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Set;

/**
 * Everything one {@code dora bench} run is told (see {@link BenchCommand} for each option's meaning).
 *
 * @param events            about how many events the history holds
 * @param services          services in the organisation
 * @param days              days of history, ending at {@code end}
 * @param seed              seed of the generated history
 * @param end               the history ends at 00:00 UTC of this day (exclusive)
 * @param phases            the phases to measure
 * @param importOverHttp    backfill through {@code POST /api/v1/events} instead of straight to Kafka
 * @param batchSize         events per import batch
 * @param clients           concurrent query clients
 * @param queryRequests     measured requests per query type (at most)
 * @param querySeconds      measuring time per query type (at most)
 * @param freshnessRate     live events per second
 * @param freshnessSeconds  how long live events are measured at rest
 * @param concurrentEvents  events of the backfill that runs during the second freshness measurement
 * @param javaOptions       JVM options of the dora process under test
 * @param serveArguments    extra arguments of its {@code dora serve}
 * @param workDir           where the history and dora's data go; null for a new temporary directory
 * @param keep              keep the work directory afterwards
 * @param httpPort          dora's HTTP port, 0 for a free one
 * @param kafkaPort         its broker's port (the controller takes the next), 0 for a free pair
 * @param profile           record a JFR profile of the backfill
 * @param profileDelay      seconds into the backfill when the profile starts
 * @param profileSeconds    length of the profile
 * @param json              where to write the JSON report, or null
 */
public record BenchSettings(long events, int services, int days, long seed, LocalDate end, Set<Phase> phases,
                            boolean importOverHttp, int batchSize, int clients, int queryRequests, int querySeconds,
                            int freshnessRate, int freshnessSeconds, long concurrentEvents, List<String> javaOptions,
                            List<String> serveArguments, Path workDir, boolean keep, int httpPort, int kafkaPort,
                            boolean profile, int profileDelay, int profileSeconds, Path json) {

    public BenchSettings {
        phases = Set.copyOf(phases);
        javaOptions = List.copyOf(javaOptions);
        serveArguments = List.copyOf(serveArguments);
    }

    /** The instant the history ends: every event happens strictly before it. */
    public Instant endInstant() {
        return end.atStartOfDay().toInstant(ZoneOffset.UTC);
    }

    /** The first day of the history. */
    public LocalDate start() {
        return end.minusDays(days);
    }

    /** Whether the history must be imported: the backfill itself, or a phase that needs it loaded. */
    boolean loadsHistory() {
        return phases.stream().anyMatch(Phase::needsHistory);
    }

    boolean measures(final Phase phase) {
        return phases.contains(phase);
    }
}
