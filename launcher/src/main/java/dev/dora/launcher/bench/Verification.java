package dev.dora.launcher.bench;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Checks the final answers against {@link ExpectedCounts}: every service's and every team's deployments, incidents
 * opened, incidents resolved and incidents open at the end, over the whole history and over its last 90 days, and
 * the organisation's; and every service's team. A pipeline that is fast but wrong fails here, and the benchmark
 * says so instead of reporting its speed. A few answers are kept whole ({@code samples}) for deeper checks.
 *
 * @param correct   whether every checked number matched
 * @param checked   how many numbers were compared
 * @param mismatches the first mismatches, described
 * @param samples   whole answers: the organisation, a team and a service over the whole history, by query
 */
record Verification(boolean correct, long checked, List<String> mismatches, Map<String, JsonNode> samples) {

    private static final int MAX_REPORTED = 20;

    static Verification check(final DoraApi api, final BenchHistory history, final BenchSettings settings)
            throws IOException, InterruptedException {
        final ExpectedCounts expected = history.expected();
        final Checker checker = new Checker(api, expected.teams(), actualTeams(api));
        if (expected.ambiguousTies() > 0) {
            checker.mismatches.add(expected.ambiguousTies() + " entities have two different latest events: the "
                    + "expected counts cannot say which wins");
        }
        final LocalDate start = settings.history().start();
        final LocalDate end = settings.history().end();
        for (final LocalDate from : List.of(start, end.minusDays(90))) {
            checker.window(expected.perService(millis(from), millis(end)), from, end, from.equals(start));
        }
        return checker.result();
    }

    /** The comparisons of one check, and what they found. */
    private static final class Checker {
        private final DoraApi api;
        private final Map<String, String> teams;
        private final Map<String, String> actualTeams;
        private final List<String> mismatches = new ArrayList<>();
        private final Map<String, JsonNode> samples = new LinkedHashMap<>();
        private long checked;

        Checker(final DoraApi api, final Map<String, String> teams, final Map<String, String> actualTeams) {
            this.api = api;
            this.teams = teams;
            this.actualTeams = actualTeams;
        }

        /** Every team and the organisation over {@code [from, to)}; on the whole history, every service too. */
        void window(final Map<String, ExpectedCounts.Counts> services, final LocalDate from, final LocalDate to,
                    final boolean whole) throws IOException, InterruptedException {
            final Map<String, ExpectedCounts.Counts> byTeam = new TreeMap<>();
            ExpectedCounts.Counts organisation = ExpectedCounts.Counts.ZERO;
            for (final Map.Entry<String, ExpectedCounts.Counts> entry : services.entrySet()) {
                organisation = organisation.plus(entry.getValue());
                final String team = teams.get(entry.getKey());
                if (team != null) {
                    byTeam.merge(team, entry.getValue(), ExpectedCounts.Counts::plus);
                }
            }
            if (whole) {
                // every service over the whole history: the finest check, once
                for (final Map.Entry<String, ExpectedCounts.Counts> entry : services.entrySet()) {
                    service(entry.getKey(), entry.getValue(), from, to);
                }
            }
            for (final Map.Entry<String, ExpectedCounts.Counts> entry : byTeam.entrySet()) {
                final String query = Queries.metrics(null, entry.getKey(), from, to);
                final JsonNode answer = compare(query, entry.getValue());
                if (whole && samples.size() < 2) {
                    samples.put(query, answer);
                }
            }
            final String query = Queries.metrics(null, null, from, to);
            final JsonNode answer = compare(query, organisation);
            if (whole) {
                samples.put(query, answer);
            }
        }

        private void service(final String service, final ExpectedCounts.Counts counts, final LocalDate from,
                             final LocalDate to) throws IOException, InterruptedException {
            final String query = Queries.metrics(service, null, from, to);
            final JsonNode answer = compare(query, counts);
            if (samples.isEmpty()) {
                samples.put(query, answer);
            }
            checked++;
            if (!actualTeams.containsKey(service) || !Objects.equals(teams.get(service), actualTeams.get(service))) {
                mismatches.add(service + ": team " + actualTeams.getOrDefault(service, "(service unknown)")
                        + ", expected " + teams.get(service));
            }
        }

        private JsonNode compare(final String query, final ExpectedCounts.Counts expected)
                throws IOException, InterruptedException {
            final JsonNode answer = api.getJson(query);
            checked += Verification.compare(query, expected, answer, mismatches);
            return answer;
        }

        Verification result() {
            final List<String> reported = mismatches.size() > MAX_REPORTED
                    ? new ArrayList<>(mismatches.subList(0, MAX_REPORTED)) : mismatches;
            if (mismatches.size() > MAX_REPORTED) {
                reported.add("… and " + (mismatches.size() - MAX_REPORTED) + " more");
            }
            return new Verification(mismatches.isEmpty(), checked, reported, samples);
        }
    }

    /** Each service's team as {@code GET /api/v1/services} lists it (null for none). */
    private static Map<String, String> actualTeams(final DoraApi api) throws IOException, InterruptedException {
        final Map<String, String> teams = new HashMap<>();
        for (final JsonNode s : api.getJson("/api/v1/services").path("services")) {
            teams.put(s.path("service").asText(), s.path("team").isTextual() ? s.path("team").asText() : null);
        }
        return teams;
    }

    private static int compare(final String query, final ExpectedCounts.Counts expected, final JsonNode answer,
                               final List<String> mismatches) {
        final long[][] pairs = {
                {expected.deployments(), answer.at("/deploymentFrequency/deployments").asLong(-1)},
                {expected.incidentsOpened(), answer.at("/incidents/opened").asLong(-1)},
                {expected.incidentsResolved(), answer.at("/timeToRestore/incidents").asLong(-1)},
                {expected.openAtEnd(), answer.at("/timeToRestore/openIncidents").asLong(-1)}};
        final String[] names = {"deployments", "incidents opened", "incidents resolved", "open incidents"};
        for (int i = 0; i < pairs.length; i++) {
            if (pairs[i][0] != pairs[i][1]) {
                mismatches.add(query + ": " + names[i] + " " + pairs[i][1] + ", expected " + pairs[i][0]);
            }
        }
        return pairs.length;
    }

    private static long millis(final LocalDate day) {
        return day.atStartOfDay().toInstant(ZoneOffset.UTC).toEpochMilli();
    }
}
