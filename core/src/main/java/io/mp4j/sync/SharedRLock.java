package io.mp4j.sync;

import io.mp4j.WaitStrategy;
import io.mp4j.internal.MutexDescriptor;
import io.mp4j.internal.region.Region;
import io.mp4j.session.Session;

import java.io.InvalidObjectException;
import java.io.ObjectInputStream;
import java.io.Serial;

/**
 * A lock shared by processes, Python's {@code multiprocessing.RLock}, implementing
 * {@link java.util.concurrent.locks.Lock}. It is re-entrant for its owning thread of its owning process: each {@code lock} needs an
 * {@code unlock}, and only the last one releases it.
 * <pre>{@code
 * SharedRLock lock = SharedRLock.create();
 * try (var held = lock.acquire())   // Python: with lock:
 * {
 *     counter.set(counter.get() + 1);
 * }
 * }</pre>
 * A lock whose owning process dies is recovered by the next process that wants it; see
 * {@link SharedMutex}. Any thread of any process holding a handle may call any method.
 */
public final class SharedRLock extends MutexHandle implements SharedMutex
{
    @Serial
    private static final long serialVersionUID = 1L;

    SharedRLock(final Region region, final int offset, final WaitStrategy waitStrategy)
    {
        super(region, offset, SyncDescriptor.TYPE_RLOCK, true, waitStrategy);
    }

    /**
     * Creates a free lock in the current session that waits with the default strategy.
     *
     * @return the new lock.
     */
    public static SharedRLock create()
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
    public static SharedRLock create(final Session session, final WaitStrategy waitStrategy)
    {
        final Region region = newRegion(session, SyncDescriptor.TYPE_RLOCK);
        return new SharedRLock(region, SyncDescriptor.PRIMITIVE_OFFSET, waitStrategy);
    }

    // A second guard behind MutexHandle's missing no-argument constructor; serialization calls readObject
    // only on the Serializable class that declares it, so each lock keeps its own.
    @Serial
    private void readObject(final ObjectInputStream in) throws InvalidObjectException
    {
        throw new InvalidObjectException("SharedRLock travels as a SyncHandle");
    }
}
