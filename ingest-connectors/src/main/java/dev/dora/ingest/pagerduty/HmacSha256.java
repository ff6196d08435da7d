package dev.dora.ingest.pagerduty;

import java.security.GeneralSecurityException;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** HMAC-SHA256 over raw bytes, and lenient hex decoding for signature headers. */
final class HmacSha256 {

    private static final String ALGORITHM = "HmacSHA256";

    private HmacSha256() {
    }

    /** The HMAC-SHA256 of {@code data} keyed with {@code key} (which must not be empty). */
    static byte[] of(final byte[] key, final byte[] data) {
        try {
            final Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(new SecretKeySpec(key, ALGORITHM));
            return mac.doFinal(data);
        } catch (final GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is unavailable", e);
        }
    }

    /** The bytes of a hexadecimal string (either case), or null when it is not one. */
    static byte[] decodeHex(final String hex) {
        if (hex.isEmpty() || hex.length() % 2 != 0) {
            return null;
        }
        try {
            return HexFormat.of().parseHex(hex);
        } catch (final IllegalArgumentException e) {
            return null;
        }
    }
}
