package io.mp4j.pool;

import io.mp4j.EncodingException;
import io.mp4j.internal.JavaSerialization;

import java.io.Serializable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * How the pool's API makes its calls, in the caller's thread: functions serialized once, items cut into
 * encoded chunks, futures awaited with failures thrown in the caller's frames.
 */
final class PoolCalls
{
    private PoolCalls()
    {
    }

    /** How many chunks of a size a call of so many items has. */
    static int chunkCount(final int itemCount, final int chunksize)
    {
        if (chunksize < 1)
        {
            throw new IllegalArgumentException("chunksize must be at least 1: chunksize=" + chunksize);
        }
        return (int)(((long)itemCount + chunksize - 1) / chunksize);
    }

    /**
     * A call's chunks of a list, in the caller's thread: a chunk that starts with a boxed number is read from
     * the list when it is sent; any other is serialized here, and fails here if an item is not serializable.
     */
    static List<PoolTask> tasks(final PoolCall call, final List<?> items, final int chunksize)
    {
        final List<PoolTask> tasks = new ArrayList<>(chunkCount(items.size(), chunksize));
        for (int from = 0, index = 0; from < items.size(); from += chunksize, index++)
        {
            tasks.add(PoolTask.of(call, index, items, from, Math.min(items.size(), from + chunksize)));
        }
        return tasks;
    }

    /**
     * A pool function as the workers get it: a {@link io.mp4j.worker.internal.TaskFunction} lambda, so that
     * where the function is a lambda too and captures only plain values, a fresh worker rebuilds it without
     * starting Java serialization.
     */
    static byte[] serializeFunction(final PoolFunction<?, ?> function)
    {
        return JavaSerialization.serialize(WorkerFunctions.task(function), "pool function");
    }

    static <T> PoolCallable<T> serializableCallable(final java.util.concurrent.Callable<T> task)
    {
        if (!(task instanceof Serializable))
        {
            throw new EncodingException("task is not serializable: class=" + task.getClass().getName() +
                " (use a PoolCallable, or cast the lambda to (Callable<T> & Serializable))", null);
        }
        return WorkerFunctions.calling(task);
    }

    static Runnable serializableRunnable(final Runnable task)
    {
        if (!(task instanceof Serializable))
        {
            throw new EncodingException("task is not serializable: class=" + task.getClass().getName() +
                " (cast the lambda to (Runnable & Serializable))", null);
        }
        return task;
    }

    static <T> T await(final CompletableFuture<T> future)
    {
        try
        {
            return future.join();
        }
        catch (final CompletionException ex)
        {
            throw PoolCall.rethrowable(ex.getCause());
        }
    }

    static <T> T await(final CompletableFuture<T> future, final Duration timeout)
    {
        try
        {
            return future.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        }
        catch (final TimeoutException ex)
        {
            future.completeExceptionally(ex);
            throw new io.mp4j.Mp4jTimeoutException("pool call timed out: timeout=" + timeout);
        }
        catch (final ExecutionException ex)
        {
            throw PoolCall.rethrowable(ex.getCause());
        }
        catch (final InterruptedException ex)
        {
            future.cancel(true);
            Thread.currentThread().interrupt();
            throw new CancellationException("interrupted while waiting for a pool call");
        }
    }

    /** Waits for every future until the deadline, cancelling all when it passes, as invokeAll does. */
    static <T> List<Future<T>> awaitAll(final List<Future<T>> futures, final long timeout, final TimeUnit unit)
        throws InterruptedException
    {
        final long deadline = timeout == Long.MAX_VALUE ? Long.MAX_VALUE : System.nanoTime() + unit.toNanos(timeout);
        for (final Future<T> future : futures)
        {
            try
            {
                if (deadline == Long.MAX_VALUE)
                {
                    future.get();
                }
                else
                {
                    future.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                }
            }
            catch (final ExecutionException | CancellationException ex)
            {
                // Reported by the future itself.
            }
            catch (final TimeoutException ex)
            {
                futures.forEach(f -> f.cancel(true));
                break;
            }
        }
        return futures;
    }

    /** The first result of any future, as invokeAny gives it; the others are cancelled. */
    static <T> T first(final List<CompletableFuture<T>> futures, final long timeout, final TimeUnit unit)
        throws InterruptedException, ExecutionException, TimeoutException
    {
        final CompletableFuture<T> first = new CompletableFuture<>();
        final java.util.concurrent.atomic.AtomicInteger failures = new java.util.concurrent.atomic.AtomicInteger();
        for (final CompletableFuture<T> future : futures)
        {
            future.whenComplete((value, error) ->
            {
                if (error == null)
                {
                    first.complete(value);
                }
                else if (failures.incrementAndGet() == futures.size())
                {
                    first.completeExceptionally(error);
                }
            });
        }
        try
        {
            return first.get(timeout, unit);
        }
        finally
        {
            futures.forEach(f -> f.cancel(true));
        }
    }
}
