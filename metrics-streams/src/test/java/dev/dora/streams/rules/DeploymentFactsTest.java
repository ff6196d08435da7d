package dev.dora.streams.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dora.events.DeploymentEvent;
import dev.dora.events.DeploymentStatus;
import dev.dora.events.IncidentEvent;
import dev.dora.events.IncidentStatus;
import dev.dora.facts.ChargedDeployment;
import dev.dora.facts.DeploymentFact;
import dev.dora.facts.FailureRule;
import dev.dora.facts.IncidentFact;
import dev.dora.streams.config.HotfixRule;
import dev.dora.streams.rules.DeploymentEvidence.Charge;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** A deployment's evidence in, its fact and charges out; an incident's charges in, its fact out. No Kafka. */
@Tag("unit")
class DeploymentFactsTest {

    private static final Instant T = Instant.parse("2026-10-01T12:00:00Z");
    private static final long AT = T.toEpochMilli();

    private static DeploymentEvent deployment() {
        return DeploymentEvent.newBuilder().setId("d2").setService("shop").setOccurredAt(T)
                .setEnvironment("production").setStatus(DeploymentStatus.success).setFinishedAt(T)
                .setSha("0".repeat(40)).build();
    }

    private static Charge charge(final String service, final String id, final Long resolvedAt) {
        return new Charge(new IncidentRef(service, id), resolvedAt);
    }

    @Test
    void anIncidentNamingTheDeploymentAndOneOfItsChangesChargesItOnceByTheFirstRule() {
        final DeploymentEvidence evidence = new DeploymentEvidence(deployment(), false,
                List.of(DeliveryRulesTest.change("a", null)), true,
                List.of(charge("edge", "i1", AT + 60_000), charge("shop", "i2", AT + 120_000)),
                List.of(charge("shop", "i2", AT + 120_000)), List.of(), List.of("d3"), AT + 600_000);
        final DeploymentFact fact = DeploymentFacts.derive(evidence, HotfixRule.defaults());
        assertTrue(fact.getFailed());
        assertEquals(FailureRule.cause_deployment_id, fact.getFailureRule());
        assertEquals(List.of("i1", "i2"), fact.getCauseDeploymentIncidents());
        assertEquals(List.of("i2"), fact.getCauseShaIncidents());
        assertEquals(List.of("d3"), fact.getRolledBackBy());
        assertEquals(120L, fact.getRecoverySeconds(), "to the last charged incident's resolution, not the rollback");
        assertEquals(1, fact.getLeadTimeSamples());
        assertFalse(fact.getRework() || fact.getBaseline() || fact.getShaUnknown());
        assertEquals(Map.of(new IncidentRef("edge", "i1"), FailureRule.cause_deployment_id,
                new IncidentRef("shop", "i2"), FailureRule.cause_deployment_id), DeploymentFacts.charges(evidence));
    }

    @Test
    void aDeploymentWithoutEvidenceIsNotAFailedChangeAndHasNoRecovery() {
        final DeploymentFact fact = DeploymentFacts.derive(new DeploymentEvidence(deployment(), true, List.of(),
                false, List.of(), List.of(), List.of(), List.of(), null), HotfixRule.defaults());
        assertFalse(fact.getFailed());
        assertNull(fact.getFailureRule());
        assertNull(fact.getRecoverySeconds());
        assertTrue(fact.getBaseline() && fact.getShaUnknown());
        assertEquals(0, fact.getDeployedChanges());
    }

    @Test
    void anIncidentListsItsChargedDeploymentsInTheDocumentedOrder() {
        final IncidentEvent incident = IncidentEvent.newBuilder().setId("i1").setService("shop").setOccurredAt(T)
                .setEnvironment("production").setStatus(IncidentStatus.open).setOpenedAt(T).build();
        final IncidentFact fact = IncidentFacts.derive(incident, true, null, List.of(
                new ChargedDeployment("d3", "shop", FailureRule.cause_sha),
                new ChargedDeployment("d9", "api", FailureRule.cause_deployment_id)));
        assertEquals(List.of("d9", "d3"), fact.getChargedDeployments().stream()
                .map(ChargedDeployment::getDeploymentId).toList(), "cause_deployment_id before cause_sha");
        assertEquals(List.of("d3", "d9"), fact.getAttributedDeployments(), "the ids, sorted, as before");
        assertNull(fact.getResolvedAt());
        assertNull(fact.getRestoreSeconds());
    }
}
