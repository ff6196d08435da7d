package dev.dora.streams.store;

/** Names of the topology's state stores; each store's changelog topic is {@code <application.id>-<name>-changelog}. */
public final class StoreNames {

    /** Winning event of each deployment, by deployment id. */
    public static final String DEPLOYMENT_ENTITIES = "deployment-entities";
    /** Incidents naming each deployment as their cause, by deployment id, incident id and incident service. */
    public static final String DEPLOYMENT_CLAIMS = "deployment-cause-claims";
    /** Winning event of each incident, by incident id. */
    public static final String INCIDENT_ENTITIES = "incident-entities";
    /** Commits, deployments, incidents and their last facts, by service. */
    public static final String LEDGER_ENTITIES = "ledger-entities";
    /** The relations the ledger scans, see {@link IndexKeys}. */
    public static final String LEDGER_INDEXES = "ledger-indexes";
    /** Per-(service, environment group, UTC day) aggregates that window queries merge, see {@link BucketKey}. */
    public static final String DAY_BUCKETS = "metrics-day-buckets";
    /** The latest revision of every published weekly report, by its topic key: a global store on every instance. */
    public static final String WEEKLY_REPORTS = "weekly-reports";
    /** Winning event of each build, by build id. */
    public static final String BUILD_ENTITIES = "build-entities";
    /** Per-(scope, UTC day) aggregates of CI builds, see {@link BucketKey} and {@code metrics.BuildBuckets}. */
    public static final String BUILD_BUCKETS = "metrics-build-buckets";
    /** Known services and their teams. */
    public static final String SERVICES = "metrics-services";

    private StoreNames() {
    }
}
