package dev.dora.schema;

import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;

/** The schemas module's own tests trust the generated classes as the programs do (the test kit depends on it). */
public final class TrustGeneratedClassesListener implements LauncherSessionListener {

    @Override
    public void launcherSessionOpened(final LauncherSession session) {
        AvroCodec.trustGeneratedClasses();
    }
}
