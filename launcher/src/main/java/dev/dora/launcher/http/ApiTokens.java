package dev.dora.launcher.http;

import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The API tokens of {@code --api-tokens FILE} (or {@code DORA_API_TOKENS}), a YAML document of this shape:
 *
 * <pre>
 * tokens:
 *   - name: grafana          # shown in logs and metrics, never the token
 *     scope: read            # read | ingest | admin
 *     sha256: 9f86d0…        # hex SHA-256 of the token; the token itself is never stored
 * </pre>
 *
 * <p>Only hashes are kept, so the file is no secret and the server never holds a token it did not just receive. A
 * presented token is hashed and compared with every entry in constant time ({@link MessageDigest#isEqual}), always
 * all of them, so neither the position of a match nor a common prefix shows in the time taken. Validation is strict:
 * unknown keys, repeated keys, names or hashes, and anything but 64 hexadecimal digits are refused, naming the path of
 * the problem, e.g. {@code tokens[2].scope: must be one of read, ingest, admin (got 'write')}.
 */
public final class ApiTokens {

    /** Longest accepted token: more than any generated token needs, little enough to hash on every request. */
    public static final int MAX_TOKEN_CHARS = 4_096;

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    private static final Pattern HEX_SHA256 = Pattern.compile("[0-9a-fA-F]{64}");
    private static final Set<String> TOP_KEYS = Set.of("tokens");
    private static final Set<String> TOKEN_KEYS = Set.of("name", "scope", "sha256");
    private static final ObjectMapper YAML = new YAMLMapper(YAMLFactory.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build());

    /** A token a request presented and the file knows: its name and scope, never the token. */
    public record Token(String name, Scope scope) {
    }

    private record Entry(Token token, byte[] sha256) {
    }

    private final List<Entry> entries;

    private ApiTokens(final List<Entry> entries) {
        this.entries = List.copyOf(entries);
    }

    /** No tokens: the API is open (the server then binds only the loopback interface unless told otherwise). */
    public static ApiTokens none() {
        return new ApiTokens(List.of());
    }

    /** A tokens file that cannot be used; the message names the file and the path of the first problem. */
    public static final class InvalidTokensException extends IllegalArgumentException {

        private static final long serialVersionUID = 1L;

        InvalidTokensException(final String message) {
            super(message);
        }
    }

    /**
     * Reads a tokens file.
     *
     * @throws InvalidTokensException when it cannot be read or is invalid, naming the file
     */
    public static ApiTokens load(final Path file) {
        final String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (final IOException e) {
            throw new InvalidTokensException("cannot read the API tokens file " + file + ": " + e.getMessage());
        }
        try {
            return parse(text);
        } catch (final InvalidTokensException e) {
            throw new InvalidTokensException("API tokens file " + file + ": " + e.getMessage());
        }
    }

    /**
     * Parses a tokens document.
     *
     * @throws InvalidTokensException naming the path of the first problem
     */
    public static ApiTokens parse(final String yaml) {
        final JsonNode root;
        try {
            root = YAML.readTree(yaml);
        } catch (final IOException e) {
            throw new InvalidTokensException("not valid YAML: " + e.getMessage().lines().findFirst().orElse(""));
        }
        if (root == null || !root.isObject()) {
            throw new InvalidTokensException("tokens: required (a list of name, scope and sha256)");
        }
        onlyKeys(root, TOP_KEYS, "");
        final JsonNode list = root.get("tokens");
        if (list == null || !list.isArray() || list.isEmpty()) {
            throw new InvalidTokensException("tokens: required, a list of at least one token");
        }
        final List<Entry> entries = new ArrayList<>();
        final Set<String> names = new LinkedHashSet<>();
        final Set<String> hashes = new LinkedHashSet<>();
        for (int i = 0; i < list.size(); i++) {
            final Entry entry = entry(list.get(i), "tokens[" + i + "]");
            if (!names.add(entry.token().name())) {
                throw new InvalidTokensException("tokens[" + i + "].name: '" + entry.token().name()
                        + "' is already the name of another token");
            }
            if (!hashes.add(HexFormat.of().formatHex(entry.sha256()))) {
                throw new InvalidTokensException("tokens[" + i + "].sha256: the same hash as another token's");
            }
            entries.add(entry);
        }
        return new ApiTokens(entries);
    }

    private static Entry entry(final JsonNode node, final String path) {
        if (!node.isObject()) {
            throw new InvalidTokensException(path + ": must be a map with name, scope and sha256");
        }
        onlyKeys(node, TOKEN_KEYS, path + ".");
        final String name = text(node, path, "name");
        if (!NAME.matcher(name).matches()) {
            throw new InvalidTokensException(path + ".name: 1 to 64 letters, digits, '.', '_' or '-', starting"
                    + " with a letter or digit (got '" + name + "')");
        }
        final Scope scope;
        try {
            scope = Scope.parse(text(node, path, "scope"));
        } catch (final IllegalArgumentException e) {
            throw new InvalidTokensException(path + ".scope: " + e.getMessage());
        }
        final String sha256 = text(node, path, "sha256");
        if (!HEX_SHA256.matcher(sha256).matches()) {
            throw new InvalidTokensException(path + ".sha256: must be the 64 hexadecimal digits of the token's"
                    + " SHA-256 (e.g. printf %s \"$TOKEN\" | sha256sum), not the token itself");
        }
        return new Entry(new Token(name, scope), HexFormat.of().parseHex(sha256.toLowerCase(java.util.Locale.ROOT)));
    }

    private static String text(final JsonNode node, final String path, final String key) {
        final JsonNode value = node.get(key);
        if (value == null || !value.isTextual() || value.textValue().isBlank()) {
            throw new InvalidTokensException(path + "." + key + ": required (a string)");
        }
        return value.textValue().trim();
    }

    private static void onlyKeys(final JsonNode node, final Set<String> allowed, final String path) {
        for (final Iterator<Map.Entry<String, JsonNode>> it = node.properties().iterator(); it.hasNext(); ) {
            final String key = it.next().getKey();
            if (!allowed.contains(key)) {
                throw new InvalidTokensException(path + key + ": unknown key; allowed: " + String.join(", ",
                        allowed.stream().sorted().toList()));
            }
        }
    }

    /** Whether no token is configured, i.e. the API is open. */
    public boolean isEmpty() {
        return entries.isEmpty();
    }

    /** The names of the configured tokens, in the file's order. */
    public List<String> names() {
        return entries.stream().map(e -> e.token().name()).toList();
    }

    /**
     * The token a request presented, if the file knows it. Every entry is compared, in constant time each, whatever
     * matched before, so the time taken tells nothing about which entry matched or how much of a hash did.
     */
    public Optional<Token> find(final String presented) {
        if (presented == null || presented.isEmpty() || presented.length() > MAX_TOKEN_CHARS) {
            return Optional.empty();
        }
        final byte[] hash = sha256(presented);
        Token found = null;
        for (final Entry entry : entries) {
            if (MessageDigest.isEqual(hash, entry.sha256()) && found == null) {
                found = entry.token();
            }
        }
        return Optional.ofNullable(found);
    }

    /**
     * These tokens and one more, known only to this process (the demo loads its history with one). Its hash is kept
     * like the others'; the token itself stays with the caller.
     */
    public ApiTokens with(final String name, final Scope scope, final String token) {
        final List<Entry> all = new ArrayList<>(entries);
        all.add(new Entry(new Token(name, scope), sha256(token)));
        return new ApiTokens(all);
    }

    /** The hex SHA-256 of a token, as the tokens file holds it. */
    public static String sha256Hex(final String token) {
        return HexFormat.of().formatHex(sha256(token));
    }

    private static byte[] sha256(final String token) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
        } catch (final NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
