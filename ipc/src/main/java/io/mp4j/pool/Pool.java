package io.mp4j.pool;

import io.mp4j.EncodingException;
import io.mp4j.Mp4jException;
import io.mp4j.RemoteException;
import io.mp4j.codec.Codec;
import io.mp4j.host.internal.HostConnection;
import io.mp4j.internal.JavaSerialization;
import io.mp4j.internal.Providers;
import io.mp4j.internal.Waiter;
import io.mp4j.pool.internal.JournalWriter;
import io.mp4j.process.ChildProcess;
import io.mp4j.process.Multiprocessing;
import io.mp4j.session.Session;
import io.mp4j.worker.internal.PoolChannel;
import io.mp4j.worker.internal.PoolWorkerMain;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.MessageHandler;

import java.io.Serializable;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

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
 * the least busy workers and collects results.
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
public final class Pool implements ExecutorService, AutoCloseable
{
    private static final AtomicLong POOL_COUNTER = new AtomicLong();
    private static final int MAX_STARTS_WITHOUT_READY = 5;

    private final PoolContext context;
    private final Session session;
    private final long runId = new java.security.SecureRandom().nextLong() & Long.MAX_VALUE;
    private final JournalWriter journal;
    private final HostConnection host;
    private final String poolName;
    private final byte[] initializer;
    private final AtomicLong callIds = new AtomicLong();
    private final AtomicLong workerCounter = new AtomicLong();
    private final ConcurrentLinkedQueue<Task> submissions = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<PoolCall> stopRequests = new ConcurrentLinkedQueue<>();
    private final Thread engine;
    private volatile Waiter engineWaiter;
    private final CountDownLatch terminated = new CountDownLatch(1);
    private final WorkerSlot[] workers;

    private volatile boolean shutdown;
    private volatile boolean terminating;
    private volatile Throwable broken;

    // Owned by the engine thread.
    private final ArrayDeque<Task> pending = new ArrayDeque<>();
    private final Set<PoolCall> liveCalls = new HashSet<>();
    private int startsWithoutReady;

    /** A pool with one worker per CPU. */
    public Pool()
    {
        this(new PoolContext());
    }

    /**
     * A pool with the given number of workers: Python's {@code Pool(processes)}.
     *
     * @param processes how many worker JVMs.
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
        this.context = context.conclude();
        // Found before a host is attached or a worker starts, so that a missing artifact costs nothing.
        final JournalWriter.Opener journalOpener = this.context.journal() == null ? null :
            Providers.load(JournalWriter.Opener.class, "PoolContext.journal", JournalWriter.ARTIFACT);
        this.session = this.context.processContext().session();
        this.poolName = "pool-" + ProcessHandle.current().pid() + '-' + POOL_COUNTER.incrementAndGet();
        this.initializer = this.context.initializer() == null ? null :
            JavaSerialization.serialize(new WorkerInitializer(this.context.initializer()), "pool initializer");
        this.host = this.context.host() == null ? null : HostConnection.connect(this.context.host());
        final int processes = this.context.processes() > 0 ? this.context.processes() :
            host != null ? host.workerCount() : Multiprocessing.cpuCount();
        this.workers = new WorkerSlot[processes];
        try
        {
            for (int i = 0; i < workers.length; i++)
            {
                workers[i] = new WorkerSlot(i);
                startWorker(workers[i]);
            }
            // Chronicle Queue loads while the workers' JVMs start.
            this.journal = journalOpener == null ? null : journalOpener.open(this.context.journal());
        }
        catch (final RuntimeException ex)
        {
            releaseWorkersOfUnstartedPool();
            throw ex;
        }
        engine = new Thread(this::runEngine, poolName + "-engine");
        engine.setDaemon(true);
        engine.start();
    }

    // ------------------------------------------------------------------ Python's Pool API

    /**
     * Applies a function to every item in worker JVMs and returns the results in item order: Python's
     * {@code map}. Blocks until all results are in.
     *
     * @param function the function, serialized once for the call.
     * @param items    the items; each must be serializable.
     * @param <T>      the item type.
     * @param <R>      the result type.
     * @return the results, in the order of the items.
     * @throws RemoteException         if the function threw for an item (the worker's stack trace inside).
     * @throws WorkerCrashedException  if a chunk kept killing its workers.
     * @throws EncodingException       if the function or an item is not serializable.
     * @throws IllegalStateException   if the pool is shut down.
     */
    public <T, R> List<R> map(final PoolFunction<T, R> function, final Iterable<? extends T> items)
    {
        return await(mapAsync(function, items));
    }

    /**
     * {@link #map(PoolFunction, Iterable)} with an explicit chunk size.
     *
     * @param function  the function.
     * @param items     the items.
     * @param chunksize how many items travel to a worker together; at least 1.
     * @param <T>       the item type.
     * @param <R>       the result type.
     * @return the results, in the order of the items.
     */
    public <T, R> List<R> map(final PoolFunction<T, R> function, final Iterable<? extends T> items, final int chunksize)
    {
        return await(mapAsync(function, items, chunksize));
    }

    /**
     * {@link #map(PoolFunction, Iterable)} that gives up after a timeout: the call is stopped, and a
     * worker still running one of its chunks is replaced by a fresh JVM, so a stuck task never keeps a
     * worker.
     *
     * @param function the function.
     * @param items    the items.
     * @param timeout  how long the whole call may take.
     * @param <T>      the item type.
     * @param <R>      the result type.
     * @return the results, in the order of the items.
     * @throws io.mp4j.Mp4jTimeoutException if the call did not finish in time.
     */
    public <T, R> List<R> map(final PoolFunction<T, R> function, final Iterable<? extends T> items, final Duration timeout)
    {
        return await(mapAsync(function, items), timeout);
    }

    /**
     * {@link #map(PoolFunction, Iterable)} without blocking: Python's {@code map_async}. Cancelling the
     * future, or completing it by {@link CompletableFuture#orTimeout}, stops the call and replaces any
     * worker still running one of its chunks.
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
        final List<Object> all = toList(items);
        return gather(function, all, defaultChunksize(all.size()));
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
        return gather(function, toList(items), chunksize);
    }

    @SuppressWarnings("unchecked")
    private <R> CompletableFuture<List<R>> gather(final PoolFunction<?, ?> function, final List<Object> all, final int chunksize)
    {
        final byte[] functionBytes = serializeFunction(function);
        final List<byte[]> chunks = chunk(all, chunksize);
        final PoolCall.Gathering call = new PoolCall.Gathering(
            callIds.incrementAndGet(), "map(items=" + all.size() + ", chunksize=" + chunksize + ')', functionBytes,
            chunks.size());
        call.future.whenComplete((results, error) ->
        {
            if (error instanceof CancellationException || error instanceof TimeoutException)
            {
                requestStop(call);
            }
        });
        submit(call, tasksOf(call, chunks));
        return (CompletableFuture<List<R>>)(CompletableFuture<?>)call.future;
    }

    /**
     * Applies a function to every item and returns the results lazily, in item order, as they arrive:
     * Python's {@code imap} (chunk size 1, as in Python).
     *
     * @param function the function.
     * @param items    the items.
     * @param <T>      the item type.
     * @param <R>      the result type.
     * @return an iterator whose {@code next()} blocks until that result is in, and throws if the call failed.
     */
    public <T, R> Iterator<R> imap(final PoolFunction<T, R> function, final Iterable<? extends T> items)
    {
        return imap(function, items, 1);
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
     * Like {@link #imap(PoolFunction, Iterable)}, but results come in the order they are finished:
     * Python's {@code imap_unordered}.
     *
     * @param function the function.
     * @param items    the items.
     * @param <T>      the item type.
     * @param <R>      the result type.
     * @return an iterator over the results in completion order.
     */
    public <T, R> Iterator<R> imapUnordered(final PoolFunction<T, R> function, final Iterable<? extends T> items)
    {
        return imapUnordered(function, items, 1);
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
     * Applies a two-argument function to each pair: Python's {@code starmap}.
     *
     * @param function  the function.
     * @param arguments the pairs of arguments.
     * @param <A>       the first argument's type.
     * @param <B>       the second argument's type.
     * @param <R>       the result type.
     * @return the results, in the order of the pairs.
     */
    public <A, B, R> List<R> starmap(
        final PoolFunction2<A, B, R> function, final Iterable<? extends Pair<A, B>> arguments)
    {
        return map(pair -> function.apply(pair.first(), pair.second()), arguments);
    }

    /**
     * Runs a kernel over a shared array in chunks, in place: each worker attaches to the array once and
     * receives only the bounds of its chunks, so no bulk data is serialized. The array (a shared array
     * handle, e.g. {@code SharedDoubleArray}) travels with the kernel, once per call.
     *
     * @param array       the shared array; serialized as a handle.
     * @param length      how many elements to cover, from index 0.
     * @param chunkLength how many elements a chunk has (the last may have fewer).
     * @param kernel      the computation over one chunk.
     * @param <A>         the array's type.
     * @param <R>         a chunk's result type.
     * @return one result per chunk, in index order.
     * @throws RemoteException if the kernel threw in a worker.
     */
    public <A extends Serializable, R> List<R> mapChunks(
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
     * Runs one task in a worker and waits for its result: Python's {@code apply}.
     *
     * @param task the task.
     * @param <R>  the result type.
     * @return the task's result.
     * @throws RemoteException if the task threw.
     */
    public <R> R apply(final PoolCallable<R> task)
    {
        return await(applyAsync(task));
    }

    /**
     * {@link #apply(PoolCallable)} that gives up after a timeout, replacing the worker if the task is
     * still running.
     *
     * @param task    the task.
     * @param timeout how long it may take.
     * @param <R>     the result type.
     * @return the task's result.
     * @throws io.mp4j.Mp4jTimeoutException if the task did not finish in time.
     */
    public <R> R apply(final PoolCallable<R> task, final Duration timeout)
    {
        return await(applyAsync(task), timeout);
    }

    /**
     * Runs one task in a worker without waiting: Python's {@code apply_async}. Cancelling the future,
     * or completing it by {@link CompletableFuture#orTimeout}, stops the task, replacing its worker if
     * it is running.
     *
     * @param task the task.
     * @param <R>  the result type.
     * @return a future of the task's result.
     */
    @SuppressWarnings("unchecked")
    public <R> CompletableFuture<R> applyAsync(final PoolCallable<R> task)
    {
        final PoolFunction<Object, Object> function = ignored -> task.call();
        final List<Object> single = new ArrayList<>(1);
        single.add(null);
        final CompletableFuture<List<Object>> call = gather(function, single, 1);
        final CompletableFuture<R> result = new CompletableFuture<>();
        call.whenComplete((results, error) ->
        {
            if (error == null)
            {
                result.complete((R)results.get(0));
            }
            else
            {
                result.completeExceptionally(error instanceof CompletionException ? error.getCause() : error);
            }
        });
        // Stopping the caller's future stops the call behind it.
        result.whenComplete((value, error) ->
        {
            if (error != null)
            {
                call.completeExceptionally(error);
            }
        });
        return result;
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
            callIds.incrementAndGet(), "resume of " + call.description(), call.function(), call.taskCount());
        resumed.journalRunId = call.runId();
        resumed.journalCallId = call.callId();
        resumed.journaled = true;
        for (final java.util.Map.Entry<Integer, byte[]> finished : call.results().entrySet())
        {
            resumed.complete(finished.getKey(),
                Codec.decodeList(finished.getValue()));
        }

        final List<Task> tasks = new ArrayList<>();
        for (final int index : call.unfinishedTasks())
        {
            final byte[] items = call.items().get(index);
            if (items == null)
            {
                throw new Mp4jException("journal lacks the items of a task: call=" + call.description() +
                    " task=" + index);
            }
            tasks.add(new Task(resumed, index, items));
        }
        submit(resumed, tasks);
        return (List<R>)await(resumed.future);
    }

    /**
     * Stops accepting calls; workers exit once the submitted work is done: Python's {@code close()}.
     * Idempotent.
     */
    @Override
    public void shutdown()
    {
        shutdown = true;
        wakeEngine();
    }

    /**
     * Waits until every worker has exited after {@link #shutdown()} or {@link #terminate()}: Python's
     * {@code join()}.
     *
     * @throws InterruptedException  if interrupted while waiting.
     * @throws IllegalStateException if the pool was neither shut down nor terminated, as in Python.
     */
    public void join() throws InterruptedException
    {
        if (!shutdown)
        {
            throw new IllegalStateException("join() before shutdown() or terminate(): pool=" + poolName);
        }
        terminated.await();
    }

    /**
     * Kills the workers at once and fails every pending call with a {@link CancellationException}:
     * Python's {@code terminate()}. Idempotent.
     */
    public void terminate()
    {
        terminating = true;
        shutdown = true;
        wakeEngine();
    }

    /** {@link #shutdown()} then {@link #join()}: the pool is done when this returns. */
    @Override
    public void close()
    {
        shutdown();
        boolean interrupted = false;
        while (true)
        {
            try
            {
                terminated.await();
                break;
            }
            catch (final InterruptedException ex)
            {
                interrupted = true;
            }
        }
        if (interrupted)
        {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * The pids of the current worker JVMs, in slot order; a replaced worker shows its successor's pid.
     *
     * @return one pid per worker, or -1 for a slot whose worker is being replaced.
     */
    public List<Long> workerPids()
    {
        final List<Long> pids = new ArrayList<>(workers.length);
        for (final WorkerSlot slot : workers)
        {
            final PoolWorkerProcess worker = slot.worker;
            pids.add(worker == null || !worker.isAlive() ? -1L : worker.pid());
        }
        return pids;
    }

    // ------------------------------------------------------------------ ExecutorService

    /** {@inheritDoc} Same as {@link #terminate()}; returns no tasks, since they live in other JVMs. */
    @Override
    public List<Runnable> shutdownNow()
    {
        terminate();
        return List.of();
    }

    @Override
    public boolean isShutdown()
    {
        return shutdown;
    }

    @Override
    public boolean isTerminated()
    {
        return terminated.getCount() == 0;
    }

    @Override
    public boolean awaitTermination(final long timeout, final TimeUnit unit) throws InterruptedException
    {
        return terminated.await(timeout, unit);
    }

    /**
     * {@inheritDoc} The callable must be {@link Serializable}: a {@link PoolCallable}, or a lambda cast
     * to {@code (Callable<T> & Serializable)}.
     */
    @Override
    public <T> CompletableFuture<T> submit(final java.util.concurrent.Callable<T> task)
    {
        return applyAsync(serializableCallable(task));
    }

    /** {@inheritDoc} The runnable must be {@link Serializable}. */
    @Override
    public CompletableFuture<?> submit(final Runnable task)
    {
        return submit(task, null);
    }

    /** {@inheritDoc} The runnable and the result must be {@link Serializable}. */
    @Override
    public <T> CompletableFuture<T> submit(final Runnable task, final T result)
    {
        final Runnable runnable = serializableRunnable(task);
        return applyAsync(() ->
        {
            runnable.run();
            return result;
        });
    }

    /** {@inheritDoc} The runnable must be {@link Serializable}. */
    @Override
    public void execute(final Runnable command)
    {
        submit(command);
    }

    @Override
    public <T> List<Future<T>> invokeAll(final Collection<? extends java.util.concurrent.Callable<T>> tasks)
        throws InterruptedException
    {
        final List<Future<T>> futures = new ArrayList<>(tasks.size());
        for (final java.util.concurrent.Callable<T> task : tasks)
        {
            futures.add(submit(task));
        }
        for (final Future<T> future : futures)
        {
            try
            {
                future.get();
            }
            catch (final ExecutionException | CancellationException ex)
            {
                // Reported by the future itself.
            }
        }
        return futures;
    }

    @Override
    public <T> List<Future<T>> invokeAll(
        final Collection<? extends java.util.concurrent.Callable<T>> tasks, final long timeout, final TimeUnit unit)
        throws InterruptedException
    {
        final long deadline = System.nanoTime() + unit.toNanos(timeout);
        final List<Future<T>> futures = new ArrayList<>(tasks.size());
        for (final java.util.concurrent.Callable<T> task : tasks)
        {
            futures.add(submit(task));
        }
        for (final Future<T> future : futures)
        {
            try
            {
                future.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
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

    @Override
    public <T> T invokeAny(final Collection<? extends java.util.concurrent.Callable<T>> tasks)
        throws InterruptedException, ExecutionException
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
    @SuppressWarnings("unchecked")
    public <T> T invokeAny(
        final Collection<? extends java.util.concurrent.Callable<T>> tasks, final long timeout, final TimeUnit unit)
        throws InterruptedException, ExecutionException, TimeoutException
    {
        if (tasks.isEmpty())
        {
            throw new IllegalArgumentException("no tasks");
        }

        final List<CompletableFuture<T>> futures = new ArrayList<>(tasks.size());
        for (final java.util.concurrent.Callable<T> task : tasks)
        {
            futures.add(submit(task));
        }
        final CompletableFuture<T> first = new CompletableFuture<>();
        final AtomicLong failures = new AtomicLong();
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

    // ------------------------------------------------------------------ calls

    private <T, R> Iterator<R> streaming(
        final PoolFunction<T, R> function, final Iterable<? extends T> items, final int chunksize, final boolean ordered)
    {
        final List<Object> all = toList(items);
        final byte[] functionBytes = serializeFunction(function);
        final List<byte[]> chunks = chunk(all, chunksize);
        final PoolCall.Streaming call = new PoolCall.Streaming(callIds.incrementAndGet(),
            (ordered ? "imap" : "imapUnordered") + "(items=" + all.size() + ", chunksize=" + chunksize + ')',
            functionBytes, chunks.size(), all.size(), ordered);
        submit(call, tasksOf(call, chunks));
        @SuppressWarnings("unchecked")
        final Iterator<R> results = (Iterator<R>)(Iterator<?>)call;
        return results;
    }

    private static List<Task> tasksOf(final PoolCall call, final List<byte[]> chunks)
    {
        final List<Task> tasks = new ArrayList<>(chunks.size());
        for (int i = 0; i < chunks.size(); i++)
        {
            tasks.add(new Task(call, i, chunks.get(i)));
        }
        return tasks;
    }

    private void submit(final PoolCall call, final List<Task> tasks)
    {
        if (shutdown)
        {
            throw new IllegalStateException("pool is shut down: pool=" + poolName);
        }
        final Throwable cause = broken;
        if (cause != null)
        {
            call.fail(cause);
            return;
        }

        submissions.addAll(tasks);
        wakeEngine();
    }

    private int defaultChunksize(final int itemCount)
    {
        // Python's heuristic: about four chunks per worker.
        final int perWorker = workers.length * 4;
        final int chunksize = itemCount / perWorker + (itemCount % perWorker == 0 ? 0 : 1);
        return Math.max(1, chunksize);
    }

    private static List<byte[]> chunk(final List<Object> items, final int chunksize)
    {
        if (chunksize < 1)
        {
            throw new IllegalArgumentException("chunksize must be at least 1: chunksize=" + chunksize);
        }
        final List<byte[]> chunks = new ArrayList<>((items.size() + chunksize - 1) / chunksize);
        for (int from = 0; from < items.size(); from += chunksize)
        {
            final ArrayList<Object> chunk = new ArrayList<>(items.subList(from, Math.min(items.size(), from + chunksize)));
            try
            {
                chunks.add(Codec.encodeList(chunk));
            }
            catch (final EncodingException ex)
            {
                throw new EncodingException("pool items " + from + ".." + (from + chunk.size() - 1) + ": " +
                    ex.getMessage(), ex);
            }
        }
        return chunks;
    }

    private static List<Object> toList(final Iterable<?> items)
    {
        final List<Object> all = new ArrayList<>();
        items.forEach(all::add);
        return all;
    }

    @SuppressWarnings("unchecked")
    private static byte[] serializeFunction(final PoolFunction<?, ?> function)
    {
        return JavaSerialization.serialize(new WorkerFunction((PoolFunction<Object, Object>)function), "pool function");
    }

    private static <T> PoolCallable<T> serializableCallable(final java.util.concurrent.Callable<T> task)
    {
        if (!(task instanceof Serializable))
        {
            throw new EncodingException("task is not serializable: class=" + task.getClass().getName() +
                " (use a PoolCallable, or cast the lambda to (Callable<T> & Serializable))", null);
        }
        return task::call;
    }

    private static Runnable serializableRunnable(final Runnable task)
    {
        if (!(task instanceof Serializable))
        {
            throw new EncodingException("task is not serializable: class=" + task.getClass().getName() +
                " (cast the lambda to (Runnable & Serializable))", null);
        }
        return task;
    }

    private static <T> T await(final CompletableFuture<T> future)
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

    private static <T> T await(final CompletableFuture<T> future, final Duration timeout)
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

    private void requestStop(final PoolCall call)
    {
        stopRequests.add(call);
        wakeEngine();
    }

    // ------------------------------------------------------------------ the engine

    private void startWorker(final WorkerSlot slot)
    {
        slot.generation++;
        final String channelName = poolName + "-w" + slot.index + "-g" + slot.generation;
        slot.channel = PoolChannel.create(session, channelName, context.ringCapacity());
        slot.inFlight.clear();
        slot.functionsSent.clear();
        slot.assigned = 0;
        slot.retiring = false;
        slot.stopSent = false;
        slot.recycling = false;
        slot.ready = false;
        slot.exited = false;
        if (initializer != null)
        {
            // The ring is empty, so this fits (a large initializer goes through a spill file).
            slot.channel.write(slot.channel.tasks(), PoolChannel.INITIALIZE, 0, -1, initializer);
        }

        final PoolWorkerProcess worker;
        if (host != null)
        {
            final HostConnection.Lease lease = host.lease(slot.channel.file(), context.leaseTimeout());
            worker = new PoolWorkerProcess.Leased(host, lease.slot(), lease.worker());
        }
        else
        {
            final ChildProcess process = new ChildProcess(context.processContext(),
                new PoolWorkerTarget(channelName, context.waitStrategy()))
                .name("PoolWorker-" + workerCounter.incrementAndGet())
                .daemon(true);
            startsWithoutReady++;
            process.start();
            worker = new PoolWorkerProcess.Spawned(process);
        }
        slot.worker = worker;
        worker.onExit().thenRun(() ->
        {
            slot.exited = true;
            wakeEngine();
        });
    }

    private void releaseWorkersOfUnstartedPool()
    {
        for (final WorkerSlot slot : workers)
        {
            if (slot != null && slot.worker != null)
            {
                if (slot.worker instanceof PoolWorkerProcess.Leased)
                {
                    slot.channel.write(slot.channel.tasks(), PoolChannel.STOP, 0, -1, null);
                }
                else
                {
                    slot.worker.kill();
                }
            }
            if (slot != null && slot.channel != null)
            {
                slot.channel.delete();
            }
        }
        if (host != null)
        {
            host.close();
        }
    }

    /** Wakes the engine after queueing something for it in this JVM, whether it parks or sleeps. */
    private void wakeEngine()
    {
        final Waiter waiter = engineWaiter;
        if (waiter != null)
        {
            waiter.wake();
        }
        LockSupport.unpark(engine);
    }

    /** Sleeps on every worker's channel: any result wakes the engine (too many workers: a timed sleep). */
    private void watchResults(final Waiter waiter)
    {
        if (workers.length <= Waiter.MAX_WATCHED)
        {
            for (final WorkerSlot slot : workers)
            {
                waiter.watch(slot.channel.board(), PoolChannel.RESULTS_TAG);
            }
        }
    }

    private void runEngine()
    {
        final Waiter waiter = Waiter.begin(context.waitStrategy(), Waiter.NO_TIMEOUT);
        engineWaiter = waiter;
        boolean watching = false;
        try
        {
            while (true)
            {
                int work = acceptSubmissions();
                work += stopRequestedCalls();
                for (final WorkerSlot slot : workers)
                {
                    final int read = PoolChannel.read(slot.channel.results(), slot, Integer.MAX_VALUE);
                    if (read > 0)
                    {
                        slot.channel.board().ring(PoolChannel.RESULTS_ROOM_TAG);
                        work += read;
                    }
                }
                for (final WorkerSlot slot : workers)
                {
                    if (slot.exited)
                    {
                        work += handleExit(slot);
                    }
                }
                work += dispatch();

                if (terminating)
                {
                    terminateNow();
                    return;
                }
                if (shutdown && pending.isEmpty() && submissions.isEmpty() && allIdle())
                {
                    stopGracefully();
                    return;
                }

                if (work > 0)
                {
                    waiter.restart();
                }
                else if (pending.isEmpty() && allIdle())
                {
                    // Nothing in flight: sleep until a call, a worker's exit or a shutdown unparks us.
                    waiter.restart();
                    LockSupport.park(this);
                }
                else
                {
                    if (!watching)
                    {
                        watchResults(waiter);
                        watching = true;
                    }
                    waiter.idle();
                    continue;
                }
                if (watching)
                {
                    waiter.unwatch();
                    watching = false;
                }
            }
        }
        catch (final Throwable ex)
        {
            broken = new Mp4jException("pool engine failed: pool=" + poolName, ex);
            failEverything(broken);
            killWorkers();
        }
        finally
        {
            engineWaiter = null;
            waiter.end();
            for (final WorkerSlot slot : workers)
            {
                slot.channel.delete();
            }
            if (journal != null)
            {
                journal.close();
            }
            if (host != null)
            {
                host.close();
            }
            terminated.countDown();
        }
    }

    private int acceptSubmissions()
    {
        int accepted = 0;
        Task task;
        while ((task = submissions.poll()) != null)
        {
            final Throwable cause = broken;
            if (cause != null)
            {
                task.call.fail(cause);
                continue;
            }
            if (journal != null)
            {
                journalSubmission(task);
            }
            pending.add(task);
            liveCalls.add(task.call);
            accepted++;
        }
        return accepted;
    }

    /**
     * Stops calls whose caller cancelled them or timed out: their queued chunks are dropped, and a
     * worker holding one of their chunks is killed and replaced, since a running task cannot be stopped
     * safely any other way.
     */
    private int stopRequestedCalls()
    {
        int stopped = 0;
        PoolCall call;
        while ((call = stopRequests.poll()) != null)
        {
            for (final WorkerSlot slot : workers)
            {
                if (!slot.recycling && slot.holds(call) && slot.worker.isAlive())
                {
                    slot.recycling = true;
                    slot.worker.kill();
                }
            }
            endCall(call);
            stopped++;
        }
        return stopped;
    }

    private void journalSubmission(final Task task)
    {
        final PoolCall call = task.call;
        if (!call.journaled)
        {
            call.journalRunId = runId;
            journal.callStarted(runId, call.journalCallId, call.description, call.function, call.taskCount);
            call.journaled = true;
            call.journalingTasks = true;
        }
        if (call.journalingTasks)
        {
            journal.taskSubmitted(call.journalRunId, call.journalCallId, task.index, task.items);
        }
    }

    private boolean allIdle()
    {
        for (final WorkerSlot slot : workers)
        {
            if (!slot.inFlight.isEmpty())
            {
                return false;
            }
        }
        return true;
    }

    private int dispatch()
    {
        int sent = 0;
        while (!pending.isEmpty())
        {
            final Task task = pending.peekFirst();
            if (task.call.isDone())
            {
                pending.pollFirst();
                continue;
            }

            final WorkerSlot slot = leastBusyWorker();
            if (slot == null)
            {
                break;
            }
            final PoolChannel channel = slot.channel;
            if (!slot.functionsSent.contains(task.call.id))
            {
                if (!channel.write(channel.tasks(), PoolChannel.FUNCTION, task.call.id, 0, task.call.function))
                {
                    break;
                }
                slot.functionsSent.add(task.call.id);
            }
            if (!channel.write(channel.tasks(), PoolChannel.TASK, task.call.id, task.index, task.items))
            {
                break;
            }

            pending.pollFirst();
            slot.inFlight.add(task);
            slot.assigned++;
            if (context.maxTasksPerChild() > 0 && slot.assigned >= context.maxTasksPerChild())
            {
                slot.retiring = true;
            }
            sent++;
        }

        for (final WorkerSlot slot : workers)
        {
            if (slot.retiring && !slot.stopSent && slot.inFlight.isEmpty() && !slot.exited)
            {
                slot.stopSent = slot.channel.write(slot.channel.tasks(), PoolChannel.STOP, 0, -1, null);
            }
        }
        return sent;
    }

    private WorkerSlot leastBusyWorker()
    {
        WorkerSlot best = null;
        for (final WorkerSlot slot : workers)
        {
            if (!slot.exited && !slot.retiring && slot.inFlight.size() < context.maxTasksInFlight() &&
                (best == null || slot.inFlight.size() < best.inFlight.size()))
            {
                best = slot;
            }
        }
        return best;
    }

    private int handleExit(final WorkerSlot slot)
    {
        // Results the worker wrote before it died still count.
        PoolChannel.read(slot.channel.results(), slot, Integer.MAX_VALUE);
        slot.exited = false;

        final boolean expected = slot.stopSent && slot.inFlight.isEmpty();
        for (final Task task : slot.inFlight)
        {
            if (task.call.isDone())
            {
                continue;
            }
            if (slot.recycling)
            {
                pending.addFirst(task); // the pool killed this worker; its other chunks are not to blame
                continue;
            }
            task.attempts++;
            if (task.attempts >= context.maxAttempts())
            {
                task.call.fail(new WorkerCrashedException("task killed its worker every time: call=" +
                    task.call.description + " task=" + task.index + " attempts=" + task.attempts +
                    " lastWorker=" + slot.worker.name() + " pid=" + slot.worker.pid() + ' ' +
                    slot.worker.exitDescription()));
                endCall(task.call);
            }
            else
            {
                pending.addFirst(task);
            }
        }
        slot.inFlight.clear();
        slot.channel.delete();

        if (broken == null && !(shutdown && pending.isEmpty() && expected))
        {
            if (startsWithoutReady > MAX_STARTS_WITHOUT_READY * workers.length)
            {
                breakPool(new Mp4jException("workers keep dying before they are ready: pool=" + poolName +
                    ' ' + slot.worker.exitDescription() + " (see the workers' output)"));
            }
            else if (host != null && !host.isRunning())
            {
                breakPool(new Mp4jException("worker host stopped: pool=" + poolName + " host=" + host.name() +
                    " pid=" + host.hostPid()));
            }
            else
            {
                try
                {
                    startWorker(slot);
                }
                catch (final Mp4jException ex)
                {
                    breakPool(ex);
                }
            }
        }
        return 1;
    }

    private void breakPool(final Throwable cause)
    {
        broken = cause;
        failEverything(cause);
    }

    private void failEverything(final Throwable cause)
    {
        for (final PoolCall call : liveCalls)
        {
            call.fail(cause);
        }
        liveCalls.clear();
        pending.clear();
        Task task;
        while ((task = submissions.poll()) != null)
        {
            task.call.fail(cause);
        }
        for (final WorkerSlot slot : workers)
        {
            slot.inFlight.clear();
        }
    }

    private void stopGracefully() throws InterruptedException
    {
        for (final WorkerSlot slot : workers)
        {
            if (slot.worker.isAlive() && !slot.stopSent)
            {
                slot.stopSent = slot.channel.write(slot.channel.tasks(), PoolChannel.STOP, 0, -1, null);
            }
        }
        for (final WorkerSlot slot : workers)
        {
            if (!slot.worker.awaitRelease(context.stopTimeout()))
            {
                slot.worker.kill();
                slot.worker.onExit().join();
            }
        }
    }

    private void terminateNow()
    {
        failEverything(new CancellationException("pool terminated: pool=" + poolName));
        killWorkers();
    }

    /**
     * Kills the workers that hold work (a leased worker that holds none is only told to stop, and goes
     * back to its host) and waits for them to exit.
     */
    private void killWorkers()
    {
        final List<PoolWorkerProcess> killed = new ArrayList<>();
        for (final WorkerSlot slot : workers)
        {
            final PoolWorkerProcess worker = slot.worker;
            if (worker == null || !worker.isAlive())
            {
                continue;
            }
            if (worker instanceof PoolWorkerProcess.Leased && slot.inFlight.isEmpty())
            {
                slot.channel.write(slot.channel.tasks(), PoolChannel.STOP, 0, -1, null);
            }
            else
            {
                worker.kill();
                killed.add(worker);
            }
        }
        for (final PoolWorkerProcess worker : killed)
        {
            worker.onExit().join();
        }
    }

    private void onResult(final WorkerSlot slot, final int type, final long callId, final int index, final byte[] payload)
    {
        switch (type)
        {
            case PoolChannel.READY ->
            {
                slot.ready = true;
                startsWithoutReady = 0;
            }
            case PoolChannel.INIT_FAILED -> breakPool(new RemoteException(
                "pool initializer failed: pool=" + poolName + " worker=" + slot.worker.name() +
                " pid=" + slot.worker.pid(), RemoteException.decode(payload)));
            case PoolChannel.RESULT, PoolChannel.ERROR ->
            {
                final Task task = slot.removeInFlight(callId, index);
                if (task == null)
                {
                    return; // a result of a call that already failed
                }
                if (type == PoolChannel.RESULT)
                {
                    if (journal != null)
                    {
                        journal.taskCompleted(task.call.journalRunId, task.call.journalCallId, index, payload);
                    }
                    task.call.complete(index, Codec.decodeList(payload));
                }
                else
                {
                    task.call.fail(new RemoteException("pool task failed: call=" + task.call.description +
                        " task=" + index + " worker=" + slot.worker.name() + " pid=" + slot.worker.pid(),
                        RemoteException.decode(payload)));
                }
                if (task.call.isDone())
                {
                    endCall(task.call);
                }
            }
            default -> throw new IllegalStateException("unknown pool message: type=" + type);
        }
    }

    private void endCall(final PoolCall call)
    {
        if (liveCalls.remove(call))
        {
            forget(call);
            if (journal != null)
            {
                journal.callEnded(call.journalRunId, call.journalCallId);
            }
        }
    }

    private void forget(final PoolCall call)
    {
        for (final WorkerSlot slot : workers)
        {
            if (slot.functionsSent.remove(call.id))
            {
                // Best effort: a worker that misses it drops old functions by itself.
                slot.channel.write(slot.channel.tasks(), PoolChannel.FORGET, call.id, -1, null);
            }
        }
    }

    /** A chunk of a call, as it travels: which call, which chunk, the serialized items. */
    private static final class Task
    {
        final PoolCall call;
        final int index;
        final byte[] items;
        int attempts;

        Task(final PoolCall call, final int index, final byte[] items)
        {
            this.call = call;
            this.index = index;
            this.items = items;
        }
    }

    /** One worker position in the pool; its JVM and channel are replaced when it dies or retires. */
    private final class WorkerSlot implements MessageHandler
    {
        final int index;
        final ArrayDeque<Task> inFlight = new ArrayDeque<>();
        final Set<Long> functionsSent = new HashSet<>();
        int generation;
        int assigned;
        boolean retiring;
        boolean stopSent;
        boolean recycling;
        boolean ready;
        volatile boolean exited;
        volatile PoolWorkerProcess worker;
        PoolChannel channel;

        WorkerSlot(final int index)
        {
            this.index = index;
        }

        @Override
        public void onMessage(final int type, final MutableDirectBuffer buffer, final int offset, final int length)
        {
            onResult(this, type, PoolChannel.callId(buffer, offset), PoolChannel.taskIndex(buffer, offset),
                channel.payload(buffer, offset, length));
        }

        boolean holds(final PoolCall call)
        {
            for (final Task task : inFlight)
            {
                if (task.call == call)
                {
                    return true;
                }
            }
            return false;
        }

        Task removeInFlight(final long callId, final int index)
        {
            final Iterator<Task> tasks = inFlight.iterator();
            while (tasks.hasNext())
            {
                final Task task = tasks.next();
                if (task.call.id == callId && task.index == index)
                {
                    tasks.remove();
                    return task;
                }
            }
            return null;
        }
    }
}
