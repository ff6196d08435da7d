package dev.dora.launcher.importer;

import java.util.OptionalLong;

/**
 * The records a running pipeline has been given but not processed yet, which an import paces itself by
 * ({@link Pacer}). Empty when it cannot be known (no pipeline running, or a dora from before health reported it):
 * then the import does not wait.
 */
interface PipelineBacklog extends AutoCloseable {

    /** A backlog that is never known: the import is not paced. */
    PipelineBacklog UNKNOWN = new PipelineBacklog() {
        @Override
        public OptionalLong pending() {
            return OptionalLong.empty();
        }

        @Override
        public void close() {
        }
    };

    OptionalLong pending() throws InterruptedException;

    @Override
    void close();
}
