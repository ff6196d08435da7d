package dev.dora.launcher.importer;

import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** {@code --since}: a day ({@code 2025-01-31}, meaning 00:00 UTC) or an instant with an offset. */
public final class SinceConverter implements ITypeConverter<Instant> {

    @Override
    public Instant convert(final String value) {
        final String text = value.trim();
        try {
            return LocalDate.parse(text).atStartOfDay(ZoneOffset.UTC).toInstant();
        } catch (final DateTimeParseException notADay) {
            try {
                return OffsetDateTime.parse(text).toInstant();
            } catch (final DateTimeParseException e) {
                throw new TypeConversionException("'" + value + "' is not a date; write e.g. 2025-01-31 or "
                        + "2025-01-31T12:00:00Z");
            }
        }
    }
}
