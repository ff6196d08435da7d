package dev.dora.launcher.importer;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dora.ingest.CanonicalEvents;
import dev.dora.ingest.InvalidEventException;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.NoSuchElementException;
import org.apache.avro.specific.SpecificRecord;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.errors.RepositoryNotFoundException;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevSort;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.transport.URIish;

/**
 * The history of one branch of a local git repository as {@code change} events: every commit reachable from the
 * branch tip (its first-parent line and everything merged into it), parents before children.
 *
 * <p>Each event carries the sha, all parents, the committer timestamp in UTC as both {@code committedAt} and
 * {@code occurredAt}, the repository, the branch and {@code source: "git-import"}. Commit bodies are never read
 * ({@link RevWalk#setRetainBody(boolean) setRetainBody(false)}): no message, author or committer name or e-mail
 * leaves the repository. The events depend only on the repository and the options, so importing twice sends the
 * same events, which the pipeline ignores the second time.
 */
public final class GitHistory {

    /** The {@code source} of every event this importer produces. */
    public static final String SOURCE = "git-import";

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final List<RevCommit> commits;
    private final String service;
    private final String team;
    private final String repo;
    private final String branch;

    private GitHistory(final List<RevCommit> commits, final String service, final String team, final String repo,
                       final String branch) {
        this.commits = commits;
        this.service = service;
        this.team = team;
        this.repo = repo;
        this.branch = branch;
    }

    /**
     * Walks the branch's history: one pass over the commit headers, then events are made on demand.
     *
     * @param repoName the {@code repo} of the events, or {@code null} for {@link #repositoryName}
     * @param since    commits committed before this instant are left out, or {@code null} for all of them
     * @throws ImportException when {@code dir} is not a git repository or has no such branch
     */
    public static GitHistory read(final Path dir, final String branch, final String service, final String team,
                                  final String repoName, final Instant since) throws IOException {
        try (Repository repository = open(dir); RevWalk walk = new RevWalk(repository)) {
            final ObjectId tip = resolve(repository, branch, dir);
            walk.setRetainBody(false);
            walk.sort(RevSort.TOPO);
            walk.sort(RevSort.REVERSE, true);
            walk.markStart(walk.parseCommit(tip));
            final long sinceSeconds = since == null ? Long.MIN_VALUE : since.getEpochSecond();
            final List<RevCommit> commits = new ArrayList<>();
            for (final RevCommit commit : walk) {
                if (commit.getCommitTime() >= sinceSeconds) {
                    commits.add(commit);
                }
            }
            final String repo = repoName != null ? repoName : repositoryName(repository);
            return new GitHistory(commits, service, team, repo, branch);
        }
    }

    private static Repository open(final Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new ImportException(dir + " is not a directory");
        }
        try {
            return Git.open(dir.toFile()).getRepository();
        } catch (final RepositoryNotFoundException e) {
            throw new ImportException(dir + " is not a git repository (no .git directory there)", e);
        }
    }

    /** The branch as a local branch, else as origin's branch, else as any revision git understands (a tag, a sha). */
    private static ObjectId resolve(final Repository repository, final String branch, final Path dir)
            throws IOException {
        for (final String name : List.of(Constants.R_HEADS + branch, Constants.R_REMOTES + "origin/" + branch)) {
            final Ref ref = repository.exactRef(name);
            if (ref != null && ref.getObjectId() != null) {
                return ref.getObjectId();
            }
        }
        final ObjectId id = branch.startsWith("-") ? null : repository.resolve(branch + "^{commit}");
        if (id != null) {
            return id;
        }
        final List<String> branches = new ArrayList<>();
        for (final Ref ref : repository.getRefDatabase().getRefsByPrefix(Constants.R_HEADS)) {
            branches.add(Repository.shortenRefName(ref.getName()));
        }
        throw new ImportException("no branch '" + branch + "' in " + dir
                + (branches.isEmpty() ? " (it has no commits)" : " (branches: " + String.join(", ", branches.subList(
                        0, Math.min(10, branches.size()))) + (branches.size() > 10 ? ", …" : "") + "); use --branch"));
    }

    /**
     * The repository's name as events carry it: the path of {@code remote.origin.url} without {@code .git}
     * ({@code acme/shop} for {@code git@github.com:acme/shop.git} or {@code https://github.com/acme/shop}; never a
     * user or password), or the directory's name when there is no network origin.
     */
    static String repositoryName(final Repository repository) {
        final String url = repository.getConfig().getString("remote", "origin", "url");
        if (url != null && !url.isBlank()) {
            try {
                final URIish uri = new URIish(url.trim());
                if (uri.getHost() != null && uri.getPath() != null) {
                    final String path = stripGit(uri.getPath().replaceAll("^/+|/+$", ""));
                    if (!path.isEmpty()) {
                        return path;
                    }
                }
            } catch (final URISyntaxException e) {
                // not a URL git understands: fall back to the directory name
            }
        }
        final Path dir = repository.isBare()
                ? repository.getDirectory().toPath()
                : repository.getWorkTree().toPath();
        final Path name = dir.toAbsolutePath().normalize().getFileName();
        return name == null ? "repository" : stripGit(name.toString());
    }

    private static String stripGit(final String name) {
        return name.toLowerCase(Locale.ROOT).endsWith(".git") ? name.substring(0, name.length() - 4) : name;
    }

    /** How many commits will be imported. */
    public int size() {
        return commits.size();
    }

    /** The {@code repo} the events carry. */
    public String repo() {
        return repo;
    }

    /** The events, parents before children, made one at a time. */
    public Iterator<ImportItem> items() {
        return new Iterator<>() {
            private int next;

            @Override
            public boolean hasNext() {
                return next < commits.size();
            }

            @Override
            public ImportItem next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                return item(commits.get(next++));
            }
        };
    }

    private ImportItem item(final RevCommit commit) {
        final String sha = commit.name();
        final String committedAt = Instant.ofEpochSecond(commit.getCommitTime()).toString();
        final ObjectNode json = NODES.objectNode();
        json.put("type", "change").put("id", sha).put("service", service);
        if (team != null) {
            json.put("team", team);
        }
        json.put("source", SOURCE).put("occurredAt", committedAt).put("sha", sha);
        final ArrayNode parents = json.putArray("parents");
        for (final RevCommit parent : commit.getParents()) {
            parents.add(parent.name());
        }
        json.put("committedAt", committedAt).put("repo", repo).put("branch", branch);
        final String label = "commit " + sha.substring(0, 12);
        try {
            final SpecificRecord event = CanonicalEvents.parse(json);
            return ImportItem.valid(label, event, json.toString());
        } catch (final InvalidEventException e) {
            return ImportItem.invalid(label, json.toString(), e.getMessage());
        }
    }
}
