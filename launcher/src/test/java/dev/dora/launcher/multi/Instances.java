package dev.dora.launcher.multi;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/** Several instances started at once (each start waits for its topics and Kafka Streams), closed together. */
final class Instances implements AutoCloseable {

    /** Starts one instance. */
    @FunctionalInterface
    interface Starter {
        AppInstance start() throws Exception;
    }

    private final List<AppInstance> started;

    private Instances(final List<AppInstance> started) {
        this.started = started;
    }

    static Instances start(final int count, final Starter starter) throws Exception {
        final ExecutorService pool = Executors.newFixedThreadPool(count);
        final List<Future<AppInstance>> starting = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            starting.add(pool.submit(starter::start));
        }
        pool.shutdown();
        final List<AppInstance> started = new ArrayList<>();
        Exception failure = null;
        for (final Future<AppInstance> one : starting) {
            try {
                started.add(one.get());
            } catch (final ExecutionException e) {
                failure = failure == null ? e : failure;
            }
        }
        if (failure != null) {
            started.forEach(AppInstance::close);
            throw failure;
        }
        return new Instances(started);
    }

    AppInstance get(final int index) {
        return started.get(index);
    }

    @Override
    public void close() {
        started.forEach(AppInstance::close);
    }
}
