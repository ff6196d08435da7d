package dev.dora.streams.store;

import dev.dora.reports.ScopeKind;

/**
 * The keys of the weekly reports' global store: {@code <week>/<0|1|2>/<name>}, so that one week's reports are one
 * prefix, the organisation's first, then the teams', then the services', each by name, and the last key is of the
 * latest week. The topic keys ({@code service:<name>:<week>}) put the week last, which no prefix scan can use.
 */
public final class ReportKeys {

    private ReportKeys() {
    }

    /** The key of the report of one scope and ISO week ({@code name} is null for the organisation). */
    public static String of(final ScopeKind kind, final String name, final String week) {
        return prefix(week) + switch (kind) {
            case organisation -> "0/";
            case team -> "1/" + name;
            case service -> "2/" + name;
        };
    }

    /**
     * The store key of a topic key ({@code service:<name>:<week>}, {@code team:<name>:<week>},
     * {@code organisation:<week>}); a name may itself hold colons.
     *
     * @throws IllegalArgumentException when it is not such a key
     */
    public static String ofTopicKey(final String topicKey) {
        final int first = topicKey.indexOf(':');
        final int last = topicKey.lastIndexOf(':');
        if (first < 0) {
            throw new IllegalArgumentException("not a weekly report key: " + topicKey);
        }
        final ScopeKind kind = ScopeKind.valueOf(topicKey.substring(0, first));
        if (kind == ScopeKind.organisation ? first != last : first == last) {
            throw new IllegalArgumentException("not a weekly report key: " + topicKey);
        }
        return of(kind, kind == ScopeKind.organisation ? null : topicKey.substring(first + 1, last),
                topicKey.substring(last + 1));
    }

    /** The prefix of every report of {@code week}. */
    public static String prefix(final String week) {
        return week + "/";
    }

    /** The ISO week of a key. */
    public static String week(final String key) {
        return key.substring(0, key.indexOf('/'));
    }
}
