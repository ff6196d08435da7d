package dev.dora.streams.simulation;

import static dev.dora.streams.simulation.Draws.around;
import static dev.dora.streams.simulation.Draws.between;
import static dev.dora.streams.simulation.Draws.date;
import static dev.dora.streams.simulation.Draws.isWorkingDay;
import static dev.dora.streams.simulation.Draws.max;
import static dev.dora.streams.simulation.Draws.sha;
import static dev.dora.streams.simulation.Draws.workingTime;

import dev.dora.events.ChangeEvent;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.avro.specific.SpecificRecord;

/**
 * The commits of the {@link HistoryGenerator}: per service, a mainline of direct commits and merged feature branches.
 * A merge commit has two parents; branch commits were made before the merge and reach the tracked branch with it.
 */
final class CommitGenerator {

    private final Instant start;
    private final Instant end;

    CommitGenerator(final Instant start, final Instant end) {
        this.start = start;
        this.end = end;
    }

    /** Emits the service's commits and returns its mainline (first-parent chain), oldest first. */
    List<Commit> commits(final ServiceProfile service, final SplittableRandom rng, final List<SpecificRecord> events) {
        final List<Commit> mainline = new ArrayList<>();
        // the repository predates the simulated period; its history arrives with the first backfill
        final Commit root = new Commit(sha(rng), start.minus(Duration.ofDays(400)), start);
        mainline.add(root);
        events.add(change(service, root, List.of(), "main"));

        int branchNumber = 0;
        Instant lastOccurred = start;
        for (LocalDate day = date(start); date(end).compareTo(day) >= 0; day = day.plusDays(1)) {
            if (!isWorkingDay(day)) {
                continue;
            }
            final int count = around(service.mainlineEventsPerWorkDay(), rng);
            final List<Instant> times = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                times.add(workingTime(day, rng));
            }
            times.sort(Comparator.naturalOrder());
            for (final Instant t : times) {
                if (!t.isAfter(mainline.get(mainline.size() - 1).committedAt()) || !t.isAfter(start)) {
                    continue;
                }
                final Instant occurred = max(lastOccurred.plusMillis(1), t.plusSeconds(5 + rng.nextInt(85)));
                if (!occurred.isBefore(end)) {
                    continue;
                }
                lastOccurred = occurred;
                final Commit head = mainline.get(mainline.size() - 1);
                if (rng.nextDouble() < service.directCommitShare()) {
                    final Commit direct = new Commit(sha(rng), t, occurred);
                    events.add(change(service, direct, List.of(head.sha()), "main"));
                    mainline.add(direct);
                    continue;
                }
                branchNumber++;
                mainline.add(featureBranch(service, rng, mainline, branchNumber, t, occurred, events));
            }
        }
        return mainline;
    }

    /**
     * A feature branch forked from what main was when it started, merged at {@code t}: emits its commits and the
     * merge, and returns the merge.
     */
    private Commit featureBranch(final ServiceProfile service, final SplittableRandom rng, final List<Commit> mainline,
                                 final int branchNumber, final Instant t, final Instant occurred,
                                 final List<SpecificRecord> events) {
        final Commit head = mainline.get(mainline.size() - 1);
        // a few branches are hotfixes, by name or by their pull request's label (see HotfixRule)
        final String branch = (branchNumber % 61 == 0 ? "hotfix/" : "feature/") + service.name() + "-"
                + branchNumber;
        final Instant branchStart = t.minus(between(service.minBranchLifetime(), service.maxBranchLifetime(), rng));
        final Commit fork = headCommittedBy(mainline, branchStart);
        final int branchCommits = 1 + rng.nextInt(4);
        final List<Instant> commitTimes = new ArrayList<>();
        final long span = Math.max(1, t.toEpochMilli() - branchStart.toEpochMilli() - 60_000);
        for (int i = 0; i < branchCommits; i++) {
            commitTimes.add(branchStart.plusMillis(rng.nextLong(span)));
        }
        commitTimes.sort(Comparator.naturalOrder());
        String parent = fork.sha();
        for (final Instant committed : commitTimes) {
            final Commit c = new Commit(sha(rng), committed, occurred);
            // the branch commits reach the tracked branch with the merge, hence its occurredAt
            events.add(change(service, c, List.of(parent), branch));
            parent = c.sha();
        }
        final Commit merge = new Commit(sha(rng), t, occurred);
        final ChangeEvent merged = change(service, merge, List.of(head.sha(), parent), "main");
        events.add(merged);
        if (branchNumber % 53 == 0) {
            // the pull request event, with its labels, loses to the push event of the same merge
            events.add(ChangeEvent.newBuilder(merged).setLabels(List.of("hotfix"))
                    .setOccurredAt(occurred.minusSeconds(1)).build());
        }
        return merge;
    }

    private static Commit headCommittedBy(final List<Commit> mainline, final Instant t) {
        Commit head = mainline.get(0);
        for (final Commit c : mainline) {
            if (c.committedAt().isAfter(t)) {
                break;
            }
            head = c;
        }
        return head;
    }

    private static ChangeEvent change(final ServiceProfile service, final Commit commit, final List<String> parents,
                                      final String branch) {
        return ChangeEvent.newBuilder()
                .setId(commit.sha()).setService(service.name()).setTeam(service.team()).setSource("github")
                .setOccurredAt(commit.occurredAt()).setSha(commit.sha()).setParents(parents)
                .setCommittedAt(commit.committedAt()).setRepo("acme/" + service.name()).setBranch(branch)
                .setAuthoredAt(commit.committedAt())
                .build();
    }
}
