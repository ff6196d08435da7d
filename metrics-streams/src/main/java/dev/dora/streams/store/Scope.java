package dev.dora.streams.store;

import java.util.Objects;

/**
 * Whose numbers a day bucket holds: one service, the part of a team made of the services of one partition, or the
 * part of the organisation in one partition. A team's or the organisation's answer is the sum of its parts, one per
 * partition, so no query merges every service's buckets and every part is kept by the task that owns its services.
 *
 * @param kind the kind of scope
 * @param name the service or team; empty for the organisation
 */
public record Scope(Kind kind, String name) {

    /** The kinds of scope, with the tag their bucket keys start with. */
    public enum Kind {
        SERVICE((byte) 's'), TEAM((byte) 't'), ORGANISATION((byte) 'o');

        private final byte tag;

        Kind(final byte tag) {
            this.tag = tag;
        }

        public byte tag() {
            return tag;
        }

        static Kind ofTag(final byte tag) {
            for (final Kind kind : values()) {
                if (kind.tag == tag) {
                    return kind;
                }
            }
            throw new IllegalArgumentException("not a bucket scope tag: " + (char) tag);
        }
    }

    /** The organisation: every service. */
    public static final Scope ORGANISATION = new Scope(Kind.ORGANISATION, "");

    public Scope {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(name, "name");
    }

    public static Scope service(final String service) {
        return new Scope(Kind.SERVICE, service);
    }

    public static Scope team(final String team) {
        return new Scope(Kind.TEAM, team);
    }
}
