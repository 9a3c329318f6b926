package io.mp4j.pool;

import io.mp4j.process.ProcessTarget;

import java.io.Serializable;
import java.util.concurrent.Callable;

/**
 * A pool's initializer as a worker runs it: the worker loop below this package knows only
 * {@link Callable}.
 *
 * @param initializer the user's initializer.
 */
record WorkerInitializer(ProcessTarget initializer) implements Callable<Void>, Serializable
{
    private static final long serialVersionUID = 1L;

    @Override
    public Void call() throws Exception
    {
        initializer.run();
        return null;
    }
}
