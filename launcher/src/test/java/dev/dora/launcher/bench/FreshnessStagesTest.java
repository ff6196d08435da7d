package dev.dora.launcher.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.dora.events.DeploymentEvent;
import dev.dora.events.DeploymentStatus;
import dev.dora.events.DeploymentStrategy;
import dev.dora.schema.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("unit")
class FreshnessStagesTest {

    private static final String PREFIX = "live-stages-1700000000000-";

    @Test
    void findsTheProbeIdInAnEncodedDeploymentWhateverFollowsIt() {
        final String probe = PREFIX + "000000042";
        final byte[] value = Topics.DEPLOYMENTS.valueSerde().serializer().serialize(Topics.DEPLOYMENTS.name(),
                deployment(probe));
        assertEquals(probe, FreshnessStages.probeIn(value, bytes(PREFIX)));
    }

    @Test
    void ignoresRecordsOfOtherRunsAndTruncatedIds() {
        final byte[] value = Topics.DEPLOYMENTS.valueSerde().serializer().serialize(Topics.DEPLOYMENTS.name(),
                deployment("live-stages-1600000000000-000000042"));
        assertNull(FreshnessStages.probeIn(value, bytes(PREFIX)));
        assertNull(FreshnessStages.probeIn(bytes(PREFIX + "0042"), bytes(PREFIX)));
        assertNull(FreshnessStages.probeIn(null, bytes(PREFIX)));
    }

    private static DeploymentEvent deployment(final String id) {
        final Instant now = Instant.parse("2026-12-01T10:00:00Z");
        return DeploymentEvent.newBuilder().setId(id).setService("live-svc-01").setTeam("live").setSource("bench")
                .setOccurredAt(now).setEnvironment("production").setStatus(DeploymentStatus.success)
                .setFinishedAt(now).setSha("0123456789abcdef0123456789abcdef01234567")
                .setStartedAt(now.minusSeconds(120)).setRollbackOf(null).setStrategy(DeploymentStrategy.rolling)
                .build();
    }

    private static byte[] bytes(final String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
