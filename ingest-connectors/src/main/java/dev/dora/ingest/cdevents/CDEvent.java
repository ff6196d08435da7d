package dev.dora.ingest.cdevents;

import dev.dora.ingest.JsonFields;
import java.time.Instant;

/**
 * A CDEvent's parts, with its context checked.
 *
 * @param cdevent the whole CDEvent, whose paths name fields where the sender put them
 */
record CDEvent(String type, String id, Instant timestamp, JsonFields subject, JsonFields custom,
               JsonFields cdevent) {
}
