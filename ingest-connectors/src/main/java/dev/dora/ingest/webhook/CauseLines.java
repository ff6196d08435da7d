package dev.dora.ingest.webhook;

import dev.dora.ingest.JsonFields;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The convention by which an incident written as an issue names its cause, one line each, anywhere in the body and
 * in any case: {@code root cause: <40-hex sha>} and {@code caused by: <deployment id>}. Shared by every source whose
 * incidents are issues, so users learn one convention.
 */
public final class CauseLines {

    private static final Pattern ROOT_CAUSE =
            Pattern.compile("(?i)\\broot cause:[ \\t]*(" + JsonFields.SHA_REGEX + ")(?![0-9a-z])");
    private static final Pattern CAUSED_BY =
            Pattern.compile("(?i)\\bcaused by:[ \\t]*([a-z0-9][a-z0-9._:/#-]*[a-z0-9])");

    private CauseLines() {
    }

    /** The commit named by a {@code root cause:} line, in lower case, or null. */
    public static String causeSha(final String body) {
        final String sha = first(ROOT_CAUSE, body);
        return sha == null ? null : sha.toLowerCase(Locale.ROOT);
    }

    /** The deployment named by a {@code caused by:} line, or null. */
    public static String causeDeploymentId(final String body) {
        return first(CAUSED_BY, body);
    }

    private static String first(final Pattern pattern, final String text) {
        if (text == null) {
            return null;
        }
        final Matcher matcher = pattern.matcher(text);
        return matcher.find() ? matcher.group(1) : null;
    }
}
