package io.mp4j.pool;

import io.mp4j.Mp4jException;
import io.mp4j.RemoteException;
import io.mp4j.codec.Codec;
import io.mp4j.internal.Lists;
import io.mp4j.internal.Threads;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A pool of worker JVMs: Python's {@code multiprocessing.Pool}, and a {@link ExecutorService}.
 * <pre>{@code
 * try (Pool pool = new Pool(4))
 * {
 *     List<Integer> squares = pool.map(x -> x * x, List.of(1, 2, 3, 4, 5));
 * }
 * }</pre>
 * Items are cut into chunks (Python's default {@code chunksize} when none is given); each call's
 * function is serialized once and sent once to each worker that runs a chunk of it. Chunks and
 * results travel through Agrona rings in the session; one engine thread in this JVM hands chunks to
 * the least busy workers and collects results, or the caller's own thread does while it waits for a
 * synchronous {@code apply}, {@code map} or {@code starmap}. The list a call returns keeps results that
 * are all {@code Integer}, all {@code Long} or all {@code Double} unboxed, and boxes each as it is read.
 * <p>
 * A worker that dies mid-call (killed, crashed) is replaced and the chunks it held are run again
 * elsewhere, so the call returns every result exactly once. A chunk that has killed
 * {@link PoolContext#maxAttempts() maxAttempts} workers fails its call with a {@link WorkerCrashedException}
 * that names it. An exception thrown by the function fails the call with a {@link RemoteException}
 * carrying the worker's stack trace; the pool stays usable. An initializer that throws breaks the pool
 * at once (no respawning) and every call fails with its error.
 * <p>
 * Lifetime, in Python's words and the JDK's: {@link #shutdown()} is Python's {@code close()} (no more
 * calls; workers exit when the work is done), {@link #join()} waits for that, {@link #close()} is both
 * (as {@code ExecutorService.close()} in newer JDKs), and {@link #terminate()} (or
 * {@link #shutdownNow()}) kills the workers at once and fails what is pending.
 * <p>
 * Any thread may call any method.
 */
public final class Pool implements WorkerPool
{
    private static final FunctionCache MAP_FUNCTIONS = new FunctionCache();
    private static final FunctionCache STARMAP_FUNCTIONS = new FunctionCache();
    private static final FunctionCache APPLY_TASKS = new FunctionCache();

    private final AtomicLong callIds = new AtomicLong();
    private final PoolEngine engine;

    /** A pool with one worker per CPU. */
    public Pool()
    {
        this(new PoolContext());
    }

    /**
     * A pool with the given number of workers: Python's {@code Pool(processes)}.
     *
     * @param processes how many worker JVMs; at least 1.
     * @throws IllegalArgumentException if {@code processes} is less than 1, as Python's {@code ValueError}.
     */
    public Pool(final int processes)
    {
        this(new PoolContext().processes(processes));
    }

    /**
     * A pool configured by a context.
     *
     * @param context the settings; concluded here.
     */
    public Pool(final PoolContext context)
    {
        engine = new PoolEngine(context);
    }

    // ------------------------------------------------------------------ Python's Pool API

    /**
     * {@link #map(PoolFunction, Iterable)} without blocking: Python's {@code map_async}. Cancelling the
     * future, or completing it by {@link CompletableFuture#orTimeout}, stops the call and replaces any
     * worker still running one of its chunks. A list is read as its chunks are sent, as Python's
     * {@code map_async} reads it: change it only once the future is done. What is chained to the future
     * ({@code thenApply}, {@code whenComplete}, ...) runs in the pool's completion thread, so it may call
     * the pool again and wait.
     *
     * @param function the function.
     * @param items    the items.
     * @param <T>      the item type.
     * @param <R>      the result type.
     * @return a future of the results in item order.
     */
    public <T, R> CompletableFuture<List<R>> mapAsync(
        final PoolFunction<T, R> function, final Iterable<? extends T> items)
    {
        final List<Object> all = Lists.of(items);
        return gather("map", MAP_FUNCTIONS, function, function, all, defaultChunksize(all.size()));
    }

    /**
     * {@link #mapAsync(PoolFunction, Iterable)} with an explicit chunk size.
     *
     * @param function  the function.
     * @param items     the items.
     * @param chunksize how many items travel to a worker together; at least 1.
     * @param <T>       the item type.
     * @param <R>       the result type.
     * @return a future of the results in item order.
     */
    public <T, R> CompletableFuture<List<R>> mapAsync(
        final PoolFunction<T, R> function, final Iterable<? extends T> items, final int chunksize)
    {
        return gather("map", MAP_FUNCTIONS, function, function, Lists.of(items), chunksize);
    }

    /**
     * Applies the function to every item, in chunks of Python's default size: Python's {@code map}. The
     * calling thread does the pool's work for the call while it waits (it hands the chunks to workers and
     * reads their results), unless the pool has a journal or a progress listener.
     *
     * @param function what to apply; serialized once per call.
     * @param items    the inputs.
     * @param <T>      the item type.
     * @param <R>      the result type.
     * @return the results, in the order of the items.
     */
    @Override
    public <T, R> List<R> map(final PoolFunction<T, R> function, final Iterable<? extends T> items)
    {
        final List<Object> all = Lists.of(items);
        return gatherInPlace("map", MAP_FUNCTIONS, function, function, all, defaultChunksize(all.size()), null);
    }

    /**
     * Applies the function to every item, in chunks of the given size, as {@link #map(PoolFunction, Iterable)}.
     *
     * @param function  what to apply.
     * @param items     the inputs.
     * @param chunksize items per chunk, at least 1.
     * @param <T>       the item type.
     * @param <R>       the result type.
     * @return the results, in the order of the items.
     */
    @Override
    public <T, R> List<R> map(final PoolFunction<T, R> function, final Iterable<? extends T> items, final int chunksize)
    {
        return gatherInPlace("map", MAP_FUNCTIONS, function, function, Lists.of(items), chunksize, null);
    }

    /**
     * Applies the function to every item, waiting at most the timeout, as {@link #map(PoolFunction, Iterable)}:
     * Python's {@code map_async(...).get(timeout)}.
     *
     * @param function what to apply.
     * @param items    the inputs.
     * @param timeout  how long at most; the call is stopped when it runs out (workers running its chunks
     *                 replaced).
     * @param <T>      the item type.
     * @param <R>      the result type.
     * @return the results, in the order of the items.
     * @throws io.mp4j.Mp4jTimeoutException if the time ran out.
     */
    @Override
    public <T, R> List<R> map(final PoolFunction<T, R> function, final Iterable<? extends T> items, final Duration timeout)
    {
        final List<Object> all = Lists.of(items);
        return gatherInPlace("map", MAP_FUNCTIONS, function, function, all, defaultChunksize(all.size()),
            Objects.requireNonNull(timeout, "timeout"));
    }

    /**
     * Applies a two-argument function to every pair: Python's {@code starmap}; waits as
     * {@link #map(PoolFunction, Iterable)} does.
     *
     * @param function  what to apply.
     * @param arguments the argument pairs.
     * @param <A>       the first argument's type.
     * @param <B>       the second argument's type.
     * @param <R>       the result type.
     * @return the results, in the order of the pairs.
     */
    @Override
    public <A, B, R> List<R> starmap(final PoolFunction2<A, B, R> function, final Iterable<? extends Pair<A, B>> arguments)
    {
        final List<Object> all = Lists.of(arguments);
        return gatherInPlace("starmap", STARMAP_FUNCTIONS, function, WorkerFunctions.unpacking(function), all,
            defaultChunksize(all.size()), null);
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
    @Override
    public <A, B, R> List<R> starmap(
        final PoolFunction2<A, B, R> function, final Iterable<? extends Pair<A, B>> arguments, final int chunksize)
    {
        return gatherInPlace("starmap", STARMAP_FUNCTIONS, function, WorkerFunctions.unpacking(function),
            Lists.of(arguments), chunksize, null);
    }

    @SuppressWarnings("unchecked")
    private <R> CompletableFuture<List<R>> gather(
        final String name, final FunctionCache functions, final Object origin, final PoolFunction<?, ?> function,
        final List<Object> all, final int chunksize)
    {
        final PoolFuture<List<Object>> future = new PoolFuture<>(engine.chained());
        final PoolCall.Gathering call = gathering(name, functions, origin, function, all, chunksize, future);
        // Stopping the caller's future stops the call behind it.
        future.onStop(() -> engine.requestStop(call));
        engine.submit(call, PoolCalls.tasks(call, all, chunksize));
        return (CompletableFuture<List<R>>)(CompletableFuture<?>)call.future;
    }

    /** A gathering call whose caller waits for it in place where the engine allows, else on its future. */
    @SuppressWarnings("unchecked")
    private <R> List<R> gatherInPlace(
        final String name, final FunctionCache functions, final Object origin, final PoolFunction<?, ?> function,
        final List<Object> all, final int chunksize, final Duration timeout)
    {
        if (!engine.awaitsInPlace())
        {
            final CompletableFuture<List<R>> future = gather(name, functions, origin, function, all, chunksize);
            return timeout == null ? PoolCalls.await(future) : PoolCalls.await(future, timeout);
        }
        final PoolCall.Gathering call =
            gathering(name, functions, origin, function, all, chunksize, new CompletableFuture<>());
        return (List<R>)engine.await(call, PoolCalls.tasks(call, all, chunksize), timeout);
    }

    private PoolCall.Gathering gathering(
        final String name, final FunctionCache functions, final Object origin, final PoolFunction<?, ?> function,
        final List<Object> all, final int chunksize, final CompletableFuture<List<Object>> future)
    {
        final byte[] functionBytes = functions.serialize(origin, function);
        final PoolCall.Gathering call = new PoolCall.Gathering(callIds.incrementAndGet(),
            name + "(items=" + all.size() + ", chunksize=" + chunksize + ')', functionBytes,
            PoolCalls.chunkCount(all.size(), chunksize), all.size(), chunksize, future);
        call.functionReusable = functions.isReusable(origin);
        return call;
    }

    /**
     * {@link #imap(PoolFunction, Iterable)} with an explicit chunk size.
     *
     * @param function  the function.
     * @param items     the items.
     * @param chunksize how many items travel to a worker together.
     * @param <T>       the item type.
     * @param <R>       the result type.
     * @return an iterator over the results in item order.
     */
    public <T, R> Iterator<R> imap(final PoolFunction<T, R> function, final Iterable<? extends T> items, final int chunksize)
    {
        return streaming(function, items, chunksize, true);
    }

    /**
     * {@link #imapUnordered(PoolFunction, Iterable)} with an explicit chunk size.
     *
     * @param function  the function.
     * @param items     the items.
     * @param chunksize how many items travel to a worker together.
     * @param <T>       the item type.
     * @param <R>       the result type.
     * @return an iterator over the results in completion order.
     */
    public <T, R> Iterator<R> imapUnordered(
        final PoolFunction<T, R> function, final Iterable<? extends T> items, final int chunksize)
    {
        return streaming(function, items, chunksize, false);
    }

    /**
     * {@link #starmap(PoolFunction2, Iterable)} without blocking: Python's {@code starmap_async}.
     * Cancelling the future stops the call as it does for {@link #mapAsync(PoolFunction, Iterable)}.
     *
     * @param function  the function.
     * @param arguments the pairs of arguments.
     * @param <A>       the first argument's type.
     * @param <B>       the second argument's type.
     * @param <R>       the result type.
     * @return a future of the results in the order of the pairs.
     */
    public <A, B, R> CompletableFuture<List<R>> starmapAsync(
        final PoolFunction2<A, B, R> function, final Iterable<? extends Pair<A, B>> arguments)
    {
        final List<Object> all = Lists.of(arguments);
        return gather("starmap", STARMAP_FUNCTIONS, function, WorkerFunctions.unpacking(function), all,
            defaultChunksize(all.size()));
    }

    /**
     * {@link #starmapAsync(PoolFunction2, Iterable)} with an explicit chunk size.
     *
     * @param function  the function.
     * @param arguments the pairs of arguments.
     * @param chunksize how many pairs travel to a worker together; at least 1.
     * @param <A>       the first argument's type.
     * @param <B>       the second argument's type.
     * @param <R>       the result type.
     * @return a future of the results in the order of the pairs.
     */
    public <A, B, R> CompletableFuture<List<R>> starmapAsync(
        final PoolFunction2<A, B, R> function, final Iterable<? extends Pair<A, B>> arguments, final int chunksize)
    {
        return gather("starmap", STARMAP_FUNCTIONS, function, WorkerFunctions.unpacking(function),
            Lists.of(arguments), chunksize);
    }

    /**
     * Runs one task in a worker and waits for its result: Python's {@code apply}. The calling thread does
     * the pool's work for the call itself while it waits (it hands the task to a worker and reads the
     * result), unless the pool has a journal or a progress listener; a task that is a lambda capturing
     * nothing travels to each worker once.
     *
     * @param task the task.
     * @param <R>  the result type.
     * @return the task's result.
     * @throws RemoteException if the task throws.
     */
    @Override
    public <R> R apply(final PoolCallable<R> task)
    {
        return applyInPlace(task, null);
    }

    /**
     * Runs one task, waiting at most the timeout, as {@link #apply(PoolCallable)} does.
     *
     * @param task    the task.
     * @param timeout how long at most; the task is stopped when it runs out (its worker replaced if it runs).
     * @param <R>     the result type.
     * @return the task's result.
     * @throws io.mp4j.Mp4jTimeoutException if the timeout passes first.
     */
    @Override
    public <R> R apply(final PoolCallable<R> task, final Duration timeout)
    {
        return applyInPlace(task, Objects.requireNonNull(timeout, "timeout"));
    }

    @SuppressWarnings("unchecked")
    private <R> R applyInPlace(final PoolCallable<R> task, final Duration timeout)
    {
        if (!engine.awaitsInPlace())
        {
            return timeout == null ? PoolCalls.await(applyAsync(task)) : PoolCalls.await(applyAsync(task), timeout);
        }
        final ApplyCall call = applyCall(task, null);
        return (R)engine.await(call, List.of(call.task), timeout);
    }

    /**
     * Runs one task in a worker without waiting: Python's {@code apply_async}. Cancelling the future,
     * or completing it by {@link CompletableFuture#orTimeout}, stops the task, replacing its worker if
     * it is running. What is chained to the future runs in the pool's completion thread, as for
     * {@link #mapAsync(PoolFunction, Iterable)}.
     *
     * @param task the task.
     * @param <R>  the result type.
     * @return a future of the task's result.
     */
    @Override
    @SuppressWarnings("unchecked")
    public <R> CompletableFuture<R> applyAsync(final PoolCallable<R> task)
    {
        final PoolFuture<Object> future = new PoolFuture<>(engine.chained());
        final ApplyCall call = applyCall(task, future);
        // Stopping the caller's future stops the call behind it.
        future.onStop(() -> engine.requestStop(call));
        engine.submit(call, List.of(call.task));
        return (CompletableFuture<R>)(CompletableFuture<?>)future;
    }

    private ApplyCall applyCall(final PoolCallable<?> task, final CompletableFuture<Object> future)
    {
        return new ApplyCall(callIds.incrementAndGet(), APPLY_TASKS.serializeWrapped(task, WorkerFunctions::applying),
            APPLY_TASKS.keptId(task), future);
    }

    /**
     * Finishes a call that a previous pool journaled but did not complete (its parent crashed, say):
     * the tasks with journaled results are not run again, the others are, and the results come back
     * in item order as {@link #map} would have returned them. This pool's journal, if it has one,
     * goes on recording the call under its original identity.
     *
     * @param call an unfinished call from {@code PoolJournal.unfinishedCalls()} (in {@code mp4j-chronicle}).
     * @param <R>  the result type.
     * @return every result of the call, in item order.
     * @throws RemoteException if a resumed task throws.
     */
    @SuppressWarnings("unchecked")
    public <R> List<R> resume(final JournaledCall call)
    {
        final PoolCall.Gathering resumed = new PoolCall.Gathering(
            callIds.incrementAndGet(), "resume of " + call.description(), call.function(), call.taskCount(), -1, 0,
            new CompletableFuture<>());
        resumed.journalRunId = call.runId();
        resumed.journalCallId = call.callId();
        resumed.journaled = true;
        for (final java.util.Map.Entry<Integer, byte[]> finished : call.results().entrySet())
        {
            resumed.complete(finished.getKey(),
                Codec.decodeList(finished.getValue()));
        }

        final List<PoolTask> tasks = new ArrayList<>();
        for (final int index : call.unfinishedTasks())
        {
            final byte[] items = call.items().get(index);
            if (items == null)
            {
                throw new Mp4jException("journal lacks the items of a task: call=" + call.description() +
                    " task=" + index);
            }
            tasks.add(new PoolTask(resumed, index, items));
        }
        engine.submit(resumed, tasks);
        return (List<R>)PoolCalls.await(resumed.future);
    }

    /**
     * Stops accepting calls; workers exit once the submitted work is done: Python's {@code close()}.
     * Idempotent.
     */
    @Override
    public void shutdown()
    {
        engine.shutdown();
    }

    /**
     * Waits until every worker has exited after {@link #shutdown()} or {@link #terminate()}: Python's
     * {@code join()}. The input of an imap not yet read to its end is read first, in this thread, so its
     * every item runs (an endless one never ends, as in Python).
     *
     * @throws InterruptedException  if interrupted while waiting.
     * @throws IllegalStateException if the pool was neither shut down nor terminated, as in Python.
     */
    public void join() throws InterruptedException
    {
        if (!engine.isShutdown())
        {
            throw new IllegalStateException("join() before shutdown() or terminate(): pool=" + engine.name());
        }
        engine.drainStreams();
        engine.awaitTermination();
    }

    /**
     * Kills the workers at once and fails every pending call with a {@link CancellationException}:
     * Python's {@code terminate()}. Idempotent.
     */
    public void terminate()
    {
        engine.terminate();
    }

    /**
     * {@link #shutdown()} then {@link #join()}: the pool is done when this returns. Unlike {@link #join()},
     * it reads no more of an imap's input: the items read so far are finished, and the imap's iterator
     * then throws a {@link CancellationException}.
     */
    @Override
    public void close()
    {
        shutdown();
        engine.abandonStreams();
        Threads.awaitUninterruptibly(engine::awaitTermination);
    }

    /**
     * The pids of the current worker JVMs, in slot order; a replaced worker shows its successor's pid.
     *
     * @return one pid per worker, or -1 for a slot whose worker is being replaced.
     */
    public List<Long> workerPids()
    {
        return engine.workerPids();
    }

    // ------------------------------------------------------------------ ExecutorService

    @Override
    public boolean isShutdown()
    {
        return engine.isShutdown();
    }

    @Override
    public boolean isTerminated()
    {
        return engine.isTerminated();
    }

    @Override
    public boolean awaitTermination(final long timeout, final TimeUnit unit) throws InterruptedException
    {
        return engine.awaitTermination(timeout, unit);
    }

    // ------------------------------------------------------------------ calls

    private <T, R> Iterator<R> streaming(
        final PoolFunction<T, R> function, final Iterable<? extends T> items, final int chunksize, final boolean ordered)
    {
        if (chunksize < 1)
        {
            throw new IllegalArgumentException("chunksize must be at least 1: chunksize=" + chunksize);
        }
        final String size = items instanceof Collection<?> collection ? "items=" + collection.size() + ", " : "";
        final ImapIterator call = new ImapIterator(engine, callIds.incrementAndGet(),
            (ordered ? "imap" : "imapUnordered") + '(' + size + "chunksize=" + chunksize + ')',
            MAP_FUNCTIONS.serialize(function, function), items, chunksize, ordered);
        engine.openStream(call);
        call.start();
        @SuppressWarnings("unchecked")
        final Iterator<R> results = (Iterator<R>)(Iterator<?>)call;
        return results;
    }

    private int defaultChunksize(final int itemCount)
    {
        // Python's heuristic, about four chunks per worker, capped so that a chunk fits a ring record.
        final int perWorker = engine.workerCount() * 4;
        final int chunksize = itemCount / perWorker + (itemCount % perWorker == 0 ? 0 : 1);
        return Math.max(1, Math.min(chunksize, engine.maxDefaultChunksize()));
    }
}
