package io.mp4j.cluster.internal;

import io.mp4j.Mp4jTimeoutException;
import io.mp4j.sync.Barrier;
import io.mp4j.sync.BarrierBrokenException;
import org.apache.ignite.IgniteAtomicLong;

import java.time.Duration;

/**
 * Python's {@code Barrier} on one Ignite atomic long: the round's generation, how many have arrived, and a broken
 * bit, changed by compare-and-set only. The last party to arrive starts the next generation; the others poll for
 * it (see {@link Polling}). A reset starts a new generation with the reset bit set, so that the parties waiting on
 * the old one leave with {@link BarrierBrokenException}, as in Python.
 */
public final class ClusterBarrier implements Barrier
{
    private static final long BROKEN = 1L << 62;
    private static final long RESET = 1L << 61;
    private static final long FLAGS = BROKEN | RESET;
    private static final int GENERATION_SHIFT = 32;
    private static final long COUNT_MASK = 0xFFFF_FFFFL;
    private static final long GENERATION_MASK = (1L << 29) - 1;

    private final IgniteAtomicLong state;
    private final int parties;

    /**
     * A barrier over its state.
     *
     * @param state   the atomic holding generation, count and flags; 0 for a new barrier.
     * @param parties how many parties a round needs.
     */
    public ClusterBarrier(final IgniteAtomicLong state, final int parties)
    {
        this.state = state;
        this.parties = parties;
    }

    @Override
    public int await() throws InterruptedException
    {
        return await(Polling.FOREVER, null);
    }

    @Override
    public int await(final Duration timeout) throws InterruptedException
    {
        return await(Math.max(0, timeout.toNanos()), timeout);
    }

    private int await(final long timeoutNanos, final Duration timeout) throws InterruptedException
    {
        while (true)
        {
            final long current = state.get();
            if ((current & BROKEN) != 0)
            {
                throw new BarrierBrokenException("barrier is broken: name=" + state.name());
            }
            final long generation = generation(current);
            final int index = (int)(current & COUNT_MASK);
            if (index + 1 == parties)
            {
                if (state.compareAndSet(current, ((generation + 1) & GENERATION_MASK) << GENERATION_SHIFT))
                {
                    return index;
                }
                continue;
            }
            if (!state.compareAndSet(current, current + 1))
            {
                continue;
            }
            final boolean passed;
            try
            {
                passed = Polling.await(() ->
                {
                    final long now = state.get();
                    return generation(now) != generation || (now & BROKEN) != 0;
                }, timeoutNanos);
            }
            catch (final InterruptedException ex)
            {
                abort();
                throw ex;
            }
            if (!passed)
            {
                abort();
                throw new Mp4jTimeoutException("barrier wait timed out: name=" + state.name() + " timeout=" + timeout);
            }
            final long after = state.get();
            if (generation(after) == generation || (after & RESET) != 0 && generation(after) == generation + 1)
            {
                throw new BarrierBrokenException("barrier was broken or reset while waiting: name=" + state.name());
            }
            return index;
        }
    }

    @Override
    public void abort()
    {
        long current;
        do
        {
            current = state.get();
        }
        while ((current & BROKEN) == 0 && !state.compareAndSet(current, current | BROKEN));
    }

    @Override
    public void reset()
    {
        long current;
        do
        {
            current = state.get();
        }
        while (!state.compareAndSet(current, ((generation(current) + 1) & GENERATION_MASK) << GENERATION_SHIFT | RESET));
    }

    @Override
    public boolean isBroken()
    {
        return (state.get() & BROKEN) != 0;
    }

    @Override
    public int numberWaiting()
    {
        return (int)(state.get() & COUNT_MASK);
    }

    @Override
    public int parties()
    {
        return parties;
    }

    @Override
    public String toString()
    {
        return "ClusterBarrier{name=" + state.name() + ", parties=" + parties + ", waiting=" + numberWaiting() +
            (isBroken() ? ", broken" : "") + '}';
    }

    private static long generation(final long state)
    {
        return (state & ~FLAGS) >>> GENERATION_SHIFT & GENERATION_MASK;
    }
}
