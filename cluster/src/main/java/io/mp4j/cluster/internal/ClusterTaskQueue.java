package io.mp4j.cluster.internal;

import io.mp4j.queue.TaskQueue;
import org.apache.ignite.IgniteAtomicLong;
import org.apache.ignite.IgniteQueue;

import java.time.Duration;
import java.util.AbstractQueue;
import java.util.Collection;
import java.util.Iterator;
import java.util.concurrent.TimeUnit;

/**
 * Python's {@code JoinableQueue} on an Ignite queue and an atomic count of unfinished tasks: a put counts a task
 * before the message is in the queue (and uncounts it if the put fails), {@code taskDone} uncounts one, and
 * {@code join} polls the count down to zero (see {@link Polling}).
 *
 * @param <E> the message type.
 */
public final class ClusterTaskQueue<E> extends AbstractQueue<E> implements TaskQueue<E>
{
    private final IgniteQueue<E> queue;
    private final IgniteAtomicLong unfinished;

    /**
     * A joinable queue over Ignite's structures.
     *
     * @param queue      the messages.
     * @param unfinished the count of tasks put and not yet done.
     */
    public ClusterTaskQueue(final IgniteQueue<E> queue, final IgniteAtomicLong unfinished)
    {
        this.queue = queue;
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
                throw new IllegalStateException("taskDone() called more times than messages were put: queue=" + queue.name());
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
        Polling.awaitOrThrow(() -> unfinished.get() == 0, timeout, "join of queue " + queue.name());
    }

    @Override
    public boolean offer(final E message)
    {
        unfinished.incrementAndGet();
        return counted(queue.offer(message));
    }

    @Override
    public void put(final E message)
    {
        unfinished.incrementAndGet();
        boolean put = false;
        try
        {
            queue.put(message);
            put = true;
        }
        finally
        {
            counted(put);
        }
    }

    @Override
    public boolean offer(final E message, final long timeout, final TimeUnit unit)
    {
        unfinished.incrementAndGet();
        boolean offered = false;
        try
        {
            offered = queue.offer(message, timeout, unit);
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
    public E take()
    {
        return queue.take();
    }

    @Override
    public E poll(final long timeout, final TimeUnit unit)
    {
        return queue.poll(timeout, unit);
    }

    @Override
    public E poll()
    {
        return queue.poll();
    }

    @Override
    public E peek()
    {
        return queue.peek();
    }

    @Override
    public int remainingCapacity()
    {
        return queue.remainingCapacity();
    }

    @Override
    public int drainTo(final Collection<? super E> target)
    {
        return queue.drainTo(target);
    }

    @Override
    public int drainTo(final Collection<? super E> target, final int maxElements)
    {
        return queue.drainTo(target, maxElements);
    }

    @Override
    public Iterator<E> iterator()
    {
        return queue.iterator();
    }

    @Override
    public int size()
    {
        return queue.size();
    }

    @Override
    public String toString()
    {
        return "ClusterTaskQueue{name=" + queue.name() + ", size=" + queue.size() + ", unfinished=" + unfinished.get() + '}';
    }
}
