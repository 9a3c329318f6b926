package io.mp4j.pool;

import io.mp4j.process.ProcessTarget;
import io.mp4j.worker.internal.TaskFunction;

import java.io.Serializable;
import java.util.concurrent.Callable;

/**
 * The lambdas a pool makes around what the user passed, for its workers. A worker rebuilds a lambda
 * through its capturing class, which it loads and verifies first; so they are kept here, in a class that
 * refers to little, rather than in {@link Pool} or {@link PoolCalls}, whose verification in a fresh worker
 * would load much of the pool's own side.
 */
final class WorkerFunctions
{
    private WorkerFunctions()
    {
    }

    /** A pool function as the worker loop below this package applies it. */
    @SuppressWarnings("unchecked")
    static TaskFunction task(final PoolFunction<?, ?> function)
    {
        final PoolFunction<Object, Object> applied = (PoolFunction<Object, Object>)function;
        return applied::apply;
    }

    /** The function a worker applies for a task: it ignores its item. */
    static PoolFunction<?, ?> applying(final PoolCallable<?> task)
    {
        return ignored -> task.call();
    }

    /** A two-argument function as a function of a pair. */
    static <A, B, R> PoolFunction<Pair<A, B>, R> unpacking(final PoolFunction2<A, B, R> function)
    {
        return pair -> function.apply(pair.first(), pair.second());
    }

    /** A serializable {@link Callable} as a task. */
    static <T> PoolCallable<T> calling(final Callable<T> task)
    {
        return task::call;
    }

    /** A serializable {@link Runnable} as a task that returns the given result. */
    static <T> PoolCallable<T> running(final Runnable task, final T result)
    {
        return () ->
        {
            task.run();
            return result;
        };
    }

    /** A pool's initializer as a worker runs it: the worker loop below this package knows only {@link Callable}. */
    static Callable<Void> initializing(final ProcessTarget initializer)
    {
        return (Callable<Void> & Serializable)() ->
        {
            initializer.run();
            return null;
        };
    }
}
