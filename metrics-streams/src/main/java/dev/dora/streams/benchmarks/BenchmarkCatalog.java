package dev.dora.streams.benchmarks;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The DORA benchmarks the product knows, one per State of DevOps report with performance clusters
 * ({@code dora-2019}, {@code dora-2021}, {@code dora-2022}, {@code dora-2023}, {@code dora-2024}), read once from the
 * resource {@value #RESOURCE}. The 2025 report replaced clusters with team profiles and has no benchmark here.
 */
public final class BenchmarkCatalog {

    /** The classpath resource holding the published tables and derived thresholds. */
    public static final String RESOURCE = "/benchmarks/dora-benchmarks.json";

    private static final Pattern NAME = Pattern.compile("dora-(\\d{4})");

    private final Map<String, Benchmark> byName;
    private final String newest;

    private BenchmarkCatalog(final List<Benchmark> benchmarks) {
        final Map<String, Benchmark> map = new LinkedHashMap<>();
        benchmarks.stream().sorted(Comparator.comparingInt(Benchmark::year)).forEach(b -> map.put(b.name(), b));
        this.byName = map;
        this.newest = benchmarks.stream().max(Comparator.comparingInt(Benchmark::year)).orElseThrow().name();
    }

    /** The catalog read from {@value #RESOURCE}; loaded on first use, then shared. */
    public static BenchmarkCatalog standard() {
        return Holder.INSTANCE;
    }

    /** Every benchmark name, oldest report first. */
    public List<String> names() {
        return List.copyOf(byName.keySet());
    }

    /** The benchmark called {@code name}; {@link IllegalArgumentException} naming the valid ones otherwise. */
    public Benchmark get(final String name) {
        final Benchmark benchmark = name == null ? null : byName.get(name);
        if (benchmark == null) {
            throw new IllegalArgumentException(
                    "unknown benchmark '" + name + "'; valid benchmarks: " + String.join(", ", names()));
        }
        return benchmark;
    }

    /** The name of the newest cluster benchmark ({@code dora-2024}), the default. */
    public String newest() {
        return newest;
    }

    /** Reads and validates a catalog; {@link IllegalStateException} when the data break a documented rule. */
    static BenchmarkCatalog read(final InputStream json) {
        if (json == null) {
            throw new IllegalStateException("benchmark resource " + RESOURCE + " not found on the classpath");
        }
        final FileJson file;
        try (json) {
            file = new ObjectMapper()
                    .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                    .readValue(json, FileJson.class);
        } catch (final IOException e) {
            throw new UncheckedIOException("cannot read benchmark resource " + RESOURCE, e);
        }
        final Map<String, Benchmark.FrequencyBand> bands = new LinkedHashMap<>();
        for (final Benchmark.FrequencyBand band : file.deploymentFrequencyBands()) {
            check(band.rule() != null && band.rule().wellFormed(), "band " + band.id() + ": malformed rule");
            check(bands.put(band.id(), band) == null, "band " + band.id() + " defined twice");
        }
        final List<Benchmark> benchmarks = new ArrayList<>();
        for (final ReportJson report : file.reports()) {
            validate(report, bands);
            benchmarks.add(new Benchmark(report.name(), report.year(), report.title(), report.recoveryMetric(),
                    report.source(), report.unconfirmed() == null ? List.of() : report.unconfirmed(),
                    report.clusters(), bands));
        }
        check(!benchmarks.isEmpty(), "no reports");
        check(benchmarks.stream().map(Benchmark::name).distinct().count() == benchmarks.size(), "duplicate report name");
        return new BenchmarkCatalog(benchmarks);
    }

    private static void validate(final ReportJson report, final Map<String, Benchmark.FrequencyBand> bands) {
        final String at = "report " + report.name() + ": ";
        final var m = NAME.matcher(String.valueOf(report.name()));
        check(m.matches() && Integer.parseInt(m.group(1)) == report.year(), at + "name must be dora-<year>");
        check(report.source() != null && !report.source().isBlank(), at + "source note required");
        check(report.recoveryMetric() != null, at + "recoveryMetric required");
        check(report.clusters() != null && !report.clusters().isEmpty(), at + "no clusters");
        Tier previous = null;
        for (final Benchmark.Cluster c : report.clusters()) {
            final Tier tier = Tier.of(c.tier());
            check(previous == null || tier.compareTo(previous) > 0, at + "clusters must be listed best first, once each");
            previous = tier;
            check(c.deploymentFrequency() != null && bands.containsKey(c.deploymentFrequency().band()),
                    at + c.tier() + ": unknown deployment-frequency band");
            checkTime(at + c.tier() + " lead time", c.leadTime());
            checkTime(at + c.tier() + " restore time", c.timeToRestore());
            final Benchmark.RateBand cfr = c.changeFailureRate();
            check(cfr != null && fraction(cfr.upper()) && (cfr.lower() == null || fraction(cfr.lower())
                            && cfr.lower() <= cfr.upper()),
                    at + c.tier() + ": change failure rate bounds must be fractions, lower <= upper");
        }
        check(previous == Tier.LOW, at + "the last cluster must be low");
    }

    private static void checkTime(final String at, final Benchmark.TimeBand band) {
        check(band != null && band.text() != null, at + ": band required");
        check(band.lowerSeconds() == null || band.lowerSeconds() >= 0, at + ": negative lower bound");
        check(band.upperSeconds() == null
                        || band.upperSeconds() > (band.lowerSeconds() == null ? 0 : band.lowerSeconds()),
                at + ": upper bound must exceed lower bound");
    }

    private static boolean fraction(final Double value) {
        return value != null && value >= 0 && value <= 1;
    }

    private static void check(final boolean ok, final String message) {
        if (!ok) {
            throw new IllegalStateException("invalid benchmark data: " + message);
        }
    }

    private static final class Holder {
        private static final BenchmarkCatalog INSTANCE = read(BenchmarkCatalog.class.getResourceAsStream(RESOURCE));
    }

    /** The resource file's top level. */
    record FileJson(int schema, String about, List<Benchmark.FrequencyBand> deploymentFrequencyBands,
                    List<ReportJson> reports) {
    }

    /** One report as stored in the resource file. */
    record ReportJson(String name, int year, String title, RecoveryMetric recoveryMetric, String source,
                      List<String> unconfirmed, List<Benchmark.Cluster> clusters) {
    }
}
