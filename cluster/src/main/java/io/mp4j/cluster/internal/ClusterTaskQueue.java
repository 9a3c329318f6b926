package io.mp4j.cluster.internal;

import io.mp4j.queue.TaskQueue;
import org.apache.ignite.IgniteAtomicLong;
import org.apache.ignite.IgniteQueue;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Python's {@code JoinableQueue}: a {@link ClusterQueue} and an atomic count of unfinished tasks. A put counts a task
 * before the message is in the queue (and uncounts it if the put fails), {@code taskDone} uncounts one, and
 * {@code join} polls the count down to zero (see {@link Polling}).
 *
 * @param <E> the message type.
 */
public final class ClusterTaskQueue<E> extends ClusterQueue<E> implements TaskQueue<E>
{
    private final IgniteAtomicLong unfinished;

    /**
     * A joinable queue over Ignite's structures.
     *
     * @param queue      the messages.
     * @param unfinished the count of tasks put and not yet done.
     */
    public ClusterTaskQueue(final IgniteQueue<E> queue, final IgniteAtomicLong unfinished)
    {
        super(queue);
        this.unfinished = unfinished;
    }

    @Override
    public void taskDone()
    {
        while (true)
        {
            final long count = unfinished.get();
            if (count <= 0)
            {
                throw new IllegalStateException("taskDone() called more times than messages were put: queue=" + name());
            }
            if (unfinished.compareAndSet(count, count - 1))
            {
                return;
            }
        }
    }

    @Override
    public void join() throws InterruptedException
    {
        Polling.await(() -> unfinished.get() == 0, Polling.FOREVER);
    }

    @Override
    public void join(final Duration timeout) throws InterruptedException
    {
        Polling.awaitOrThrow(() -> unfinished.get() == 0, timeout, "join of queue " + name());
    }

    @Override
    public boolean offer(final E message)
    {
        unfinished.incrementAndGet();
        boolean offered = false;
        try
        {
            offered = super.offer(message);
        }
        finally
        {
            counted(offered);
        }
        return offered;
    }

    @Override
    public boolean offer(final E message, final long timeout, final TimeUnit unit) throws InterruptedException
    {
        unfinished.incrementAndGet();
        boolean offered = false;
        try
        {
            offered = super.offer(message, timeout, unit);
        }
        finally
        {
            counted(offered);
        }
        return offered;
    }

    private boolean counted(final boolean put)
    {
        if (!put)
        {
            unfinished.decrementAndGet();
        }
        return put;
    }

    @Override
    public String toString()
    {
        return "ClusterTaskQueue{name=" + name() + ", size=" + size() + ", unfinished=" + unfinished.get() + '}';
    }
}
