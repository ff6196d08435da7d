package dev.dora.ingest.cdevents;

import static dev.dora.ingest.cdevents.CanonicalJson.putIfPresent;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dora.ingest.JsonFields;
import dev.dora.ingest.catalog.ServiceCatalog;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * CDEvents {@code change.merged} as canonical changes. The spec has no field for the commit, so the sha is
 * {@code customData.sha} (else a {@code subject.id} that is a sha) and a merge without one is ignored; the parents are
 * {@code customData.parents}. The service: the catalog's {@code repositories} ∋
 * {@code subject.content.repository.id}, else its {@code applications} ∋ {@code customData.service}; without an entry
 * {@code customData.service}, else the repository's last segment.
 */
final class Changes {

    private Changes() {
    }

    static Mapped map(final CDEvent event, final ServiceCatalog catalog) {
        final String sha = sha(event);
        if (sha == null) {
            return Mapped.ignored(event.type() + " carries no commit sha (set customData.sha): no change to record");
        }
        final List<String> parents = event.custom().shas("parents");
        final String repositoryId = repositoryId(event);
        final String explicit = event.custom().optionalText("service");
        if (explicit == null && repositoryId == null) {
            throw event.subject().invalid("content.repository.id", "required to name the service"
                    + " (or set customData.service)");
        }
        final Optional<ServiceCatalog.Entry> byRepository = repositoryId == null ? Optional.empty()
                : ServiceNames.byRepository(catalog, repositoryId);
        final Optional<ServiceCatalog.Entry> entry = byRepository.isPresent() ? byRepository
                : ServiceNames.byApplication(catalog, List.of(), explicit);
        final String fallback = explicit != null ? explicit
                : ServiceNames.lastSegment(ServiceNames.repositoryPath(repositoryId));
        final ObjectNode json = CanonicalJson.common("change", sha, event, entry, fallback);
        json.put("sha", sha);
        final ArrayNode parentArray = json.putArray("parents");
        parents.forEach(parentArray::add);
        json.put("committedAt", event.timestamp().toString());
        putIfPresent(json, "repo", repositoryId);
        putIfPresent(json, "branch", event.custom().optionalText("branch"));
        return Mapped.of(json, entry.isEmpty() ? json.get("service").textValue() : null, event.cdevent(), Map.of(
                "id", "customData.sha", "sha", "customData.sha", "parents", "customData.parents",
                "committedAt", "context.timestamp", "repo", "subject.content.repository.id",
                "branch", "customData.branch"));
    }

    /** {@code customData.sha}, else a {@code subject.id} that is a sha, in lower case; null when neither is. */
    private static String sha(final CDEvent event) {
        final String sha = event.custom().optionalSha("sha");
        if (sha != null) {
            return sha;
        }
        final String subjectId = event.subject().optionalText("id");
        return JsonFields.isSha(subjectId) ? subjectId.toLowerCase(Locale.ROOT) : null;
    }

    /** {@code subject.content.repository.id}, or null when any of it is absent. */
    private static String repositoryId(final CDEvent event) {
        final JsonFields content = event.subject().optionalObject("content");
        final JsonFields repository = content == null ? null : content.optionalObject("repository");
        return repository == null ? null : repository.optionalText("id");
    }
}
