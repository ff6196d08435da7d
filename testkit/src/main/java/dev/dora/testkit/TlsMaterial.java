package dev.dora.testkit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A broker key store and a client trust store made for one test with the running JDK's {@code keytool}: a
 * self-signed certificate for {@code localhost} and {@code 127.0.0.1} (so clients verify the host name as they do by
 * default), in PKCS12 files.
 *
 * @param keyStore         the broker's key store (certificate and private key)
 * @param keyStorePassword its password, also the key's
 * @param trustStore       the clients' trust store holding the certificate
 * @param trustStorePassword its password
 */
public record TlsMaterial(Path keyStore, String keyStorePassword, Path trustStore, String trustStorePassword) {

    /** Generates the stores in {@code dir}. */
    public static TlsMaterial generate(final Path dir, final String keyStorePassword, final String trustStorePassword)
            throws IOException, InterruptedException {
        Files.createDirectories(dir);
        final Path keyStore = dir.resolve("broker.p12");
        final Path certificate = dir.resolve("broker.pem");
        final Path trustStore = dir.resolve("truststore.p12");
        keytool(dir, "-genkeypair", "-alias", "broker", "-keyalg", "RSA", "-keysize", "2048", "-validity", "7",
                "-dname", "CN=localhost", "-ext", "SAN=dns:localhost,ip:127.0.0.1",
                "-keystore", keyStore.toString(), "-storetype", "PKCS12",
                "-storepass", keyStorePassword, "-keypass", keyStorePassword);
        keytool(dir, "-exportcert", "-alias", "broker", "-rfc", "-file", certificate.toString(),
                "-keystore", keyStore.toString(), "-storetype", "PKCS12", "-storepass", keyStorePassword);
        keytool(dir, "-importcert", "-noprompt", "-alias", "broker", "-file", certificate.toString(),
                "-keystore", trustStore.toString(), "-storetype", "PKCS12", "-storepass", trustStorePassword);
        return new TlsMaterial(keyStore, keyStorePassword, trustStore, trustStorePassword);
    }

    /** What a client needs to reach a TLS listener with this certificate, with the given trust store password. */
    public Map<String, String> clientProperties(final String password) {
        return Map.of(
                "security.protocol", "SSL",
                "ssl.truststore.location", trustStore.toString(),
                "ssl.truststore.type", "PKCS12",
                "ssl.truststore.password", password);
    }

    /** The broker settings of a listener named {@code listener} (lower case) serving this certificate. */
    Map<String, String> brokerProperties(final String listener) {
        final String prefix = "listener.name." + listener + ".";
        return Map.of(
                prefix + "ssl.keystore.location", keyStore.toString(),
                prefix + "ssl.keystore.password", keyStorePassword,
                prefix + "ssl.key.password", keyStorePassword,
                prefix + "ssl.keystore.type", "PKCS12");
    }

    private static void keytool(final Path dir, final String... args) throws IOException, InterruptedException {
        final List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        command.addAll(List.of(args));
        final Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        final String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IllegalStateException("keytool " + args[0] + " failed: " + output.trim());
        }
    }
}
