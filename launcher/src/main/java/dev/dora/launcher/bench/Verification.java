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
        final Map<String, String> teams = expected.teams();
        final List<String> mismatches = new ArrayList<>();
        long checked = 0;
        final Map<String, JsonNode> samples = new LinkedHashMap<>();
        final Map<String, String> actualTeams = actualTeams(api);
        if (expected.ambiguousTies() > 0) {
            mismatches.add(expected.ambiguousTies() + " entities have two different latest events: the expected "
                    + "counts cannot say which wins");
        }
        for (final LocalDate from : List.of(settings.start(), settings.end().minusDays(90))) {
            final LocalDate to = settings.end();
            final Map<String, ExpectedCounts.Counts> services = expected.perService(millis(from), millis(to));
            final Map<String, ExpectedCounts.Counts> byTeam = new TreeMap<>();
            ExpectedCounts.Counts organisation = ExpectedCounts.Counts.ZERO;
            for (final Map.Entry<String, ExpectedCounts.Counts> entry : services.entrySet()) {
                organisation = organisation.plus(entry.getValue());
                final String team = teams.get(entry.getKey());
                if (team != null) {
                    byTeam.merge(team, entry.getValue(), ExpectedCounts.Counts::plus);
                }
            }
            final boolean whole = from.equals(settings.start());
            if (whole) {
                // every service over the whole history: the finest check, once
                for (final Map.Entry<String, ExpectedCounts.Counts> entry : services.entrySet()) {
                    final String query = Queries.metrics(entry.getKey(), null, from, to);
                    final JsonNode answer = api.getJson(query);
                    checked += compare(query, entry.getValue(), answer, mismatches);
                    if (samples.size() < 1) {
                        samples.put(query, answer);
                    }
                    checked++;
                    if (!actualTeams.containsKey(entry.getKey())
                            || !Objects.equals(teams.get(entry.getKey()), actualTeams.get(entry.getKey()))) {
                        mismatches.add(entry.getKey() + ": team " + actualTeams.getOrDefault(entry.getKey(),
                                "(service unknown)") + ", expected " + teams.get(entry.getKey()));
                    }
                }
            }
            for (final Map.Entry<String, ExpectedCounts.Counts> entry : byTeam.entrySet()) {
                final String query = Queries.metrics(null, entry.getKey(), from, to);
                final JsonNode answer = api.getJson(query);
                checked += compare(query, entry.getValue(), answer, mismatches);
                if (whole && samples.size() < 2) {
                    samples.put(query, answer);
                }
            }
            final String query = Queries.metrics(null, null, from, to);
            final JsonNode answer = api.getJson(query);
            checked += compare(query, organisation, answer, mismatches);
            if (whole) {
                samples.put(query, answer);
            }
        }
        final List<String> reported = mismatches.size() > MAX_REPORTED
                ? new ArrayList<>(mismatches.subList(0, MAX_REPORTED)) : mismatches;
        if (mismatches.size() > MAX_REPORTED) {
            reported.add("… and " + (mismatches.size() - MAX_REPORTED) + " more");
        }
        return new Verification(mismatches.isEmpty(), checked, reported, samples);
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
