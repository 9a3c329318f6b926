package io.mp4j.pool;

import io.mp4j.Mp4jException;
import io.mp4j.RemoteException;
import io.mp4j.codec.Codec;
import io.mp4j.internal.Waiter;
import org.agrona.DirectBuffer;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;

/**
 * One call on a pool (a map, an imap, an apply): its serialized function, its tasks (chunks of items),
 * and how results reach the caller. Results and failures are delivered by whichever thread does the
 * engine's work: the engine thread, or a caller that waits for its apply or map in place
 * ({@link PoolEngine#await(PoolCall, List, java.time.Duration)}); the caller's thread reads them.
 */
abstract class PoolCall
{
    final long id;
    final String description;
    final byte[] function;
    final int taskCount;
    /** How many items the call has; -1 if unknown (a resumed call), which reports no progress. */
    final long itemCount;
    /** When the call was made, for progress reports. */
    final long submittedNanos = System.nanoTime();
    /** Items whose results are in; the engine thread's. */
    long itemsDone;
    /** When progress was last reported; the engine thread's. */
    long lastReportNanos = submittedNanos;

    /** The pool run under which a journal records this call; a resumed call keeps its original one. */
    long journalRunId;
    /** The call id under which a journal records this call. */
    long journalCallId;
    /** Whether the journal has recorded the call's start already (a resumed call was journaled before). */
    boolean journaled;
    /** Whether this pool journals the call's tasks as they are accepted (not for a resumed call). */
    boolean journalingTasks;
    /** Whether a worker may keep the call's function for later calls with the same one: it has no state. */
    boolean functionReusable;
    /** The thread waiting in place for the outcome, and how to wake it when another thread ends the call. */
    private Thread caller;
    private Waiter waiter;

    PoolCall(final long id, final String description, final byte[] function, final int taskCount, final long itemCount)
    {
        this.id = id;
        this.description = description;
        this.function = function;
        this.taskCount = taskCount;
        this.itemCount = itemCount;
        this.journalCallId = id;
    }

    /** Says who waits in place for the outcome; before the call's tasks are handed to the engine. */
    final void waitIn(final Thread thread, final Waiter threadWaiter)
    {
        caller = thread;
        waiter = threadWaiter;
    }

    /**
     * Wakes the caller waiting in place, if any and if another thread does: the call ended, or a new
     * worker's channel is to be watched.
     */
    final void wakeCaller()
    {
        if (waiter != null && caller != Thread.currentThread())
        {
            waiter.wake();
        }
    }

    /**
     * The outcome of a call whose caller waited in place, once {@link #isDone()}: its result, or its
     * failure thrown in the caller's frames. Only applies and gathering calls wait in place.
     */
    Object resultInPlace()
    {
        throw new UnsupportedOperationException("this call does not wait in place: call=" + description);
    }

    /** Whether a call that waits in place ended with this failure, once {@link #isDone()}. */
    boolean failedBy(final Throwable cause)
    {
        throw new UnsupportedOperationException("this call does not wait in place: call=" + description);
    }

    /** The results of task {@code index}, in item order. Called by the engine thread. */
    abstract void complete(int index, List<?> results);

    /**
     * The results of a task, encoded in a buffer that is valid only during this call. Called by the engine
     * thread.
     *
     * @return how many results the task had.
     */
    int complete(final PoolTask task, final DirectBuffer buffer, final int offset, final int length)
    {
        final byte[] bytes = new byte[length];
        buffer.getBytes(offset, bytes);
        final List<Object> results = Codec.decodeList(bytes);
        complete(task.index, results);
        return results.size();
    }

    /** The call failed; later results are ignored. Called by any thread. */
    abstract void fail(Throwable cause);

    /**
     * Task {@code index} failed (the function threw, or it kept killing its workers). A gathering call
     * fails at once; an imap throws it at its position. Called by the engine thread.
     */
    void failTask(final int index, final Throwable cause)
    {
        fail(cause);
    }

    /** Whether task {@code index} still needs to run; asked by the engine thread before it sends it. */
    boolean wants(final int index)
    {
        return !isDone();
    }

    /** Whether the call needs no more results: it completed or failed. */
    abstract boolean isDone();

    /**
     * A call's failure as its caller's thread throws it, made in that thread so that its stack trace
     * shows the caller's code, as {@code CompletableFuture.join} does: a task's remote exception again
     * with its remote cause, the pool's own failures (a crashed worker, a broken or terminated pool) of
     * the same type with the engine's exception as cause. Other runtime exceptions are thrown as they
     * are; anything else is wrapped in an {@link Mp4jException}, since the pool's blocking methods
     * declare no checked exceptions.
     */
    static RuntimeException rethrowable(final Throwable cause)
    {
        if (cause instanceof RemoteException)
        {
            return ((RemoteException)cause).rethrownHere();
        }
        if (cause instanceof WorkerCrashedException)
        {
            return new WorkerCrashedException(cause.getMessage(), cause);
        }
        if (cause instanceof CancellationException)
        {
            final CancellationException here = new CancellationException(cause.getMessage());
            here.initCause(cause);
            return here;
        }
        if (cause.getClass() == Mp4jException.class)
        {
            return new Mp4jException(cause.getMessage(), cause);
        }
        if (cause instanceof RuntimeException)
        {
            return (RuntimeException)cause;
        }
        return new Mp4jException("pool call failed: " + cause, cause);
    }

    /**
     * A call whose results are gathered into one list: map, starmap, apply. Chunks of a known size are
     * decoded straight into the list's array at their place; a resumed call's chunks, whose places are
     * unknown, are kept apart and joined at the end.
     */
    static final class Gathering extends PoolCall
    {
        final CompletableFuture<List<Object>> future;
        private final int chunksize;
        private final GatheredList results;
        private final boolean[] done;
        private final List<?>[] chunks;
        private int remaining;
        /** The failure that ended the call, once it has; read by a caller that waited in place. */
        private volatile Throwable failure;

        /**
         * @param chunksize how many items each chunk but the last has; 0 if unknown, as for a resumed call.
         * @param future    what the results complete: a {@link PoolFuture} if it is handed to the caller.
         */
        Gathering(
            final long id, final String description, final byte[] function, final int taskCount, final long itemCount,
            final int chunksize, final CompletableFuture<List<Object>> future)
        {
            super(id, description, function, taskCount, itemCount);
            this.future = future;
            this.chunksize = chunksize;
            this.results = chunksize > 0 ? new GatheredList(Math.toIntExact(itemCount)) : null;
            this.done = new boolean[taskCount];
            this.chunks = chunksize > 0 ? null : new List<?>[taskCount];
            this.remaining = taskCount;
            if (taskCount == 0)
            {
                future.complete(new ArrayList<>());
            }
        }

        @Override
        void complete(final int index, final List<?> taskResults)
        {
            if (done[index] || future.isDone())
            {
                return;
            }
            if (results != null)
            {
                checkChunkLength(index, taskResults.size());
                results.put(index * chunksize, taskResults);
            }
            else
            {
                chunks[index] = taskResults;
            }
            completed(index);
        }

        @Override
        int complete(final PoolTask task, final DirectBuffer buffer, final int offset, final int length)
        {
            if (results == null)
            {
                return super.complete(task, buffer, offset, length);
            }
            if (done[task.index] || future.isDone())
            {
                return 0;
            }
            final int count = results.decode(buffer, offset, length, task.index * chunksize);
            checkChunkLength(task.index, count);
            completed(task.index);
            return count;
        }

        private void checkChunkLength(final int index, final int count)
        {
            final int expected = (int)Math.min(chunksize, itemCount - (long)index * chunksize);
            if (count != expected)
            {
                throw new IllegalStateException("a task's results do not match its items: call=" + description +
                    " task=" + index + " results=" + count + " items=" + expected);
            }
        }

        private void completed(final int index)
        {
            done[index] = true;
            if (--remaining > 0)
            {
                return;
            }
            if (results != null)
            {
                future.complete(results);
            }
            else
            {
                final List<Object> all = new ArrayList<>();
                for (final List<?> chunk : chunks)
                {
                    all.addAll(chunk);
                }
                future.complete(all);
            }
            wakeCaller();
        }

        @Override
        void fail(final Throwable cause)
        {
            if (future.completeExceptionally(cause))
            {
                failure = cause;
                wakeCaller();
            }
        }

        @Override
        Object resultInPlace()
        {
            return PoolCalls.await(future);
        }

        @Override
        boolean failedBy(final Throwable cause)
        {
            return failure == cause;
        }

        @Override
        boolean isDone()
        {
            return future.isDone();
        }
    }
}
