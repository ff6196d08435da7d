package dev.dora.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonUnwrapped;
import dev.dora.streams.benchmarks.Benchmark;
import dev.dora.streams.query.WindowMetrics;
import java.util.List;

/**
 * The JSON answers of the query API, serialised by Jackson in the order of their components. Field names are a
 * public contract: add fields, never rename or drop one ({@code ApiContractTest} pins the answers byte for byte).
 */
final class Answers {

    private Answers() {
    }

    /** An error: what is wrong, naming the parameter first where one is at fault. */
    record Error(String error) {
    }

    /** The scope and window an answer covers. */
    record Scope(String service, String team, String environment, String from, String to) {
    }

    /** {@code GET /api/v1/metrics}: the scope, every metric block, and the tiers under the chosen benchmark. */
    record Metrics(Scope scope, @JsonUnwrapped WindowMetrics metrics, Benchmark.Tiers tiers) {
    }

    /** {@code GET /api/v1/metrics/series}: one metrics block per period. */
    record Series(Scope scope, String granularity, List<SeriesBucket> buckets) {
    }

    /** One period of a series, [start, end), with every metric block. */
    record SeriesBucket(String start, String end, @JsonUnwrapped WindowMetrics metrics) {
    }

    /** {@code GET /api/v1/services}. */
    record Services(List<Service> services) {
    }

    /** A known service, its current team and the environment groups it has named. */
    record Service(String service, String team, List<String> environments) {
    }

    /**
     * {@code GET /api/v1/health}: the Kafka Streams state, the records not yet processed, and what the answer cache
     * and the series' kept periods did.
     */
    record Health(String status, Long pendingRecords, @JsonInclude(JsonInclude.Include.NON_NULL) String error,
                  QueryCache queryCache) {
    }

    /**
     * What the answer cache did ({@link AnswerCache.Stats}), and the periods of series given again from those kept at
     * the same version of the state ({@code KeptPeriods}) and those computed, since the start.
     */
    record QueryCache(@JsonUnwrapped AnswerCache.Stats answers, long seriesPeriodsGiven, long seriesPeriodsComputed) {
    }
}
