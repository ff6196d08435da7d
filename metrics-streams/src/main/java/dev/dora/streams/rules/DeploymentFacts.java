package dev.dora.streams.rules;

import dev.dora.events.DeploymentEvent;
import dev.dora.facts.DeploymentFact;
import dev.dora.facts.FailureRule;
import dev.dora.streams.config.HotfixRule;
import dev.dora.streams.metrics.Histograms;
import dev.dora.streams.rules.DeploymentEvidence.Charge;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.HdrHistogram.Histogram;

/**
 * Applies the rules to a deployment's evidence: its {@link DeploymentFact} (lead time, failure and its rule, recovery,
 * rework, data quality), and the incidents it is charged with, each with the rule that charges it.
 */
public final class DeploymentFacts {

    private DeploymentFacts() {
    }

    /** The fact of a successful deployment. */
    public static DeploymentFact derive(final DeploymentEvidence evidence, final HotfixRule hotfixRule) {
        final DeploymentEvent deployment = evidence.deployment();
        final List<String> byDeployment = ids(evidence.causeDeployment(), true);
        final List<String> bySha = ids(evidence.causeSha(), true);
        final List<String> inWindow = ids(evidence.timeWindow(), false);
        final FailureRule rule = FailureAttribution.rule(
                new FailureAttribution.Evidence(byDeployment, bySha, inWindow, evidence.rollbacks()));
        final List<Long> resolutions = Stream.of(evidence.causeDeployment(), evidence.causeSha(), evidence.timeWindow())
                .flatMap(List::stream).map(Charge::resolvedAt).toList();
        final long finishedAt = deployment.getFinishedAt().toEpochMilli();
        final Long recovery = Recovery.seconds(finishedAt, resolutions,
                !evidence.rollbacks().isEmpty(), evidence.nextFinishedAt());
        final Histogram leadTimes = LeadTime.samples(evidence.baseline(), deployment.getFinishedAt(),
                evidence.delivered());
        return DeploymentFact.newBuilder()
                .setDeploymentId(deployment.getId())
                .setService(deployment.getService())
                .setEnvironment(deployment.getEnvironment())
                .setFinishedAt(deployment.getFinishedAt())
                .setSha(deployment.getSha())
                .setBaseline(evidence.baseline())
                .setDeployedChanges(evidence.delivered().size())
                .setLeadTimeSamples((int) leadTimes.getTotalCount())
                .setLeadTimeHistogram(Histograms.encode(leadTimes))
                .setFailed(rule != null)
                .setFailureRule(rule)
                .setCauseDeploymentIncidents(byDeployment)
                .setCauseShaIncidents(bySha)
                .setTimeWindowIncidents(inWindow)
                .setRolledBackBy(evidence.rollbacks())
                .setRollbackOf(deployment.getRollbackOf())
                .setStrategy(deployment.getStrategy())
                .setRecoverySeconds(rule == null ? null : recovery)
                .setRework(Rework.isRework(deployment, evidence.baseline(), evidence.delivered(), hotfixRule))
                .setShaUnknown(deployment.getSha() == null || !evidence.shaKnown())
                .build();
    }

    /** The incidents charging the deployment, each with the first of rules 1–3 that charges it. */
    public static SortedMap<IncidentRef, FailureRule> charges(final DeploymentEvidence evidence) {
        final SortedMap<IncidentRef, FailureRule> charges = new TreeMap<>();
        add(charges, evidence.causeDeployment(), FailureRule.cause_deployment_id);
        add(charges, evidence.causeSha(), FailureRule.cause_sha);
        add(charges, evidence.timeWindow(), FailureRule.time_window);
        return charges;
    }

    private static void add(final SortedMap<IncidentRef, FailureRule> charges, final Collection<Charge> by,
                            final FailureRule rule) {
        for (final Charge charge : by) {
            charges.merge(charge.incident(), rule, FailureAttribution::first);
        }
    }

    /** The incident ids, sorted and unique, or in the evidence's order. */
    private static List<String> ids(final List<Charge> charges, final boolean sorted) {
        final Collection<String> ids = sorted ? new TreeSet<>() : new ArrayList<>();
        charges.forEach(charge -> ids.add(charge.incident().id()));
        return new ArrayList<>(ids);
    }
}
