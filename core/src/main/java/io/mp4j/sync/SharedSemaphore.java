package io.mp4j.sync;

import io.mp4j.Mp4jTimeoutException;
import io.mp4j.WaitStrategy;
import io.mp4j.internal.WaitBoard;
import io.mp4j.internal.Waiter;
import io.mp4j.internal.region.Region;
import io.mp4j.internal.region.RegionCache;
import io.mp4j.session.Session;
import org.agrona.concurrent.AtomicBuffer;

import java.io.InvalidObjectException;
import java.io.ObjectInputStream;
import java.io.Serial;
import java.io.Serializable;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

import static io.mp4j.sync.SemaphoreDescriptor.BOUNDED_OFFSET;
import static io.mp4j.sync.SemaphoreDescriptor.INITIAL_PERMITS_OFFSET;
import static io.mp4j.sync.SemaphoreDescriptor.PERMITS_OFFSET;

/**
 * A counting semaphore shared by processes: Python's {@code multiprocessing.Semaphore}, or with
 * {@link #createBounded(int)} its {@code BoundedSemaphore}, whose {@link #release()} past the initial
 * count throws (Python raises {@code ValueError}).
 * <pre>{@code
 * SharedSemaphore slots = SharedSemaphore.create(3);
 * try (var permit = slots.enter())   // Python: with slots:
 * {
 *     download();
 * }
 * }</pre>
 * Permits have no owner, as in Python: any thread of any process may release, and permits held by a
 * process that dies are not given back. Any thread of any process holding a handle may call any method.
 */
public final class SharedSemaphore implements CountingSemaphore, Serializable, AutoCloseable
{
    @Serial
    private static final long serialVersionUID = 1L;

    /** One permit held, for try-with-resources; closing it releases the permit. */
    public interface Permit extends AutoCloseable
    {
        /** Releases the permit. */
        @Override
        void close();
    }

    private final transient Region region;
    private final transient RegionCache.Lease lease;
    private final transient AtomicBuffer buffer;
    private final int permitsOffset;
    private final int tag;
    private final int offset;
    private final WaitStrategy waitStrategy;
    private final transient Permit permit = this::release;

    SharedSemaphore(final Region region, final int offset, final WaitStrategy waitStrategy)
    {
        SyncHandle.verify(region, offset, SyncDescriptor.TYPE_SEMAPHORE);
        this.region = region;
        this.buffer = region.body();
        this.lease = RegionCache.lease(this, region);
        this.offset = offset;
        this.permitsOffset = offset + PERMITS_OFFSET;
        this.tag = WaitBoard.tagFor(permitsOffset);
        this.waitStrategy = Objects.requireNonNull(waitStrategy, "waitStrategy");
    }

    /**
     * Creates a semaphore in the current session: Python's {@code Semaphore(permits)}.
     *
     * @param permits the initial number of permits, at least 0.
     * @return the new semaphore.
     */
    public static SharedSemaphore create(final int permits)
    {
        return create(Session.current(), permits, false, WaitStrategy.defaultStrategy());
    }

    /**
     * Creates a bounded semaphore in the current session: Python's {@code BoundedSemaphore(permits)}.
     *
     * @param permits the initial, and largest, number of permits.
     * @return the new semaphore.
     */
    public static SharedSemaphore createBounded(final int permits)
    {
        return create(Session.current(), permits, true, WaitStrategy.defaultStrategy());
    }

    /**
     * Creates a semaphore.
     *
     * @param session      the session its region lives in.
     * @param permits      the initial number of permits, at least 0.
     * @param bounded      whether releasing past {@code permits} is an error.
     * @param waitStrategy how its waiters wait.
     * @return the new semaphore.
     */
    public static SharedSemaphore create(
        final Session session, final int permits, final boolean bounded, final WaitStrategy waitStrategy)
    {
        if (permits < 0)
        {
            throw new IllegalArgumentException("semaphore permits must be at least 0: permits=" + permits);
        }
        final Region region = SyncHandle.createRegion(session, SyncDescriptor.TYPE_SEMAPHORE);
        final int offset = SyncDescriptor.PRIMITIVE_OFFSET;
        final AtomicBuffer body = region.body();
        body.putInt(offset + INITIAL_PERMITS_OFFSET, permits);
        body.putInt(offset + BOUNDED_OFFSET, bounded ? 1 : 0);
        body.putIntVolatile(offset + PERMITS_OFFSET, permits);
        return new SharedSemaphore(region, offset, waitStrategy);
    }

    /**
     * Takes a permit, waiting as long as it takes: Python's {@code acquire()}.
     *
     * @throws InterruptedException if interrupted while waiting.
     */
    public void acquire() throws InterruptedException
    {
        acquire0(Waiter.NO_TIMEOUT, true);
    }

    /** Takes a permit, waiting as long as it takes; interrupts are restored on return. */
    public void acquireUninterruptibly()
    {
        try
        {
            acquire0(Waiter.NO_TIMEOUT, false);
        }
        catch (final InterruptedException ex)
        {
            throw new IllegalStateException("uninterruptible acquire was interrupted", ex);
        }
    }

    /**
     * Takes a permit, waiting at most the timeout: Python's {@code acquire(timeout=...)}.
     *
     * @param timeout how long at most.
     * @throws InterruptedException if interrupted while waiting.
     * @throws Mp4jTimeoutException if no permit came in time.
     */
    public void acquire(final Duration timeout) throws InterruptedException
    {
        if (!acquire0(Math.max(0, timeout.toNanos()), true))
        {
            throw new Mp4jTimeoutException("semaphore acquire timed out: timeout=" + timeout + " file=" + region.file());
        }
    }

    /**
     * Takes a permit if one is free now: Python's {@code acquire(False)}.
     *
     * @return true if a permit was taken.
     */
    public boolean tryAcquire()
    {
        int permits;
        while ((permits = buffer.getIntVolatile(permitsOffset)) > 0)
        {
            if (buffer.compareAndSetInt(permitsOffset, permits, permits - 1))
            {
                return true;
            }
        }
        return false;
    }

    /**
     * Takes a permit, waiting at most the given time, as {@link java.util.concurrent.Semaphore} does.
     *
     * @param time how long at most.
     * @param unit the unit of {@code time}.
     * @return true if a permit was taken, false if the time ran out.
     * @throws InterruptedException if interrupted while waiting.
     */
    public boolean tryAcquire(final long time, final TimeUnit unit) throws InterruptedException
    {
        return acquire0(Math.max(0, unit.toNanos(time)), true);
    }

    /**
     * Takes a permit, waiting as long as it takes, and returns it as a resource whose close releases it.
     *
     * @return this semaphore's permit object (nothing is allocated).
     */
    public Permit enter()
    {
        acquireUninterruptibly();
        return permit;
    }

    /**
     * Gives back one permit: Python's {@code release()}.
     *
     * @throws IllegalStateException if the semaphore is bounded and is at its initial count already.
     */
    public void release()
    {
        release(1);
    }

    /**
     * Gives back permits: Python's {@code release(n)}.
     *
     * @param permits how many, at least 1.
     * @throws IllegalStateException if the semaphore is bounded and this would exceed its initial count.
     */
    public void release(final int permits)
    {
        if (permits < 1)
        {
            throw new IllegalArgumentException("must release at least one permit: permits=" + permits);
        }
        if (buffer.getInt(offset + BOUNDED_OFFSET) == 0)
        {
            buffer.getAndAddInt(permitsOffset, permits);
            region.waitBoard().ring(tag);
            return;
        }

        final int initial = buffer.getInt(offset + INITIAL_PERMITS_OFFSET);
        while (true)
        {
            final int current = buffer.getIntVolatile(permitsOffset);
            if ((long)current + permits > initial)
            {
                throw new IllegalStateException("bounded semaphore released too many times: permits=" + current +
                    " releasing=" + permits + " initial=" + initial + " file=" + region.file());
            }
            if (buffer.compareAndSetInt(permitsOffset, current, current + permits))
            {
                region.waitBoard().ring(tag);
                return;
            }
        }
    }

    /**
     * The permits free now; a snapshot.
     *
     * @return the number of free permits.
     */
    public int availablePermits()
    {
        return buffer.getIntVolatile(permitsOffset);
    }

    /**
     * Whether releasing past the initial count is an error.
     *
     * @return true for a bounded semaphore.
     */
    public boolean isBounded()
    {
        return buffer.getInt(offset + BOUNDED_OFFSET) != 0;
    }

    /**
     * The number of permits at creation.
     *
     * @return the initial permits.
     */
    public int initialPermits()
    {
        return buffer.getInt(offset + INITIAL_PERMITS_OFFSET);
    }

    /**
     * Whether this JVM's mapping is closed.
     *
     * @return true once closed.
     */
    public boolean isClosed()
    {
        return region.isClosed();
    }

    /** Unmaps the semaphore's region in this JVM; every handle to it in this JVM stops working. Idempotent. */
    @Override
    public void close()
    {
        region.close();
        lease.close();
    }

    /**
     * What Python's {@code repr} of a semaphore says: its value, and a bounded one's bound; a snapshot, e.g.
     * {@code SharedSemaphore{value=1, maxValue=2}}.
     *
     * @return the description.
     */
    @Override
    public String toString()
    {
        if (region.isClosed())
        {
            return "SharedSemaphore{closed}";
        }
        return "SharedSemaphore{value=" + availablePermits() +
            (isBounded() ? ", maxValue=" + initialPermits() : "") + '}';
    }

    private boolean acquire0(final long timeoutNanos, final boolean interruptible) throws InterruptedException
    {
        if (interruptible && Thread.interrupted())
        {
            throw new InterruptedException();
        }
        if (tryAcquire())
        {
            return true;
        }

        final Waiter waiter = Waiter.begin(waitStrategy, region.waitBoard(), tag, timeoutNanos);
        try
        {
            while (!tryAcquire())
            {
                if (!(interruptible ? waiter.idleInterruptibly() : waiter.idle()))
                {
                    return false;
                }
            }
            return true;
        }
        finally
        {
            waiter.end();
        }
    }

    @Serial
    private Object writeReplace()
    {
        return SyncHandle.of(region, offset, SyncDescriptor.TYPE_SEMAPHORE,
            waitStrategy, null);
    }

    @Serial
    private void readObject(final ObjectInputStream in) throws InvalidObjectException
    {
        throw new InvalidObjectException("SharedSemaphore travels as a SyncHandle");
    }
}
