package io.mp4j.sync;

import io.mp4j.WaitStrategy;
import io.mp4j.internal.MutexDescriptor;
import io.mp4j.internal.WaitBoard;
import io.mp4j.internal.Waiter;
import io.mp4j.internal.region.Region;
import io.mp4j.internal.region.RegionCache;
import io.mp4j.session.Session;

import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * What {@link SharedLock} and {@link SharedRLock} share: a {@link RobustMutex} over a region, checked
 * to hold the expected primitive, the {@link java.util.concurrent.locks.Lock} methods, the closeable
 * {@link SharedMutex.Held} form, and travelling between JVMs as a {@link SyncHandle}. The two differ only
 * in re-entrance and type code.
 * <p>
 * Not {@link java.io.Serializable} itself, on purpose: with no no-argument constructor here, a stream that
 * names a lock class itself instead of its {@link SyncHandle} fails with "no valid constructor" before
 * anything is read.
 */
abstract sealed class MutexHandle permits SharedLock, SharedRLock
{
    final Region region;
    final int offset;
    final RobustMutex mutex;
    private final RegionCache.Lease lease;
    private final int type;
    private final SharedMutex.Held held = new SharedMutex.Held()
    {
        @Override
        public boolean previousOwnerDied()
        {
            return mutex.previousOwnerDied();
        }

        @Override
        public void close()
        {
            mutex.release();
        }
    };

    MutexHandle(
        final Region region, final int offset, final int type, final boolean reentrant, final WaitStrategy waitStrategy)
    {
        this.region = region;
        this.offset = offset;
        this.type = type;
        this.mutex = new RobustMutex(region.body(), region.waitBoard(), offset, reentrant, Objects.requireNonNull(waitStrategy));
        SyncHandle.verify(region, offset, type);
        this.lease = RegionCache.lease(this, region);
    }

    static Region newRegion(final Session session, final int type)
    {
        return SyncHandle.createRegion(session, type);
    }

    /**
     * Locks, waiting as long as it takes; interrupts are remembered and restored, not obeyed.
     */
    public final void lock()
    {
        try
        {
            mutex.acquire(Waiter.NO_TIMEOUT, false);
        }
        catch (final InterruptedException ex)
        {
            throw new IllegalStateException("uninterruptible lock was interrupted", ex);
        }
    }

    /**
     * Locks unless the calling thread is interrupted.
     *
     * @throws InterruptedException if interrupted before or while waiting.
     */
    public final void lockInterruptibly() throws InterruptedException
    {
        mutex.acquire(Waiter.NO_TIMEOUT, true);
    }

    /**
     * Locks if the lock is free now (or held by the caller, for a re-entrant lock).
     *
     * @return true if locked.
     */
    public final boolean tryLock()
    {
        return mutex.tryAcquire();
    }

    /**
     * Locks, waiting at most the given time; the deadline is kept to within the wait strategy's pause.
     *
     * @param time how long at most.
     * @param unit the unit of {@code time}.
     * @return true if locked, false if the time ran out.
     * @throws InterruptedException if interrupted before or while waiting.
     */
    public final boolean tryLock(final long time, final TimeUnit unit) throws InterruptedException
    {
        return mutex.acquire(Math.max(0, unit.toNanos(time)), true);
    }

    /**
     * Unlocks (one hold, for a re-entrant lock).
     *
     * @throws IllegalMonitorStateException if the calling thread does not hold the lock.
     */
    public final void unlock()
    {
        mutex.release();
    }

    /**
     * Locks and returns the held lock; closing it unlocks. The held object is this handle's own, so
     * nothing is allocated.
     *
     * @return the held lock.
     */
    public final SharedMutex.Held acquire()
    {
        lock();
        return held;
    }

    /**
     * Whether the calling thread holds the lock because it took it over from a dead process.
     *
     * @return true while the caller holds a recovered lock.
     */
    public final boolean previousOwnerDied()
    {
        return mutex.previousOwnerDied();
    }

    /**
     * How many times the lock was recovered from a dead owner.
     *
     * @return the recovery count.
     */
    public final long recoveries()
    {
        return mutex.recoveries();
    }

    // holdCount() and newCondition() were declared by each lock and are not final, so that javac still gives
    // each public lock class a public method of its own (a bridge) and reflection on the lock class keeps working.

    /**
     * How many times the calling thread holds the lock.
     *
     * @return the hold count, 0 if the caller is not the owner.
     */
    public int holdCount()
    {
        return mutex.holdCount();
    }

    /**
     * Whether the calling thread holds the lock.
     *
     * @return true if the caller is the owner.
     */
    public final boolean isHeldByCurrentThread()
    {
        return mutex.isHeldByCurrentThread();
    }

    /**
     * Whether anyone holds the lock.
     *
     * @return true if held.
     */
    public final boolean isLocked()
    {
        return mutex.isLocked();
    }

    /**
     * The owner's pid.
     *
     * @return the pid, or 0 if free.
     */
    public final long ownerPid()
    {
        return mutex.ownerPid();
    }

    /**
     * How this lock waits.
     *
     * @return the wait strategy.
     */
    public final WaitStrategy waitStrategy()
    {
        return mutex.waitStrategy();
    }

    /**
     * A new condition bound to this lock, in a region of its own in the lock's session.
     *
     * @return a shared condition.
     */
    public SharedCondition newCondition()
    {
        // sealed: this is a SharedLock or a SharedRLock, so a SharedMutex
        return SharedCondition.create(SyncHandle.sessionOf(region), (SharedMutex)this, waitStrategy());
    }

    /**
     * Whether this JVM's mapping is closed.
     *
     * @return true once closed.
     */
    public final boolean isClosed()
    {
        return region.isClosed();
    }

    /** Unmaps the region in this JVM; every handle to it in this JVM stops working. Idempotent. */
    public final void close()
    {
        region.close();
        lease.close();
    }

    RobustMutex mutex()
    {
        return mutex;
    }

    /**
     * What Python's {@code repr} of a lock says: its owner or that it is free, and a re-entrant lock's hold
     * count; a snapshot, e.g. {@code SharedRLock{owner=pid:4242/thread:1, holds=2}} or {@code SharedLock{unlocked}}.
     *
     * @return the description.
     */
    @Override
    public String toString()
    {
        final String name = getClass().getSimpleName();
        if (region.isClosed())
        {
            return name + "{closed}";
        }
        final long owner = ownerWord();
        if (owner == 0)
        {
            return name + "{unlocked}";
        }
        return name + "{owner=" + RobustMutex.describe(owner) +
            (type == SyncDescriptor.TYPE_RLOCK ?
            ", holds=" + region.body().getIntVolatile(offset + MutexDescriptor.HOLDS_OFFSET) : "") + '}';
    }

    private long ownerWord()
    {
        return region.body().getLongVolatile(offset + MutexDescriptor.OWNER_OFFSET);
    }

    /**
     * Serialization's {@code writeReplace} for both locks (Serializable through {@link SharedMutex}): a lock
     * travels as its {@link SyncHandle}, which attaches to the same mutex on the other side. Package-private
     * and not private, so that serialization finds it from the subclasses.
     *
     * @return the handle to serialize instead of the lock.
     */
    final Object writeReplace()
    {
        return SyncHandle.of(region, offset, type, mutex.waitStrategy(), null);
    }
}
