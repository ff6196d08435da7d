package dev.dora.schema;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dora.reports.WeeklyReport;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.message.BinaryMessageEncoder;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The weekly report is a public contract: reports published before pipeline health existed (issue 14) stay on the
 * compacted topic and must still decode, with no pipeline block and no build trends.
 */
@Tag("unit")
class WeeklyReportSchemaTest {

    @Test
    void aReportWrittenBeforePipelineHealthDecodesWithoutIt() throws IOException {
        final Schema v1;
        try (InputStream in = getClass().getClassLoader()
                .getResourceAsStream("dora-schema-history/WeeklyReport.v1.avsc")) {
            assertTrue(in != null, "WeeklyReport.v1.avsc ships with the code");
            v1 = new Schema.Parser().parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
        final GenericRecord old = (GenericRecord) filled(v1);
        old.put("week", "2026-W44");
        final ByteBuffer buffer = new BinaryMessageEncoder<GenericRecord>(GenericData.get(), v1).encode(old);
        final byte[] bytes = new byte[buffer.remaining()];
        buffer.get(bytes);

        assertTrue(AvroCodec.get().isEncodingOf(bytes, WeeklyReport.class), "the reports' store keeps it");
        final WeeklyReport report = (WeeklyReport) AvroCodec.get().decode(bytes);
        assertEquals("2026-W44", report.getWeek());
        assertEquals(7L, report.getDeploymentFrequency().getDeployments());
        assertNull(report.getPipelineHealth());
        assertNull(report.getTrends().getBuildSuccessRate());
        assertNull(report.getTrends().getBuildDuration());
    }

    /** A value of every field: nulls where allowed, 7 for numbers, the first enum symbol, empty collections. */
    private static Object filled(final Schema schema) {
        return switch (schema.getType()) {
            case RECORD -> {
                final GenericData.Record record = new GenericData.Record(schema);
                schema.getFields().forEach(f -> record.put(f.name(), filled(f.schema())));
                yield record;
            }
            case UNION -> schema.getTypes().get(0).getType() == Schema.Type.NULL ? null
                    : filled(schema.getTypes().get(0));
            case ENUM -> new GenericData.EnumSymbol(schema, schema.getEnumSymbols().get(0));
            case ARRAY -> List.of();
            case MAP -> Map.of();
            case STRING -> "x";
            case LONG -> 7L;
            case INT -> 7;
            case DOUBLE -> 7.0;
            default -> throw new IllegalArgumentException("no value for " + schema);
        };
    }
}
