package io.mp4j.sync;

import io.mp4j.Mp4jTimeoutException;
import io.mp4j.WaitStrategy;
import io.mp4j.internal.MutexDescriptor;
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
import java.util.Date;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.function.BooleanSupplier;

import static io.mp4j.sync.ConditionDescriptor.SIGNALS_OFFSET;
import static io.mp4j.sync.ConditionDescriptor.WAITS_OFFSET;
import static io.mp4j.sync.ConditionDescriptor.WOKEN_OFFSET;

/**
 * A condition variable shared by processes, Python's {@code multiprocessing.Condition}, implementing
 * {@link Condition}. It is bound to a {@link SharedMutex}: {@link #create()} makes one with its own
 * {@link SharedRLock}, as Python's {@code Condition()} does, and {@link SharedMutex#newCondition()} binds
 * one to an existing lock.
 * <pre>{@code
 * SharedCondition ready = SharedCondition.create();
 * try (var held = ready.getLock().acquire())   // Python: with cond:
 * {
 *     ready.waitFor(() -> queue.get() > 0);      //     cond.wait_for(lambda: ...)
 * }
 * }</pre>
 * Waiting and signalling need the lock held by the calling thread, else
 * {@link IllegalMonitorStateException}. A signal wakes one waiter that was waiting when it was sent
 * (or, rarely, a later one); as with every {@link Condition}, wake-ups without a signal may happen, so
 * wait in a loop on the state you need, or use {@link #waitFor(BooleanSupplier)}.
 */
public final class SharedCondition implements Condition, Serializable, AutoCloseable
{
    @Serial
    private static final long serialVersionUID = 1L;

    /** Offset of the counters in a condition's region: after the mutex of a condition's own lock. */
    static final int COUNTERS_OFFSET = SyncDescriptor.PRIMITIVE_OFFSET + MutexDescriptor.LENGTH;

    private final transient Region region;
    private final transient RegionCache.Lease lease;
    private final transient AtomicBuffer buffer;
    private final int offset;
    private final SharedMutex lock;
    private final transient RobustMutex mutex;
    private final WaitStrategy waitStrategy;

    SharedCondition(final Region region, final int offset, final SharedMutex lock, final WaitStrategy waitStrategy)
    {
        SyncHandle.verify(region, offset, SyncDescriptor.TYPE_CONDITION);
        this.region = region;
        this.buffer = region.body();
        this.lease = RegionCache.lease(this, region);
        this.offset = offset;
        this.lock = Objects.requireNonNull(lock, "lock");
        this.mutex = ((MutexHandle)lock).mutex();
        this.waitStrategy = Objects.requireNonNull(waitStrategy, "waitStrategy");
    }

    /**
     * Creates a condition with its own re-entrant lock in the current session, waiting with the default
     * strategy: Python's {@code Condition()}.
     *
     * @return the new condition.
     */
    public static SharedCondition create()
    {
        return create(Session.current(), WaitStrategy.defaultStrategy());
    }

    /**
     * Creates a condition with its own re-entrant lock, in one region.
     *
     * @param session      the session its region lives in.
     * @param waitStrategy how its waiters wait.
     * @return the new condition.
     */
    public static SharedCondition create(final Session session, final WaitStrategy waitStrategy)
    {
        final Region region = SyncHandle.createRegion(session, SyncDescriptor.TYPE_CONDITION);
        final SharedRLock lock = new SharedRLock(region, SyncDescriptor.PRIMITIVE_OFFSET, waitStrategy);
        return new SharedCondition(region, COUNTERS_OFFSET, lock, waitStrategy);
    }

    /**
     * Creates a condition bound to an existing lock: Python's {@code Condition(lock)}.
     *
     * @param session      the session its region lives in.
     * @param lock         the lock waiters release while they wait.
     * @param waitStrategy how its waiters wait.
     * @return the new condition.
     */
    public static SharedCondition create(final Session session, final SharedMutex lock, final WaitStrategy waitStrategy)
    {
        final Region region = SyncHandle.createRegion(session, SyncDescriptor.TYPE_CONDITION);
        return new SharedCondition(region, COUNTERS_OFFSET, lock, waitStrategy);
    }

    /**
     * The lock this condition is bound to.
     *
     * @return the lock; hold it to wait or signal.
     */
    public SharedMutex getLock()
    {
        return lock;
    }

    /**
     * Releases the lock, waits for a signal, and takes the lock back: Python's {@code wait()}.
     *
     * @throws InterruptedException          if interrupted while waiting; the lock is held again.
     * @throws IllegalMonitorStateException if the caller does not hold the lock.
     */
    @Override
    public void await() throws InterruptedException
    {
        awaitNanos0(Waiter.NO_TIMEOUT, true);
    }

    /**
     * As {@link #await()}, ignoring interrupts (they are restored on return).
     *
     * @throws IllegalMonitorStateException if the caller does not hold the lock.
     */
    @Override
    public void awaitUninterruptibly()
    {
        try
        {
            awaitNanos0(Waiter.NO_TIMEOUT, false);
        }
        catch (final InterruptedException ex)
        {
            throw new IllegalStateException("uninterruptible wait was interrupted", ex);
        }
    }

    /**
     * As {@link #await()}, for at most the given time.
     *
     * @param nanosTimeout how long at most.
     * @return an estimate of the time left, 0 or less if the time ran out.
     * @throws InterruptedException if interrupted while waiting.
     */
    @Override
    public long awaitNanos(final long nanosTimeout) throws InterruptedException
    {
        final long start = System.nanoTime();
        awaitNanos0(Math.max(0, nanosTimeout), true);
        return nanosTimeout - (System.nanoTime() - start);
    }

    /**
     * As {@link #await()}, for at most the given time: Python's {@code wait(timeout)}.
     *
     * @param time how long at most.
     * @param unit the unit of {@code time}.
     * @return false if the time ran out before a signal, true otherwise.
     * @throws InterruptedException if interrupted while waiting.
     */
    @Override
    public boolean await(final long time, final TimeUnit unit) throws InterruptedException
    {
        return awaitNanos0(Math.max(0, unit.toNanos(time)), true);
    }

    /**
     * As {@link #await()}, until a point in time.
     *
     * @param deadline when to give up.
     * @return false if the deadline passed before a signal, true otherwise.
     * @throws InterruptedException if interrupted while waiting.
     */
    @Override
    public boolean awaitUntil(final Date deadline) throws InterruptedException
    {
        final long millis = deadline.getTime() - System.currentTimeMillis();
        return awaitNanos0(Math.max(0, TimeUnit.MILLISECONDS.toNanos(millis)), true);
    }

    /**
     * Waits until the predicate holds, testing it with the lock held: Python's {@code wait_for(predicate)}.
     *
     * @param predicate the state to wait for; evaluated by the caller with the lock held.
     * @throws InterruptedException          if interrupted while waiting.
     * @throws IllegalMonitorStateException if the caller does not hold the lock.
     */
    public void waitFor(final BooleanSupplier predicate) throws InterruptedException
    {
        while (!predicate.getAsBoolean())
        {
            awaitNanos0(Waiter.NO_TIMEOUT, true);
        }
    }

    /**
     * Waits until the predicate holds, for at most the timeout: Python's {@code wait_for(predicate, timeout)}.
     *
     * @param predicate the state to wait for; evaluated by the caller with the lock held.
     * @param timeout   how long at most.
     * @throws InterruptedException          if interrupted while waiting.
     * @throws Mp4jTimeoutException         if the predicate still fails when the time runs out.
     * @throws IllegalMonitorStateException if the caller does not hold the lock.
     */
    public void waitFor(final BooleanSupplier predicate, final Duration timeout) throws InterruptedException
    {
        final long deadline = System.nanoTime() + timeout.toNanos();
        while (!predicate.getAsBoolean())
        {
            final long remaining = deadline - System.nanoTime();
            if (remaining <= 0)
            {
                throw new Mp4jTimeoutException("condition wait_for timed out: timeout=" + timeout +
                    " file=" + region.file());
            }
            awaitNanos0(remaining, true);
        }
    }

    /**
     * Wakes one waiter, if any: Python's {@code notify()}, as {@code signal(1)}.
     *
     * @throws IllegalMonitorStateException if the caller does not hold the lock.
     */
    @Override
    public void signal()
    {
        signal(1);
    }

    /**
     * Wakes {@code n} waiters, or every waiter if fewer wait: Python's {@code notify(n)}. Each waiter that
     * was waiting when it was called, and not yet signalled, counts once; no waiter is woken twice and no
     * more than {@code n} are woken, whichever processes they wait in. ({@link Object} keeps the names
     * {@code notify()} and {@code notifyAll()}; Python's {@code notify_all()} is {@link #signalAll()}.)
     *
     * @param n how many waiters to wake, 0 or more.
     * @throws IllegalArgumentException      if {@code n} is negative.
     * @throws IllegalMonitorStateException if the caller does not hold the lock.
     */
    public void signal(final int n)
    {
        if (n < 0)
        {
            throw new IllegalArgumentException("cannot wake a negative number of waiters: n=" + n);
        }
        requireHeld();
        final long waits = buffer.getLongVolatile(offset + WAITS_OFFSET);
        final long signals = buffer.getLongVolatile(offset + SIGNALS_OFFSET);
        final long unsignalled = waits - signals;
        if (unsignalled > 0 && n > 0)
        {
            buffer.putLongVolatile(offset + SIGNALS_OFFSET, signals + Math.min(n, unsignalled));
            region.waitBoard().ring(signalTag());
        }
    }

    /**
     * Wakes every waiter: Python's {@code notify_all()}.
     *
     * @throws IllegalMonitorStateException if the caller does not hold the lock.
     */
    @Override
    public void signalAll()
    {
        requireHeld();
        final long waits = buffer.getLongVolatile(offset + WAITS_OFFSET);
        final long signals = buffer.getLongVolatile(offset + SIGNALS_OFFSET);
        if (waits > signals)
        {
            buffer.putLongVolatile(offset + SIGNALS_OFFSET, waits);
            region.waitBoard().ring(signalTag());
        }
    }

    /**
     * Whether this JVM's mapping of the condition's region is closed.
     *
     * @return true once closed.
     */
    public boolean isClosed()
    {
        return region.isClosed();
    }

    /**
     * Unmaps the condition's region in this JVM (not its lock's, if that lives elsewhere). Idempotent.
     */
    @Override
    public void close()
    {
        region.close();
        lease.close();
    }

    /**
     * What Python's {@code repr} of a condition says: its lock and how many waiters have not been signalled
     * yet; a snapshot, e.g. {@code SharedCondition{lock=SharedRLock{unlocked}, waiting=2}}.
     *
     * @return the description.
     */
    @Override
    public String toString()
    {
        if (region.isClosed())
        {
            return "SharedCondition{closed, lock=" + lock + '}';
        }
        final long waiting =
            buffer.getLongVolatile(offset + WAITS_OFFSET) - buffer.getLongVolatile(offset + SIGNALS_OFFSET);
        return "SharedCondition{lock=" + lock + ", waiting=" + Math.max(0, waiting) + '}';
    }

    private int signalTag()
    {
        return WaitBoard.tagFor(offset + SIGNALS_OFFSET);
    }

    private boolean awaitNanos0(final long timeoutNanos, final boolean interruptible) throws InterruptedException
    {
        requireHeld();
        if (interruptible && Thread.interrupted())
        {
            throw new InterruptedException();
        }

        // Both counters change only under the lock, which the caller holds.
        final long startSignals = buffer.getLongVolatile(offset + SIGNALS_OFFSET);
        buffer.putLongVolatile(offset + WAITS_OFFSET, buffer.getLongVolatile(offset + WAITS_OFFSET) + 1);
        final int holds = mutex.releaseFully();

        boolean signalled = false;
        InterruptedException interrupted = null;
        final Waiter waiter = Waiter.begin(waitStrategy, region.waitBoard(), signalTag(), timeoutNanos);
        try
        {
            while (!(signalled = tryClaim(startSignals)))
            {
                if (!(interruptible ? waiter.idleInterruptibly() : waiter.idle()))
                {
                    break;
                }
            }
        }
        catch (final InterruptedException ex)
        {
            interrupted = ex;
        }
        finally
        {
            waiter.end();
        }

        mutex.reacquire(holds);
        if (!signalled)
        {
            // With the lock held no signal can arrive: take one that came meanwhile, or withdraw the wait
            // so that a later signal is not spent on a waiter that left.
            signalled = tryClaim(startSignals);
            if (!signalled)
            {
                final long waits = buffer.getLongVolatile(offset + WAITS_OFFSET);
                if (waits > buffer.getLongVolatile(offset + SIGNALS_OFFSET))
                {
                    buffer.putLongVolatile(offset + WAITS_OFFSET, waits - 1);
                }
            }
        }

        if (interrupted != null)
        {
            if (!signalled)
            {
                throw interrupted;
            }
            // A signal was taken: keep it, and leave the interrupt for the caller to see.
            Thread.currentThread().interrupt();
        }
        return signalled;
    }

    private boolean tryClaim(final long startSignals)
    {
        while (true)
        {
            final long signals = buffer.getLongVolatile(offset + SIGNALS_OFFSET);
            if (signals == startSignals)
            {
                return false;
            }
            final long woken = buffer.getLongVolatile(offset + WOKEN_OFFSET);
            if (woken >= signals)
            {
                return false;
            }
            if (buffer.compareAndSetLong(offset + WOKEN_OFFSET, woken, woken + 1))
            {
                return true;
            }
        }
    }

    private void requireHeld()
    {
        if (!mutex.isHeldByCurrentThread())
        {
            throw new IllegalMonitorStateException("condition used without holding its lock: lock=" + lock);
        }
    }

    @Serial
    private Object writeReplace()
    {
        return SyncHandle.of(region, offset, SyncDescriptor.TYPE_CONDITION,
            waitStrategy, lock);
    }

    @Serial
    private void readObject(final ObjectInputStream in) throws InvalidObjectException
    {
        throw new InvalidObjectException("SharedCondition travels as a SyncHandle");
    }
}
