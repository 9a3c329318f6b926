package io.mp4j.bench.compare;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The pool a Java user would hand-roll without mp4j: worker JVMs ({@link PlainChildJvm}, started with a
 * {@link ProcessBuilder} with the same {@code java}, classpath and flags as mp4j's children), each
 * exchanging serialized objects with the parent over its stdin/stdout, one request at a time, and one
 * parent thread per worker handing out chunks. Not mp4j; the plain-Java side of the comparison.
 * <p>
 * One caller at a time.
 */
public final class PlainJavaPool implements AutoCloseable
{
    private final PlainChildJvm[] workers;
    private final ExecutorService threads;

    /**
     * Starts the worker JVMs without waiting for them to be ready; the first request to each waits.
     *
     * @param processes how many worker JVMs.
     * @throws IOException if a JVM cannot be started.
     */
    public PlainJavaPool(final int processes) throws IOException
    {
        workers = new PlainChildJvm[processes];
        try
        {
            for (int i = 0; i < processes; i++)
            {
                workers[i] = PlainChildJvm.start(PlainWorkerMain.class);
            }
        }
        catch (final IOException | RuntimeException ex)
        {
            stopAll();
            throw ex;
        }
        threads = Executors.newFixedThreadPool(processes, runnable ->
        {
            final Thread thread = new Thread(runnable, "plain-java-pool");
            thread.setDaemon(true);
            return thread;
        });
    }

    /**
     * Runs one task in the first worker and returns its result: the hand-rolled {@code apply}.
     *
     * @param task the task.
     * @param <R>  the result type.
     * @return the task's result.
     * @throws Exception the task's exception, or an I/O failure talking to the worker.
     */
    @SuppressWarnings("unchecked")
    public <R> R apply(final PlainWorkerMain.SerializableCallable<R> task) throws Exception
    {
        return (R)workers[0].exchange(new PlainWorkerMain.Call(task));
    }

    /**
     * Applies a function to every item, in chunks handed to whichever worker is free: the hand-rolled
     * {@code map}.
     *
     * @param function  the function, sent with every chunk.
     * @param items     the items.
     * @param chunksize how many items travel together; at least 1.
     * @param <T>       the item type.
     * @param <R>       the result type.
     * @return the results, in item order.
     * @throws Exception a task's exception, or an I/O failure talking to a worker.
     */
    public <T, R> List<R> map(
        final PlainWorkerMain.SerializableFunction<T, R> function, final List<T> items, final int chunksize)
        throws Exception
    {
        final int chunks = (items.size() + chunksize - 1) / chunksize;
        final Object[] results = new Object[chunks];
        final AtomicInteger nextChunk = new AtomicInteger();
        final List<Future<Void>> feeders = new ArrayList<>(workers.length);
        for (final PlainChildJvm worker : workers)
        {
            feeders.add(threads.submit(() ->
            {
                int chunk;
                while ((chunk = nextChunk.getAndIncrement()) < chunks)
                {
                    final int from = chunk * chunksize;
                    final List<T> slice = items.subList(from, Math.min(items.size(), from + chunksize));
                    results[chunk] = worker.exchange(new PlainWorkerMain.MapChunk(function, slice));
                }
                return null;
            }));
        }
        Exception failure = null;
        for (final Future<Void> feeder : feeders)
        {
            try
            {
                feeder.get();
            }
            catch (final ExecutionException ex)
            {
                // Stop the other feeders at their next chunk, and wait for them: a worker's stream must
                // not be left mid-exchange for the next call.
                nextChunk.set(chunks);
                if (failure == null)
                {
                    failure = ex.getCause() instanceof Exception ? (Exception)ex.getCause() : ex;
                }
            }
        }
        if (failure != null)
        {
            throw failure;
        }

        final List<R> all = new ArrayList<>(items.size());
        for (final Object chunkResults : results)
        {
            @SuppressWarnings("unchecked")
            final List<R> typed = (List<R>)chunkResults;
            all.addAll(typed);
        }
        return all;
    }

    /**
     * Python's default chunk size for {@code map}, which a hand-roller would copy: about four chunks per
     * worker.
     *
     * @param items   how many items.
     * @param workers how many workers.
     * @return the chunk size, at least 1.
     */
    public static int defaultChunksize(final int items, final int workers)
    {
        final int chunks = workers * 4;
        return Math.max(1, items / chunks + (items % chunks == 0 ? 0 : 1));
    }

    /** Closes each worker's stdin so it exits, waits for it, and kills it if it does not. */
    @Override
    public void close()
    {
        threads.shutdownNow();
        stopAll();
    }

    private void stopAll()
    {
        Arrays.stream(workers).filter(w -> w != null).forEach(PlainChildJvm::closeInput);
        for (final PlainChildJvm worker : workers)
        {
            if (worker != null)
            {
                worker.awaitExit();
            }
        }
    }
}
