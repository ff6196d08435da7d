package dev.dora.testkit;

import dev.dora.schema.AvroCodec;
import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;

/**
 * Trusts the generated Avro classes in every test JVM exactly as the programs do, through
 * {@link AvroCodec#trustGeneratedClasses()} and nothing else: a test may build a generated record before anything
 * touches the codec, and a system property set only for tests once hid a generated class the programs did not trust.
 */
public final class TrustGeneratedClasses implements LauncherSessionListener {

    @Override
    public void launcherSessionOpened(final LauncherSession session) {
        AvroCodec.trustGeneratedClasses();
    }
}
