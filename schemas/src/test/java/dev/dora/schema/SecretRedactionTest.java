package dev.dora.schema;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("unit")
class SecretRedactionTest {

    @Test
    void kafkasPasswordKeysAndSecretSoundingNamesAreSecret() {
        for (final String key : new String[] {"sasl.jaas.config", "ssl.keystore.password", "ssl.key.password",
                "ssl.truststore.password", "producer.sasl.jaas.config", "main.consumer.ssl.keystore.password",
                "ssl.keystore.key", "listener.name.client.scram-sha-512.sasl.jaas.config", "my.api.secret"}) {
            assertTrue(SecretRedaction.isSecret(key), key);
        }
        for (final String key : new String[] {"security.protocol", "ssl.truststore.location", "sasl.mechanism",
                "bootstrap.servers", "num.stream.threads", "key.serializer"}) {
            assertFalse(SecretRedaction.isSecret(key), key);
        }
    }

    @Test
    void registeredValuesAndInlinePasswordsAreScrubbedFromAnyText() {
        SecretRedaction.register(Map.of("ssl.keystore.password", "ks-pass-4711",
                "sasl.jaas.config", "PlainLoginModule required username=\"u\" password=\"jaas-pass-0815\";"));
        final String text = "failed with ks-pass-4711 and jaas-pass-0815; also password=literal-pw and "
                + "password = \"quoted pw\" for user u";
        final String scrubbed = SecretRedaction.scrub(text);
        assertFalse(scrubbed.contains("ks-pass-4711"), scrubbed);
        assertFalse(scrubbed.contains("jaas-pass-0815"), scrubbed);
        assertFalse(scrubbed.contains("literal-pw"), scrubbed);
        assertFalse(scrubbed.contains("quoted pw"), scrubbed);
        assertTrue(scrubbed.contains("for user u"), scrubbed);
    }

    @Test
    void aFailureIsCopiedWithScrubbedMessagesAndTheSameTrace() {
        SecretRedaction.register(Map.of("ssl.key.password", "key-pass-9999"));
        final IllegalStateException cause = new IllegalStateException("bad key-pass-9999");
        final RuntimeException failure = new RuntimeException("outer key-pass-9999", cause);
        final Throwable copy = SecretRedaction.scrub(failure);
        assertEquals("java.lang.RuntimeException: outer [hidden]", copy.getMessage());
        assertEquals("java.lang.IllegalStateException: bad [hidden]", copy.getCause().getMessage());
        assertEquals(failure.getStackTrace()[0], copy.getStackTrace()[0]);
    }

    @Test
    void aRedactedMapKeepsEveryKey() {
        assertEquals(Map.of("sasl.jaas.config", "[hidden]", "security.protocol", "SASL_SSL"),
                SecretRedaction.redact(Map.of("sasl.jaas.config", "x", "security.protocol", "SASL_SSL")));
    }
}
