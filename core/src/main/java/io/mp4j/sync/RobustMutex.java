package io.mp4j.sync;

import io.mp4j.WaitStrategy;
import io.mp4j.internal.MutexDescriptor;
import io.mp4j.internal.ProcessIdentity;
import io.mp4j.internal.WaitBoard;
import io.mp4j.internal.Waiter;
import org.agrona.concurrent.AtomicBuffer;

import java.util.Optional;

import static io.mp4j.internal.MutexDescriptor.HOLDS_OFFSET;
import static io.mp4j.internal.MutexDescriptor.OWNER_DIED_OFFSET;
import static io.mp4j.internal.MutexDescriptor.OWNER_OFFSET;
import static io.mp4j.internal.MutexDescriptor.OWNER_START_FOR_OFFSET;
import static io.mp4j.internal.MutexDescriptor.OWNER_START_OFFSET;
import static io.mp4j.internal.MutexDescriptor.RECOVERIES_OFFSET;

/**
 * The algorithm behind {@link SharedLock} and {@link SharedRLock}, over a {@link MutexDescriptor} in
 * mapped memory: CAS the owner word from 0 to {@code pid << 32 | threadId}; release by an ordered
 * store of 0. A waiter that has waited a while checks whether the owner's process is still alive (pid
 * and start time) and, if not, takes the mutex over by CAS from the dead owner's word and marks it
 * "owner died". The fast paths touch only the mutex's own cache lines and allocate nothing.
 */
final class RobustMutex
{
    private static final long PID = ProcessIdentity.current().pid();
    private static final long START = ProcessIdentity.current().startEpochMilli();

    private final AtomicBuffer buffer;
    private final WaitBoard board;
    private final int tag;
    private final int ownerOffset;
    private final int holdsOffset;
    private final int ownerDiedOffset;
    private final int ownerStartOffset;
    private final int ownerStartForOffset;
    private final int recoveriesOffset;
    private final boolean reentrant;
    private final WaitStrategy waitStrategy;

    RobustMutex(
        final AtomicBuffer buffer, final WaitBoard board, final int offset, final boolean reentrant,
        final WaitStrategy waitStrategy)
    {
        this.buffer = buffer;
        this.board = board;
        this.tag = WaitBoard.tagFor(offset + OWNER_OFFSET);
        this.ownerOffset = offset + OWNER_OFFSET;
        this.holdsOffset = offset + HOLDS_OFFSET;
        this.ownerDiedOffset = offset + OWNER_DIED_OFFSET;
        this.ownerStartOffset = offset + OWNER_START_OFFSET;
        this.ownerStartForOffset = offset + OWNER_START_FOR_OFFSET;
        this.recoveriesOffset = offset + RECOVERIES_OFFSET;
        this.reentrant = reentrant;
        this.waitStrategy = waitStrategy;
    }

    /**
     * The owner word of the calling thread of this process.
     *
     * @return {@code pid << 32 | threadId}, never 0.
     */
    static long selfWord()
    {
        return (PID << 32) | (Thread.currentThread().getId() & 0xFFFF_FFFFL);
    }

    WaitStrategy waitStrategy()
    {
        return waitStrategy;
    }

    boolean tryAcquire()
    {
        final long self = selfWord();
        if (buffer.compareAndSetLong(ownerOffset, 0, self))
        {
            onAcquired(self);
            return true;
        }
        if (reentrant && buffer.getLongVolatile(ownerOffset) == self)
        {
            buffer.putInt(holdsOffset, buffer.getInt(holdsOffset) + 1);
            return true;
        }
        return false;
    }

    /**
     * Acquires, waiting at most the timeout.
     *
     * @param timeoutNanos  how long at most, or {@link Waiter#NO_TIMEOUT}.
     * @param interruptible whether an interrupt ends the wait.
     * @return true once acquired, false if the time ran out.
     * @throws InterruptedException if interruptible and the thread was interrupted.
     */
    boolean acquire(final long timeoutNanos, final boolean interruptible) throws InterruptedException
    {
        if (interruptible && Thread.interrupted())
        {
            throw new InterruptedException();
        }
        if (tryAcquire())
        {
            return true;
        }
        return acquireSlow(timeoutNanos, interruptible);
    }

    private boolean acquireSlow(final long timeoutNanos, final boolean interruptible) throws InterruptedException
    {
        final long self = selfWord();
        // Python's Lock would wait forever here; a timed wait waits its time out as Python's does (only this
        // thread can release the lock), a wait without a timeout fails at once instead of hanging.
        if (!reentrant && timeoutNanos == Waiter.NO_TIMEOUT && buffer.getLongVolatile(ownerOffset) == self)
        {
            throw new IllegalStateException(
                "lock is already held by this thread and is not re-entrant (use SharedRLock): owner=" +
                describe(self));
        }

        final Waiter waiter = Waiter.begin(waitStrategy, board, tag, timeoutNanos);
        try
        {
            while (true)
            {
                // Test before test-and-set: waiters read the shared line instead of bouncing it with CAS.
                if (buffer.getLongVolatile(ownerOffset) == 0 && buffer.compareAndSetLong(ownerOffset, 0, self))
                {
                    onAcquired(self);
                    return true;
                }
                if (waiter.checkDue() && tryRecover(self))
                {
                    return true;
                }
                if (!(interruptible ? waiter.idleInterruptibly() : waiter.idle()))
                {
                    return false;
                }
            }
        }
        finally
        {
            waiter.end();
        }
    }

    private void onAcquired(final long self)
    {
        buffer.putInt(holdsOffset, 1);
        // A thread that takes the lock again finds its own start time already published: reads, not writes.
        if (buffer.getLong(ownerStartForOffset) != self || buffer.getLong(ownerStartOffset) != START)
        {
            buffer.putLong(ownerStartOffset, START);
            buffer.putLongOrdered(ownerStartForOffset, self);
        }
    }

    /**
     * Takes the mutex over if its owner's process has died: a process whose pid is gone, or whose start
     * time (if the owner had published it) differs, so a reused pid is not mistaken for the owner.
     */
    private boolean tryRecover(final long self)
    {
        final long owner = buffer.getLongVolatile(ownerOffset);
        if (owner == 0 || isOwnerAlive(owner))
        {
            return false;
        }

        if (buffer.compareAndSetLong(ownerOffset, owner, self))
        {
            onAcquired(self);
            buffer.putInt(ownerDiedOffset, 1);
            buffer.getAndAddLong(recoveriesOffset, 1);
            return true;
        }
        return false;
    }

    private boolean isOwnerAlive(final long owner)
    {
        final long pid = owner >>> 32;
        if (pid == PID)
        {
            // A thread of this process: threads that die holding a lock are not recovered, as in the JDK.
            return true;
        }
        if (buffer.getLongVolatile(ownerStartForOffset) == owner)
        {
            final long start = buffer.getLong(ownerStartOffset);
            return new ProcessIdentity(pid, start).isAlive();
        }
        // The owner has not yet published its start time: judge by the pid alone, erring towards alive.
        final Optional<ProcessHandle> handle = ProcessHandle.of(pid);
        return handle.isPresent() && handle.get().isAlive();
    }

    void release()
    {
        final long self = selfWord();
        final long owner = buffer.getLongVolatile(ownerOffset);
        if (owner != self)
        {
            throw new IllegalMonitorStateException(
                "lock is not held by the calling thread: caller=" + describe(self) + " owner=" + describe(owner));
        }
        if (reentrant)
        {
            final int holds = buffer.getInt(holdsOffset);
            if (holds > 1)
            {
                buffer.putInt(holdsOffset, holds - 1);
                return;
            }
        }
        releaseOwned();
    }

    private void releaseOwned()
    {
        if (buffer.getInt(ownerDiedOffset) != 0)
        {
            buffer.putInt(ownerDiedOffset, 0);
        }
        buffer.putInt(holdsOffset, 0);
        buffer.putLongOrdered(ownerOffset, 0);
        board.ring(tag);
    }

    /**
     * Releases every hold of the calling thread, for a condition's wait.
     *
     * @return the hold count to give back to {@link #reacquire(int)}.
     * @throws IllegalMonitorStateException if the calling thread does not hold the mutex.
     */
    int releaseFully()
    {
        final long self = selfWord();
        final long owner = buffer.getLongVolatile(ownerOffset);
        if (owner != self)
        {
            throw new IllegalMonitorStateException(
                "lock is not held by the calling thread: caller=" + describe(self) + " owner=" + describe(owner));
        }
        final int holds = buffer.getInt(holdsOffset);
        releaseOwned();
        return holds;
    }

    /**
     * Acquires again after {@link #releaseFully()}, restoring the hold count.
     *
     * @param holds the count {@link #releaseFully()} returned.
     */
    void reacquire(final int holds)
    {
        try
        {
            acquire(Waiter.NO_TIMEOUT, false);
        }
        catch (final InterruptedException ex)
        {
            throw new IllegalStateException("uninterruptible acquire was interrupted", ex);
        }
        buffer.putInt(holdsOffset, holds);
    }

    boolean isHeldByCurrentThread()
    {
        return buffer.getLongVolatile(ownerOffset) == selfWord();
    }

    boolean isLocked()
    {
        return buffer.getLongVolatile(ownerOffset) != 0;
    }

    int holdCount()
    {
        return isHeldByCurrentThread() ? buffer.getInt(holdsOffset) : 0;
    }

    boolean previousOwnerDied()
    {
        return isHeldByCurrentThread() && buffer.getInt(ownerDiedOffset) != 0;
    }

    long recoveries()
    {
        return buffer.getLongVolatile(recoveriesOffset);
    }

    long ownerPid()
    {
        return buffer.getLongVolatile(ownerOffset) >>> 32;
    }

    static String describe(final long owner)
    {
        return owner == 0 ? "none" : "pid:" + (owner >>> 32) + "/thread:" + (owner & 0xFFFF_FFFFL);
    }
}
