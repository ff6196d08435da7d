package dev.dora.streams.simulation;

import java.time.Instant;
import java.util.List;

/** A successful production deployment, as the incident pass needs it: {@code newShas} are the commits it shipped. */
record ProdDeploy(String id, Instant finishedAt, String sha, FailureKind kind, List<String> newShas) {
}
