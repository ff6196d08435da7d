package dev.dora.streams.topology;

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
    /** The relations the ledger scans: commit children, production timeline, deployed changes, incident causes. */
    public static final String LEDGER_INDEXES = "ledger-indexes";
    /** Per-(service, UTC day) aggregates that window queries merge. */
    public static final String DAY_BUCKETS = "metrics-day-buckets";
    /** Known services and their teams. */
    public static final String SERVICES = "metrics-services";

    private StoreNames() {
    }
}
