package dev.dora.streams.simulation;

import dev.dora.events.DeploymentStrategy;
import java.time.Duration;
import java.util.Objects;

/**
 * How one simulated service behaves: who owns it, how it works and how often it breaks.
 *
 * <p>Use {@link #of(String, String, PerformanceLevel)} to get parameters typical of a performance level; the
 * canonical constructor is there for tests that want a service with unusual habits.
 *
 * @param name                       service name; its repository is {@code acme/<name>}
 * @param team                       owning team
 * @param level                      the performance level the parameters were derived from
 * @param productionEnvironment      what its deploy tooling calls production ("production" or "prod")
 * @param mainlineEventsPerWorkDay   direct commits plus merges reaching main per working day
 * @param directCommitShare          share of those that are direct commits rather than merges
 * @param minBranchLifetime          shortest time a feature branch lives before its merge
 * @param maxBranchLifetime          longest time a feature branch lives before its merge
 * @param deploysPerWorkDay          mean production deployments per working day
 * @param changeFailureRate          probability that a production deployment is a failed change
 * @param minTimeToRestore           fastest recovery from an incident
 * @param maxTimeToRestore           slowest recovery from an incident
 * @param strategy                   usual deployment strategy (rollbacks are always rolling)
 */
public record ServiceProfile(
        String name,
        String team,
        PerformanceLevel level,
        String productionEnvironment,
        double mainlineEventsPerWorkDay,
        double directCommitShare,
        Duration minBranchLifetime,
        Duration maxBranchLifetime,
        double deploysPerWorkDay,
        double changeFailureRate,
        Duration minTimeToRestore,
        Duration maxTimeToRestore,
        DeploymentStrategy strategy) {

    public ServiceProfile {
        Objects.requireNonNull(name);
        Objects.requireNonNull(level);
        Objects.requireNonNull(productionEnvironment);
        if (mainlineEventsPerWorkDay <= 0 || deploysPerWorkDay <= 0) {
            throw new IllegalArgumentException("a service must commit and deploy");
        }
    }

    /** A service deploying to "production" with the habits typical of its level. */
    public static ServiceProfile of(final String name, final String team, final PerformanceLevel level) {
        return of(name, team, level, "production");
    }

    /**
     * A service with the habits typical of its level: the branch lifetimes and deploy gaps are chosen so that
     * lead times land in the DORA bands (elite: hours; high: 1–7 days; medium: 1–4 weeks; low: 1–6 months).
     */
    public static ServiceProfile of(final String name, final String team, final PerformanceLevel level,
                                    final String productionEnvironment) {
        return switch (level) {
            case ELITE -> new ServiceProfile(name, team, level, productionEnvironment, 9, 0.35,
                    Duration.ofHours(1), Duration.ofHours(8), 4, 0.05,
                    Duration.ofMinutes(8), Duration.ofMinutes(55), DeploymentStrategy.canary);
            case HIGH -> new ServiceProfile(name, team, level, productionEnvironment, 4, 0.2,
                    Duration.ofHours(12), Duration.ofDays(4), 0.5, 0.10,
                    Duration.ofHours(1), Duration.ofHours(20), DeploymentStrategy.blue_green);
            case MEDIUM -> new ServiceProfile(name, team, level, productionEnvironment, 1.6, 0.1,
                    Duration.ofDays(3), Duration.ofDays(14), 0.12, 0.18,
                    Duration.ofHours(6), Duration.ofDays(3), DeploymentStrategy.rolling);
            case LOW -> new ServiceProfile(name, team, level, productionEnvironment, 0.8, 0.05,
                    Duration.ofDays(20), Duration.ofDays(75), 0.05, 0.40,
                    Duration.ofDays(4), Duration.ofDays(10), DeploymentStrategy.recreate);
        };
    }

    /**
     * The same service, with {@code factor} times the commits and deployments per working day: a busier (or quieter)
     * team working the same way. Lead times, failure rates and recovery times keep their shape.
     */
    public ServiceProfile scaled(final double factor) {
        if (!(factor > 0)) {
            throw new IllegalArgumentException("the factor must be positive: " + factor);
        }
        return new ServiceProfile(name, team, level, productionEnvironment, mainlineEventsPerWorkDay * factor,
                directCommitShare, minBranchLifetime, maxBranchLifetime, deploysPerWorkDay * factor,
                changeFailureRate, minTimeToRestore, maxTimeToRestore, strategy);
    }
}
