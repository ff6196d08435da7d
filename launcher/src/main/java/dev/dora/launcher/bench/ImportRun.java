package dev.dora.launcher.bench;

import dev.dora.launcher.DoraCommand;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * {@code dora import events FILE --bootstrap-servers …} (or {@code --url …}), run in this JVM exactly as the
 * command line runs it: the same reader, validation, batching, producer and retries. Its output goes to a file.
 */
final class ImportRun {

    private ImportRun() {
    }

    /** Imports the file and returns the seconds it took. */
    static double run(final Path ndjson, final ServeProcess dora, final BenchSettings.Importing importing,
                      final Path output) throws IOException {
        final boolean overHttp = importing.overHttp();
        final long started = System.nanoTime();
        final int code;
        try (PrintWriter out = new PrintWriter(Files.newBufferedWriter(output, StandardCharsets.UTF_8,
                StandardOpenOption.CREATE, StandardOpenOption.APPEND), true)) {
            code = DoraCommand.newCommandLine().setOut(out).setErr(out).execute(
                    "import", "events", ndjson.toString(), overHttp ? "--url" : "--bootstrap-servers",
                    overHttp ? dora.baseUrl() : dora.bootstrapServers(), "--batch-size",
                    Integer.toString(importing.batchSize()), "--max-lag", importing.maxLag().toMillis() + "ms");
        }
        if (code != 0) {
            final List<String> lines = Files.readAllLines(output);
            throw new IOException("dora import events exited with code " + code + ": "
                    + String.join(" / ", lines.subList(Math.max(0, lines.size() - 3), lines.size())));
        }
        return (System.nanoTime() - started) / 1e9;
    }

    /** The same, in a thread of its own. */
    static CompletableFuture<Double> start(final Path ndjson, final ServeProcess dora,
                                           final BenchSettings.Importing importing, final Path output) {
        final CompletableFuture<Double> done = new CompletableFuture<>();
        final Thread thread = new Thread(() -> {
            try {
                done.complete(run(ndjson, dora, importing, output));
            } catch (final IOException | RuntimeException e) {
                done.completeExceptionally(e);
            }
        }, "bench-import");
        thread.setDaemon(true);
        thread.start();
        return done;
    }
}
