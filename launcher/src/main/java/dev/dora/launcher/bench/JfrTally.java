package dev.dora.launcher.bench;

import static dev.dora.launcher.bench.JfrSummary.CALLERS;
import static dev.dora.launcher.bench.JfrSummary.LOOP_SHARE;
import static dev.dora.launcher.bench.JfrSummary.threadKind;

import dev.dora.launcher.bench.JfrSummary.Line;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;

/**
 * The counts behind a {@link JfrSummary}, one sample at a time, and how a sample's frames are named and grouped:
 * by phase of the stream thread's loop, by method, by library.
 */
final class JfrTally {

    /** Phases of a stream thread's loop, matched on the stack from the bottom up: the first match wins. */
    private static final List<String[]> PHASES = List.of(
            new String[] {"commit (exactly-once transaction, offsets, flush)", "TaskManager.commit",
                "StreamThread.maybeCommit", "TaskExecutor.commitTasksAndMaybeUpdateCommittableOffsets",
                "StreamsProducer.commitTransaction", "TaskManager.commitTasksAndMaybeUpdateCommittableOffsets"},
            new String[] {"processing records", "StreamTask.process", "TaskExecutor.processTask",
                "TaskManager.process"},
            new String[] {"polling Kafka", "StreamThread.pollPhase", "StreamThread.pollRequests"},
            new String[] {"punctuation", "StreamTask.punctuate", "TaskManager.punctuate"},
            new String[] {"restoring state", "StoreChangelogReader.restore"});

    private static final Map<String, String> LIBRARIES = new LinkedHashMap<>();

    static {
        LIBRARIES.put("dev.dora.", "dora");
        LIBRARIES.put("org.apache.avro.", "Avro");
        LIBRARIES.put("org.rocksdb.", "RocksDB (Java side)");
        LIBRARIES.put("org.apache.kafka.streams.state.", "Kafka Streams state stores and caches");
        LIBRARIES.put("org.apache.kafka.streams.", "Kafka Streams runtime");
        LIBRARIES.put("org.apache.kafka.clients.", "Kafka clients");
        LIBRARIES.put("org.apache.kafka.common.", "Kafka common (serdes, records, metrics)");
        LIBRARIES.put("org.HdrHistogram.", "HdrHistogram");
        LIBRARIES.put("com.fasterxml.jackson.", "Jackson");
        LIBRARIES.put("java.util.", "JDK collections and util");
        LIBRARIES.put("java.lang.", "JDK lang (strings, boxing)");
        LIBRARIES.put("java.", "JDK other");
        LIBRARIES.put("jdk.", "JDK other");
        LIBRARIES.put("sun.", "JDK other");
    }

    private final Map<String, Long> threads = new HashMap<>();
    private final Map<String, Long> phases = new HashMap<>();
    private final Map<String, Long> dora = new HashMap<>();
    private final Map<String, Long> inclusive = new HashMap<>();
    private final Map<String, Long> self = new HashMap<>();
    private final Map<String, Long> stacks = new HashMap<>();
    private final Map<String, Long> libraries = new HashMap<>();
    private final Map<String, Long> nativeTop = new HashMap<>();
    private long all;
    private long stream;
    private long streamNative;

    void add(final RecordedEvent event) {
        final String type = event.getEventType().getName();
        final boolean execution = type.equals("jdk.ExecutionSample");
        if (!execution && !type.equals("jdk.NativeMethodSample")) {
            return;
        }
        final String thread = event.getThread("sampledThread") == null ? "unknown"
                : String.valueOf(event.getThread("sampledThread").getJavaName());
        final boolean streamThread = thread.contains("StreamThread");
        final List<RecordedFrame> frames = frames(event.getStackTrace());
        if (!execution) {
            final String where = frames.isEmpty() ? "(no stack)" : name(frames.get(0));
            if (streamThread && !where.endsWith("EPoll.wait")) {
                streamNative++;
                nativeTop.merge(where, 1L, Long::sum);
            }
            return;
        }
        all++;
        threads.merge(threadKind(thread), 1L, Long::sum);
        if (streamThread) {
            addStreamSample(frames);
        }
    }

    private void addStreamSample(final List<RecordedFrame> frames) {
        stream++;
        phases.merge(phase(frames), 1L, Long::sum);
        if (!frames.isEmpty()) {
            final String topFrame = name(frames.get(0));
            self.merge(topFrame, 1L, Long::sum);
            libraries.merge(library(frames.get(0)), 1L, Long::sum);
            final StringBuilder stack = new StringBuilder(topFrame);
            for (int i = 1; i <= CALLERS && i < frames.size(); i++) {
                stack.append(" < ").append(name(frames.get(i)));
            }
            stacks.merge(stack.toString(), 1L, Long::sum);
        }
        final Set<String> seen = new HashSet<>();
        for (final RecordedFrame frame : frames) {
            final String name = name(frame);
            if (seen.add(name)) {
                if (!isDispatch(frame)) {
                    inclusive.merge(name, 1L, Long::sum);
                }
                if (frame.getMethod().getType().getName().startsWith("dev.dora.")) {
                    dora.merge(name, 1L, Long::sum);
                }
            }
        }
    }

    JfrSummary summary(final int top) {
        final long loop = stream * LOOP_SHARE / 100;
        final Map<String, Long> belowLoop = new HashMap<>(inclusive);
        belowLoop.values().removeIf(count -> count > loop);
        return new JfrSummary(all, stream, lines(threads, all, top), lines(phases, stream, top),
                lines(dora, stream, top), lines(belowLoop, stream, top), lines(self, stream, top),
                lines(stacks, stream, top), lines(libraries, stream, top), lines(nativeTop, streamNative, top));
    }

    private static List<RecordedFrame> frames(final RecordedStackTrace stack) {
        if (stack == null) {
            return List.of();
        }
        final List<RecordedFrame> frames = new ArrayList<>();
        for (final RecordedFrame frame : stack.getFrames()) {
            if (frame.isJavaFrame()) {
                frames.add(frame);
            }
        }
        return frames;
    }

    private static String phase(final List<RecordedFrame> frames) {
        for (int i = frames.size() - 1; i >= 0; i--) {
            final String name = shortName(frames.get(i));
            for (final String[] phase : PHASES) {
                for (int m = 1; m < phase.length; m++) {
                    if (name.equals(phase[m])) {
                        return phase[0];
                    }
                }
            }
        }
        return "other";
    }

    /** {@code o.a.k.s.p.i.StreamTask.process}: packages abbreviated, class and method in full. */
    static String name(final RecordedFrame frame) {
        final String type = typeName(frame);
        final String[] parts = type.split("\\.");
        final StringBuilder name = new StringBuilder();
        for (int i = 0; i < parts.length - 1; i++) {
            name.append(parts[i].isEmpty() ? "" : parts[i].substring(0, 1)).append('.');
        }
        return name.append(parts[parts.length - 1]).append('.').append(frame.getMethod().getName()).toString();
    }

    /** Kafka Streams handing a record from node to node: on every processing sample, saying nothing of its own. */
    private static boolean isDispatch(final RecordedFrame frame) {
        final String type = frame.getMethod().getType().getName();
        return type.startsWith("org.apache.kafka.streams.processor.internals.")
                || type.startsWith("org.apache.kafka.streams.kstream.internals.");
    }

    /** The frame's class; a lambda's generated class named after the class that declared it. */
    private static String typeName(final RecordedFrame frame) {
        final String type = frame.getMethod().getType().getName();
        final int lambda = type.indexOf("$$Lambda");
        return lambda < 0 ? type : type.substring(0, lambda) + "$$Lambda";
    }

    private static String shortName(final RecordedFrame frame) {
        final String type = typeName(frame);
        return type.substring(type.lastIndexOf('.') + 1) + "." + frame.getMethod().getName();
    }

    private static String library(final RecordedFrame frame) {
        final String type = frame.getMethod().getType().getName();
        for (final Map.Entry<String, String> library : LIBRARIES.entrySet()) {
            if (type.startsWith(library.getKey())) {
                return library.getValue();
            }
        }
        return "other";
    }

    private static List<Line> lines(final Map<String, Long> counts, final long total, final int top) {
        return counts.entrySet().stream()
                .sorted(Map.Entry.<String, Long>comparingByValue(Comparator.reverseOrder())
                        .thenComparing(Map.Entry.comparingByKey()))
                .limit(top)
                .map(e -> new Line(e.getKey(), e.getValue(), total == 0 ? 0 : 100.0 * e.getValue() / total))
                .toList();
    }
}
