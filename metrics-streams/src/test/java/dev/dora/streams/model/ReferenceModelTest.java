package dev.dora.streams.model;

import static dev.dora.streams.model.Events.T0;
import static dev.dora.streams.model.Events.change;
import static dev.dora.streams.model.Events.deploy;
import static dev.dora.streams.model.Events.hours;
import static dev.dora.streams.model.Events.incident;
import static dev.dora.streams.model.Events.prod;
import static dev.dora.streams.model.Events.rollback;
import static dev.dora.streams.model.Events.sha;
import static dev.dora.streams.model.Events.shas;
import static dev.dora.streams.model.Events.started;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dora.events.ChangeEvent;
import dev.dora.events.DeploymentEvent;
import dev.dora.events.DeploymentStatus;
import dev.dora.events.IncidentEvent;
import dev.dora.schema.AvroCodec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The reference model against hand-computed expectations, one rule of the semantics at a time. */
@Tag("unit")
class ReferenceModelTest {

    private static final String S = "checkout";
    private static final Instant FROM = T0;
    private static final Instant TO = T0.plus(Duration.ofDays(7));

    private static ReferenceModel model(final List<? extends SpecificRecord> events) {
        return ReferenceModel.defaults().load(events);
    }

    private static MetricsAnswer week(final ReferenceModel model) {
        return model.metrics(S, null, FROM, TO);
    }

    /** c1 ← c2 ← c3, committed at hours 1, 2, 3. */
    private static List<SpecificRecord> chain() {
        return new ArrayList<>(List.of(
                change(S, "c1", hours(1)),
                change(S, "c2", hours(2), "c1"),
                change(S, "c3", hours(3), "c2")));
    }

    @Nested
    class LeadTime {

        @Test
        void linearHistory() {
            final List<SpecificRecord> events = chain();
            events.add(prod(S, "d1", hours(1.5), "c1"));
            events.add(prod(S, "d2", hours(4), "c3"));
            final ReferenceModel model = model(events);

            final MetricsAnswer answer = week(model);
            assertEquals(2, answer.deployments());
            assertEquals(2.0 / 7, answer.perDay(), 1e-12);
            // c2: 4h - 2h, c3: 4h - 3h
            assertEquals(List.of(3600L, 7200L), answer.leadTimeSampleValues());
            assertEquals(2, answer.leadTimeSamples());
            assertEquals(3600.0, answer.leadTimeMedianSeconds());
            assertEquals(7200.0, answer.leadTimeP90Seconds());
            assertEquals(0, answer.failed());
            assertEquals(0.0, answer.changeFailureRate());
            assertEquals(Set.copyOf(shas("c1")), model.deployments().get("d1").deployedChanges());
            assertEquals(Set.copyOf(shas("c2", "c3")), model.deployments().get("d2").deployedChanges());
        }

        @Test
        void mergeWithTwoParentsDeploysBothSides() {
            final ReferenceModel model = model(List.of(
                    change(S, "m1", hours(1)),
                    prod(S, "d1", hours(2), "m1"),
                    change(S, "b1", hours(3), "m1"),
                    change(S, "b2", hours(4), "b1"),
                    change(S, "m2", hours(5), "m1"),
                    change(S, "M", hours(6), "m2", "b2"),
                    prod(S, "d2", hours(10), "M")));

            assertEquals(Set.copyOf(shas("b1", "b2", "m2", "M")), model.deployments().get("d2").deployedChanges());
            final MetricsAnswer answer = week(model);
            assertEquals(List.of(14_400L, 18_000L, 21_600L, 25_200L), answer.leadTimeSampleValues());
            assertEquals(18_000.0, answer.leadTimeMedianSeconds()); // k = ceil(0.5 * 4) = 2
            assertEquals(25_200.0, answer.leadTimeP90Seconds());    // k = ceil(0.9 * 4) = 4
        }

        @Test
        void baselineYieldsNoSamplesUntilAnEarlierDeploymentIsBackfilled() {
            final List<SpecificRecord> events = chain();
            events.add(prod(S, "d2", hours(5), "c3"));
            final ReferenceModel model = model(events);

            final DeploymentView onlyOne = model.deployments().get("d2");
            assertTrue(onlyOne.baseline());
            assertEquals(Set.copyOf(shas("c1", "c2", "c3")), onlyOne.deployedChanges());
            assertEquals(1, week(model).deployments());
            assertEquals(0, week(model).leadTimeSamples());
            assertNull(week(model).leadTimeMedianSeconds());
            assertNull(week(model).leadTimeP90Seconds());

            model.load(List.of(prod(S, "d1", hours(1.5), "c1")));
            assertTrue(model.deployments().get("d1").baseline());
            assertFalse(model.deployments().get("d2").baseline());
            assertEquals(Set.copyOf(shas("c2", "c3")), model.deployments().get("d2").deployedChanges());
            assertEquals(List.of(7200L, 10_800L), week(model).leadTimeSampleValues());
            assertEquals(2, week(model).deployments());
        }

        @Test
        void deploymentOfAnUnknownOrMissingShaHasNoChangesButCounts() {
            final List<SpecificRecord> events = chain();
            events.add(prod(S, "d1", hours(1.5), "c1"));
            events.add(prod(S, "d2", hours(2.5), "not-a-known-commit"));
            events.add(prod(S, "d3", hours(2.7), null));
            events.add(prod(S, "d4", hours(4), "c3"));
            final ReferenceModel model = model(events);

            assertEquals(Set.of(), model.deployments().get("d2").deployedChanges());
            assertEquals(Set.of(), model.deployments().get("d3").deployedChanges());
            assertEquals(Set.copyOf(shas("c2", "c3")), model.deployments().get("d4").deployedChanges());
            assertEquals(4, week(model).deployments());
            assertEquals(List.of(3600L, 7200L), week(model).leadTimeSampleValues());
        }

        @Test
        void anUnknownParentEndsTheWalk() {
            // c2 is never reported: c3's ancestry stops at c3, c1 stays undeployed
            final ReferenceModel model = model(List.of(
                    change(S, "c0", hours(0.5)),
                    prod(S, "d1", hours(1), "c0"),
                    change(S, "c1", hours(1)),
                    change(S, "c3", hours(3), "c2"),
                    prod(S, "d2", hours(4), "c3")));
            assertEquals(Set.copyOf(shas("c3")), model.deployments().get("d2").deployedChanges());
            assertEquals(List.of(3600L), week(model).leadTimeSampleValues());
        }

        @Test
        void commitsOfAnotherServiceAreNotWalked() {
            // same sha in a monorepo: known for "search", not for checkout
            final ReferenceModel model = model(List.of(
                    change(S, "c1", hours(1)),
                    change("search", "c2", hours(2), "c1"),
                    prod(S, "d1", hours(1.5), "c1"),
                    prod(S, "d2", hours(4), "c2")));
            assertEquals(Set.of(), model.deployments().get("d2").deployedChanges());
        }

        @Test
        void negativeLeadTimesAreDroppedAndSecondsAreFloored() {
            final Instant d3 = hours(8);
            final ReferenceModel model = model(List.of(
                    change(S, "c1", hours(1)),
                    prod(S, "d1", hours(1.5), "c1"),
                    change(S, "c2", hours(3), "c1"),
                    change(S, "c3", hours(6), "c2"), // committed after d2 finished: clock skew
                    prod(S, "d2", hours(5), "c3"),
                    change(S, "c4", d3.minusMillis(1999), "c3"),
                    change(S, "c5", d3, "c4"),
                    prod(S, "d3", d3, "c5")));

            assertEquals(Set.copyOf(shas("c2", "c3")), model.deployments().get("d2").deployedChanges());
            assertEquals(List.of(7200L), model.deployments().get("d2").leadTimeSamples());
            // 1999 ms → 1 s; committed in the very millisecond of the deployment → 0 s, kept
            assertEquals(List.of(0L, 1L), model.deployments().get("d3").leadTimeSamples());
            assertEquals(List.of(0L, 1L, 7200L), week(model).leadTimeSampleValues());
        }

        @Test
        void sampleBelongsToTheWindowOfItsDeployment() {
            final List<SpecificRecord> events = chain();
            events.add(prod(S, "d1", hours(1.5), "c1"));
            events.add(prod(S, "d2", TO, "c3")); // exactly at the window end: next window
            final ReferenceModel model = model(events);
            assertEquals(1, week(model).deployments());
            assertEquals(0, week(model).leadTimeSamples());
            final MetricsAnswer next = model.metrics(S, null, TO, TO.plus(Duration.ofDays(7)));
            assertEquals(1, next.deployments());
            assertEquals(2, next.leadTimeSamples());
        }
    }

    @Nested
    class FailureRules {

        /** d1 (baseline, c1) at 1 h, d2 (c2) at 10 h, d3 (c3) at 50 h. */
        private List<SpecificRecord> base() {
            final List<SpecificRecord> events = chain();
            events.add(prod(S, "d1", hours(1.5), "c1"));
            events.add(prod(S, "d2", hours(10), "c2"));
            events.add(prod(S, "d3", hours(50), "c3"));
            return events;
        }

        private ReferenceModel with(final SpecificRecord... extra) {
            final List<SpecificRecord> events = base();
            events.addAll(List.of(extra));
            return model(events);
        }

        private static String rule(final ReferenceModel model, final String id) {
            return model.deployments().get(id).rule();
        }

        private static long failed(final ReferenceModel model) {
            return week(model).failed();
        }

        @Test
        void causeDeploymentId() {
            final ReferenceModel model = with(incident(S, "i1", hours(60), hours(61), "d2", null));
            assertEquals(ReferenceModel.CAUSE_DEPLOYMENT_ID, rule(model, "d2"));
            assertTrue(model.deployments().get("d2").failed());
            assertEquals(1, failed(model));
            assertEquals(1.0 / 3, week(model).changeFailureRate(), 1e-12);
        }

        @Test
        void causeSha() {
            final ReferenceModel model = with(incident(S, "i1", hours(60), null, null, "c2"));
            assertEquals(ReferenceModel.CAUSE_SHA, rule(model, "d2"));
            assertNull(rule(model, "d3"));
            assertEquals(1, failed(model));
        }

        @Test
        void causeShaCountsForTheBaselineToo() {
            final ReferenceModel model = with(incident(S, "i1", hours(60), null, null, "c1"));
            assertEquals(ReferenceModel.CAUSE_SHA, rule(model, "d1"));
            assertEquals(1, failed(model));
        }

        @Test
        void causeShaOfAnUndeployedCommitChargesNobody() {
            final ReferenceModel model = with(change(S, "c9", hours(70), "c3"),
                    incident(S, "i1", hours(11), null, null, "c9"));
            assertEquals(0, failed(model)); // and, having a cause, it is not charged by the time window either
        }

        @Test
        void timeWindow() {
            final ReferenceModel model = with(incident(S, "i1", hours(12), hours(13), null, null));
            assertEquals(ReferenceModel.TIME_WINDOW, rule(model, "d2"));
            assertEquals(1, failed(model));
        }

        @Test
        void rollbackOfIt() {
            final ReferenceModel model = with(rollback(S, "r1", hours(11), "c1", "d2"));
            assertEquals(ReferenceModel.ROLLBACK, rule(model, "d2"));
            assertNull(rule(model, "r1")); // it deploys nothing new and nothing charges it
            assertEquals(Set.of(), model.deployments().get("r1").deployedChanges());
            assertEquals(1, failed(model));
            assertEquals(4, week(model).deployments());
        }

        @Test
        void aRollbackBeforeTheDeploymentItNamesDoesNotCount() {
            final ReferenceModel model = with(rollback(S, "r1", hours(20), "c1", "d3"));
            assertNull(rule(model, "d3"));
            assertEquals(0, failed(model));
        }

        @Test
        void precedenceIsCauseDeploymentThenCauseShaThenTimeWindowThenRollback() {
            final IncidentEvent a = incident(S, "ia", hours(60), hours(61), "d2", null);
            final IncidentEvent b = incident(S, "ib", hours(60), hours(61), null, "c2");
            // opened before the rollback r1 finished, so d2 is still the last deployment when it opens
            final IncidentEvent c = incident(S, "ic", hours(10.5), hours(13), null, null);
            final DeploymentEvent d = rollback(S, "r1", hours(11), "c1", "d2");
            assertEquals(ReferenceModel.CAUSE_DEPLOYMENT_ID, rule(with(d, c, b, a), "d2"));
            assertEquals(ReferenceModel.CAUSE_SHA, rule(with(d, c, b), "d2"));
            assertEquals(ReferenceModel.TIME_WINDOW, rule(with(d, c), "d2"));
            assertEquals(ReferenceModel.ROLLBACK, rule(with(d), "d2"));
            // one failed change, however many rules hold
            assertEquals(1, failed(with(d, c, b, a)));
            // opened after the rollback finished: the rollback is now the last deployment and takes the incident
            final ReferenceModel late = with(d, incident(S, "ic", hours(12), hours(13), null, null));
            assertEquals(ReferenceModel.ROLLBACK, rule(late, "d2"));
            assertEquals(ReferenceModel.TIME_WINDOW, rule(late, "r1"));
        }

        @Test
        void aCauseShaOfAnotherServiceAndNonProductionCausesAreNotFollowed() {
            final IncidentEvent otherService = incident("payments", "i1", hours(11), hours(12), null, "c2");
            final IncidentEvent staging = IncidentEvent.newBuilder(incident(S, "i2", hours(11), hours(12), "d2", null))
                    .setEnvironment("staging").build();
            final ReferenceModel model = with(otherService, staging);
            assertEquals(0, failed(model));
            assertEquals(0, week(model).incidents()); // neither is a production incident of checkout
        }

        @Test
        void aCauseDeploymentIdNamesTheDeploymentWhateverTheIncidentsService() {
            final ReferenceModel model = with(incident("payments", "i1", hours(11), hours(12), "d2", null));
            assertEquals(ReferenceModel.CAUSE_DEPLOYMENT_ID, rule(model, "d2"));
            assertEquals(0, week(model).incidents(), "the incident is payments', not checkout's");
        }

        @Test
        void environmentsAreComparedCaseInsensitively() {
            final IncidentEvent upper = IncidentEvent.newBuilder(incident(S, "i1", hours(11), hours(12), "d2", null))
                    .setEnvironment("PROD").build();
            final ReferenceModel model = with(upper, deploy(S, "d9", "Production", hours(40), "c2"));
            assertEquals(ReferenceModel.CAUSE_DEPLOYMENT_ID, rule(model, "d2"));
            assertEquals(4, week(model).deployments());
        }

        @Test
        void timeWindowIsInclusiveAtBothEnds() {
            assertEquals(ReferenceModel.TIME_WINDOW,
                    rule(with(incident(S, "i1", hours(10), null, null, null)), "d2"));
            assertEquals(ReferenceModel.TIME_WINDOW,
                    rule(with(incident(S, "i1", hours(34), null, null, null)), "d2"));
            final ReferenceModel late = with(incident(S, "i1", hours(34).plusMillis(1), null, null, null));
            assertNull(rule(late, "d2"));
            assertEquals(0, failed(late));
        }

        @Test
        void aLaterDeploymentStealsTheIncident() {
            final ReferenceModel model = with(
                    prod(S, "d2b", hours(20), "c2"),
                    incident(S, "i1", hours(30), null, null, null));
            assertNull(rule(model, "d2"));
            assertEquals(ReferenceModel.TIME_WINDOW, rule(model, "d2b"));
            assertEquals(1, failed(model));
        }

        @Test
        void sameMillisecondDeploymentsAreOrderedById() {
            final ReferenceModel model = with(
                    prod(S, "d2b", hours(10), "c2"),
                    incident(S, "i1", hours(11), null, null, null));
            assertNull(rule(model, "d2"));
            assertEquals(ReferenceModel.TIME_WINDOW, rule(model, "d2b")); // "d2b" > "d2"
        }

        @Test
        void anIncidentBeforeAnyDeploymentChargesNobody() {
            final ReferenceModel model = with(incident(S, "i1", hours(1), hours(1.2), null, null));
            assertEquals(0, failed(model));
        }
    }

    @Nested
    class EntityResolution {

        @Test
        void onATieTheTerminalEventWins() {
            final DeploymentEvent success = prod(S, "d1", hours(1), "c1");
            final DeploymentEvent inProgressSameInstant = DeploymentEvent.newBuilder(started(success))
                    .setOccurredAt(success.getOccurredAt()).build();
            for (final List<SpecificRecord> order : List.<List<SpecificRecord>>of(
                    List.of(success, inProgressSameInstant), List.of(inProgressSameInstant, success))) {
                assertEquals(1, week(model(order)).deployments());
            }
            final DeploymentEvent failure = DeploymentEvent.newBuilder(success).setStatus(DeploymentStatus.failure).build();
            final DeploymentEvent pending = DeploymentEvent.newBuilder(success)
                    .setStatus(DeploymentStatus.pending).setFinishedAt(null).build();
            assertEquals(0, week(model(List.of(failure, pending))).deployments());
        }

        @Test
        void aLaterNonTerminalEventStillWins() {
            // spec: the greatest occurredAt wins first; status only breaks ties
            final DeploymentEvent success = prod(S, "d1", hours(1), "c1");
            final DeploymentEvent laterInProgress = DeploymentEvent.newBuilder(started(success))
                    .setOccurredAt(hours(2)).build();
            assertEquals(0, week(model(List.of(success, laterInProgress))).deployments());
        }

        @Test
        void onAFullTieTheGreaterEncodingWins() {
            final ChangeEvent early = change(S, "c2", hours(2), "c1");
            final ChangeEvent skewed = ChangeEvent.newBuilder(early).setCommittedAt(hours(3)).build();
            final boolean skewedWins = Arrays.compareUnsigned(
                    AvroCodec.get().encode(skewed), AvroCodec.get().encode(early)) > 0;
            final long expected = skewedWins ? 3600L : 7200L;
            for (final List<SpecificRecord> order : List.<List<SpecificRecord>>of(
                    List.of(early, skewed), List.of(skewed, early))) {
                final List<SpecificRecord> events = new ArrayList<>(order);
                events.add(change(S, "c1", hours(1)));
                events.add(prod(S, "d1", hours(1.5), "c1"));
                events.add(prod(S, "d2", hours(4), "c2"));
                assertEquals(List.of(expected), week(model(events)).leadTimeSampleValues());
            }
        }

        @Test
        void exactDuplicatesChangeNothing() {
            final List<SpecificRecord> events = chain();
            events.add(prod(S, "d1", hours(1.5), "c1"));
            events.add(prod(S, "d2", hours(4), "c3"));
            events.add(incident(S, "i1", hours(5), hours(6), "d2", null));
            final MetricsAnswer once = week(model(events));
            final List<SpecificRecord> twice = new ArrayList<>(events);
            events.forEach(e -> twice.add(copy(e)));
            final MetricsAnswer duplicated = week(model(twice));
            assertEquals(once, duplicated);
            assertEquals(1, duplicated.incidents());
            assertEquals(1, duplicated.failed());
        }

        @Test
        void aDeploymentMovesToTheServiceOfItsWinningEvent() {
            final DeploymentEvent first = prod(S, "d1", hours(2), "c1");
            final DeploymentEvent moved = DeploymentEvent.newBuilder(first)
                    .setService("payments").setOccurredAt(hours(3)).build();
            final ReferenceModel model = model(List.of(change(S, "c1", hours(1)), first, moved));
            assertEquals(0, model.metrics(S, null, FROM, TO).deployments());
            assertEquals(1, model.metrics("payments", null, FROM, TO).deployments());
            assertEquals("payments", model.deployments().get("d1").service());
            // c1 is a commit of checkout, not of payments
            assertEquals(Set.of(), model.deployments().get("d1").deployedChanges());
        }

        @Test
        void teamIsTheMostRecentEventNamingOne() {
            final ChangeEvent c1 = ChangeEvent.newBuilder(change(S, "c1", hours(1))).setTeam("alpha").build();
            final ChangeEvent c1Redelivered = ChangeEvent.newBuilder(c1).setOccurredAt(hours(4)).setTeam("zeta").build();
            final DeploymentEvent d1 = DeploymentEvent.newBuilder(prod(S, "d1", hours(10), "c1")).setTeam(null).build();
            // not the winner of d1, but still the latest event of checkout that names a team
            final DeploymentEvent d1Started = DeploymentEvent.newBuilder(started(d1))
                    .setOccurredAt(hours(9)).setTeam("gamma").build();
            final IncidentEvent unnamed = IncidentEvent.newBuilder(incident(S, "i1", hours(11), null, null, null))
                    .setTeam(null).build();
            assertEquals("gamma", model(List.of(c1, c1Redelivered, d1, d1Started, unnamed)).teams().get(S));

            final ChangeEvent tieA = ChangeEvent.newBuilder(change("search", "s1", hours(1))).setTeam("discovery").build();
            final ChangeEvent tieB = ChangeEvent.newBuilder(change("search", "s2", hours(1))).setTeam("catalogue").build();
            assertEquals("discovery", model(List.of(tieB, tieA)).teams().get("search"));

            final ChangeEvent anonymous = ChangeEvent.newBuilder(change("ledger", "l1", hours(1))).setTeam(null).build();
            final Map<String, String> teams = model(List.of(anonymous)).teams();
            assertTrue(teams.containsKey("ledger"));
            assertNull(teams.get("ledger"));
        }
    }

    @Nested
    class Restore {

        @Test
        void timeToRestoreAndOpenIncidentsAtTheWindowEnd() {
            final IncidentEvent staging = IncidentEvent.newBuilder(incident(S, "i6", hours(30), null, null, null))
                    .setEnvironment("staging").build();
            final ReferenceModel model = model(List.of(
                    incident(S, "i1", hours(1), hours(3), null, null),
                    incident(S, "i2", TO.minus(Duration.ofDays(1)), TO, null, null),
                    incident(S, "i3", TO.minus(Duration.ofDays(1)), TO.minusMillis(1), null, null),
                    incident(S, "i4", hours(-48), null, null, null),
                    incident(S, "i5", TO, null, null, null),
                    staging,
                    incident(S, "i7", hours(-72), hours(-24), null, null),
                    incident(S, "i8", hours(-24), hours(1), null, null)));

            final MetricsAnswer week = week(model);
            assertEquals(List.of(7200L, 86_399L, 90_000L), week.restoreSampleValues());
            assertEquals(3, week.incidents());
            assertEquals(86_399.0, week.restoreMedianSeconds());
            assertEquals(90_000.0, week.restoreP90Seconds());
            // i2 is resolved exactly at `to`, i4 was opened before the window and never resolved
            assertEquals(2, week.openIncidents());

            final MetricsAnswer next = model.metrics(S, null, TO, TO.plus(Duration.ofDays(7)));
            assertEquals(List.of(86_400L), next.restoreSampleValues());
            assertEquals(2, next.openIncidents()); // i4 and i5
            // the week before: only i7 (48 h) was resolved in it; i8 was still open at its end, i4 too
            final MetricsAnswer before = model.metrics(S, null, FROM.minus(Duration.ofDays(7)), FROM);
            assertEquals(List.of(172_800L), before.restoreSampleValues());
            assertEquals(2, before.openIncidents());
        }

        @Test
        void anOpenEventArrivingAfterTheResolvedOneDoesNotReopen() {
            final IncidentEvent resolved = incident(S, "i1", hours(1), hours(3), null, null);
            final ReferenceModel model = model(List.of(resolved, Events.opened(resolved)));
            assertEquals(0, week(model).openIncidents());
            assertEquals(1, week(model).incidents());
        }
    }

    @Test
    void scopeByTeamFollowsTheCurrentTeam() {
        final List<SpecificRecord> events = new ArrayList<>();
        events.add(withTeam(prod("s1", "a1", hours(1), null), "A"));
        events.add(withTeam(prod("s1", "a2", hours(2), null), "A"));
        events.add(withTeam(prod("s2", "b1", hours(3), null), "A"));
        events.add(withTeam(prod("s3", "c1", hours(4), null), "B"));
        final ReferenceModel model = model(events);
        assertEquals(3, model.metrics(null, "A", FROM, TO).deployments());
        assertEquals(1, model.metrics(null, "B", FROM, TO).deployments());
        assertEquals(4, model.metrics(null, null, FROM, TO).deployments());
        assertEquals(2, model.metrics("s1", null, FROM, TO).deployments());
        assertEquals(0, model.metrics("s1", "B", FROM, TO).deployments());
        assertEquals(0, model.metrics(null, "nobody", FROM, TO).deployments());

        // s2 changes hands: all of its history goes with it
        model.load(List.of(withTeam(change("s2", "x", hours(5)), "B")));
        assertEquals(2, model.metrics(null, "A", FROM, TO).deployments());
        assertEquals(2, model.metrics(null, "B", FROM, TO).deployments());
    }

    @Test
    void answersDoNotDependOnArrivalOrder() {
        final List<SpecificRecord> events = chain();
        final DeploymentEvent d1 = prod(S, "d1", hours(1.5), "c1");
        final DeploymentEvent d2 = prod(S, "d2", hours(10), "c2");
        final IncidentEvent i1 = incident(S, "i1", hours(12), hours(13), null, null);
        events.addAll(List.of(started(d1), d1, started(d2), d2, copy(d2), Events.opened(i1), i1,
                prod(S, "d2b", hours(10), "c3"), rollback(S, "r1", hours(11), "c1", "d2b"),
                withTeam(change(S, "c4", hours(20), "c3"), "other"), withTeam(change(S, "c5", hours(20), "c4"), "zz"),
                change(S, "c3", hours(3), "c2"), incident(S, "i2", hours(30), null, null, "c2")));
        events.addAll(dev.dora.streams.simulation.HistoryGenerator.builder()
                .seed(7).end(T0.plus(Duration.ofDays(21))).days(21)
                .services(dev.dora.streams.simulation.HistoryGenerator.demoServices().subList(0, 2))
                .build().generate());

        final ReferenceModel reference = model(events);
        final Instant to = T0.plus(Duration.ofDays(21));
        final MetricsAnswer all = reference.metrics(null, null, T0.minus(Duration.ofDays(21)), to);
        assertTrue(all.deployments() > 20, "the shuffled history should not be trivial");

        final Random random = new Random(20);
        for (int i = 0; i < 20; i++) {
            final List<SpecificRecord> shuffled = new ArrayList<>(events);
            Collections.shuffle(shuffled, random);
            final ReferenceModel model = model(shuffled);
            assertEquals(all, model.metrics(null, null, T0.minus(Duration.ofDays(21)), to));
            assertEquals(reference.metrics(S, null, FROM, TO), model.metrics(S, null, FROM, TO));
            assertEquals(reference.deployments(), model.deployments());
            assertEquals(reference.teams(), model.teams());
        }
    }

    private static SpecificRecord withTeam(final SpecificRecord event, final String team) {
        if (event instanceof ChangeEvent c) {
            return ChangeEvent.newBuilder(c).setTeam(team).build();
        }
        return DeploymentEvent.newBuilder((DeploymentEvent) event).setTeam(team).build();
    }

    private static SpecificRecord copy(final SpecificRecord event) {
        return AvroCodec.get().decode(AvroCodec.get().encode(event));
    }

    @Test
    void shaHelperLooksLikeGit() {
        assertEquals(40, sha("c1").length());
        assertTrue(sha("c1").matches("[0-9a-f]{40}"));
    }
}
