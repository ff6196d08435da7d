package dev.dora.api.cluster;

import dev.dora.api.ApiException;
import dev.dora.facts.DeploymentFact;
import dev.dora.state.DeployRef;
import dev.dora.streams.LocalPartitions;
import dev.dora.streams.StateVersions;
import dev.dora.streams.query.BucketRow;
import dev.dora.streams.query.BuildRow;
import dev.dora.streams.query.LedgerReader;
import dev.dora.streams.query.StoreReader;
import dev.dora.streams.store.Span;
import dev.dora.streams.store.Scope;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * What one instance answers another ({@link ClusterReader}): reads of its own active partitions, named by the asker,
 * under {@code /api/v1/internal}, so the HTTP edge checks them like every read (the asker sends its caller's token or
 * the peer token). They read this instance's partitions only and never ask another instance: a forwarded read cannot
 * fan out again. A request without {@link #HEADER} is refused, and a public query route refuses one with it.
 *
 * <ul>
 *   <li>{@code GET /api/v1/internal/gather/buckets?partitions=&kind=&name=&group=&from=&last=},
 *       {@code /gather/buildBuckets?partitions=&kind=&name=&from=&last=} and {@code /gather/services?partitions=}:
 *       {@code {"answered": {partition: [rows]}, "failed": {partition: why}}}, each row in its Avro encoding
 *       (an exact copy: counts and histograms add up as they do locally).</li>
 *   <li>{@code GET /api/v1/internal/key/{op}?partition=&…}: one read of one key's partition as {@code {"value": …}};
 *       503 when this instance does not hold that partition actively.</li>
 *   <li>{@code GET /api/v1/internal/version?reads=ALL|METRICS|SERVICES}: this instance's part of the version of what
 *       an answer reads, {@code {"version": …}} ({@link ClusterReader#version}), null while it cannot be known.</li>
 * </ul>
 */
public final class InternalRoutes {

    /** Marks a request as one instance asking another; its value names the asking instance. */
    public static final String HEADER = "X-Dora-Internal";
    static final String GATHER_PATH = "/api/v1/internal/gather/";
    static final String KEY_PATH = "/api/v1/internal/key/";
    static final String VERSION_PATH = "/api/v1/internal/version";
    private static final int MAX_PARAMETER_CHARS = 4_096;
    private static final int MAX_LIMIT = 1_001;

    private final Supplier<LocalPartitions> partitions;

    private InternalRoutes(final Supplier<LocalPartitions> partitions) {
        this.partitions = partitions;
    }

    /** Adds the internal routes, reading the partitions {@code partitions} gives (this instance's). */
    public static void register(final JavalinConfig config, final Supplier<LocalPartitions> partitions) {
        final InternalRoutes routes = new InternalRoutes(partitions);
        config.routes.get(GATHER_PATH + "buckets", routes::buckets);
        config.routes.get(GATHER_PATH + "buildBuckets", routes::buildBuckets);
        config.routes.get(GATHER_PATH + "services", routes::services);
        config.routes.get(KEY_PATH + "{op}", routes::key);
        config.routes.get(VERSION_PATH, routes::version);
    }

    /** Whether a request is one instance asking another. */
    public static boolean isInternal(final Context ctx) {
        return ctx.header(HEADER) != null;
    }

    private void buckets(final Context ctx) {
        requireInternal(ctx);
        final Scope scope = new Scope(kind(param(ctx, "kind")), param(ctx, "name"));
        final String group = param(ctx, "group");
        final long from = number(ctx, "from");
        final long last = number(ctx, "last");
        final LocalPartitions.Answers<List<BucketRow>> answers = partitions.get().buckets(scope, span(ctx), group,
                from, last, partitionSet(ctx));
        ctx.json(encode(answers, row -> Map.of("day", row.day(), "bucket", Wire.encode(row.bucket()))));
    }

    private void buildBuckets(final Context ctx) {
        requireInternal(ctx);
        final Scope scope = new Scope(kind(param(ctx, "kind")), param(ctx, "name"));
        final LocalPartitions.Answers<List<BuildRow>> answers = partitions.get().buildBuckets(scope,
                number(ctx, "from"), number(ctx, "last"), partitionSet(ctx));
        ctx.json(encode(answers, row -> Map.of("day", row.day(), "bucket", Wire.encode(row.bucket()))));
    }

    private void services(final Context ctx) {
        requireInternal(ctx);
        ctx.json(encode(partitions.get().services(partitionSet(ctx)), Wire::encode));
    }

    /** This instance's part of the version of what {@code reads} names; null while it cannot be known here. */
    private void version(final Context ctx) {
        requireInternal(ctx);
        final String reads = param(ctx, "reads");
        final StateVersions.Reads which;
        try {
            which = StateVersions.Reads.valueOf(reads);
        } catch (final IllegalArgumentException e) {
            throw ApiException.badRequest("reads: one of " + Arrays.toString(StateVersions.Reads.values()));
        }
        final LocalPartitions local = partitions.get();
        final Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("version", local.version(which).map(v -> Wire.version(local.instance(), v)).orElse(null));
        ctx.json(answer);
    }

    private void key(final Context ctx) {
        requireInternal(ctx);
        final LocalPartitions local = partitions.get();
        final int partition = partition(ctx, ctx.queryParam("partition"), local.partitions());
        final StoreReader reader = local.partition(partition);
        final Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("value", value(ctx, reader));
        ctx.json(answer);
    }

    private static Object value(final Context ctx, final StoreReader reader) {
        final String op = ctx.pathParam("op");
        final LedgerReader ledger = reader.ledger();
        return switch (op) {
            case "service" -> reader.service(param(ctx, "name")).map(Wire::encode).orElse(null);
            case "deploymentService" -> reader.deploymentService(param(ctx, "id")).orElse(null);
            case "incidentService" -> reader.incidentService(param(ctx, "id")).orElse(null);
            case "buildService" -> reader.buildService(param(ctx, "id")).orElse(null);
            case "deployment" -> ledger.deployment(param(ctx, "service"), param(ctx, "id")).map(Wire::encode)
                    .orElse(null);
            case "incident" -> ledger.incident(param(ctx, "service"), param(ctx, "id")).map(Wire::encode)
                    .orElse(null);
            case "changes" -> {
                final Optional<DeploymentFact> fact = ledger.deployment(param(ctx, "service"), param(ctx, "id"));
                yield fact.map(ledger::changes).orElse(List.of());
            }
            case "incidents" -> Wire.encodeAll(ledger.incidents(param(ctx, "service"), number(ctx, "fromMs"),
                    number(ctx, "toMs")));
            case "firstDeployment" -> ledger.firstDeployment(param(ctx, "service"), param(ctx, "group"),
                    param(ctx, "sha")).map(Wire::encode).orElse(null);
            case "knowsCommit" -> ledger.knowsCommit(param(ctx, "service"), param(ctx, "sha"));
            case "latestAtOrBefore" -> ledger.latestAtOrBefore(param(ctx, "service"), param(ctx, "group"),
                    number(ctx, "atMs")).map(Wire::encode).orElse(null);
            case "deployments" -> Wire.encodeAll(ledger.deployments(param(ctx, "service"), param(ctx, "group"),
                    number(ctx, "fromMs"), number(ctx, "toMs"), after(ctx), limit(ctx)));
            case "builds" -> builds(ledger.builds(param(ctx, "service"), number(ctx, "fromMs"), number(ctx, "toMs"),
                    after(ctx), limit(ctx)));
            default -> throw ApiException.notFound("op: no internal read '" + op + "'");
        };
    }

    /** Builds as they travel: each event in its Avro encoding, with its role in its branch's episodes. */
    private static List<Map<String, Object>> builds(final List<LedgerReader.BuildEntry> entries) {
        final List<Map<String, Object>> out = new ArrayList<>(entries.size());
        for (final LedgerReader.BuildEntry entry : entries) {
            final Map<String, Object> one = new LinkedHashMap<>();
            one.put("build", Wire.encode(entry.build()));
            one.put("duration", entry.durationSeconds());
            one.put("defaultBranch", entry.defaultBranch());
            one.put("broke", entry.brokeDefaultBranch());
            one.put("timeToFix", entry.timeToFixSeconds());
            out.add(one);
        }
        return out;
    }

    /** A page's size as the public routes bound it (one more than their largest page, to see if another follows). */
    private static int limit(final Context ctx) {
        final long limit = number(ctx, "limit");
        if (limit < 1 || limit > MAX_LIMIT) {
            throw ApiException.badRequest("limit: from 1 to " + MAX_LIMIT);
        }
        return (int) limit;
    }

    private static DeployRef after(final Context ctx) {
        final String after = ctx.queryParam("after");
        if (after == null) {
            return null;
        }
        try {
            return Wire.decode(new com.fasterxml.jackson.databind.node.TextNode(after), DeployRef.class);
        } catch (final RuntimeException e) {
            throw ApiException.badRequest("after: not an encoded deployment reference");
        }
    }

    private static void requireInternal(final Context ctx) {
        if (!isInternal(ctx)) {
            throw ApiException.badRequest(HEADER + ": missing; /api/v1/internal answers other dora instances only");
        }
    }

    private static <T> Map<String, Object> encode(final LocalPartitions.Answers<List<T>> answers, final Function<T, Object> row) {
        final Map<String, List<Object>> answered = new LinkedHashMap<>();
        answers.answered().forEach((partition, rows) -> {
            final List<Object> out = new ArrayList<>(rows.size());
            rows.forEach(r -> out.add(row.apply(r)));
            answered.put(Integer.toString(partition), out);
        });
        final Map<String, String> failed = new LinkedHashMap<>();
        answers.failed().forEach((partition, why) -> failed.put(Integer.toString(partition), why));
        return Map.of("answered", answered, "failed", failed);
    }

    private Set<Integer> partitionSet(final Context ctx) {
        final int count = partitions.get().partitions();
        final Set<Integer> asked = new TreeSet<>();
        for (final String one : param(ctx, "partitions").split(",")) {
            asked.add(partition(ctx, one, count));
        }
        return asked;
    }

    private static int partition(final Context ctx, final String value, final int count) {
        try {
            final int partition = Integer.parseInt(value == null ? "" : value.trim());
            if (partition >= 0 && partition < count) {
                return partition;
            }
        } catch (final NumberFormatException e) {
            // one message below
        }
        throw ApiException.badRequest("partition: a number from 0 to " + (count - 1) + " (got " + value + ")");
    }

    private static String param(final Context ctx, final String name) {
        final List<String> values = ctx.queryParams(name);
        if (values.size() != 1 || values.get(0).length() > MAX_PARAMETER_CHARS) {
            throw ApiException.badRequest(name + ": give it exactly once, at most " + MAX_PARAMETER_CHARS
                    + " characters");
        }
        return values.get(0);
    }

    private static long number(final Context ctx, final String name) {
        try {
            return Long.parseLong(param(ctx, name));
        } catch (final NumberFormatException e) {
            throw ApiException.badRequest(name + ": not a whole number");
        }
    }

    /** The rows' span; day rows when the request names none. */
    private static Span span(final Context ctx) {
        final String value = ctx.queryParam("span");
        if (value == null) {
            return Span.DAY;
        }
        try {
            return Span.valueOf(value);
        } catch (final IllegalArgumentException e) {
            throw ApiException.badRequest("span: one of " + Arrays.toString(Span.values()));
        }
    }

    private static Scope.Kind kind(final String value) {
        try {
            return Scope.Kind.valueOf(value);
        } catch (final IllegalArgumentException e) {
            throw ApiException.badRequest("kind: one of SERVICE, TEAM, ORGANISATION");
        }
    }
}
