package io.mp4j.sync;

import io.mp4j.WaitStrategy;
import io.mp4j.internal.MutexDescriptor;
import io.mp4j.internal.region.EmbeddedLocks;
import io.mp4j.internal.region.Region;
import io.mp4j.session.Session;

import java.io.InvalidObjectException;
import java.io.ObjectInputStream;
import java.io.Serial;
import java.util.concurrent.locks.Lock;

/**
 * A lock shared by processes, Python's {@code multiprocessing.Lock}, implementing
 * {@link java.util.concurrent.locks.Lock}. It is not re-entrant: the owner locking it again with a timeout
 * ({@code tryLock(time, unit)}) waits the time out and gets false, as Python's {@code acquire(timeout=t)} does;
 * without a timeout ({@code lock()}, {@code lockInterruptibly()}, {@code acquire()}) it gets an
 * {@link IllegalStateException} at once instead of the deadlock Python's {@code Lock} would give, a deliberate
 * difference. Use {@link SharedRLock} to lock again.
 * <pre>{@code
 * SharedLock lock = SharedLock.create();
 * try (var held = lock.acquire())   // Python: with lock:
 * {
 *     counter.set(counter.get() + 1);
 * }
 * }</pre>
 * A lock whose owning process dies is recovered by the next process that wants it; see
 * {@link SharedMutex}. Any thread of any process holding a handle may call any method.
 */
public final class SharedLock extends MutexHandle implements SharedMutex
{
    @Serial
    private static final long serialVersionUID = 1L;

    static
    {
        // Locks embedded in other shared objects' regions are made here, without a public method that
        // takes a region.
        EmbeddedLocks.install(new EmbeddedLocks.Maker()
        {
            @Override
            public Lock lock(final Region region, final int offset, final WaitStrategy waitStrategy)
            {
                return new SharedLock(region, offset, waitStrategy);
            }

            @Override
            public Lock reentrantLock(final Region region, final int offset, final WaitStrategy waitStrategy)
            {
                return new SharedRLock(region, offset, waitStrategy);
            }
        });
    }

    SharedLock(final Region region, final int offset, final WaitStrategy waitStrategy)
    {
        super(region, offset, SyncDescriptor.TYPE_LOCK, false, waitStrategy);
    }

    /**
     * Creates a free lock in the current session that waits with the default strategy.
     *
     * @return the new lock.
     */
    public static SharedLock create()
    {
        return create(Session.current(), WaitStrategy.defaultStrategy());
    }

    /**
     * Creates a free lock in a session.
     *
     * @param session      the session its region lives in.
     * @param waitStrategy how its waiters wait.
     * @return the new lock.
     */
    public static SharedLock create(final Session session, final WaitStrategy waitStrategy)
    {
        final Region region = newRegion(session, SyncDescriptor.TYPE_LOCK);
        return new SharedLock(region, SyncDescriptor.PRIMITIVE_OFFSET, waitStrategy);
    }

    // A second guard behind MutexHandle's missing no-argument constructor; serialization calls readObject
    // only on the Serializable class that declares it, so each lock keeps its own.
    @Serial
    private void readObject(final ObjectInputStream in) throws InvalidObjectException
    {
        throw new InvalidObjectException("SharedLock travels as a SyncHandle");
    }
}
