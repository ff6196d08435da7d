package dev.dora.launcher;

import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("unit")
class TopicFollowersTest {

    /** A bad --catalog file must stop dora serve with the catalog's own message, as when it was read in line. */
    @Test
    void whatStoppedTheReadersIsRethrownUnchanged() {
        final IllegalArgumentException bad = new IllegalArgumentException("catalog.yaml: line 3: unknown key");
        final CompletableFuture<TopicFollowers> failed = CompletableFuture.failedFuture(bad);
        assertSame(bad, assertThrows(IllegalArgumentException.class, () -> TopicFollowers.await(failed)));

        final IOException checked = new IOException("unreadable");
        final CompletionException wrapped = assertThrows(CompletionException.class,
                () -> TopicFollowers.await(CompletableFuture.failedFuture(checked)));
        assertSame(checked, wrapped.getCause());

        final OutOfMemoryError error = new OutOfMemoryError("heap");
        assertSame(error, assertThrows(OutOfMemoryError.class,
                () -> TopicFollowers.await(CompletableFuture.failedFuture(error))));
    }
}
