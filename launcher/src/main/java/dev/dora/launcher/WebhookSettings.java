package dev.dora.launcher;

import dev.dora.ingest.catalog.ServiceCatalogYaml;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;

/**
 * How the webhook endpoints are set up: the service catalog file, the secrets configured in a file (the
 * environment supplies the others), and whether sources without a secret may send unsigned webhooks.
 */
record WebhookSettings(Optional<Path> catalog, Map<String, String> configuredSecrets, boolean insecure) {

    static WebhookSettings none() {
        return new WebhookSettings(Optional.empty(), Map.of(), false);
    }

    static WebhookSettings load(final Path catalog, final Path secretsFile, final boolean insecure) {
        final Map<String, String> secrets = new HashMap<>();
        if (secretsFile != null) {
            final Properties properties = new Properties();
            try (Reader reader = Files.newBufferedReader(secretsFile)) {
                properties.load(reader);
            } catch (final IOException e) {
                throw new UncheckedIOException("cannot read --webhook-secrets " + secretsFile + ": " + e.getMessage(), e);
            }
            properties.stringPropertyNames().forEach(name -> secrets.put(name.trim(), properties.getProperty(name).trim()));
        }
        return new WebhookSettings(Optional.ofNullable(catalog), Map.copyOf(secrets), insecure);
    }

    /** The production environments named by the catalog file, empty when it names none or there is no file. */
    Set<String> catalogProduction() {
        if (catalog.isEmpty()) {
            return Set.of();
        }
        try {
            return ServiceCatalogYaml.parse(Files.readString(catalog.get())).production();
        } catch (final IOException e) {
            throw new UncheckedIOException("cannot read --catalog " + catalog.get() + ": " + e.getMessage(), e);
        }
    }

    @Override
    public String toString() {
        return "WebhookSettings[catalog=" + catalog + ", configuredSecrets=" + configuredSecrets.keySet()
                + ", insecure=" + insecure + "]";
    }
}
