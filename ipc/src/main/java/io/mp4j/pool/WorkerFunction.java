package io.mp4j.pool;

import io.mp4j.worker.internal.TaskFunction;

/**
 * A pool function as a worker applies it: the worker loop below this package knows only
 * {@link TaskFunction}.
 *
 * @param function the user's function.
 */
record WorkerFunction(PoolFunction<Object, Object> function) implements TaskFunction
{
    private static final long serialVersionUID = 1L;

    @Override
    public Object apply(final Object item) throws Exception
    {
        return function.apply(item);
    }
}
