package dev.dora.launcher.importer;

import org.apache.avro.specific.SpecificRecord;

/**
 * One event on its way into the pipeline: either valid (an {@code event}) or not (an {@code error}).
 *
 * @param label where it came from, for messages: {@code line 12} or {@code commit 1a2b3c4d}
 * @param event the validated event, or {@code null} when it is invalid
 * @param wire  what is sent over HTTP: the canonical JSON of a valid event, the text as read for an invalid one
 * @param error why it is invalid (starting with the offending field), or {@code null} when it is valid
 */
public record ImportItem(String label, SpecificRecord event, String wire, String error) {

    /** A valid event and its canonical JSON text. */
    static ImportItem valid(final String label, final SpecificRecord event, final String wire) {
        return new ImportItem(label, event, wire, null);
    }

    /** An invalid one, with the text as read so that the receiver can keep it in the dead-letter topic. */
    static ImportItem invalid(final String label, final String wire, final String error) {
        return new ImportItem(label, null, wire, error);
    }

    /** Whether it passed validation. */
    public boolean isValid() {
        return event != null;
    }
}
