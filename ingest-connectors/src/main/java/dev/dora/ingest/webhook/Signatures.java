package dev.dora.ingest.webhook;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Signature and token checks shared by the webhook sources. Every comparison is constant-time
 * ({@link MessageDigest#isEqual}); no message ever contains the secret or the expected value.
 */
public final class Signatures {

    /** The answer to a signature that is not valid hexadecimal. */
    public static final String MALFORMED = "malformed signature";
    /** The answer to a well-formed signature that does not match. */
    public static final String MISMATCH = "signature does not match the body";

    private static final String HMAC_SHA256 = "HmacSHA256";

    private Signatures() {
    }

    /** HMAC-SHA256 of the raw bytes. */
    public static byte[] hmacSha256(final byte[] secret, final byte[] body) {
        if (secret.length == 0) {
            throw new IllegalArgumentException("the secret is empty");
        }
        try {
            final Mac mac = Mac.getInstance(HMAC_SHA256);
            mac.init(new SecretKeySpec(secret, HMAC_SHA256));
            return mac.doFinal(body);
        } catch (final GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }

    /** HMAC-SHA256 of the raw bytes as lower-case hexadecimal, as GitHub and PagerDuty send it. */
    public static String hmacSha256Hex(final byte[] secret, final byte[] body) {
        return HexFormat.of().formatHex(hmacSha256(secret, body));
    }

    /**
     * Checks a hexadecimal HMAC-SHA256 (either case) of {@code body}.
     *
     * @return empty when it matches, else {@link #MALFORMED} or {@link #MISMATCH}
     */
    public static Optional<String> verifyHmacSha256Hex(final byte[] secret, final byte[] body,
                                                       final String expectedHex) {
        final Optional<byte[]> expected = decodeHex(expectedHex);
        if (expected.isEmpty()) {
            return Optional.of(MALFORMED);
        }
        return MessageDigest.isEqual(hmacSha256(secret, body), expected.get())
                ? Optional.empty()
                : Optional.of(MISMATCH);
    }

    /**
     * Checks a token sent in plain text (GitLab's {@code X-Gitlab-Token}, a bearer token) against the secret.
     *
     * @return whether they are equal; false for a null token
     */
    public static boolean tokenMatches(final byte[] secret, final String token) {
        // isEqual's time depends on its first argument's length: the sender's token, never the secret
        return token != null && MessageDigest.isEqual(token.getBytes(StandardCharsets.UTF_8), secret);
    }

    /** Hexadecimal text (either case, even length) as bytes; empty when it is not. */
    public static Optional<byte[]> decodeHex(final String hex) {
        if (hex == null || hex.isEmpty() || hex.length() % 2 != 0) {
            return Optional.empty();
        }
        try {
            return Optional.of(HexFormat.of().parseHex(hex));
        } catch (final IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
