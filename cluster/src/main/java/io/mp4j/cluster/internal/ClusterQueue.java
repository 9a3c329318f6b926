package io.mp4j.cluster.internal;

import org.apache.ignite.IgniteInterruptedException;
import org.apache.ignite.IgniteQueue;

import java.util.AbstractQueue;
import java.util.Collection;
import java.util.Iterator;
import java.util.Objects;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A cluster's queue: an Ignite queue whose blocking calls cannot sleep beside items or room.
 * <p>
 * Ignite's {@code take}, {@code put} and timed {@code poll} and {@code offer} wait on semaphores of this node, kept
 * by the queue header's updates, which reach it as continuous-query events from the header's primary node. An update
 * whose event is lost (its primary dies before sending it) leaves such a waiter asleep until its timeout, or for
 * ever, though the header says there is work. So each wait here is Ignite's own, cut into slices of about
 * {@value #SLICE_MILLIS} ms (Ignite's clock ticks every 10 ms), and each slice starts with a direct try that reads
 * the header itself (a round trip, and one more for the item). A waiter so learns of a lost update about a slice
 * late, and a backlog drains at a direct try per item.
 * <p>
 * A null message is refused before anything is sent: Ignite's own {@code offer} moves the header before it finds the
 * null, which would leave a slot that every later poll waits for. Interruption throws {@link InterruptedException},
 * as {@link BlockingQueue} says, not Ignite's unchecked one.
 *
 * @param <E> the message type.
 */
public class ClusterQueue<E> extends AbstractQueue<E> implements BlockingQueue<E>
{
    /** The longest a waiter trusts this node's semaphores before it asks the header again. */
    static final long SLICE_MILLIS = 100;

    /** A wait at least this long (73 years) never ends. */
    private static final long FOREVER_NANOS = Long.MAX_VALUE / 4;

    private final IgniteQueue<E> queue;

    /**
     * A blocking queue over an Ignite queue.
     *
     * @param queue the queue.
     */
    public ClusterQueue(final IgniteQueue<E> queue)
    {
        this.queue = queue;
    }

    /** The queue's name on the cluster. */
    public String name()
    {
        return queue.name();
    }

    /** The queue's capacity, {@link Integer#MAX_VALUE} for an unbounded one. */
    public int capacity()
    {
        return queue.capacity();
    }

    @Override
    public boolean offer(final E message)
    {
        return queue.offer(Objects.requireNonNull(message, "message"));
    }

    /** Waits for room through {@link #offer(Object, long, TimeUnit)}, which a subclass that counts puts overrides. */
    @Override
    public final void put(final E message) throws InterruptedException
    {
        offer(message, Long.MAX_VALUE, TimeUnit.NANOSECONDS);
    }

    @Override
    public boolean offer(final E message, final long timeout, final TimeUnit unit) throws InterruptedException
    {
        Objects.requireNonNull(message, "message");
        final long deadline = deadline(timeout, unit);
        try
        {
            while (true)
            {
                checkInterrupt();
                if (queue.offer(message))
                {
                    return true;
                }
                final long slice = slice(deadline);
                if (slice < 0)
                {
                    return false;
                }
                if (queue.offer(message, slice, TimeUnit.MILLISECONDS))
                {
                    return true;
                }
            }
        }
        catch (final IgniteInterruptedException ex)
        {
            throw interrupted(ex);
        }
    }

    @Override
    public E take() throws InterruptedException
    {
        return poll(Long.MAX_VALUE, TimeUnit.NANOSECONDS);
    }

    @Override
    public E poll(final long timeout, final TimeUnit unit) throws InterruptedException
    {
        final long deadline = deadline(timeout, unit);
        try
        {
            while (true)
            {
                checkInterrupt();
                E message = queue.poll();
                if (message != null)
                {
                    return message;
                }
                final long slice = slice(deadline);
                if (slice < 0)
                {
                    return null;
                }
                message = queue.poll(slice, TimeUnit.MILLISECONDS);
                if (message != null)
                {
                    return message;
                }
            }
        }
        catch (final IgniteInterruptedException ex)
        {
            throw interrupted(ex);
        }
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
    public boolean contains(final Object message)
    {
        return queue.contains(message);
    }

    @Override
    public boolean remove(final Object message)
    {
        return queue.remove(message);
    }

    @Override
    public void clear()
    {
        queue.clear();
    }

    @Override
    public String toString()
    {
        return "ClusterQueue{name=" + queue.name() + ", size=" + queue.size() + ", capacity=" + queue.capacity() + '}';
    }

    /** When a wait of this length from now ends, {@link Long#MAX_VALUE} for one that never does. */
    private static long deadline(final long timeout, final TimeUnit unit)
    {
        final long nanos = unit.toNanos(timeout);
        return nanos >= FOREVER_NANOS ? Long.MAX_VALUE : System.nanoTime() + Math.max(0, nanos);
    }

    /** How many ms the next slice of a wait to the deadline lasts, or -1 if the deadline has passed. */
    private static long slice(final long deadline)
    {
        if (deadline == Long.MAX_VALUE)
        {
            return SLICE_MILLIS;
        }
        final long left = deadline - System.nanoTime();
        return left <= 0 ? -1 : Math.min(SLICE_MILLIS, Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
    }

    private static void checkInterrupt() throws InterruptedException
    {
        if (Thread.interrupted())
        {
            throw new InterruptedException();
        }
    }

    private static InterruptedException interrupted(final IgniteInterruptedException ex)
    {
        // Ignite set the flag again; the checked exception replaces it, as java.util.concurrent's queues do.
        Thread.interrupted();
        final InterruptedException interrupted = new InterruptedException(ex.getMessage());
        interrupted.initCause(ex);
        return interrupted;
    }
}
