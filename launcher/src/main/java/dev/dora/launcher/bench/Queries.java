package dev.dora.launcher.bench;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The queries a dashboard issues, as the benchmark measures them: each kind rotates through the organisation's
 * services or teams in a fixed shuffled order, so a run asks the same questions every time, as dashboards do at every
 * refresh (the API's answer cache gives them again while nothing changed). Each kind is also measured <b>cold</b>:
 * every request a question not asked before in the run (its window shifted by whole days, or stretched), so no
 * answer is ever given again and each is computed from the stores.
 */
final class Queries {

    /** What is asked, and the p99 the issue sets for it (milliseconds, under 16 concurrent clients). */
    enum Kind {
        SERVICE_90_DAYS("a service's 90 days", 10),
        TEAM_90_DAYS("a team's 90 days", 30),
        ORGANISATION_90_DAYS("the organisation's 90 days", 100),
        ORGANISATION_WEEKLY("the organisation's weekly series, whole history", 200),
        DEPLOYMENT_PAGE("a service's deployment list (limit 100)", 20),
        SERVICE_90_DAYS_COLD(SERVICE_90_DAYS),
        TEAM_90_DAYS_COLD(TEAM_90_DAYS),
        ORGANISATION_90_DAYS_COLD(ORGANISATION_90_DAYS),
        ORGANISATION_WEEKLY_COLD(ORGANISATION_WEEKLY),
        DEPLOYMENT_PAGE_COLD(DEPLOYMENT_PAGE),
        /**
         * What any request costs here before dora reads anything: a 336-byte static file of the web page, through the
         * same HTTP server, filters and clients. No target: it is the floor under every other kind's latency.
         */
        HTTP_FLOOR("the HTTP floor: a static file (/favicon.svg), no state read", Double.NaN);

        final String label;
        final double targetP99Millis;
        /** The repeated kind this one asks cold; null for a repeated kind. */
        final Kind warm;

        Kind(final String label, final double targetP99Millis) {
            this.label = label;
            this.targetP99Millis = targetP99Millis;
            this.warm = null;
        }

        Kind(final Kind warm) {
            this.label = warm.label + ", cold (a new question every request)";
            this.targetP99Millis = warm.targetP99Millis;
            this.warm = warm;
        }

        /** {@code service90Days}: the kind's name in the JSON. */
        String id() {
            final String[] words = name().toLowerCase(java.util.Locale.ROOT).split("_");
            final StringBuilder id = new StringBuilder(words[0]);
            for (int i = 1; i < words.length; i++) {
                id.append(Character.toUpperCase(words[i].charAt(0))).append(words[i].substring(1));
            }
            return id.toString();
        }
    }

    private Queries() {
    }

    /** The organisation over the whole history: the answer that must stop changing once the backfill is done. */
    static String organisationWholeHistory(final BenchSettings settings) {
        return "/api/v1/metrics?from=" + settings.history().start() + "&to=" + settings.history().end();
    }

    /** A scope's metrics over {@code [from, to)}; service or team null for the organisation. */
    static String metrics(final String service, final String team, final LocalDate from, final LocalDate to) {
        final StringBuilder query = new StringBuilder("/api/v1/metrics?from=" + from + "&to=" + to);
        if (service != null) {
            query.append("&service=").append(encode(service));
        }
        if (team != null) {
            query.append("&team=").append(encode(team));
        }
        return query.toString();
    }

    /** Every kind's requests ({@link #of}), in the kinds' order. */
    static Map<Kind, List<String>> all(final List<String> services, final List<String> teams,
                                       final BenchSettings settings) {
        final Map<Kind, List<String>> questions = new EnumMap<>(Kind.class);
        for (final Kind kind : Kind.values()) {
            questions.put(kind, of(kind, services, teams, settings));
        }
        return questions;
    }

    /**
     * The requests of one kind, in the order the clients take them: a cold kind's are all different, as many as a
     * run takes (its measured requests and its two warm-ups').
     */
    static List<String> of(final Kind kind, final List<String> services, final List<String> teams,
                           final BenchSettings settings) {
        if (kind.warm != null) {
            final List<String> urls = cold(kind.warm, services, teams, settings,
                    settings.querying().requests() + 2 * settings.querying().warmUp());
            Collections.shuffle(urls, new Random(settings.history().seed()));
            return urls;
        }
        final LocalDate start = settings.history().start();
        final LocalDate end = settings.history().end();
        final LocalDate ninetyDaysBefore = end.minusDays(90);
        final List<String> urls = new ArrayList<>();
        switch (kind) {
            case SERVICE_90_DAYS -> services.forEach(s -> urls.add(metrics(s, null, ninetyDaysBefore, end)));
            case TEAM_90_DAYS -> teams.forEach(t -> urls.add(metrics(null, t, ninetyDaysBefore, end)));
            case ORGANISATION_90_DAYS -> urls.add(metrics(null, null, ninetyDaysBefore, end));
            case ORGANISATION_WEEKLY -> urls.add("/api/v1/metrics/series?granularity=week&from=" + start
                    + "&to=" + end);
            case DEPLOYMENT_PAGE -> services.forEach(s -> urls.add("/api/v1/deployments?service=" + encode(s)
                    + "&from=" + start + "&to=" + end + "&limit=100"));
            case HTTP_FLOOR -> urls.add("/favicon.svg");
            default -> throw new IllegalArgumentException(kind + " is a cold kind");
        }
        Collections.shuffle(urls, new Random(settings.history().seed()));
        return urls;
    }

    /**
     * {@code count} different requests of a repeated kind: request i asks scope i modulo the scopes, its window moved
     * back by one more day for each round over the scopes (up to 200 days, then a day longer), so each costs about
     * what the repeated kind's question costs and none is asked twice.
     */
    static List<String> cold(final Kind kind, final List<String> services, final List<String> teams,
                             final BenchSettings settings, final int count) {
        final LocalDate start = settings.history().start();
        final LocalDate end = settings.history().end();
        final List<String> scopes = kind == Kind.TEAM_90_DAYS ? teams
                : kind == Kind.SERVICE_90_DAYS || kind == Kind.DEPLOYMENT_PAGE ? services : List.of("");
        final List<String> urls = new ArrayList<>(count);
        // windows moved back within the history: up to 200 days, fewer in a short one
        final int shifts = Math.max(1, Math.min(200, settings.history().days() - 96));
        final int span = Math.max(1, settings.history().days() / 2);
        for (int i = 0; i < count; i++) {
            final String scope = scopes.get(i % scopes.size());
            final int round = i / scopes.size();
            final int shift = round % shifts;
            final int longer = round / shifts;
            final LocalDate to = end.minusDays(shift);
            final LocalDate from = to.minusDays(90 + longer);
            urls.add(switch (kind) {
                case SERVICE_90_DAYS -> metrics(scope, null, from, to);
                case TEAM_90_DAYS -> metrics(null, scope, from, to);
                case ORGANISATION_90_DAYS -> metrics(null, null, from, to);
                // the whole history but for a few days at each end: 40 starts, then one day earlier an end
                case ORGANISATION_WEEKLY -> "/api/v1/metrics/series?granularity=week&from=" + start.plusDays(i % 40)
                        + "&to=" + end.minusDays(i / 40);
                // the end moved back a day each round, then the start forward a day
                case DEPLOYMENT_PAGE -> "/api/v1/deployments?service=" + encode(scope) + "&from="
                        + start.plusDays(round / span) + "&to=" + end.minusDays(round % span) + "&limit=100";
                default -> throw new IllegalArgumentException(kind + " is not a repeated kind");
            });
        }
        return urls;
    }

    private static String encode(final String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
