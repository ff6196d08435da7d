package dev.dora.streams.ledger;

import dev.dora.facts.ChargedDeployment;
import dev.dora.facts.FailureRule;
import dev.dora.state.Attribution;
import dev.dora.state.CauseClaim;
import dev.dora.streams.rules.IncidentRef;
import dev.dora.streams.store.ClaimValue;
import dev.dora.streams.store.IndexKeys.Attributed;
import dev.dora.streams.store.IndexKeys.CauseDeployment;
import dev.dora.streams.store.IndexKeys.Charged;
import dev.dora.streams.store.LedgerTx;
import dev.dora.streams.store.RuleValue;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;

/**
 * Which incidents charge which deployments, in both directions and across services: the cause claims other
 * ledgers sent about this service's deployments ({@link CauseDeployment}), the incidents each of this service's
 * deployments was last known to be charged with ({@link Charged}), and the deployments, of any service, charged with
 * each of this service's incidents ({@link Attributed}), each with the rule that charges it. A deployment's ledger
 * tells an incident's ledger by difference, directly for its own incidents and through an {@link Attribution} for
 * another service's, so both sides converge whatever the order.
 */
final class Charges {

    private final LedgerChange change;
    private final LedgerTx tx;
    private final String service;

    Charges(final LedgerChange change) {
        this.change = change;
        this.tx = change.tx();
        this.service = change.service();
    }

    /** An incident, of this or another service, names (or stops naming) one of this service's deployments. */
    void claim(final CauseClaim claim) {
        final Bytes key = new CauseDeployment(service, claim.getDeploymentId(), claim.getIncidentId(),
                claim.getIncidentService()).encode();
        if (claim.getPresent()) {
            tx.link(key, new ClaimValue(claim.getIncidentEnvironment(), claim.getResolvedAt()).encode());
        } else {
            tx.unlink(key);
        }
        change.markDeployment(claim.getDeploymentId());
    }

    /** Drops the claims on a deployment that left this service: its resolver hands them to the new one. */
    void dropClaims(final String deploymentId) {
        for (final KeyValue<Bytes, byte[]> entry : tx.scan(CauseDeployment.prefix(service, deploymentId))) {
            tx.unlink(entry.key);
        }
    }

    /** The incidents of environment {@code group} naming deployment {@code id} as their cause, with their resolution. */
    List<Claim> claimsOn(final String id, final String group) {
        final List<Claim> claims = new ArrayList<>();
        for (final KeyValue<Bytes, byte[]> entry : tx.scan(CauseDeployment.prefix(service, id))) {
            final ClaimValue value = ClaimValue.decode(entry.value);
            if (group.equals(value.group())) {
                final CauseDeployment key = CauseDeployment.decode(entry.key);
                claims.add(new Claim(new IncidentRef(key.incidentService(), key.incidentId()), value.resolvedAt()));
            }
        }
        return claims;
    }

    /** A claim on a deployment: the incident and when it was resolved, null while it is open. */
    record Claim(IncidentRef incident, Long resolvedAt) {
    }

    /**
     * Records that deployment {@code id} is now charged with exactly {@code now}, each by its rule, and tells the
     * incidents' ledgers what changed since they were last told.
     */
    void charge(final String id, final SortedMap<IncidentRef, FailureRule> now) {
        final SortedMap<IncidentRef, FailureRule> before = new TreeMap<>();
        for (final KeyValue<Bytes, byte[]> entry : tx.scan(Charged.prefix(service, id))) {
            final Charged key = Charged.decode(entry.key);
            before.put(new IncidentRef(key.incidentService(), key.incidentId()), RuleValue.decode(entry.value));
        }
        for (final IncidentRef incident : before.keySet()) {
            if (!now.containsKey(incident)) {
                tx.unlink(chargedKey(id, incident));
                attribute(incident, id, null);
            }
        }
        for (final Map.Entry<IncidentRef, FailureRule> charge : now.entrySet()) {
            if (charge.getValue() != before.get(charge.getKey())) {
                tx.link(chargedKey(id, charge.getKey()), RuleValue.encode(charge.getValue()));
                attribute(charge.getKey(), id, charge.getValue());
            }
        }
    }

    private Bytes chargedKey(final String deploymentId, final IncidentRef incident) {
        return new Charged(service, deploymentId, incident.service(), incident.id()).encode();
    }

    /** Tells {@code incident}'s ledger that this service's deployment charges it by {@code rule} (null: no longer). */
    private void attribute(final IncidentRef incident, final String deploymentId, final FailureRule rule) {
        if (incident.service().equals(service)) {
            attributed(incident.id(), service, deploymentId, rule);
        } else {
            change.attribution(new Attribution(incident.id(), incident.service(), deploymentId, service, rule != null,
                    rule));
        }
    }

    /** A deployment, of this or another service, is (or stops being) charged with one of this service's incidents. */
    void attribution(final Attribution attribution) {
        if (attribution.getPresent() && attribution.getRule() == null) {
            throw new IllegalArgumentException("attribution of incident '" + attribution.getIncidentId()
                    + "' to deployment '" + attribution.getDeploymentId() + "' names no rule");
        }
        attributed(attribution.getIncidentId(), attribution.getDeploymentService(), attribution.getDeploymentId(),
                attribution.getPresent() ? attribution.getRule() : null);
    }

    private void attributed(final String incidentId, final String deploymentService, final String deploymentId,
                            final FailureRule rule) {
        final Bytes key = new Attributed(service, incidentId, deploymentService, deploymentId).encode();
        if (rule == null) {
            tx.unlink(key);
        } else {
            tx.link(key, RuleValue.encode(rule));
        }
        change.markIncident(incidentId);
    }

    /** The deployments, of any service, charged with one of this service's incidents, each with its rule. */
    List<ChargedDeployment> chargedWith(final String incidentId) {
        final List<ChargedDeployment> charged = new ArrayList<>();
        for (final KeyValue<Bytes, byte[]> entry : tx.scan(Attributed.prefix(service, incidentId))) {
            final Attributed key = Attributed.decode(entry.key);
            charged.add(new ChargedDeployment(key.deploymentId(), key.deploymentService(),
                    RuleValue.decode(entry.value)));
        }
        return charged;
    }
}
