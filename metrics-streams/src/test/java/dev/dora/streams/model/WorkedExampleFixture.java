package dev.dora.streams.model;

import java.util.List;
import org.apache.avro.specific.SpecificRecord;

/** The events of the worked example in docs/METRICS.md, for tests outside this package. */
public final class WorkedExampleFixture {

    private WorkedExampleFixture() {
    }

    public static List<SpecificRecord> history() {
        return WorkedExampleTest.history();
    }
}
