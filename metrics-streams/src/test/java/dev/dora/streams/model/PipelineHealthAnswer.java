package dev.dora.streams.model;

import dev.dora.streams.query.WindowMetrics;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What the reference model answers for pipeline health: the scope's block and one per pipeline, with exact
 * nearest-rank quantiles (compare those with {@link MetricsAnswer#withinOnePercent}) and the duration samples they
 * came from.
 */
public record PipelineHealthAnswer(Block total, Map<String, Block> byPipeline) {

    /** One block, as the "Pipeline health" section of docs/METRICS.md defines it. */
    public record Block(long runs, long succeeded, long failed, long cancelled, Double successRate,
                        List<Long> durations, Double durationMedianSeconds, Double durationP90Seconds,
                        Double under10Minutes, long episodes, Double medianTimeToFixSeconds, long openNow,
                        Double coverageLatest, Double coverageChange) {

        /**
         * Null when the topology's block matches this one: counts and rates exactly, quantiles within 1 %, coverage
         * to 1e-9 (a mean of doubles added in another order); otherwise what differs.
         */
        public String mismatch(final WindowMetrics.PipelineHealth actual) {
            final boolean same = runs == actual.runs() && succeeded == actual.succeeded() && failed == actual.failed()
                    && cancelled == actual.cancelled() && Objects.equals(successRate, actual.successRate())
                    && durations.size() == actual.durationSamples()
                    && MetricsAnswer.withinOnePercent(durationMedianSeconds, actual.durationMedianSeconds())
                    && MetricsAnswer.withinOnePercent(durationP90Seconds, actual.durationP90Seconds())
                    && Objects.equals(under10Minutes, actual.under10Minutes())
                    && episodes == actual.brokenDefaultBranch().episodes()
                    && MetricsAnswer.withinOnePercent(medianTimeToFixSeconds,
                            actual.brokenDefaultBranch().medianTimeToFixSeconds())
                    && openNow == actual.brokenDefaultBranch().openNow()
                    && close(coverageLatest, actual.coverage().latest())
                    && close(coverageChange, actual.coverage().change());
            return same ? null : "expected " + summary() + "\n but was " + actual;
        }

        /** The block without its samples, for messages. */
        public String summary() {
            return String.format("runs=%d succeeded=%d failed=%d cancelled=%d successRate=%s durationSamples=%d "
                            + "median=%s p90=%s under10Minutes=%s episodes=%d medianTimeToFix=%s openNow=%d "
                            + "coverage=%s change=%s", runs, succeeded, failed, cancelled, successRate, durations.size(),
                    durationMedianSeconds, durationP90Seconds, under10Minutes, episodes, medianTimeToFixSeconds,
                    openNow, coverageLatest, coverageChange);
        }

        private static boolean close(final Double a, final Double b) {
            return a == null ? b == null : b != null && Math.abs(a - b) < 1e-9;
        }
    }
}
