package io.mp4j.pool;

import io.mp4j.EncodingException;
import io.mp4j.codec.Codec;
import io.mp4j.codec.ListCodec;
import org.agrona.DirectBuffer;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * An apply: a call of one task with one result. Either its caller waits for the result in its own thread,
 * doing the engine's work meanwhile ({@link PoolEngine#await(PoolCall, List, java.time.Duration)}), or the
 * result completes a future ({@link Pool#applyAsync(PoolCallable)}). A task that is a lambda capturing
 * nothing has a {@link #keptFunction}: its function goes once to each worker, which keeps it, and each
 * apply then sends the task alone. The first outcome wins, whichever thread brings it.
 */
final class ApplyCall extends PoolCall
{
    /** The items of an apply's one task: one null, which the function made from the task ignores. */
    private static final byte[] ITEMS = Codec.encodeList(Collections.singletonList(null));
    private static final VarHandle STATE;
    private static final int RUNNING = 0;
    private static final int ENDING = 1;
    private static final int ENDED = 2;

    static
    {
        try
        {
            STATE = MethodHandles.lookup().findVarHandle(ApplyCall.class, "state", int.class);
        }
        catch (final ReflectiveOperationException ex)
        {
            throw new ExceptionInInitializerError(ex);
        }
    }

    /** The call's one task. */
    final PoolTask task;
    /** The id under which workers keep the function, or 0 if it is sent with each call. */
    final int keptFunction;
    /** The future of an async apply; null for a caller that waits in place. */
    private final CompletableFuture<Object> future;
    private final Object[] result = new Object[1];
    private Throwable failure;
    private volatile int state;

    ApplyCall(final long id, final byte[] function, final int keptFunction, final CompletableFuture<Object> future)
    {
        super(id, "apply", function, 1, 1);
        this.keptFunction = keptFunction;
        this.future = future;
        this.functionReusable = keptFunction != 0;
        this.task = new PoolTask(this, 0, ITEMS);
    }

    @Override
    void complete(final int index, final List<?> results)
    {
        if (begin())
        {
            result[0] = results.get(0);
            end();
        }
    }

    @Override
    int complete(final PoolTask task, final DirectBuffer buffer, final int offset, final int length)
    {
        if (begin())
        {
            try
            {
                ListCodec.decodeInto(buffer, offset, length, result, 0);
            }
            catch (final RuntimeException ex)
            {
                failure = new EncodingException("apply result cannot be decoded: " + ex.getMessage(), ex);
            }
            end();
        }
        return 1;
    }

    @Override
    void fail(final Throwable cause)
    {
        if (begin())
        {
            failure = cause;
            end();
        }
    }

    @Override
    boolean isDone()
    {
        return future != null ? future.isDone() : state != RUNNING;
    }

    @Override
    Object resultInPlace()
    {
        awaitEnd();
        if (failure != null)
        {
            throw rethrowable(failure);
        }
        return result[0];
    }

    @Override
    boolean failedBy(final Throwable cause)
    {
        awaitEnd();
        return failure == cause;
    }

    private void awaitEnd()
    {
        while (state != ENDED)
        {
            Thread.onSpinWait(); // another thread is between begin() and end()
        }
    }

    private boolean begin()
    {
        return future != null ? !future.isDone() : STATE.compareAndSet(this, RUNNING, ENDING);
    }

    private void end()
    {
        if (future != null)
        {
            if (failure != null)
            {
                future.completeExceptionally(failure);
            }
            else
            {
                future.complete(result[0]);
            }
            return;
        }
        state = ENDED;
        wakeCaller();
    }
}
