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

import static io.mp4j.sync.EventDescriptor.FLAG_OFFSET;

/**
 * A flag that processes wait for: Python's {@code multiprocessing.Event}. Created clear; {@link #set()}
 * wakes every waiter, and later waits return at once until {@link #clear()}.
 * <pre>{@code
 * SharedEvent started = SharedEvent.create();
 * // in a child: started.set();
 * started.await(Duration.ofSeconds(5));   // Python: started.wait(5)
 * }</pre>
 * Any thread of any process holding a handle may call any method.
 */
public final class SharedEvent implements Event, Serializable, AutoCloseable
{
    @Serial
    private static final long serialVersionUID = 1L;

    private final transient Region region;
    private final transient RegionCache.Lease lease;
    private final transient AtomicBuffer buffer;
    private final int offset;
    private final int flagOffset;
    private final int tag;
    private final WaitStrategy waitStrategy;

    SharedEvent(final Region region, final int offset, final WaitStrategy waitStrategy)
    {
        SyncHandle.verify(region, offset, SyncDescriptor.TYPE_EVENT);
        this.region = region;
        this.buffer = region.body();
        this.lease = RegionCache.lease(this, region);
        this.offset = offset;
        this.flagOffset = offset + FLAG_OFFSET;
        this.tag = WaitBoard.tagFor(flagOffset);
        this.waitStrategy = Objects.requireNonNull(waitStrategy, "waitStrategy");
    }

    /**
     * Creates a clear event in the current session, waiting with the default strategy.
     *
     * @return the new event.
     */
    public static SharedEvent create()
    {
        return create(Session.current(), WaitStrategy.defaultStrategy());
    }

    /**
     * Creates a clear event.
     *
     * @param session      the session its region lives in.
     * @param waitStrategy how its waiters wait.
     * @return the new event.
     */
    public static SharedEvent create(final Session session, final WaitStrategy waitStrategy)
    {
        final Region region = SyncHandle.createRegion(session, SyncDescriptor.TYPE_EVENT);
        return new SharedEvent(region, SyncDescriptor.PRIMITIVE_OFFSET, waitStrategy);
    }

    /** Sets the flag and so wakes every waiter: Python's {@code set()}. */
    public void set()
    {
        buffer.putIntVolatile(flagOffset, 1);
        region.waitBoard().ring(tag);
    }

    /** Clears the flag: Python's {@code clear()}. */
    public void clear()
    {
        buffer.putIntVolatile(flagOffset, 0);
    }

    /**
     * Whether the flag is set: Python's {@code is_set()}.
     *
     * @return true if set.
     */
    public boolean isSet()
    {
        return buffer.getIntVolatile(flagOffset) != 0;
    }

    /**
     * Waits until the flag is set: Python's {@code wait()}.
     *
     * @throws InterruptedException if interrupted while waiting.
     */
    public void await() throws InterruptedException
    {
        await0(Waiter.NO_TIMEOUT);
    }

    /**
     * Waits at most the timeout for the flag: Python's {@code wait(timeout)}, which returns false where
     * this throws.
     *
     * @param timeout how long at most.
     * @throws InterruptedException if interrupted while waiting.
     * @throws Mp4jTimeoutException if the flag is still clear when the time runs out.
     */
    public void await(final Duration timeout) throws InterruptedException
    {
        if (!await0(Math.max(0, timeout.toNanos())))
        {
            throw new Mp4jTimeoutException("event wait timed out: timeout=" + timeout + " file=" + region.file());
        }
    }

    /**
     * Waits at most the given time for the flag, as {@link java.util.concurrent.CountDownLatch} does.
     *
     * @param time how long at most.
     * @param unit the unit of {@code time}.
     * @return true if the flag is set, false if the time ran out.
     * @throws InterruptedException if interrupted while waiting.
     */
    public boolean await(final long time, final TimeUnit unit) throws InterruptedException
    {
        return await0(Math.max(0, unit.toNanos(time)));
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

    /** Unmaps the event's region in this JVM; every handle to it in this JVM stops working. Idempotent. */
    @Override
    public void close()
    {
        region.close();
        lease.close();
    }

    /**
     * Whether the event is set, as Python's {@code repr} of an event says: {@code SharedEvent{set}} or
     * {@code SharedEvent{unset}}; a snapshot.
     *
     * @return the description.
     */
    @Override
    public String toString()
    {
        if (region.isClosed())
        {
            return "SharedEvent{closed}";
        }
        return isSet() ? "SharedEvent{set}" : "SharedEvent{unset}";
    }

    private boolean await0(final long timeoutNanos) throws InterruptedException
    {
        if (Thread.interrupted())
        {
            throw new InterruptedException();
        }
        if (isSet())
        {
            return true;
        }

        final Waiter waiter = Waiter.begin(waitStrategy, region.waitBoard(), tag, timeoutNanos);
        try
        {
            while (!isSet())
            {
                if (!waiter.idleInterruptibly())
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
        return SyncHandle.of(region, offset, SyncDescriptor.TYPE_EVENT,
            waitStrategy, null);
    }

    @Serial
    private void readObject(final ObjectInputStream in) throws InvalidObjectException
    {
        throw new InvalidObjectException("SharedEvent travels as a SyncHandle");
    }
}
