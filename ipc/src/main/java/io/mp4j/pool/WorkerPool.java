package io.mp4j.pool;

import java.io.Serializable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Python's {@code multiprocessing.Pool} as an interface, whichever backend runs the work: {@link Pool} with
 * worker JVMs on this machine, or a cluster's compute grid. Items travel in chunks; results come back in the
 * order of the items (except from {@link #imapUnordered}), each exactly once, even when a worker dies and its
 * chunk runs again elsewhere. A function that throws fails its call with an {@link io.mp4j.RemoteException}
 * carrying the remote stack trace.
 * <p>
 * Lifetime, in Python's words and the JDK's: {@link #shutdown()} is Python's {@code close()}, {@link #join()}
 * waits for the work to end, {@link #close()} is both, {@link #terminate()} stops at once and fails what is
 * pending. Any thread may call any method.
 */
public interface WorkerPool extends ExecutorService, AutoCloseable
{
    /**
     * Applies the function to every item, in chunks of Python's default size: Python's {@code map}.
     *
     * @param function what to apply; serialized once per call.
     * @param items    the inputs.
     * @param <T>      the item type.
     * @param <R>      the result type.
     * @return the results, in the order of the items.
     */
    default <T, R> List<R> map(final PoolFunction<T, R> function, final Iterable<? extends T> items)
    {
        return PoolCalls.await(mapAsync(function, items));
    }

    /**
     * Applies the function to every item, in chunks of the given size.
     *
     * @param function  what to apply.
     * @param items     the inputs.
     * @param chunksize items per chunk, at least 1.
     * @param <T>       the item type.
     * @param <R>       the result type.
     * @return the results, in the order of the items.
     */
    default <T, R> List<R> map(final PoolFunction<T, R> function, final Iterable<? extends T> items, final int chunksize)
    {
        return PoolCalls.await(mapAsync(function, items, chunksize));
    }

    /**
     * Applies the function to every item, waiting at most the timeout: Python's {@code map_async(...).get(timeout)}.
     *
     * @param function what to apply.
     * @param items    the inputs.
     * @param timeout  how long at most; the call is cancelled when it runs out.
     * @param <T>      the item type.
     * @param <R>      the result type.
     * @return the results, in the order of the items.
     * @throws io.mp4j.Mp4jTimeoutException if the time ran out.
     */
    default <T, R> List<R> map(final PoolFunction<T, R> function, final Iterable<? extends T> items, final Duration timeout)
    {
        return PoolCalls.await(mapAsync(function, items), timeout);
    }

    /**
     * Starts a {@link #map(PoolFunction, Iterable)}: Python's {@code map_async}.
     *
     * @param function what to apply.
     * @param items    the inputs.
     * @param <T>      the item type.
     * @param <R>      the result type.
     * @return the future results; cancelling it stops the call.
     */
    <T, R> CompletableFuture<List<R>> mapAsync(PoolFunction<T, R> function, Iterable<? extends T> items);

    /**
     * Starts a {@link #map(PoolFunction, Iterable, int)}.
     *
     * @param function  what to apply.
     * @param items     the inputs.
     * @param chunksize items per chunk, at least 1.
     * @param <T>       the item type.
     * @param <R>       the result type.
     * @return the future results; cancelling it stops the call.
     */
    <T, R> CompletableFuture<List<R>> mapAsync(PoolFunction<T, R> function, Iterable<? extends T> items, int chunksize);

    /**
     * Results one by one, in order, as they come: Python's {@code imap} (chunks of one item).
     *
     * @param function what to apply.
     * @param items    the inputs.
     * @param <T>      the item type.
     * @param <R>      the result type.
     * @return the results, blocking in {@code next()} until the next is ready.
     */
    default <T, R> Iterator<R> imap(final PoolFunction<T, R> function, final Iterable<? extends T> items)
    {
        return imap(function, items, 1);
    }

    /**
     * Results one by one, in order, from chunks of the given size.
     *
     * @param function  what to apply.
     * @param items     the inputs.
     * @param chunksize items per chunk, at least 1.
     * @param <T>       the item type.
     * @param <R>       the result type.
     * @return the results, blocking in {@code next()} until the next is ready.
     */
    <T, R> Iterator<R> imap(PoolFunction<T, R> function, Iterable<? extends T> items, int chunksize);

    /**
     * Results one by one as they finish: Python's {@code imap_unordered} (chunks of one item).
     *
     * @param function what to apply.
     * @param items    the inputs.
     * @param <T>      the item type.
     * @param <R>      the result type.
     * @return the results in the order they finish.
     */
    default <T, R> Iterator<R> imapUnordered(final PoolFunction<T, R> function, final Iterable<? extends T> items)
    {
        return imapUnordered(function, items, 1);
    }

    /**
     * Results one by one as they finish, from chunks of the given size.
     *
     * @param function  what to apply.
     * @param items     the inputs.
     * @param chunksize items per chunk, at least 1.
     * @param <T>       the item type.
     * @param <R>       the result type.
     * @return the results in the order they finish.
     */
    <T, R> Iterator<R> imapUnordered(PoolFunction<T, R> function, Iterable<? extends T> items, int chunksize);

    /**
     * Applies a two-argument function to every pair: Python's {@code starmap}.
     *
     * @param function  what to apply.
     * @param arguments the argument pairs.
     * @param <A>       the first argument's type.
     * @param <B>       the second argument's type.
     * @param <R>       the result type.
     * @return the results, in the order of the pairs.
     */
    default <A, B, R> List<R> starmap(final PoolFunction2<A, B, R> function, final Iterable<? extends Pair<A, B>> arguments)
    {
        return PoolCalls.await(starmapAsync(function, arguments));
    }

    /**
     * Applies a two-argument function to every pair, in chunks of the given size.
     *
     * @param function  what to apply.
     * @param arguments the argument pairs.
     * @param chunksize pairs per chunk, at least 1.
     * @param <A>       the first argument's type.
     * @param <B>       the second argument's type.
     * @param <R>       the result type.
     * @return the results, in the order of the pairs.
     */
    default <A, B, R> List<R> starmap(
        final PoolFunction2<A, B, R> function, final Iterable<? extends Pair<A, B>> arguments, final int chunksize)
    {
        return PoolCalls.await(starmapAsync(function, arguments, chunksize));
    }

    /**
     * Starts a {@link #starmap(PoolFunction2, Iterable)}: Python's {@code starmap_async}.
     *
     * @param function  what to apply.
     * @param arguments the argument pairs.
     * @param <A>       the first argument's type.
     * @param <B>       the second argument's type.
     * @param <R>       the result type.
     * @return the future results.
     */
    default <A, B, R> CompletableFuture<List<R>> starmapAsync(
        final PoolFunction2<A, B, R> function, final Iterable<? extends Pair<A, B>> arguments)
    {
        return mapAsync(WorkerFunctions.unpacking(function), arguments);
    }

    /**
     * Starts a {@link #starmap(PoolFunction2, Iterable, int)}.
     *
     * @param function  what to apply.
     * @param arguments the argument pairs.
     * @param chunksize pairs per chunk, at least 1.
     * @param <A>       the first argument's type.
     * @param <B>       the second argument's type.
     * @param <R>       the result type.
     * @return the future results.
     */
    default <A, B, R> CompletableFuture<List<R>> starmapAsync(
        final PoolFunction2<A, B, R> function, final Iterable<? extends Pair<A, B>> arguments, final int chunksize)
    {
        return mapAsync(WorkerFunctions.unpacking(function), arguments, chunksize);
    }

    /**
     * Runs the kernel over {@code [0, length)} of an array in chunks of {@code chunkLength}. With {@link Pool} and a
     * shared array, workers compute on the array in place; a backend without shared memory ships the array
     * with each chunk (documented by that backend).
     *
     * @param array       the array, usually a shared one.
     * @param length      how many elements to cover.
     * @param chunkLength elements per chunk.
     * @param kernel      what to run on each chunk.
     * @param <A>         the array's type.
     * @param <R>         a chunk's result type.
     * @return one result per chunk, in order.
     */
    default <A extends Serializable, R> List<R> mapChunks(
        final A array, final int length, final int chunkLength, final ChunkKernel<A, R> kernel)
    {
        if (length < 0 || chunkLength < 1)
        {
            throw new IllegalArgumentException("invalid chunks: length=" + length + " chunkLength=" + chunkLength);
        }
        final List<int[]> chunks = new ArrayList<>(length / chunkLength + 1);
        for (int from = 0; from < length; from += chunkLength)
        {
            chunks.add(new int[]{from, Math.min(length, from + chunkLength)});
        }
        return map((int[] chunk) -> kernel.apply(array, chunk[0], chunk[1]), chunks, 1);
    }

    /**
     * Runs one task and waits for its result: Python's {@code apply}.
     *
     * @param task what to run.
     * @param <R>  the result type.
     * @return the task's result.
     */
    default <R> R apply(final PoolCallable<R> task)
    {
        return PoolCalls.await(applyAsync(task));
    }

    /**
     * Runs one task, waiting at most the timeout.
     *
     * @param task    what to run.
     * @param timeout how long at most; the task is cancelled when it runs out.
     * @param <R>     the result type.
     * @return the task's result.
     * @throws io.mp4j.Mp4jTimeoutException if the time ran out.
     */
    default <R> R apply(final PoolCallable<R> task, final Duration timeout)
    {
        return PoolCalls.await(applyAsync(task), timeout);
    }

    /**
     * Starts one task: Python's {@code apply_async}.
     *
     * @param task what to run.
     * @param <R>  the result type.
     * @return the future result; cancelling it stops the task.
     */
    <R> CompletableFuture<R> applyAsync(PoolCallable<R> task);

    @Override
    default <T> CompletableFuture<T> submit(final Callable<T> task)
    {
        return applyAsync(PoolCalls.serializableCallable(task));
    }

    @Override
    default CompletableFuture<?> submit(final Runnable task)
    {
        return submit(task, null);
    }

    @Override
    default <T> CompletableFuture<T> submit(final Runnable task, final T result)
    {
        return applyAsync(WorkerFunctions.running(PoolCalls.serializableRunnable(task), result));
    }

    @Override
    default void execute(final Runnable command)
    {
        submit(command);
    }

    @Override
    default <T> List<Future<T>> invokeAll(final Collection<? extends Callable<T>> tasks) throws InterruptedException
    {
        return invokeAll(tasks, Long.MAX_VALUE, TimeUnit.NANOSECONDS);
    }

    @Override
    default <T> List<Future<T>> invokeAll(
        final Collection<? extends Callable<T>> tasks, final long timeout, final TimeUnit unit) throws InterruptedException
    {
        final List<Future<T>> futures = new ArrayList<>(tasks.size());
        for (final Callable<T> task : tasks)
        {
            futures.add(submit(task));
        }
        return PoolCalls.awaitAll(futures, timeout, unit);
    }

    @Override
    default <T> T invokeAny(final Collection<? extends Callable<T>> tasks) throws InterruptedException, ExecutionException
    {
        try
        {
            return invokeAny(tasks, Long.MAX_VALUE, TimeUnit.NANOSECONDS);
        }
        catch (final TimeoutException ex)
        {
            throw new IllegalStateException("cannot time out without a deadline", ex);
        }
    }

    @Override
    default <T> T invokeAny(final Collection<? extends Callable<T>> tasks, final long timeout, final TimeUnit unit)
        throws InterruptedException, ExecutionException, TimeoutException
    {
        if (tasks.isEmpty())
        {
            throw new IllegalArgumentException("no tasks");
        }
        final List<CompletableFuture<T>> futures = new ArrayList<>(tasks.size());
        for (final Callable<T> task : tasks)
        {
            futures.add(submit(task));
        }
        return PoolCalls.first(futures, timeout, unit);
    }

    @Override
    default List<Runnable> shutdownNow()
    {
        terminate();
        return List.of();
    }

    /**
     * Waits until the pool has finished its work after {@link #shutdown()}: Python's {@code join()}.
     *
     * @throws InterruptedException if interrupted while waiting.
     */
    void join() throws InterruptedException;

    /** Stops at once and fails every pending call: Python's {@code terminate()}. */
    void terminate();

    /** Shuts down, waits for the work to end and releases the workers: Python's {@code with Pool() as p}. */
    @Override
    void close();
}
