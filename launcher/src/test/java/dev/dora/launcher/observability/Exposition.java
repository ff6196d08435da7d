package dev.dora.launcher.observability;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A scrape of {@code GET /metrics} in the Prometheus text format, parsed: every sample with its labels, and every
 * family's {@code # TYPE}. A line that is neither a comment nor a well-formed sample fails the parse.
 */
public final class Exposition {

    /** One sample: a series' name, its labels (sorted) and its value. */
    record Sample(String name, Map<String, String> labels, double value) {
    }

    private static final Pattern SAMPLE = Pattern.compile(
            "([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\\{(.*)})?\\s+(\\S+)(?:\\s+-?\\d+)?");
    private static final Pattern LABEL = Pattern.compile("\\s*([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"\\s*,?");

    private final List<Sample> samples;
    private final Map<String, String> types;

    private Exposition(final List<Sample> samples, final Map<String, String> types) {
        this.samples = samples;
        this.types = types;
    }

    public static Exposition parse(final String text) {
        final List<Sample> samples = new ArrayList<>();
        final Map<String, String> types = new LinkedHashMap<>();
        for (final String line : text.split("\n")) {
            if (line.isBlank() || line.startsWith("# HELP ") || line.equals("# EOF")) {
                continue;
            }
            if (line.startsWith("# TYPE ")) {
                final String[] parts = line.split(" ");
                types.put(parts[2], parts[3]);
                continue;
            }
            final Matcher sample = SAMPLE.matcher(line);
            if (!sample.matches()) {
                throw new IllegalArgumentException("not a sample: " + line);
            }
            samples.add(new Sample(sample.group(1), labels(sample.group(2), line), value(sample.group(3))));
        }
        return new Exposition(List.copyOf(samples), types);
    }

    private static Map<String, String> labels(final String text, final String line) {
        final Map<String, String> labels = new TreeMap<>();
        if (text == null) {
            return labels;
        }
        final Matcher label = LABEL.matcher(text);
        int end = 0;
        while (label.find() && label.start() == end) {
            labels.put(label.group(1), label.group(2).replace("\\\"", "\"").replace("\\n", "\n")
                    .replace("\\\\", "\\"));
            end = label.end();
        }
        if (end != text.length()) {
            throw new IllegalArgumentException("bad labels in: " + line);
        }
        return labels;
    }

    private static double value(final String text) {
        return switch (text) {
            case "+Inf" -> Double.POSITIVE_INFINITY;
            case "-Inf" -> Double.NEGATIVE_INFINITY;
            case "NaN" -> Double.NaN;
            default -> Double.parseDouble(text);
        };
    }

    List<Sample> samples() {
        return samples;
    }

    /** The samples of one series name. */
    List<Sample> samples(final String name) {
        return samples.stream().filter(s -> s.name().equals(name)).toList();
    }

    /** The family's {@code # TYPE}, if it has one. */
    Optional<String> type(final String family) {
        return Optional.ofNullable(types.get(family));
    }

    /** The value of the one sample of {@code name} with exactly these labels, if there is one. */
    public Optional<Double> value(final String name, final Map<String, String> labels) {
        final List<Double> found = samples.stream()
                .filter(s -> s.name().equals(name) && s.labels().equals(new TreeMap<>(labels)))
                .map(Sample::value).toList();
        if (found.size() > 1) {
            throw new IllegalStateException(found.size() + " samples of " + name + labels);
        }
        return found.stream().findFirst();
    }
}
