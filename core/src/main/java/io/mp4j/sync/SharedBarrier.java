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

import static io.mp4j.sync.BarrierDescriptor.ARRIVED_MASK;
import static io.mp4j.sync.BarrierDescriptor.BROKEN_BIT;
import static io.mp4j.sync.BarrierDescriptor.GENERATION_SHIFT;
import static io.mp4j.sync.BarrierDescriptor.PARTIES_OFFSET;
import static io.mp4j.sync.BarrierDescriptor.RESETTING_BIT;
import static io.mp4j.sync.BarrierDescriptor.STATE_OFFSET;

/**
 * A cyclic barrier shared by processes: Python's {@code multiprocessing.Barrier}. Each of
 * {@link #parties()} parties calls {@link #await()}; when the last arrives, the optional
 * {@link BarrierAction} runs in that party, then all are released and the barrier is ready for the next
 * generation.
 * <pre>{@code
 * SharedBarrier barrier = SharedBarrier.create(3);
 * int index = barrier.await();   // Python: index = barrier.wait()
 * }</pre>
 * A barrier is broken by {@link #abort()}, by a party's timeout or interrupt, and by an action that
 * throws: every waiting and later party gets a {@link BarrierBrokenException} until {@link #reset()}. A
 * {@link #reset()} while parties wait gives those parties a {@link BarrierBrokenException}; a party that
 * arrives while they are leaving waits for the next generation, as in Python. A party whose process dies
 * while it waits does not break the barrier by itself; give the others a timeout. Any thread of any
 * process holding a handle may call any method.
 */
public final class SharedBarrier implements Barrier, Serializable, AutoCloseable
{
    @Serial
    private static final long serialVersionUID = 1L;

    /** How long {@link #reset()} waits for the parties of a broken generation to leave before moving on. */
    private static final long RESET_GRACE_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final transient Region region;
    private final transient RegionCache.Lease lease;
    private final transient AtomicBuffer buffer;
    private final int offset;
    private final int stateOffset;
    private final transient int parties;
    private final WaitStrategy waitStrategy;
    private final BarrierAction action;

    SharedBarrier(final Region region, final int offset, final WaitStrategy waitStrategy, final BarrierAction action)
    {
        SyncHandle.verify(region, offset, SyncDescriptor.TYPE_BARRIER);
        this.region = region;
        this.buffer = region.body();
        this.lease = RegionCache.lease(this, region);
        this.offset = offset;
        this.stateOffset = offset + STATE_OFFSET;
        this.parties = buffer.getInt(offset + PARTIES_OFFSET);
        this.waitStrategy = Objects.requireNonNull(waitStrategy, "waitStrategy");
        this.action = action;
    }

    /**
     * Creates a barrier for a number of parties in the current session: Python's {@code Barrier(parties)}.
     *
     * @param parties how many parties must arrive, at least 1.
     * @return the new barrier.
     */
    public static SharedBarrier create(final int parties)
    {
        return create(Session.current(), parties, null, WaitStrategy.defaultStrategy());
    }

    /**
     * Creates a barrier with an action: Python's {@code Barrier(parties, action)}.
     *
     * @param parties how many parties must arrive, at least 1.
     * @param action  run by the last party to arrive in each generation; travels with the handle.
     * @return the new barrier.
     */
    public static SharedBarrier create(final int parties, final BarrierAction action)
    {
        return create(Session.current(), parties, action, WaitStrategy.defaultStrategy());
    }

    /**
     * Creates a barrier.
     *
     * @param session      the session its region lives in.
     * @param parties      how many parties must arrive, at least 1.
     * @param action       run by the last party to arrive in each generation, or null.
     * @param waitStrategy how its waiters wait.
     * @return the new barrier.
     */
    public static SharedBarrier create(
        final Session session, final int parties, final BarrierAction action, final WaitStrategy waitStrategy)
    {
        if (parties < 1)
        {
            throw new IllegalArgumentException("barrier needs at least one party: parties=" + parties);
        }
        final Region region = SyncHandle.createRegion(session, SyncDescriptor.TYPE_BARRIER);
        region.body().putIntVolatile(SyncDescriptor.PRIMITIVE_OFFSET + PARTIES_OFFSET, parties);
        return new SharedBarrier(region, SyncDescriptor.PRIMITIVE_OFFSET, waitStrategy, action);
    }

    /**
     * Arrives and waits for the other parties: Python's {@code wait()}.
     *
     * @return the arrival index, 0 for the first party of the generation to arrive and
     *         {@code parties() - 1} for the last, as in Python.
     * @throws InterruptedException    if interrupted while waiting; the barrier is then broken.
     * @throws BarrierBrokenException if the barrier is or becomes broken.
     */
    public int await() throws InterruptedException
    {
        return await0(Waiter.NO_TIMEOUT);
    }

    /**
     * Arrives and waits at most the timeout for the other parties: Python's {@code wait(timeout)}.
     *
     * @param timeout how long at most.
     * @return the arrival index.
     * @throws InterruptedException    if interrupted while waiting; the barrier is then broken.
     * @throws Mp4jTimeoutException    if the time ran out; the barrier is then broken, as in Python.
     * @throws BarrierBrokenException if the barrier is or becomes broken.
     */
    public int await(final Duration timeout) throws InterruptedException
    {
        return await0(Math.max(0, timeout.toNanos()));
    }

    /**
     * Breaks the barrier: waiting and later parties get {@link BarrierBrokenException} until {@link #reset()},
     * as Python's {@code abort()}; an abort during a reset leaves the barrier broken.
     */
    public void abort()
    {
        while (true)
        {
            final long state = buffer.getLongVolatile(stateOffset);
            if ((state & BROKEN_BIT) != 0)
            {
                return;
            }
            if (buffer.compareAndSetLong(stateOffset, state, state | BROKEN_BIT))
            {
                changed();
                return;
            }
        }
    }

    /**
     * Returns the barrier to its empty state, as Python's {@code reset()}: parties waiting now get
     * {@link BarrierBrokenException}, parties that arrive while they leave wait for the next generation,
     * and a broken barrier is mended. Returns once the waiting parties have left, or after a second if
     * some do not (a party whose process died never leaves).
     */
    public void reset()
    {
        long state;
        long generation;
        while (true)
        {
            state = buffer.getLongVolatile(stateOffset);
            generation = state >>> GENERATION_SHIFT;
            if ((state & ARRIVED_MASK) == 0)
            {
                // Nobody inside: a broken or resetting generation is left behind at once, a fresh one kept.
                if ((state & (BROKEN_BIT | RESETTING_BIT)) == 0)
                {
                    return;
                }
                if (buffer.compareAndSetLong(stateOffset, state, (generation + 1) << GENERATION_SHIFT))
                {
                    changed();
                    return;
                }
                continue;
            }
            if ((state & (BROKEN_BIT | RESETTING_BIT)) == RESETTING_BIT)
            {
                break;  // another reset is under way: wait for it as if it were ours
            }
            if (buffer.compareAndSetLong(stateOffset, state, (state & ~BROKEN_BIT) | RESETTING_BIT))
            {
                changed();
                break;
            }
        }

        final long deadline = System.nanoTime() + RESET_GRACE_NANOS;
        final Waiter waiter = Waiter.begin(waitStrategy, region.waitBoard(), tag(), RESET_GRACE_NANOS);
        try
        {
            while (true)
            {
                final long current = buffer.getLongVolatile(stateOffset);
                if ((current >>> GENERATION_SHIFT) != generation || (current & BROKEN_BIT) != 0)
                {
                    return;  // the last party to leave moved on, or an abort broke the barrier again
                }
                // The grace is over: the parties still counted are gone, or too slow to be waited for.
                if ((current & ARRIVED_MASK) == 0 || System.nanoTime() - deadline >= 0)
                {
                    if (buffer.compareAndSetLong(stateOffset, current, (generation + 1) << GENERATION_SHIFT))
                    {
                        changed();
                        return;
                    }
                    continue;
                }
                waiter.idle();
            }
        }
        finally
        {
            waiter.end();
        }
    }

    /**
     * Whether the barrier is broken: Python's {@code broken}.
     *
     * @return true until {@link #reset()}.
     */
    public boolean isBroken()
    {
        return (buffer.getLongVolatile(stateOffset) & BROKEN_BIT) != 0;
    }

    /**
     * How many parties are waiting now: Python's {@code n_waiting}; a snapshot.
     *
     * @return the number of parties that arrived in the current generation, 0 if broken or resetting.
     */
    public int numberWaiting()
    {
        final long state = buffer.getLongVolatile(stateOffset);
        return (state & (BROKEN_BIT | RESETTING_BIT)) != 0 ? 0 : (int)Math.min(state & ARRIVED_MASK, parties - 1);
    }

    /**
     * How many parties must arrive: Python's {@code parties}.
     *
     * @return the number of parties.
     */
    public int parties()
    {
        return parties;
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

    /** Unmaps the barrier's region in this JVM; every handle to it in this JVM stops working. Idempotent. */
    @Override
    public void close()
    {
        region.close();
        lease.close();
    }

    /**
     * What Python's {@code repr} of a barrier says: how many of its parties wait, or that it is broken; a
     * snapshot, e.g. {@code SharedBarrier{waiting=1/3}} or {@code SharedBarrier{broken, parties=3}}.
     *
     * @return the description.
     */
    @Override
    public String toString()
    {
        if (region.isClosed())
        {
            return "SharedBarrier{closed}";
        }
        final long state = buffer.getLongVolatile(stateOffset);
        if ((state & BROKEN_BIT) != 0)
        {
            return "SharedBarrier{broken, parties=" + parties + '}';
        }
        if ((state & RESETTING_BIT) != 0)
        {
            return "SharedBarrier{resetting, parties=" + parties + '}';
        }
        return "SharedBarrier{waiting=" + Math.min(state & ARRIVED_MASK, parties - 1) + '/' + parties + '}';
    }

    private int await0(final long timeoutNanos) throws InterruptedException
    {
        if (Thread.interrupted())
        {
            throw new InterruptedException();
        }

        final long deadline = System.nanoTime() + timeoutNanos;
        final long arrivedState;
        Waiter waiter = Waiter.begin(waitStrategy, region.waitBoard(), tag(), timeoutNanos);
        try
        {
            arrivedState = arrive(waiter);
        }
        finally
        {
            waiter.end();
        }

        final long generation = arrivedState >>> GENERATION_SHIFT;
        final int index = (int)(arrivedState & ARRIVED_MASK);
        if (index + 1 == parties)
        {
            // No wait is in progress on this thread while the action runs: it may wait on primitives itself.
            trip(generation);
            return index;
        }

        final long remaining = timeoutNanos == Waiter.NO_TIMEOUT ? Waiter.NO_TIMEOUT :
            Math.max(0, deadline - System.nanoTime());
        waiter = Waiter.begin(waitStrategy, region.waitBoard(), tag(), remaining);
        try
        {
            while (true)
            {
                final long state = buffer.getLongVolatile(stateOffset);
                if ((state >>> GENERATION_SHIFT) != generation)
                {
                    return index;
                }
                if ((state & (BROKEN_BIT | RESETTING_BIT)) != 0)
                {
                    leaveBroken(generation);
                    throw broken((state & BROKEN_BIT) != 0 ? "barrier broken while waiting" :
                        "barrier reset while waiting", generation);
                }

                final boolean inTime;
                try
                {
                    inTime = waiter.idleInterruptibly();
                }
                catch (final InterruptedException ex)
                {
                    breakGeneration(generation);
                    leaveBroken(generation);
                    throw ex;
                }
                if (!inTime)
                {
                    final long late = buffer.getLongVolatile(stateOffset);
                    if ((late >>> GENERATION_SHIFT) != generation || (late & (BROKEN_BIT | RESETTING_BIT)) != 0)
                    {
                        continue;  // released, broken or reset just now: report that, not the timeout
                    }
                    breakGeneration(generation);
                    leaveBroken(generation);
                    throw new Mp4jTimeoutException("barrier wait timed out, barrier broken: timeout=" +
                        Duration.ofNanos(timeoutNanos) + " parties=" + parties + " file=" + region.file());
                }
            }
        }
        finally
        {
            waiter.end();
        }
    }

    /**
     * Counts the caller in, waiting while the last party of the previous generation runs its action or the
     * parties of a reset generation leave.
     */
    private long arrive(final Waiter waiter) throws InterruptedException
    {
        while (true)
        {
            final long state = buffer.getLongVolatile(stateOffset);
            if ((state & BROKEN_BIT) != 0)
            {
                throw broken("barrier is broken", state >>> GENERATION_SHIFT);
            }
            if ((state & RESETTING_BIT) != 0 || (state & ARRIVED_MASK) >= parties)
            {
                if (!waiter.idleInterruptibly())
                {
                    throw new Mp4jTimeoutException("barrier wait timed out before arriving: parties=" + parties +
                        " file=" + region.file());
                }
                continue;
            }
            if (buffer.compareAndSetLong(stateOffset, state, state + 1))
            {
                return state;
            }
        }
    }

    /** The last party: runs the action, then releases the generation by moving to the next one. */
    private void trip(final long generation)
    {
        if (action != null)
        {
            try
            {
                action.run();
            }
            catch (final Exception | Error ex)
            {
                breakGeneration(generation);
                leaveBroken(generation);
                throw new BarrierBrokenException("barrier action failed, barrier broken: generation=" + generation +
                    " file=" + region.file(), ex);
            }
        }

        while (true)
        {
            final long state = buffer.getLongVolatile(stateOffset);
            if ((state & (BROKEN_BIT | RESETTING_BIT)) != 0 || (state >>> GENERATION_SHIFT) != generation)
            {
                leaveBroken(generation);
                throw broken("barrier broken or reset while its action ran", generation);
            }
            if (buffer.compareAndSetLong(stateOffset, state, (generation + 1) << GENERATION_SHIFT))
            {
                changed();
                return;
            }
        }
    }

    /** Breaks the generation unless it has passed, is broken already, or is being reset. */
    private void breakGeneration(final long generation)
    {
        while (true)
        {
            final long state = buffer.getLongVolatile(stateOffset);
            if ((state >>> GENERATION_SHIFT) != generation || (state & (BROKEN_BIT | RESETTING_BIT)) != 0)
            {
                return;
            }
            if (buffer.compareAndSetLong(stateOffset, state, state | BROKEN_BIT))
            {
                changed();
                return;
            }
        }
    }

    /**
     * A party of a broken or resetting generation leaves: the last to leave a reset generation moves the
     * barrier to the next one, releasing the parties that arrived meanwhile.
     */
    private void leaveBroken(final long generation)
    {
        while (true)
        {
            final long state = buffer.getLongVolatile(stateOffset);
            if ((state >>> GENERATION_SHIFT) != generation || (state & ARRIVED_MASK) == 0)
            {
                return;
            }
            final boolean lastOfReset =
                (state & ARRIVED_MASK) == 1 && (state & (BROKEN_BIT | RESETTING_BIT)) == RESETTING_BIT;
            final long next = lastOfReset ? (generation + 1) << GENERATION_SHIFT : state - 1;
            if (buffer.compareAndSetLong(stateOffset, state, next))
            {
                changed();
                return;
            }
        }
    }

    private BarrierBrokenException broken(final String what, final long generation)
    {
        return new BarrierBrokenException(what + ": generation=" + generation + " parties=" + parties +
            " file=" + region.file());
    }

    private int tag()
    {
        return WaitBoard.tagFor(stateOffset);
    }

    /** Wakes the parties asleep on the state word after a change they may wait for. */
    private void changed()
    {
        region.waitBoard().ring(tag());
    }

    @Serial
    private Object writeReplace()
    {
        return SyncHandle.of(region, offset, SyncDescriptor.TYPE_BARRIER,
            waitStrategy, action);
    }

    @Serial
    private void readObject(final ObjectInputStream in) throws InvalidObjectException
    {
        throw new InvalidObjectException("SharedBarrier travels as a SyncHandle");
    }
}
