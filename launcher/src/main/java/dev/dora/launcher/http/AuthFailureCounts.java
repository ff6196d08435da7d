package dev.dora.launcher.http;

import java.util.List;
import java.util.Locale;

/**
 * The failed attempts to use the API, counted by token name ({@value #UNKNOWN} when the request named no token the
 * server knows) and reason, for a metrics registry to read: the series are fixed once the tokens are read, so a
 * registry can bind one counter function per series at start-up, e.g. with Micrometer:
 *
 * <pre>
 * for (AuthFailureCounts.Series s : counts.series()) {
 *     FunctionCounter.builder("dora.api.auth.failures", counts, c -&gt; c.count(s))
 *             .tag("token", s.token()).tag("reason", s.reason().label()).register(registry);
 * }
 * </pre>
 */
public interface AuthFailureCounts {

    /** The token name of failures by requests that named no known token. */
    String UNKNOWN = "unknown";

    /** Why a request was refused. */
    enum Reason {
        /** No {@code Authorization: Bearer} header at all: 401. */
        MISSING,
        /** A token no entry of the tokens file matches: 401. */
        INVALID,
        /** A known token whose scope does not grant the request: 403. */
        FORBIDDEN;

        /** {@code missing}, {@code invalid} or {@code forbidden}. */
        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** One counted series. */
    record Series(String token, Reason reason) {
    }

    /** Every series that can be counted: {@value #UNKNOWN} missing and invalid, each known token forbidden. */
    List<Series> series();

    /** Failures so far of one series. */
    long count(Series series);
}
