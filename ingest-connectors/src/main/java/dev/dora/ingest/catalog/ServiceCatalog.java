package dev.dora.ingest.catalog;

import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Maps what providers name (repositories, PagerDuty services, CD applications) to canonical services, each
 * service to its team, and names the production environments. Without an entry, connectors fall back to a rule
 * of their own (e.g. the repository name without its owner) and report the service as unmapped.
 */
public final class ServiceCatalog {

    /**
     * One service of the catalog.
     *
     * @param defaultBranch the branch whose builds tell whether the service's main line is broken (pipeline health);
     *                      null when the catalog names none, which the pipeline reads as {@code main} or
     *                      {@code master}
     */
    public record Entry(String name, String team, List<String> repositories, List<String> pagerduty,
                        List<String> applications, String defaultBranch) {

        public Entry {
            repositories = repositories == null ? List.of() : List.copyOf(repositories);
            pagerduty = pagerduty == null ? List.of() : List.copyOf(pagerduty);
            applications = applications == null ? List.of() : List.copyOf(applications);
        }

        /** An entry that names no default branch. */
        public Entry(final String name, final String team, final List<String> repositories,
                     final List<String> pagerduty, final List<String> applications) {
            this(name, team, repositories, pagerduty, applications, null);
        }
    }

    private static final ServiceCatalog EMPTY = new ServiceCatalog(List.of(), List.of());

    private final List<Entry> entries;
    private final Set<String> production;
    private final Map<String, Entry> byRepository;
    private final Map<String, Entry> byPagerDuty;
    private final Map<String, Entry> byApplication;
    private final Map<String, Entry> byName;

    public ServiceCatalog(final List<Entry> entries, final List<String> production) {
        this.entries = List.copyOf(entries);
        this.production = production.stream().map(ServiceCatalog::fold).collect(Collectors.toUnmodifiableSet());
        final Map<String, Entry> repositories = new HashMap<>();
        final Map<String, Entry> pagerduty = new HashMap<>();
        final Map<String, Entry> applications = new HashMap<>();
        final Map<String, Entry> names = new HashMap<>();
        for (final Entry entry : entries) {
            names.put(entry.name(), entry);
            entry.repositories().forEach(r -> repositories.put(fold(r), entry));
            entry.pagerduty().forEach(p -> pagerduty.put(fold(p), entry));
            entry.applications().forEach(a -> applications.put(fold(a), entry));
        }
        this.byRepository = Map.copyOf(repositories);
        this.byPagerDuty = Map.copyOf(pagerduty);
        this.byApplication = Map.copyOf(applications);
        this.byName = Map.copyOf(names);
    }

    public static ServiceCatalog empty() {
        return EMPTY;
    }

    private static String fold(final String name) {
        return name.trim().toLowerCase(Locale.ROOT);
    }

    public List<Entry> entries() {
        return entries;
    }

    /** Production environment names (lower case); empty means "use the pipeline's configuration". */
    public Set<String> production() {
        return production;
    }

    /** By GitHub {@code full_name} or GitLab {@code path_with_namespace}, case-insensitively. */
    public Optional<Entry> forRepository(final String fullName) {
        return fullName == null ? Optional.empty() : Optional.ofNullable(byRepository.get(fold(fullName)));
    }

    /** By PagerDuty service summary, case-insensitively. */
    public Optional<Entry> forPagerDuty(final String summary) {
        return summary == null ? Optional.empty() : Optional.ofNullable(byPagerDuty.get(fold(summary)));
    }

    /** By CD application name (e.g. a CDEvents subject's service or application), case-insensitively. */
    public Optional<Entry> forApplication(final String name) {
        return name == null ? Optional.empty() : Optional.ofNullable(byApplication.get(fold(name)));
    }

    public Optional<Entry> service(final String name) {
        return Optional.ofNullable(byName.get(name));
    }

    /** The default branch the catalog names for a canonical service, or null when it names none. */
    public String defaultBranch(final String service) {
        final Entry entry = service == null ? null : byName.get(service);
        return entry == null ? null : entry.defaultBranch();
    }
}
