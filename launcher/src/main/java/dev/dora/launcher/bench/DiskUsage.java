package dev.dora.launcher.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Bytes on disk of dora's data directory, split the way the issue asks: Kafka's event topics, Kafka Streams'
 * internal topics (changelogs, repartition and loop topics), Kafka's other topics, and the local state. Sizes are
 * the blocks allocated ({@code du}), not the apparent sizes: Kafka preallocates every active segment's index files
 * sparsely at 10 MiB, which would count hundreds of megabytes that are not there.
 *
 * @param eventTopics    {@code dora.events.*}
 * @param internalTopics topics of the Kafka Streams application ({@code dora-metrics-*})
 * @param otherTopics    everything else Kafka keeps (facts, dead letters, offsets, transactions, metadata)
 * @param state          the Kafka Streams state directory
 */
record DiskUsage(long eventTopics, long internalTopics, long otherTopics, long state) {

    /** Topics the pass-through reference writes; left out of dora's figures. */
    static final String PASSTHROUGH_PREFIX = "bench.passthrough.";

    long kafka() {
        return eventTopics + internalTopics + otherTopics;
    }

    long total() {
        return kafka() + state;
    }

    /** Measures {@code dataDir/kafka} per topic directory and {@code dataDir/streams}. */
    static DiskUsage of(final Path dataDir) {
        final Path kafka = dataDir.resolve("kafka");
        final List<Path> entries = new ArrayList<>();
        if (Files.isDirectory(kafka)) {
            try (Stream<Path> list = Files.list(kafka)) {
                list.forEach(entries::add);
            } catch (final IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        final Path state = dataDir.resolve("streams");
        final List<Path> measured = new ArrayList<>(entries);
        if (Files.isDirectory(state)) {
            measured.add(state);
        }
        final Map<Path, Long> bytes = allocatedBytes(measured);
        long events = 0;
        long internal = 0;
        long other = 0;
        for (final Path entry : entries) {
            final String name = entry.getFileName().toString();
            final long size = bytes.getOrDefault(entry, 0L);
            // a deleted topic's directory lingers as <topic>-<partition>.<id>-delete for a minute
            if (name.startsWith(PASSTHROUGH_PREFIX) || name.endsWith("-delete")) {
                continue;
            }
            if (name.startsWith("dora.events.")) {
                events += size;
            } else if (name.startsWith("dora-metrics-")) {
                internal += size;
            } else {
                other += size;
            }
        }
        return new DiskUsage(events, internal, other, bytes.getOrDefault(state, 0L));
    }

    /** Allocated bytes per path, from one {@code du} run; apparent sizes if {@code du} cannot run. */
    private static Map<Path, Long> allocatedBytes(final List<Path> paths) {
        final Map<Path, Long> sizes = new LinkedHashMap<>();
        if (paths.isEmpty()) {
            return sizes;
        }
        final List<String> command = new ArrayList<>(List.of("du", "-s", "-B1"));
        paths.forEach(p -> command.add(p.toString()));
        try {
            final Process du = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
            final String out = new String(du.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            du.waitFor(60, TimeUnit.SECONDS);
            for (final String line : out.split("\n")) {
                final int tab = line.indexOf('\t');
                if (tab > 0) {
                    sizes.put(Path.of(line.substring(tab + 1)), Long.parseLong(line.substring(0, tab).trim()));
                }
            }
            if (sizes.size() >= paths.size() - 1) {
                return sizes; // a topic directory deleted meanwhile is simply missing
            }
        } catch (final IOException | RuntimeException e) {
            sizes.clear();
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (final Path path : paths) {
            sizes.put(path, apparentBytes(path));
        }
        return sizes;
    }

    private static long apparentBytes(final Path path) {
        try (Stream<Path> files = Files.walk(path)) {
            return files.filter(Files::isRegularFile).mapToLong(p -> {
                try {
                    return Files.size(p);
                } catch (final IOException e) {
                    return 0;
                }
            }).sum();
        } catch (final IOException | UncheckedIOException e) {
            return 0;
        }
    }
}
