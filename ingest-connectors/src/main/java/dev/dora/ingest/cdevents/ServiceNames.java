package dev.dora.ingest.cdevents;

import dev.dora.ingest.catalog.ServiceCatalog;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Which service a CDEvent is about: the names its fields give (subject ids, package URLs, repository ids) looked up
 * in the service catalog, and the name to use when the catalog has no entry.
 */
final class ServiceNames {

    private ServiceNames() {
    }

    /**
     * The catalog entry of a service and the service's name without one.
     *
     * @param fallback the name without a catalog entry; null when the CDEvent names no service at all
     */
    record Owner(Optional<ServiceCatalog.Entry> entry, String fallback) {
    }

    /**
     * The service of a deployment or an incident: {@code customData.service} ({@code explicit}), else the subject's
     * or the service's {@code id}, else the artifact's package URL; the catalog's applications are looked up by all
     * of them (see {@link #byApplication}).
     */
    static Owner owner(final ServiceCatalog catalog, final String explicit, final String id, final String artifactId) {
        final List<String> names = new ArrayList<>(subjectNames(id));
        names.addAll(purlNames(artifactId));
        final String fallback = explicit != null ? explicit
                : id != null ? lastSegment(id)
                : purlName(artifactId);
        return new Owner(byApplication(catalog, names, explicit), fallback);
    }

    /**
     * The catalog entry of the first of the names (taken from the CDEvent's own fields) that is a catalog
     * application; else that of {@code customData.service} (an application or a catalog service's own name). Like
     * the other connectors, the catalog's mapping of the spec's fields wins over what the sender names.
     */
    static Optional<ServiceCatalog.Entry> byApplication(final ServiceCatalog catalog, final List<String> names,
                                                        final String explicit) {
        for (final String name : names) {
            final Optional<ServiceCatalog.Entry> entry = catalog.forApplication(name);
            if (entry.isPresent()) {
                return entry;
            }
        }
        if (explicit == null) {
            return Optional.empty();
        }
        return catalog.forApplication(explicit).or(() -> catalog.service(explicit));
    }

    /** The catalog entry of a repository, by its id as given or as a path ({@link #repositoryKeys}). */
    static Optional<ServiceCatalog.Entry> byRepository(final ServiceCatalog catalog, final String repositoryId) {
        return repositoryKeys(repositoryId).stream().map(catalog::forRepository).flatMap(Optional::stream)
                .findFirst();
    }

    /** A subject id as given, then its last {@code /} segment ({@code service/shop} → {@code shop}). */
    private static List<String> subjectNames(final String id) {
        if (id == null) {
            return List.of();
        }
        final Set<String> names = new LinkedHashSet<>();
        names.add(id);
        names.add(lastSegment(id));
        return List.copyOf(names);
    }

    /**
     * An artifact id as given, then, for a package URL, without its version ({@code pkg:oci/shop}) and its bare
     * name ({@code shop}).
     */
    private static List<String> purlNames(final String artifactId) {
        if (artifactId == null) {
            return List.of();
        }
        final Set<String> names = new LinkedHashSet<>();
        names.add(artifactId);
        final String unversioned = purlWithoutVersion(artifactId);
        if (unversioned != null) {
            names.add(unversioned);
            names.add(purlName(artifactId));
        }
        return List.copyOf(names);
    }

    /** {@code pkg:type/namespace/name} of a package URL, without version, qualifiers and subpath; else null. */
    private static String purlWithoutVersion(final String purl) {
        if (purl == null || !purl.startsWith("pkg:")) {
            return null;
        }
        String rest = purl;
        final int hash = rest.indexOf('#');
        if (hash >= 0) {
            rest = rest.substring(0, hash);
        }
        final int query = rest.indexOf('?');
        if (query >= 0) {
            rest = rest.substring(0, query);
        }
        final int at = rest.lastIndexOf('@');
        if (at >= 0) {
            rest = rest.substring(0, at);
        }
        while (rest.endsWith("/")) {
            rest = rest.substring(0, rest.length() - 1);
        }
        return rest.indexOf('/') > 0 ? rest : null;
    }

    /** The name of a package URL ({@code pkg:oci/shop@sha256%3A…} → {@code shop}), percent-decoded; else null. */
    private static String purlName(final String purl) {
        final String unversioned = purlWithoutVersion(purl);
        if (unversioned == null) {
            return null;
        }
        final String name = URLDecoder.decode(lastSegment(unversioned), StandardCharsets.UTF_8);
        return name.isBlank() ? null : name;
    }

    /** A repository id as given, then as a path if it is a URL ({@code https://host/acme/shop.git} → acme/shop). */
    private static List<String> repositoryKeys(final String repositoryId) {
        final Set<String> keys = new LinkedHashSet<>();
        keys.add(repositoryId);
        keys.add(repositoryPath(repositoryId));
        return List.copyOf(keys);
    }

    static String repositoryPath(final String repositoryId) {
        String path = repositoryId;
        if (repositoryId.contains("://")) {
            try {
                final String uriPath = URI.create(repositoryId).getPath();
                if (uriPath != null && !uriPath.isBlank()) {
                    path = uriPath;
                }
            } catch (final IllegalArgumentException e) {
                // not a URI after all: keep it as given
            }
        }
        while (path.startsWith("/")) {
            path = path.substring(1);
        }
        while (path.endsWith("/")) {
            path = path.substring(0, path.length() - 1);
        }
        if (path.endsWith(".git")) {
            path = path.substring(0, path.length() - ".git".length());
        }
        return path.isBlank() ? repositoryId : path;
    }

    static String lastSegment(final String name) {
        String trimmed = name.trim();
        while (trimmed.endsWith("/") && trimmed.length() > 1) {
            trimmed = trimmed.substring(0, trimmed.length() - 1);
        }
        final String last = trimmed.substring(trimmed.lastIndexOf('/') + 1);
        return last.isBlank() ? trimmed : last;
    }
}
