package dev.dora.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.javalin.http.ContentType;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.javalin.json.JavalinJackson;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.LocalDate;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * Routes whose answers go through the {@link AnswerCache}: a request is the path, its query string as sent and the
 * day (the default window ends today), at the version of the state its answer reads. Only answers are kept: a request
 * that fails throws before anything is kept, and the error handlers answer it as ever.
 */
final class CachedRoutes {

    private final AnswerCache cache;
    private final PipelineAccess pipeline;
    private final Clock clock;

    CachedRoutes(final AnswerCache cache, final PipelineAccess pipeline, final Clock clock) {
        this.cache = cache;
        this.pipeline = pipeline;
        this.clock = clock;
    }

    AnswerCache cache() {
        return cache;
    }

    /** A route answering {@code answer}'s record as JSON, through the cache, reading any store. */
    Handler of(final Function<Context, Object> answer) {
        return of(answer, PipelineAccess::version);
    }

    /**
     * A route answering {@code answer}'s record as JSON, through the cache.
     *
     * @param reads the version of every store {@code answer} reads (fewer stores, a cheaper hit)
     */
    Handler of(final Function<Context, Object> answer, final Function<PipelineAccess, Optional<?>> reads) {
        return ctx -> {
            final String key = ctx.path() + '?' + Objects.toString(ctx.queryString(), "") + '@' + LocalDate.now(clock);
            final byte[] body = cache.answer(key, cache.enabled() ? reads.apply(pipeline) : Optional.empty(),
                    () -> json(ctx, answer.apply(ctx)));
            ctx.contentType(ContentType.APPLICATION_JSON).result(body);
        };
    }

    /**
     * The bytes {@code ctx.json} would answer: the same mapper. Jackson's own mapper writes UTF-8
     * straight into bytes: a weekly series' answer, made as a string first, spent about as long being copied into
     * that string and out of it again as being computed.
     */
    private static byte[] json(final Context ctx, final Object answer) {
        if (ctx.jsonMapper() instanceof JavalinJackson jackson) {
            try {
                return jackson.getMapper().writeValueAsBytes(answer);
            } catch (final JsonProcessingException e) {
                throw new IllegalStateException("an answer that cannot be written as JSON: " + e.getMessage(), e);
            }
        }
        return ctx.jsonMapper().toJsonString(answer, answer.getClass()).getBytes(StandardCharsets.UTF_8);
    }
}
