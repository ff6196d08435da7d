package dev.dora.launcher.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Everything one run measured: the settings and the machine, the figures with their targets, the check of the
 * answers, each phase's raw results, the profile summary and what failed. Printed as one table; written as JSON.
 *
 * @param settings     the run's settings
 * @param machine      cores, Java, load averages when each phase started
 * @param history      the generated history
 * @param figures      every figure, in the table's order
 * @param verification the check of the final answers (null when the history was not loaded)
 * @param details      each phase's raw results
 * @param profile      the JFR summary (null without {@code --profile})
 * @param failures     phases that failed, with why
 */
public record BenchReport(Map<String, Object> settings, Map<String, Object> machine, Map<String, Object> history,
                          List<Figure> figures, Verification verification, Map<String, Object> details,
                          JfrSummary profile, List<String> failures) {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /** Whether every phase ran and every checked answer was right. */
    public boolean succeeded() {
        return failures.isEmpty() && (verification == null || verification.correct());
    }

    public Figure figure(final String id) {
        return figures.stream().filter(f -> f.id().equals(id)).findFirst().orElse(null);
    }

    void writeJson(final Path file) throws IOException {
        final Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        JSON.writeValue(file.toFile(), this);
    }

    void printTable(final PrintWriter out) {
        final int labelWidth = Math.max(20, figures.stream().mapToInt(f -> f.label().length()).max().orElse(20));
        final int valueWidth = Math.max(8, figures.stream().mapToInt(f -> f.formatted().length()).max().orElse(8));
        final int targetWidth = Math.max(6, figures.stream()
                .mapToInt(f -> f.target() == null ? 1 : f.target().text().length()).max().orElse(6));
        out.println();
        out.printf("%-" + labelWidth + "s  %" + valueWidth + "s  %-" + targetWidth + "s  %s%n", "FIGURE", "VALUE",
                "TARGET", "MET");
        for (final Figure figure : figures) {
            final Boolean met = figure.met();
            final String metText = met == null ? "" : met ? "yes" : "no (" + figure.shortfall() + ")";
            out.printf("%-" + labelWidth + "s  %" + valueWidth + "s  %-" + targetWidth + "s  %s%n", figure.label(),
                    figure.formatted(), figure.target() == null ? "-" : figure.target().text(), metText);
        }
        if (verification != null) {
            out.println();
            out.printf(verification.correct() ? "Answers checked: all %,d numbers right.%n"
                    : "ANSWERS WRONG: %,d numbers checked; the figures above do not count.%n", verification.checked());
            verification.mismatches().forEach(m -> out.println("  " + m));
        }
        failures.forEach(f -> out.println("FAILED: " + f));
        out.flush();
    }
}
