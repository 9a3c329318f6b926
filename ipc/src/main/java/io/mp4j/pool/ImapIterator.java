package io.mp4j.pool;

import io.mp4j.EncodingException;
import io.mp4j.Mp4jException;
import io.mp4j.codec.Codec;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.concurrent.CancellationException;

/**
 * An imap or imap_unordered call: Python's {@code IMapIterator}. It reads an input that is not a
 * {@link java.util.Collection} lazily, in the consumer's thread, a chunk at a time, and keeps at most a
 * look-ahead of items read but not yet taken by the consumer, so an endless input never fills the heap
 * while the workers stay busy; a collection, in memory already, is submitted whole at once.
 * <p>
 * Failures take their place: an exception of the input, or an item that cannot be encoded, is thrown by
 * {@code next()} after the results of every item read before it; a task's failure is thrown in item
 * order by an ordered iterator and as it arrives by an unordered one. After it threw, the iterator has
 * no more elements. The engine thread delivers results; the consumer's thread (or the one joining the
 * pool) reads the input.
 */
final class ImapIterator extends PoolCall implements Iterator<Object>
{
    private static final Object NO_RESULT = new Object();

    private final PoolEngine engine;
    private final boolean ordered;
    private final int chunksize;
    private final long lookAheadItems;
    /** Held while the input is read; never while the engine thread waits for this call's monitor. */
    private final Object inputLock = new Object();
    /** The input; the input lock's, and null once it was read to its end or failed. */
    private Iterator<?> input;

    // Guarded by this.
    private boolean inputOpen = true;
    private boolean abandoned;
    private int submittedChunks;
    private long readItems;
    private long deliveredItems;
    private Throwable poolFailure;
    private Throwable inputFailure;
    /** The first chunk that failed (a task's failure, or where the input failed); later ones are not needed. */
    private int failedChunk = Integer.MAX_VALUE;
    /** Every chunk below this one has completed. */
    private int completedPrefix;
    private final Set<Integer> completedAhead = new HashSet<>();
    private int completedChunks;
    private final Map<Integer, Object> ready = new HashMap<>();
    private final ArrayDeque<Object> arrived = new ArrayDeque<>();
    private List<?> current = List.of();
    private int position;
    private int nextChunk;
    private boolean over;

    ImapIterator(
        final PoolEngine engine, final long id, final String description, final byte[] function,
        final Iterable<?> items, final int chunksize, final boolean ordered)
    {
        super(id, description, function, taskCountOf(items, chunksize), itemCountOf(items));
        this.engine = engine;
        this.ordered = ordered;
        this.chunksize = chunksize;
        // A collection is in memory already: all of it goes to the workers at once, as map's does, so they
        // keep working however slowly the consumer takes results (Python's task handler reads ahead too).
        this.lookAheadItems = items instanceof java.util.Collection<?> ? Long.MAX_VALUE :
            (long)engine.lookAheadChunks() * chunksize;
        this.input = items.iterator();
    }

    private static int taskCountOf(final Iterable<?> items, final int chunksize)
    {
        return items instanceof java.util.Collection<?> c ? (int)(((long)c.size() + chunksize - 1) / chunksize) : -1;
    }

    private static long itemCountOf(final Iterable<?> items)
    {
        return items instanceof java.util.Collection<?> c ? c.size() : -1;
    }

    // ------------------------------------------------------------------ the consumer's side

    @Override
    public boolean hasNext()
    {
        read(false);
        synchronized (this)
        {
            return !over && (poolFailure != null || deliveredItems < readItems || inputFailure != null || abandoned);
        }
    }

    @Override
    public Object next()
    {
        read(false);
        synchronized (this)
        {
            while (true)
            {
                if (over)
                {
                    throw new NoSuchElementException();
                }
                if (poolFailure != null)
                {
                    end();
                    throw rethrowable(poolFailure);
                }
                final Object result = ordered ? nextInOrder() : nextArrived();
                if (result instanceof Failed failed)
                {
                    end();
                    throw failed.rethrowable();
                }
                if (result != NO_RESULT)
                {
                    deliveredItems++;
                    return result;
                }
                if (deliveredItems == readItems && !inputOpen)
                {
                    end();
                    if (abandoned)
                    {
                        throw new CancellationException("pool closed before the input was read to its end: call=" +
                            description + " itemsRead=" + readItems);
                    }
                    throw new NoSuchElementException();
                }
                awaitResult();
            }
        }
    }

    private void awaitResult()
    {
        try
        {
            wait();
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new CancellationException("interrupted while waiting for a result: call=" + description);
        }
    }

    private Object nextInOrder()
    {
        while (true)
        {
            if (position < current.size())
            {
                return current.get(position++);
            }
            final Object chunk = ready.remove(nextChunk);
            if (chunk == null)
            {
                return NO_RESULT;
            }
            nextChunk++;
            if (chunk instanceof Failed)
            {
                return chunk;
            }
            current = (List<?>)chunk;
            position = 0;
        }
    }

    private Object nextArrived()
    {
        while (true)
        {
            if (position < current.size())
            {
                return current.get(position++);
            }
            final Object chunk = arrived.poll();
            if (chunk == null)
            {
                // The input's failure comes after every result of what was read before it.
                return inputFailure != null && completedChunks == submittedChunks ? new Failed(inputFailure, true) :
                    NO_RESULT;
            }
            if (chunk instanceof Failed)
            {
                return chunk;
            }
            current = (List<?>)chunk;
            position = 0;
        }
    }

    /** The consumer has seen the end or a failure: nothing more is needed. */
    private void end()
    {
        over = true;
        current = List.of();
        ready.clear();
        arrived.clear();
        closeInput();
        engine.release(this);
    }

    // ------------------------------------------------------------------ reading the input

    /** Reads the first chunks; called once, by the pool, in the caller's thread. */
    void start()
    {
        read(false);
    }

    /**
     * Reads the input a chunk at a time and submits each, up to the look-ahead or, when draining (the
     * pool is being joined), to its end.
     */
    void read(final boolean drain)
    {
        synchronized (inputLock)
        {
            while (true)
            {
                synchronized (this)
                {
                    if (!inputOpen || input == null || (!drain && readItems - deliveredItems >= lookAheadItems))
                    {
                        return;
                    }
                }

                final ArrayList<Object> chunk = new ArrayList<>(Math.min(chunksize, 1024));
                Throwable failure = null;
                boolean ended = false;
                try
                {
                    while (chunk.size() < chunksize)
                    {
                        if (!input.hasNext())
                        {
                            ended = true;
                            break;
                        }
                        chunk.add(input.next());
                    }
                }
                catch (final Throwable ex)
                {
                    failure = ex; // Python's _guarded_task_generation: next() raises it at its position
                }
                byte[] items = null;
                if (!chunk.isEmpty())
                {
                    try
                    {
                        items = Codec.encodeList(chunk);
                    }
                    catch (final EncodingException ex)
                    {
                        failure = new EncodingException("pool items " + readItems + ".." +
                            (readItems + chunk.size() - 1) + ": " + ex.getMessage(), ex);
                    }
                }
                if (failure != null || ended)
                {
                    input = null;
                }
                if (!submit(items, chunk.size(), failure, ended))
                {
                    return;
                }
            }
        }
    }

    /** Submits a chunk read from the input and records how the input ended; false once nothing more is read. */
    private boolean submit(final byte[] items, final int itemCount, final Throwable failure, final boolean ended)
    {
        synchronized (this)
        {
            if (!inputOpen)
            {
                return false; // failed, abandoned or over meanwhile: the chunk is dropped
            }
            if (items != null && submittedChunks == Integer.MAX_VALUE)
            {
                inputFailed(new IllegalStateException("imap has too many chunks: call=" + description));
                return false;
            }
            if (items != null)
            {
                final PoolTask task = new PoolTask(this, submittedChunks, items);
                if (!engine.submitMore(task))
                {
                    fail(new CancellationException("pool terminated: pool=" + engine.name()));
                    return false;
                }
                submittedChunks++;
                readItems += itemCount;
            }
            if (failure != null)
            {
                inputFailed(failure);
            }
            else if (ended)
            {
                closeInput();
            }
            else
            {
                return true;
            }
        }
        // The input is done: the call may have every result already, and the engine must hear of it.
        engine.release(this);
        return false;
    }

    private void inputFailed(final Throwable failure)
    {
        inputFailure = failure;
        if (ordered)
        {
            ready.put(submittedChunks, new Failed(failure, true));
            failedChunk = Math.min(failedChunk, submittedChunks);
        }
        closeInput();
        notifyAll();
    }

    /** No more of the input is read; the pool no longer waits for this call's input at its shutdown. */
    private void closeInput()
    {
        if (inputOpen)
        {
            inputOpen = false;
            engine.streamClosed(this);
        }
    }

    /** The pool closes: what was read is finished, the rest of the input is never read. */
    void abandon()
    {
        synchronized (this)
        {
            if (!inputOpen)
            {
                return;
            }
            abandoned = true;
            closeInput();
            notifyAll();
        }
        engine.release(this);
    }

    // ------------------------------------------------------------------ the engine's side

    @Override
    synchronized void complete(final int index, final List<?> results)
    {
        if (over || poolFailure != null || index >= failedChunk || !markCompleted(index))
        {
            return;
        }
        if (ordered)
        {
            ready.put(index, results);
        }
        else
        {
            arrived.add(results);
        }
        notifyAll();
    }

    @Override
    synchronized void failTask(final int index, final Throwable cause)
    {
        if (over || poolFailure != null || index >= failedChunk || !markCompleted(index))
        {
            return;
        }
        failedChunk = index;
        if (ordered)
        {
            ready.put(index, new Failed(cause, false));
        }
        else
        {
            arrived.add(new Failed(cause, false));
        }
        closeInput(); // nothing after the failure is needed
        notifyAll();
    }

    @Override
    synchronized void fail(final Throwable cause)
    {
        if (poolFailure == null && !over)
        {
            poolFailure = cause;
            closeInput();
            notifyAll();
        }
    }

    @Override
    synchronized boolean isDone()
    {
        if (over || poolFailure != null)
        {
            return true;
        }
        if (failedChunk != Integer.MAX_VALUE)
        {
            // Ordered: every result before the failure is in; unordered: the failure arrived.
            return !ordered || completedPrefix >= failedChunk;
        }
        return !inputOpen && completedChunks == submittedChunks;
    }

    @Override
    synchronized boolean wants(final int index)
    {
        return !isDone() && index < failedChunk;
    }

    private boolean markCompleted(final int index)
    {
        if (index < completedPrefix || !completedAhead.add(index))
        {
            return false;
        }
        completedChunks++;
        while (completedAhead.remove(completedPrefix))
        {
            completedPrefix++;
        }
        return true;
    }

    /** A failure in the stream of results, thrown when the consumer reaches it. */
    private record Failed(Throwable cause, boolean ofInput)
    {
        RuntimeException rethrowable()
        {
            if (ofInput)
            {
                // The input's own exception, as it was thrown: Python re-raises it as it is.
                if (cause instanceof RuntimeException runtime)
                {
                    return runtime;
                }
                if (cause instanceof Error error)
                {
                    throw error;
                }
                return new Mp4jException("imap input failed: " + cause, cause);
            }
            return PoolCall.rethrowable(cause);
        }
    }
}
