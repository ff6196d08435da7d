package dev.dora.launcher;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Reads durations the way people write them on a command line: {@code 90s}, {@code 30m}, {@code 24h}, {@code 2d},
 * or ISO-8601 ({@code PT24H}); a bare {@code 0} is none.
 */
public final class DurationConverter implements ITypeConverter<Duration> {

    private static final Pattern SIMPLE = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d)");

    @Override
    public Duration convert(final String value) {
        final String text = value.trim().toLowerCase(Locale.ROOT);
        final Matcher matcher = SIMPLE.matcher(text);
        final Duration duration;
        if (text.equals("0")) {
            // no unit is needed to say none
            duration = Duration.ZERO;
        } else if (matcher.matches()) {
            final long amount = Long.parseLong(matcher.group(1));
            duration = switch (matcher.group(2)) {
                case "ms" -> Duration.ofMillis(amount);
                case "s" -> Duration.ofSeconds(amount);
                case "m" -> Duration.ofMinutes(amount);
                case "h" -> Duration.ofHours(amount);
                default -> Duration.ofDays(amount);
            };
        } else {
            try {
                duration = Duration.parse(value.trim().toUpperCase(Locale.ROOT));
            } catch (final DateTimeParseException e) {
                throw new TypeConversionException("'" + value + "' is not a duration; write e.g. 30m, 24h, 2d or PT24H");
            }
        }
        if (duration.isNegative()) {
            throw new TypeConversionException("'" + value + "' is negative; a duration must be zero or more");
        }
        return duration;
    }
}
