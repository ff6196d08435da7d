package dev.dora.launcher.observability;

/**
 * The pipeline's own figures as the refresher read them last; a figure that could not be read is null and its
 * series is left out.
 *
 * @param pendingRecords    records in the event, repartition and loop topics not processed yet
 * @param deadLetterRecords records in the dead-letter topic
 * @param refreshedAt       when the DORA gauges were last read from the stores (epoch seconds), null before the first
 */
record PipelineHealth(Long pendingRecords, Long deadLetterRecords, Double refreshedAt) {

    static final PipelineHealth UNKNOWN = new PipelineHealth(null, null, null);
}
