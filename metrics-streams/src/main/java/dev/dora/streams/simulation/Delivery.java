package dev.dora.streams.simulation;

import dev.dora.events.ChangeEvent;
import dev.dora.events.DeploymentEvent;
import dev.dora.events.IncidentEvent;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.avro.specific.SpecificRecord;

/** Imperfect delivery, as real producers deliver: some events without their team, a few twice. */
final class Delivery {

    /** Events delivered twice, byte for byte. */
    static final int DUPLICATES = 6;
    /** The share of events whose producer does not know the team. */
    static final double TEAMLESS_SHARE = 0.01;

    private Delivery() {
    }


    /** Some producers do not know the team; the team rule must cope. */
    static void dropSomeTeams(final List<SpecificRecord> events, final SplittableRandom rng) {
        for (int i = 0; i < events.size(); i++) {
            if (rng.nextDouble() < TEAMLESS_SHARE) {
                events.set(i, withoutTeam(events.get(i)));
            }
        }
    }

    static SpecificRecord withoutTeam(final SpecificRecord event) {
        if (event instanceof ChangeEvent c) {
            return ChangeEvent.newBuilder(c).setTeam(null).build();
        }
        if (event instanceof DeploymentEvent d) {
            return DeploymentEvent.newBuilder(d).setTeam(null).build();
        }
        if (event instanceof IncidentEvent e) {
            return IncidentEvent.newBuilder(e).setTeam(null).build();
        }
        return event;
    }

    /** At-least-once delivery: a few events arrive twice, byte for byte. */
    static void redeliverSome(final List<SpecificRecord> events, final SplittableRandom rng) {
        final int size = events.size();
        for (int i = 0; i < DUPLICATES && size > 0; i++) {
            final SpecificRecord event = events.get(rng.nextInt(size));
            if (event instanceof ChangeEvent c) {
                events.add(ChangeEvent.newBuilder(c).build());
            } else if (event instanceof DeploymentEvent d) {
                events.add(DeploymentEvent.newBuilder(d).build());
            } else if (event instanceof IncidentEvent e) {
                events.add(IncidentEvent.newBuilder(e).build());
            }
        }
    }
}
