package io.mp4j.pool;

import io.mp4j.process.ProcessTarget;

import java.io.Serializable;
import java.util.concurrent.Callable;

/**
 * A pool's initializer as a worker runs it: the worker loop below this package knows only
 * {@link Callable}. A plain class, not a record: a fresh worker deserializes one before its first task,
 * and a record's deserialization builds method handles a cold JVM pays for.
 */
final class WorkerInitializer implements Callable<Void>, Serializable
{
    private static final long serialVersionUID = 1L;

    private final ProcessTarget initializer;

    WorkerInitializer(final ProcessTarget initializer)
    {
        this.initializer = initializer;
    }

    @Override
    public Void call() throws Exception
    {
        initializer.run();
        return null;
    }
}
