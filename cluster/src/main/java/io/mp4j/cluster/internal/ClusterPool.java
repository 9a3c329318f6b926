package io.mp4j.cluster.internal;

import io.mp4j.Mp4jException;
import io.mp4j.RemoteException;
import io.mp4j.codec.Codec;
import io.mp4j.codec.ListCodec;
import io.mp4j.internal.JavaSerialization;
import io.mp4j.internal.Lists;
import io.mp4j.internal.Threads;
import io.mp4j.pool.ChunkKernel;
import io.mp4j.pool.PoolCallable;
import io.mp4j.pool.PoolFunction;
import io.mp4j.pool.WorkerPool;
import org.apache.ignite.Ignite;
import org.apache.ignite.IgniteCompute;
import org.apache.ignite.lang.IgniteFuture;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A {@link WorkerPool} on Ignite's compute grid: every call is cut into chunks, one compute job per chunk, run on
 * the server nodes (never on clients); Ignite's failover re-runs a chunk whose node died, and the call keeps the
 * first result of each chunk, so results reach the caller exactly once even though a task may execute twice.
 */
public final class ClusterPool implements WorkerPool
{
    private final Ignite ignite;
    private final int processes;
    private final Set<IgniteFuture<byte[]>> running = ConcurrentHashMap.newKeySet();
    private final Object lock = new Object();
    private volatile boolean shutdown;

    /**
     * A pool on a node's cluster.
     *
     * @param ignite    a node of the cluster (client or server).
     * @param processes how many workers a default chunk size is cut for, as Python's {@code Pool(processes)}.
     */
    public ClusterPool(final Ignite ignite, final int processes)
    {
        if (processes < 1)
        {
            throw new IllegalArgumentException("processes must be at least 1: processes=" + processes);
        }
        this.ignite = ignite;
        this.processes = processes;
    }

    /**
     * Runs the kernel over chunks of a plain array, which travels with each chunk; an mp4j shared array is refused,
     * as it is this machine's memory, which no other node can map.
     *
     * @throws UnsupportedOperationException for an mp4j shared array or other handle to this machine's memory.
     */
    @Override
    public <A extends Serializable, R> List<R> mapChunks(
        final A array, final int length, final int chunkLength, final ChunkKernel<A, R> kernel)
    {
        if (array != null && array.getClass().getName().startsWith("io.mp4j."))
        {
            throw new UnsupportedOperationException("a cluster pool cannot run a kernel in place over " +
                array.getClass().getSimpleName() + ": it is this machine's shared memory, which other nodes cannot " +
                "map; pass a plain array (double[], long[] ...), which travels with each chunk");
        }
        return WorkerPool.super.mapChunks(array, length, chunkLength, kernel);
    }

    @Override
    public <T, R> CompletableFuture<List<R>> mapAsync(final PoolFunction<T, R> function, final Iterable<? extends T> items)
    {
        final List<Object> all = Lists.of(items);
        return gather(function, all, defaultChunksize(all.size()));
    }

    @Override
    public <T, R> CompletableFuture<List<R>> mapAsync(
        final PoolFunction<T, R> function, final Iterable<? extends T> items, final int chunksize)
    {
        return gather(function, Lists.of(items), chunksize);
    }

    @Override
    @SuppressWarnings("unchecked")
    public <R> CompletableFuture<R> applyAsync(final PoolCallable<R> task)
    {
        final List<Object> single = new ArrayList<>(1);
        single.add(null);
        final CompletableFuture<List<Object>> call = gather(ignored -> task.call(), single, 1);
        final CompletableFuture<R> result = call.thenApply(results -> (R)results.get(0));
        result.whenComplete((value, error) ->
        {
            if (error != null)
            {
                call.completeExceptionally(error);
            }
        });
        return result;
    }

    @Override
    public <T, R> Iterator<R> imap(final PoolFunction<T, R> function, final Iterable<? extends T> items, final int chunksize)
    {
        final List<CompletableFuture<List<Object>>> chunks = chunkFutures(function, Lists.of(items), chunksize);
        final Iterator<CompletableFuture<List<Object>>> inOrder = chunks.iterator();
        return new Results<>(chunks.size(), inOrder::next);
    }

    @Override
    public <T, R> Iterator<R> imapUnordered(
        final PoolFunction<T, R> function, final Iterable<? extends T> items, final int chunksize)
    {
        final List<CompletableFuture<List<Object>>> chunks = chunkFutures(function, Lists.of(items), chunksize);
        final BlockingQueue<CompletableFuture<List<Object>>> done = new LinkedBlockingQueue<>();
        chunks.forEach(chunk -> chunk.whenComplete((results, error) -> done.add(chunk)));
        return new Results<>(chunks.size(), done::take);
    }

    /** The next chunk an iterator of results reads, in the order it reads them. */
    @FunctionalInterface
    private interface NextChunk
    {
        CompletableFuture<List<Object>> take() throws InterruptedException;
    }

    /** The results of a call's chunks, item by item, each chunk waited for as the iteration reaches it. */
    private final class Results<R> implements Iterator<R>
    {
        private final int chunks;
        private final NextChunk nextChunk;
        private int taken;
        private Iterator<Object> current = java.util.Collections.emptyIterator();

        Results(final int chunks, final NextChunk nextChunk)
        {
            this.chunks = chunks;
            this.nextChunk = nextChunk;
        }

        @Override
        public boolean hasNext()
        {
            while (!current.hasNext() && taken < chunks)
            {
                try
                {
                    current = join(nextChunk.take()).iterator();
                    taken++;
                }
                catch (final InterruptedException ex)
                {
                    Thread.currentThread().interrupt();
                    throw new CancellationException("interrupted while waiting for a pool result");
                }
            }
            return current.hasNext();
        }

        @Override
        @SuppressWarnings("unchecked")
        public R next()
        {
            if (!hasNext())
            {
                throw new NoSuchElementException();
            }
            return (R)current.next();
        }
    }

    @Override
    public void shutdown()
    {
        shutdown = true;
        synchronized (lock)
        {
            lock.notifyAll();
        }
    }

    @Override
    public void join() throws InterruptedException
    {
        if (!shutdown)
        {
            throw new IllegalStateException("join() before shutdown() or terminate()");
        }
        awaitTermination(Long.MAX_VALUE, TimeUnit.NANOSECONDS);
    }

    @Override
    public void terminate()
    {
        shutdown();
        for (final IgniteFuture<byte[]> job : running)
        {
            job.cancel();
        }
    }

    @Override
    public void close()
    {
        shutdown();
        Threads.awaitUninterruptibly(this::join);
    }

    @Override
    public boolean isShutdown()
    {
        return shutdown;
    }

    @Override
    public boolean isTerminated()
    {
        return shutdown && running.isEmpty();
    }

    @Override
    public boolean awaitTermination(final long timeout, final TimeUnit unit) throws InterruptedException
    {
        final long deadline = System.nanoTime() + Math.min(unit.toNanos(timeout), Long.MAX_VALUE / 4);
        synchronized (lock)
        {
            while (!isTerminated())
            {
                final long left = deadline - System.nanoTime();
                if (left <= 0)
                {
                    return false;
                }
                lock.wait(Math.max(1, Math.min(TimeUnit.NANOSECONDS.toMillis(left), 100)));
            }
        }
        return true;
    }

    @Override
    public String toString()
    {
        return "ClusterPool{processes=" + processes + ", servers=" + ignite.cluster().forServers().nodes().size() +
            ", running=" + running.size() + (shutdown ? ", shut down" : "") + '}';
    }

    private <R> CompletableFuture<List<R>> gather(final PoolFunction<?, ?> function, final List<Object> items, final int chunksize)
    {
        final List<CompletableFuture<List<Object>>> chunks = chunkFutures(function, items, chunksize);
        final CompletableFuture<List<R>> call = new CompletableFuture<>();
        final AtomicInteger left = new AtomicInteger(chunks.size());
        if (chunks.isEmpty())
        {
            call.complete(new ArrayList<>());
        }
        for (final CompletableFuture<List<Object>> chunk : chunks)
        {
            chunk.whenComplete((results, error) ->
            {
                if (error != null)
                {
                    call.completeExceptionally(error instanceof CompletionException ? error.getCause() : error);
                }
                else if (left.decrementAndGet() == 0)
                {
                    final List<Object> all = new ArrayList<>(items.size());
                    chunks.forEach(done -> all.addAll(done.join()));
                    @SuppressWarnings("unchecked")
                    final List<R> typed = (List<R>)all;
                    call.complete(typed);
                }
            });
        }
        // A call cancelled, timed out or failed stops the chunks still running.
        call.whenComplete((results, error) ->
        {
            if (error != null)
            {
                chunks.forEach(chunk -> chunk.cancel(true));
            }
        });
        return call;
    }

    private List<CompletableFuture<List<Object>>> chunkFutures(
        final PoolFunction<?, ?> function, final List<Object> items, final int chunksize)
    {
        if (chunksize < 1)
        {
            throw new IllegalArgumentException("chunksize must be at least 1: chunksize=" + chunksize);
        }
        if (shutdown)
        {
            throw new RejectedExecutionException("pool is shut down");
        }
        final byte[] functionBytes = JavaSerialization.serialize(function, "pool function");
        final List<byte[]> encoded = new ArrayList<>();
        for (int from = 0; from < items.size(); from += chunksize)
        {
            encoded.add(ListCodec.encode(items, from, Math.min(items.size(), from + chunksize)));
        }
        final IgniteCompute compute = ignite.compute(ignite.cluster().forServers());
        final List<CompletableFuture<List<Object>>> chunks = new ArrayList<>(encoded.size());
        for (final byte[] chunkItems : encoded)
        {
            chunks.add(submit(compute, new ChunkJob(functionBytes, chunkItems)));
        }
        return chunks;
    }

    private CompletableFuture<List<Object>> submit(final IgniteCompute compute, final ChunkJob job)
    {
        final CompletableFuture<List<Object>> chunk = new CompletableFuture<>();
        final IgniteFuture<byte[]> future;
        try
        {
            future = compute.callAsync(job);
        }
        catch (final RuntimeException ex)
        {
            chunk.completeExceptionally(clusterFailure(ex));
            return chunk;
        }
        running.add(future);
        future.listen(done ->
        {
            running.remove(done);
            try
            {
                chunk.complete(decode(done.get()));
            }
            catch (final RuntimeException ex)
            {
                chunk.completeExceptionally(ex instanceof RemoteException ? ex : clusterFailure(ex));
            }
            if (shutdown && running.isEmpty())
            {
                synchronized (lock)
                {
                    lock.notifyAll();
                }
            }
        });
        chunk.whenComplete((results, error) ->
        {
            if (error != null && !future.isDone())
            {
                future.cancel();
            }
        });
        return chunk;
    }

    private static List<Object> decode(final byte[] reply)
    {
        final byte[] body = Arrays.copyOfRange(reply, 1, reply.length);
        if (reply[0] == ChunkJob.FAILURE)
        {
            throw new RemoteException("pool task failed on a cluster node", RemoteException.decode(body));
        }
        return Codec.decodeList(body);
    }

    private static RuntimeException clusterFailure(final RuntimeException failure)
    {
        if (failure instanceof org.apache.ignite.lang.IgniteFutureCancelledException)
        {
            return new CancellationException("pool chunk cancelled");
        }
        return new Mp4jException("pool chunk failed on the cluster: error=" + IgniteNodes.rootMessage(failure), failure);
    }

    private static List<Object> join(final CompletableFuture<List<Object>> chunk)
    {
        try
        {
            return chunk.join();
        }
        catch (final CompletionException ex)
        {
            throw ex.getCause() instanceof RuntimeException runtime ? runtime : ex;
        }
    }

    private int defaultChunksize(final int itemCount)
    {
        final int perWorker = processes * 4;
        return Math.max(1, itemCount / perWorker + (itemCount % perWorker == 0 ? 0 : 1));
    }
}
