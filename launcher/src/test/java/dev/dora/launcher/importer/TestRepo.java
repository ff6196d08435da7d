package dev.dora.launcher.importer;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.internal.storage.file.FileRepository;
import org.eclipse.jgit.lib.CommitBuilder;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectInserter;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.RefUpdate;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.lib.StoredConfig;
import org.eclipse.jgit.lib.TreeFormatter;

/**
 * A throwaway git repository whose commits get exactly the parents and timestamps a test asks for. Commits are
 * written as objects (no working tree operations), so that thousands of them take moments; with {@code packed} they
 * go into one pack file instead of loose objects.
 */
final class TestRepo implements AutoCloseable {

    /** Personal data that must never reach an event. */
    static final String AUTHOR_NAME = "Alice Author";
    static final String AUTHOR_EMAIL = "alice@example.com";
    static final String COMMITTER_NAME = "Carol Committer";
    static final String COMMITTER_EMAIL = "carol@example.org";

    private final Repository repository;
    private final ObjectInserter inserter;
    private int counter;

    private TestRepo(final Repository repository, final ObjectInserter inserter) {
        this.repository = repository;
        this.inserter = inserter;
    }

    static TestRepo init(final Path dir, final boolean packed) throws Exception {
        final Repository repository = Git.init().setDirectory(dir.toFile()).setInitialBranch("main").call()
                .getRepository();
        final ObjectInserter inserter = packed
                ? ((FileRepository) repository).getObjectDatabase().newPackInserter()
                : repository.newObjectInserter();
        return new TestRepo(repository, inserter);
    }

    /** Sets {@code remote.origin.url}. */
    void origin(final String url) throws IOException {
        final StoredConfig config = repository.getConfig();
        config.setString("remote", "origin", "url", url);
        config.save();
    }

    /**
     * A commit with the given parents, committed at {@code committed} in {@code zone}; its author time is an hour
     * earlier (so that a test notices if the author time were used).
     */
    ObjectId commit(final Instant committed, final ZoneId zone, final ObjectId... parents) throws IOException {
        counter++;
        final ObjectId blob = inserter.insert(Constants.OBJ_BLOB,
                ("change " + counter + "\n").getBytes(StandardCharsets.UTF_8));
        final TreeFormatter tree = new TreeFormatter();
        tree.append("file.txt", FileMode.REGULAR_FILE, blob);
        final CommitBuilder commit = new CommitBuilder();
        commit.setTreeId(inserter.insert(tree));
        commit.setParentIds(parents);
        commit.setAuthor(new PersonIdent(AUTHOR_NAME, AUTHOR_EMAIL, committed.minus(Duration.ofHours(1)), zone));
        commit.setCommitter(new PersonIdent(COMMITTER_NAME, COMMITTER_EMAIL, committed, zone));
        commit.setMessage("Change " + counter + " by " + AUTHOR_NAME + " <" + AUTHOR_EMAIL + ">\n");
        return inserter.insert(commit);
    }

    /** Points {@code refs/heads/name} at {@code id}; call after the commits it needs were written. */
    void branch(final String name, final ObjectId id) throws IOException {
        inserter.flush();
        final RefUpdate update = repository.updateRef(Constants.R_HEADS + name);
        update.setNewObjectId(id);
        update.setForceUpdate(true);
        final RefUpdate.Result result = update.update();
        if (result != RefUpdate.Result.NEW && result != RefUpdate.Result.FORCED
                && result != RefUpdate.Result.FAST_FORWARD && result != RefUpdate.Result.NO_CHANGE) {
            throw new IOException("cannot update " + name + ": " + result);
        }
    }

    @Override
    public void close() {
        inserter.close();
        repository.close();
    }
}
