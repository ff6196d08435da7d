package dev.dora.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.dora.reports.ScopeKind;
import dev.dora.reports.WeeklyReport;
import dev.dora.streams.query.ReportsQuery;
import dev.dora.streams.reports.WeeklyReports;
import io.javalin.http.Context;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * {@code GET /api/v1/reports/weekly?week=2026-W44[&service=S|&team=T]}: the latest revision of the weekly reports of
 * one ISO week (the last one published when {@code week} is not given), of one service, one team, or every scope,
 * read from the global store every instance keeps of {@code dora.reports.weekly}.
 */
final class ReportRoutes {

    private static final Pattern WEEK = Pattern.compile("[0-9]{4}-W[0-9]{2}");

    private final PipelineAccess pipeline;

    ReportRoutes(final PipelineAccess pipeline) {
        this.pipeline = pipeline;
    }

    /** The answer: every matching report, the organisation's first, then teams', then services', by name. */
    record Reports(List<JsonNode> reports) {
    }

    void weekly(final Context ctx) {
        final String service = QueryParams.name(ctx, "service");
        final String team = QueryParams.name(ctx, "team");
        if (service != null && team != null) {
            throw ApiException.badRequest("service, team: give one of them, or neither for every scope");
        }
        final String named = QueryParams.name(ctx, "week");
        if (named != null && !isoWeek(named.trim())) {
            throw ApiException.badRequest("week: must be an ISO week like 2026-W44, a year's weeks numbered from 01"
                    + " to 52 or 53 (got " + QueryParams.echo(named) + ")");
        }
        final ReportsQuery reports = pipeline.weeklyReports();
        final String week = named != null ? named.trim() : reports.latestWeek().orElse(null);
        final List<WeeklyReport> found = new ArrayList<>();
        if (week != null && service != null) {
            reports.report(ScopeKind.service, service, week).ifPresent(found::add);
        } else if (week != null && team != null) {
            reports.report(ScopeKind.team, team, week).ifPresent(found::add);
        } else if (week != null) {
            found.addAll(reports.week(week));
        }
        if ((service != null || team != null) && found.isEmpty()) {
            throw ApiException.notFound((service != null ? "service: no report of service " + QueryParams.echo(service)
                    : "team: no report of team " + QueryParams.echo(team)) + " for week "
                    + (week == null ? "(none published yet)" : week));
        }
        ctx.json(new Reports(found.stream().map(AvroJson::of).toList()));
    }

    private static boolean isoWeek(final String week) {
        if (!WEEK.matcher(week).matches()) {
            return false;
        }
        try {
            // 2026-W53 exists, 2025-W53 does not
            WeeklyReports.monday(week);
            return true;
        } catch (final IllegalArgumentException e) {
            return false;
        }
    }
}
