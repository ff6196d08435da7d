package dev.dora.streams.model;

import dev.dora.events.ChangeEvent;
import dev.dora.events.DeploymentEvent;
import dev.dora.events.DeploymentStatus;
import dev.dora.events.DeploymentStrategy;
import dev.dora.events.IncidentEvent;
import dev.dora.events.IncidentStatus;
import dev.dora.events.Severity;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

/**
 * Terse constructors for hand-built histories. Commits are named by short labels ("c1"); {@link #sha} turns
 * a label into a stable 40-hex sha so the events look like real ones.
 */
public final class Events {

    /** A Monday, 00:00Z: day-aligned, so windows can start here. */
    public static final Instant T0 = Instant.parse("2026-07-06T00:00:00Z");
    public static final String TEAM = "core";

    private Events() {
    }

    public static String sha(final String label) {
        try {
            final byte[] digest = MessageDigest.getInstance("SHA-1").digest(label.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (final NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public static Instant at(final Duration sinceT0) {
        return T0.plus(sinceT0);
    }

    public static Instant hours(final double h) {
        return T0.plusMillis(Math.round(h * 3_600_000d));
    }

    /** A commit pushed when it was made (occurredAt = committedAt). */
    public static ChangeEvent change(final String service, final String label, final Instant committedAt,
                                     final String... parentLabels) {
        final String sha = sha(label);
        return ChangeEvent.newBuilder()
                .setId(sha).setService(service).setTeam(TEAM).setSource("github")
                .setOccurredAt(committedAt).setSha(sha)
                .setParents(Stream.of(parentLabels).map(Events::sha).toList())
                .setCommittedAt(committedAt).setRepo("acme/" + service).setBranch("main")
                .build();
    }

    /** A successful deployment of the commit labelled shaLabel (null: unknown sha). */
    public static DeploymentEvent deploy(final String service, final String id, final String environment,
                                         final Instant finishedAt, final String shaLabel) {
        return DeploymentEvent.newBuilder()
                .setId(id).setService(service).setTeam(TEAM).setSource("github")
                .setOccurredAt(finishedAt).setEnvironment(environment).setStatus(DeploymentStatus.success)
                .setFinishedAt(finishedAt).setSha(shaLabel == null ? null : sha(shaLabel))
                .setStartedAt(finishedAt.minus(Duration.ofMinutes(5))).setStrategy(DeploymentStrategy.rolling)
                .build();
    }

    public static DeploymentEvent prod(final String service, final String id, final Instant finishedAt,
                                       final String shaLabel) {
        return deploy(service, id, "production", finishedAt, shaLabel);
    }

    public static DeploymentEvent rollback(final String service, final String id, final Instant finishedAt,
                                           final String shaLabel, final String rollbackOf) {
        return DeploymentEvent.newBuilder(prod(service, id, finishedAt, shaLabel)).setRollbackOf(rollbackOf).build();
    }

    /** The in_progress event of a deployment, as a CI system sends it at start. */
    public static DeploymentEvent started(final DeploymentEvent terminal) {
        return DeploymentEvent.newBuilder(terminal)
                .setStatus(DeploymentStatus.in_progress).setFinishedAt(null)
                .setOccurredAt(terminal.getStartedAt())
                .build();
    }

    /**
     * A production incident; resolvedAt null means still open. The event is the last one its source would
     * send: resolved (occurredAt = resolvedAt) or open (occurredAt = openedAt).
     */
    public static IncidentEvent incident(final String service, final String id, final Instant openedAt,
                                         final Instant resolvedAt, final String causeDeploymentId,
                                         final String causeShaLabel) {
        return IncidentEvent.newBuilder()
                .setId(id).setService(service).setTeam(TEAM).setSource("pagerduty")
                .setOccurredAt(resolvedAt == null ? openedAt : resolvedAt)
                .setEnvironment("production")
                .setStatus(resolvedAt == null ? IncidentStatus.open : IncidentStatus.resolved)
                .setOpenedAt(openedAt).setResolvedAt(resolvedAt).setSeverity(Severity.SEV2)
                .setCauseDeploymentId(causeDeploymentId)
                .setCauseSha(causeShaLabel == null ? null : sha(causeShaLabel))
                .build();
    }

    /** The open event preceding a resolved one. */
    public static IncidentEvent opened(final IncidentEvent resolved) {
        return IncidentEvent.newBuilder(resolved)
                .setStatus(IncidentStatus.open).setResolvedAt(null).setOccurredAt(resolved.getOpenedAt())
                .build();
    }

    public static List<String> shas(final String... labels) {
        return Stream.of(labels).map(Events::sha).toList();
    }
}
