package dev.dora.streams.config;

import dev.dora.events.ChangeEvent;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * The configured rule that marks a change as a hotfix, so that a production deployment bringing it counts as
 * unplanned (rework) like a rollback or a deployment flagged {@code hotfix: true}.
 *
 * <p>A change matches when its {@code branch} matches any of the branch globs, or when any of its {@code labels}
 * is one of the hotfix labels. Labels compare case-insensitively (after trimming); branches compare
 * case-sensitively, as git's do.
 *
 * <p>Glob syntax, the same as {@code java.nio}'s on a {@code /}-separated path, reduced to what branch names need:
 * <ul>
 *   <li>{@code *} matches any run of characters within one segment (no {@code /}), the empty run included;</li>
 *   <li>{@code **} matches any run of characters across segments ({@code /} included);</li>
 *   <li>{@code ?} matches exactly one character other than {@code /};</li>
 *   <li>every other character matches itself. {@code [ ] { } \} are refused (no character classes, alternatives
 *       or escapes), as are three stars in a row, whitespace and control characters.</li>
 * </ul>
 * So {@code hotfix/**} matches {@code hotfix/x} and {@code hotfix/2026/x} but not {@code hotfix} itself, and
 * {@code hotfix-*} matches {@code hotfix-123} but not {@code hotfix-1/x}. A glob matches the whole branch name.
 *
 * <p>The globs and labels are kept sorted and without duplicates, so that two rules with the same meaning are equal
 * and describe themselves the same way in {@link #definition()}.
 */
public final class HotfixRule {

    /** The default branch globs: {@code hotfix/**} and {@code hotfix-*}. */
    public static final List<String> DEFAULT_BRANCHES = List.of("hotfix/**", "hotfix-*");
    /** The default labels: {@code hotfix}. */
    public static final Set<String> DEFAULT_LABELS = Set.of("hotfix");

    private static final String UNSUPPORTED = "[]{}\\";

    private final List<String> branches;
    private final Set<String> labels;
    private final List<Pattern> patterns;

    /**
     * @param branches branch globs, see the class description; blank entries are refused
     * @param labels   labels, compared case-insensitively; blank entries are refused
     * @throws IllegalArgumentException naming the first invalid glob or label and what is wrong with it
     */
    public HotfixRule(final Collection<String> branches, final Collection<String> labels) {
        Objects.requireNonNull(branches, "branches");
        Objects.requireNonNull(labels, "labels");
        final TreeSet<String> globs = new TreeSet<>();
        for (final String glob : branches) {
            validateGlob(glob);
            globs.add(glob);
        }
        final TreeSet<String> names = new TreeSet<>();
        for (final String label : labels) {
            if (label == null || label.isBlank()) {
                throw new IllegalArgumentException("hotfix label must not be empty");
            }
            names.add(normalizeLabel(label));
        }
        this.branches = List.copyOf(globs);
        this.labels = java.util.Collections.unmodifiableSortedSet(names);
        this.patterns = this.branches.stream().map(HotfixRule::compile).toList();
    }

    /** The default rule: branches {@code hotfix/**} and {@code hotfix-*}, label {@code hotfix}. */
    public static HotfixRule defaults() {
        return new HotfixRule(DEFAULT_BRANCHES, DEFAULT_LABELS);
    }

    /** A rule that matches no change: only rollbacks and deployments flagged {@code hotfix} count as rework. */
    public static HotfixRule none() {
        return new HotfixRule(List.of(), List.of());
    }

    /** The branch globs, sorted. */
    public List<String> branches() {
        return branches;
    }

    /** The labels, trimmed, lower-case and sorted. */
    public Set<String> labels() {
        return labels;
    }

    /** Whether this rule matches no change at all. */
    public boolean isEmpty() {
        return branches.isEmpty() && labels.isEmpty();
    }

    /** Whether the change is a hotfix: its branch matches a glob, or one of its labels is a hotfix label. */
    public boolean matches(final ChangeEvent change) {
        return change != null && (matchesBranch(change.getBranch()) || matchesAnyLabel(change.getLabels()));
    }

    /** Whether the branch name matches one of the globs; {@code false} for {@code null}. */
    public boolean matchesBranch(final String branch) {
        if (branch == null) {
            return false;
        }
        for (final Pattern pattern : patterns) {
            if (pattern.matcher(branch).matches()) {
                return true;
            }
        }
        return false;
    }

    /** Whether one of the labels is a hotfix label, ignoring case and surrounding whitespace. */
    public boolean matchesAnyLabel(final Collection<? extends CharSequence> candidates) {
        if (candidates == null || labels.isEmpty()) {
            return false;
        }
        for (final CharSequence candidate : candidates) {
            if (candidate != null && labels.contains(normalizeLabel(candidate.toString()))) {
                return true;
            }
        }
        return false;
    }

    /**
     * A stable description of the rule for fingerprints and logs, e.g.
     * {@code branches=[hotfix-*, hotfix/**] labels=[hotfix]}.
     */
    public String definition() {
        return "branches=" + branches + " labels=" + labels;
    }

    /**
     * Checks one glob.
     *
     * @throws IllegalArgumentException naming the glob and what is wrong with it
     */
    public static void validateGlob(final String glob) {
        if (glob == null || glob.isBlank()) {
            throw new IllegalArgumentException("hotfix branch glob must not be empty");
        }
        for (int i = 0; i < glob.length(); i++) {
            final char c = glob.charAt(i);
            if (Character.isWhitespace(c) || Character.isISOControl(c)) {
                throw new IllegalArgumentException("hotfix branch glob '" + glob
                        + "' must not contain whitespace or control characters (position " + i + ")");
            }
            if (UNSUPPORTED.indexOf(c) >= 0) {
                throw new IllegalArgumentException("hotfix branch glob '" + glob + "': '" + c + "' at position " + i
                        + " is not supported (only *, ** and ? are special)");
            }
        }
        if (glob.contains("***")) {
            throw new IllegalArgumentException("hotfix branch glob '" + glob
                    + "': three or more stars in a row mean nothing; use * or **");
        }
    }

    private static Pattern compile(final String glob) {
        final StringBuilder regex = new StringBuilder(glob.length() * 2);
        final StringBuilder literal = new StringBuilder();
        for (int i = 0; i < glob.length(); i++) {
            final char c = glob.charAt(i);
            if (c != '*' && c != '?') {
                literal.append(c);
                continue;
            }
            if (!literal.isEmpty()) {
                regex.append(Pattern.quote(literal.toString()));
                literal.setLength(0);
            }
            if (c == '?') {
                regex.append("[^/]");
            } else if (i + 1 < glob.length() && glob.charAt(i + 1) == '*') {
                regex.append(".*");
                i++;
            } else {
                regex.append("[^/]*");
            }
        }
        if (!literal.isEmpty()) {
            regex.append(Pattern.quote(literal.toString()));
        }
        return Pattern.compile(regex.toString(), Pattern.DOTALL);
    }

    private static String normalizeLabel(final String label) {
        return label.trim().toLowerCase(Locale.ROOT);
    }

    @Override
    public boolean equals(final Object other) {
        return other instanceof HotfixRule rule && branches.equals(rule.branches) && labels.equals(rule.labels);
    }

    @Override
    public int hashCode() {
        return Objects.hash(branches, labels);
    }

    @Override
    public String toString() {
        return "HotfixRule[" + definition() + "]";
    }
}
