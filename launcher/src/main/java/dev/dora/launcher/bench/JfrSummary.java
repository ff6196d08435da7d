package dev.dora.launcher.bench;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
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

    /** Reads a recording; lists keep their {@code top} largest groups. */
    public static JfrSummary of(final Path recording, final int top) throws IOException {
        return of(List.of(recording), top);
    }

    /** Reads several recordings as one. */
    public static JfrSummary of(final List<Path> recordings, final int top) throws IOException {
        final JfrTally tally = new JfrTally();
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

    /** A thread's name with numbers and ids folded, so that a pool's threads are one group. */
    static String threadKind(final String thread) {
        if (thread.contains("StreamThread")) {
            return "Kafka Streams stream threads";
        }
        final String folded = thread.replaceAll("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", "<id>")
                .replaceAll("\\d+", "N");
        return folded.startsWith("qtp") ? "HTTP server (Jetty)" : folded;
    }
}
