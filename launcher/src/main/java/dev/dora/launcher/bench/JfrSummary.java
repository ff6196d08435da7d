package dev.dora.launcher.bench;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
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
import jdk.jfr.consumer.RecordingFile;

/**
 * What a JFR recording says dominates: the execution samples ({@code jdk.ExecutionSample}, the events
 * {@code jfr print --events jdk.ExecutionSample} shows) grouped by thread, and the Kafka Streams threads' samples
 * by phase (processing, committing, polling), by the dora method on the stack (inclusive), by any method on the stack
 * (inclusive, leaving out the frames of Kafka Streams' own dispatch, which the phases already show), by top frame
 * (self) with the frames that called it, and by the library the top frame belongs to. Samples of threads in native
 * code (RocksDB's JNI calls) are {@code jdk.NativeMethodSample}s, taken at another rate: they are summarised apart,
 * by top frame, without the samples of a thread waiting for the network ({@code EPoll.wait}), which cost nothing.
 *
 * <p>{@code java -cp launcher/target/dora.jar dev.dora.launcher.bench.JfrSummary recording.jfr… [top]} prints it;
 * several recordings are summarised together.
 *
 * @param samples        execution samples of every thread
 * @param streamSamples  execution samples of the Kafka Streams stream threads
 * @param byThread       samples per thread kind (digits and application ids folded), in percent of all
 * @param streamPhases   stream-thread samples per phase, percent of the stream threads' samples
 * @param streamDora     stream-thread samples with the dora method on their stack, percent (inclusive)
 * @param streamInclusive stream-thread samples with the method on their stack, Kafka Streams' dispatch frames and
 *                       the loop's frames (on more than {@value #LOOP_SHARE} % of the samples) left out (inclusive)
 * @param streamSelf     stream-thread samples per top frame, percent (self)
 * @param streamStacks   stream-thread samples per top frame and its {@value #CALLERS} callers, percent (self)
 * @param streamLibrary  stream-thread samples per library of the top frame, percent
 * @param streamNative   native-method samples of the stream threads per top frame, percent of those (idle waits
 *                       for the network left out)
 */
public record JfrSummary(long samples, long streamSamples, List<Line> byThread, List<Line> streamPhases,
                         List<Line> streamDora, List<Line> streamInclusive, List<Line> streamSelf,
                         List<Line> streamStacks, List<Line> streamLibrary, List<Line> streamNative) {

    /** Frames on more of the samples than this (percent) are the thread's loop, not a cost to look at. */
    static final int LOOP_SHARE = 90;
    /** Callers shown with each top frame. */
    static final int CALLERS = 3;

    /** One group and its share. */
    public record Line(String name, long samples, double percent) {
    }

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

    /** Reads a recording; lists keep their {@code top} largest groups. */
    public static JfrSummary of(final Path recording, final int top) throws IOException {
        return of(List.of(recording), top);
    }

    /** Reads several recordings as one. */
    public static JfrSummary of(final List<Path> recordings, final int top) throws IOException {
        final Tally tally = new Tally();
        for (final Path recording : recordings) {
            try (RecordingFile file = new RecordingFile(recording)) {
                while (file.hasMoreEvents()) {
                    tally.add(file.readEvent());
                }
            }
        }
        return tally.summary(top);
    }

    /** Prints the summary of the recordings named by the arguments; a number among them is the lines per table. */
    public static void main(final String[] args) throws IOException {
        final List<Path> recordings = new ArrayList<>();
        int top = 25;
        for (final String arg : args) {
            if (arg.matches("\\d+")) {
                top = Integer.parseInt(arg);
            } else {
                recordings.add(Path.of(arg));
            }
        }
        if (recordings.isEmpty()) {
            System.err.println("usage: JfrSummary RECORDING.jfr... [TOP]");
            System.exit(2);
        }
        final PrintWriter out = new PrintWriter(System.out, true);
        of(recordings, top).print(out);
        out.flush();
    }

    /** The counts behind a summary, one sample at a time. */
    private static final class Tally {
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
    }

    /** The summary as plain text, one table per grouping. */
    public void print(final PrintWriter out) {
        out.printf("%,d execution samples, %,d of them on Kafka Streams stream threads%n", samples, streamSamples);
        table(out, "Threads (% of all samples)", byThread);
        table(out, "Stream threads by phase (% of stream-thread samples)", streamPhases);
        table(out, "Stream threads: dora methods on the stack (inclusive, %)", streamDora);
        table(out, "Stream threads: any method on the stack but Kafka Streams' dispatch (inclusive, %)",
                streamInclusive);
        table(out, "Stream threads: top frames (self, %)", streamSelf);
        table(out, "Stream threads: top frames < their callers (self, %)", streamStacks);
        table(out, "Stream threads: library of the top frame (self, %)", streamLibrary);
        table(out, "Stream threads in native code, network waits left out: top frames (% of those samples)",
                streamNative);
    }

    private static void table(final PrintWriter out, final String title, final List<Line> lines) {
        out.println();
        out.println(title);
        for (final Line line : lines) {
            out.printf("  %5.1f %%  %s%n", line.percent(), line.name());
        }
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

    /** A thread's name with numbers and ids folded, so that a pool's threads are one group. */
    static String threadKind(final String thread) {
        if (thread.contains("StreamThread")) {
            return "Kafka Streams stream threads";
        }
        final String folded = thread.replaceAll("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", "<id>")
                .replaceAll("\\d+", "N");
        return folded.startsWith("qtp") ? "HTTP server (Jetty)" : folded;
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
