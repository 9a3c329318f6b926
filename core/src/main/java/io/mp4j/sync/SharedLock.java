package io.mp4j.sync;

import io.mp4j.WaitStrategy;
import io.mp4j.internal.MutexDescriptor;
import io.mp4j.internal.region.Region;
import io.mp4j.session.Session;

import java.io.InvalidObjectException;
import java.io.ObjectInputStream;
import java.io.Serial;

/**
 * A lock shared by processes, Python's {@code multiprocessing.Lock}, implementing
 * {@link java.util.concurrent.locks.Lock}. It is not re-entrant: the owner locking it again gets an {@link IllegalStateException}
 * instead of the deadlock Python's {@code Lock} would give; use {@link SharedRLock} to lock again.
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

    /**
     * A lock embedded in another shared object's region, e.g. the lock of a locked value. Creating one
     * over memory that is not zeroed or not laid out as a {@link MutexDescriptor} is the caller's error.
     *
     * @param region       the region that holds it.
     * @param offset       where its {@link MutexDescriptor} starts in the region's body.
     * @param waitStrategy how its waiters wait.
     * @return a handle to the lock.
     */
    public static SharedLock wrap(final Region region, final int offset, final WaitStrategy waitStrategy)
    {
        return new SharedLock(region, offset, waitStrategy);
    }

    // A second guard behind MutexHandle's missing no-argument constructor; serialization calls readObject
    // only on the Serializable class that declares it, so each lock keeps its own.
    @Serial
    private void readObject(final ObjectInputStream in) throws InvalidObjectException
    {
        throw new InvalidObjectException("SharedLock travels as a SyncHandle");
    }
}
