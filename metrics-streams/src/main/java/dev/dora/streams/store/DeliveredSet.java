package dev.dora.streams.store;

import dev.dora.state.DeliveredChanges;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The changes one deployment delivered first to its group, as a transaction changes them: shas sorted as their UTF-8
 * bytes sort (the order the per-change index entries it replaces were scanned in, so answers list changes as before),
 * each with its commit's time. Kept as two sorted arrays, so a value of thousands of changes is copied once per
 * record that touches it rather than rebuilt into a tree.
 */
final class DeliveredSet {

    private String[] shas;
    private long[] committedAt;
    private int size;
    private boolean changed;
    private final boolean stored;

    private DeliveredSet(final String[] shas, final long[] committedAt, final int size, final boolean stored) {
        this.shas = shas;
        this.committedAt = committedAt;
        this.size = size;
        this.stored = stored;
    }

    /** A working copy of {@code stored}, or an empty set when there is none. */
    static DeliveredSet of(final DeliveredChanges stored) {
        if (stored == null) {
            return new DeliveredSet(new String[4], new long[4], 0, false);
        }
        final int n = stored.getShas().size();
        final String[] shas = new String[Math.max(4, n + 1)];
        final long[] at = new long[shas.length];
        for (int i = 0; i < n; i++) {
            shas[i] = stored.getShas().get(i);
            at[i] = stored.getCommittedAt().get(i);
        }
        return new DeliveredSet(shas, at, n, true);
    }

    /** Adds the change, or gives it its new commit time. */
    void put(final String sha, final long at) {
        final int found = find(sha);
        if (found >= 0) {
            changed |= committedAt[found] != at;
            committedAt[found] = at;
            return;
        }
        final int at0 = -found - 1;
        if (size == shas.length) {
            shas = Arrays.copyOf(shas, size * 2);
            committedAt = Arrays.copyOf(committedAt, size * 2);
        }
        System.arraycopy(shas, at0, shas, at0 + 1, size - at0);
        System.arraycopy(committedAt, at0, committedAt, at0 + 1, size - at0);
        shas[at0] = sha;
        committedAt[at0] = at;
        size++;
        changed = true;
    }

    void remove(final String sha) {
        final int found = find(sha);
        if (found < 0) {
            return;
        }
        System.arraycopy(shas, found + 1, shas, found, size - found - 1);
        System.arraycopy(committedAt, found + 1, committedAt, found, size - found - 1);
        size--;
        shas[size] = null;
        changed = true;
    }

    /** Whether the store must be written: the set changed, and is not an empty set where none was stored. */
    boolean changed() {
        return changed && (size > 0 || stored);
    }

    int size() {
        return size;
    }

    String sha(final int i) {
        return shas[i];
    }

    /** The value to store: null (no entity) when the deployment delivers nothing. */
    DeliveredChanges toRecord() {
        if (size == 0) {
            return null;
        }
        final List<String> outShas = new ArrayList<>(size);
        final List<Long> outAt = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            outShas.add(shas[i]);
            outAt.add(committedAt[i]);
        }
        return new DeliveredChanges(outShas, outAt);
    }

    /** Binary search in UTF-8 order: the index, or {@code -(insertion point) - 1}. */
    private int find(final String sha) {
        int low = 0;
        int high = size - 1;
        while (low <= high) {
            final int mid = (low + high) >>> 1;
            final int cmp = Keys.compareUtf8(shas[mid], sha);
            if (cmp < 0) {
                low = mid + 1;
            } else if (cmp > 0) {
                high = mid - 1;
            } else {
                return mid;
            }
        }
        return -(low + 1);
    }
}
