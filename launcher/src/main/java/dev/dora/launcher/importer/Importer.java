package dev.dora.launcher.importer;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.slf4j.LoggerFactory;

/**
 * Sends a stream of {@link ImportItem}s to an {@link EventSink} in batches, in the order given, showing progress.
 * A batch is closed at {@code batchSize} items or {@link #MAX_BATCH_CHARS} characters of JSON, whichever comes first,
 * so that a request stays under the API's 10 MiB body limit (a character is at most 3 bytes of UTF-8). Items the
 * receiver refuses are reported on {@code err} (the first {@link #MAX_REPORTED} of them; all of them in the log) and
 * named in the {@link Summary}.
 */
final class Importer {

    /** Requests stay under this many characters of JSON: at most 9 MiB of UTF-8 (the API takes up to 10 MiB). */
    static final int MAX_BATCH_CHARS = 3 * 1024 * 1024;
    /** How many refused items are printed one by one. */
    static final int MAX_REPORTED = 20;

    private final EventSink sink;
    private final int batchSize;
    private final PrintWriter err;
    private final Pacer pacer;

    /** @param pacer waits before each batch while the pipeline's backlog is full */
    Importer(final EventSink sink, final int batchSize, final PrintWriter err, final Pacer pacer) {
        this.sink = sink;
        this.batchSize = batchSize;
        this.err = err;
        this.pacer = pacer;
    }

    /** Sends everything; returns once the receiver acknowledged every batch. */
    Summary run(final Iterator<ImportItem> items, final ImportProgress progress) throws InterruptedException {
        final List<String> refused = new ArrayList<>();
        long done = 0;
        final List<ImportItem> batch = new ArrayList<>(batchSize);
        long batchChars = 0;
        while (items.hasNext()) {
            final ImportItem item = items.next();
            final int chars = item.wire().length() + 1;
            if (!batch.isEmpty() && (batch.size() >= batchSize || batchChars + chars > MAX_BATCH_CHARS)) {
                done += flush(batch, refused);
                progress.update(done);
                batchChars = 0;
            }
            batch.add(item);
            batchChars += chars;
        }
        done += flush(batch, refused);
        progress.update(done);
        progress.finish();
        return new Summary(done, done - refused.size(), refused, progress.elapsedSeconds(), pacer.waitedSeconds());
    }

    private int flush(final List<ImportItem> batch, final List<String> refusedLabels) throws InterruptedException {
        if (batch.isEmpty()) {
            return 0;
        }
        final int size = batch.size();
        for (int start = 0; start < size; ) {
            final int count = pacer.grant(size - start);
            final List<ImportItem> part = batch.subList(start, start + count);
            for (final EventSink.Refusal refusal : sink.send(part)) {
                refused(refusal.index() >= 0 ? part.get(refusal.index()).label() : "an item", refusal.error(),
                        refusedLabels);
            }
            start += count;
        }
        batch.clear();
        return size;
    }

    private void refused(final String label, final String error, final List<String> refusedLabels) {
        refusedLabels.add(label);
        LoggerFactory.getLogger(Importer.class).warn("{} was refused: {}", label, error);
        if (refusedLabels.size() <= MAX_REPORTED) {
            err.println(label + ": " + error);
            err.flush();
        } else if (refusedLabels.size() == MAX_REPORTED + 1) {
            err.println("(more refused items are not shown here; every one is in the log)");
            err.flush();
        }
    }

    /**
     * What an import did.
     *
     * @param sent     items sent (valid and invalid)
     * @param accepted items the receiver accepted as events
     * @param refused  labels of the refused items (e.g. {@code line 3}), in order
     * @param seconds  how long it took
     * @param waited   how much of it was spent waiting for the pipeline's backlog to shrink ({@code --max-lag})
     */
    record Summary(long sent, long accepted, List<String> refused, double seconds, double waited) {

        /** Events per second over the whole import. */
        long rate() {
            return ImportProgress.rate(sent, seconds);
        }

        /** The refused labels for a summary line: the first ten, then how many more. */
        String refusedList() {
            final int shown = Math.min(10, refused.size());
            final String list = String.join(", ", refused.subList(0, shown));
            return refused.size() > shown ? list + " and " + (refused.size() - shown) + " more" : list;
        }
    }
}
