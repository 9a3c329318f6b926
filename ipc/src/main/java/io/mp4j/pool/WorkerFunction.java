package io.mp4j.pool;

import io.mp4j.worker.internal.TaskFunction;

/**
 * A pool function as a worker applies it: the worker loop below this package knows only
 * {@link TaskFunction}. A plain class, not a record: a fresh worker deserializes one before its first
 * task, and a record's deserialization builds method handles a cold JVM pays for.
 */
final class WorkerFunction implements TaskFunction
{
    private static final long serialVersionUID = 1L;

    private final PoolFunction<Object, Object> function;

    WorkerFunction(final PoolFunction<Object, Object> function)
    {
        this.function = function;
    }

    @Override
    public Object apply(final Object item) throws Exception
    {
        return function.apply(item);
    }
}
