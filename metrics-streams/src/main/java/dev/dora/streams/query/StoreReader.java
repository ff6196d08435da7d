package dev.dora.streams.query;

import dev.dora.state.ServiceInfo;
import dev.dora.streams.store.Span;
import dev.dora.streams.store.Scope;
import java.util.List;
import java.util.Optional;

/**
 * Every read the queries make of the pipeline's state, at the grain at which the state is partitioned: a read of one
 * key (a service, a deployment or incident id) is answered by the partition holding the key; a read of a team or the
 * organisation, or of every service, gathers the rows of every partition. {@link MetricsQuery} and the drill-down
 * read only through this, so the same queries run over the local stores of one instance ({@link LocalStores}) or over
 * every instance of the application (the query API's cluster reader, which routes and gathers).
 *
 * <p>An implementation that cannot read every partition it needs throws (an {@code IllegalStateException} or Kafka
 * Streams' {@code InvalidStateStoreException}): it never answers with part of the data.
 */
public interface StoreReader {

    Optional<ServiceInfo> service(String name);

    /** Every known service, in no particular order. */
    List<ServiceInfo> services();

    /**
     * The rows of {@code scope} in environment {@code group} whose day lies in [fromDay, lastDay] (inclusive, so
     * {@code lastDay} may be {@code BucketKey.LIFETIME}), in no particular order: a service's from its partition, a
     * team's or the organisation's from every partition.
     */
    default List<BucketRow> buckets(Scope scope, String group, long fromDay, long lastDay) {
        return buckets(scope, Span.DAY, group, fromDay, lastDay);
    }

    /**
     * The rows of {@code span} (day rows, or a team's or the organisation's month rows) of
     * {@code scope} in {@code group} whose first day lies in [fromDay, lastDay], gathered like the day rows.
     */
    List<BucketRow> buckets(Scope scope, Span span, String group, long fromDay, long lastDay);

    /**
     * The build rows of {@code scope} whose day lies in [fromDay, lastDay] (inclusive; {@code lastDay} may be
     * {@code BucketKey.LIFETIME}), in no particular order, gathered like {@link #buckets}.
     */
    List<BuildRow> buildBuckets(Scope scope, long fromDay, long lastDay);

    /** The ledgers' drill-down reads. */
    LedgerReader ledger();

    /** The service a deployment currently belongs to, if the pipeline knows the deployment. */
    Optional<String> deploymentService(String id);

    /** The service a build currently belongs to, if the pipeline knows the build. */
    Optional<String> buildService(String id);

    /** The service an incident currently belongs to, if the pipeline knows the incident. */
    Optional<String> incidentService(String id);
}
