package io.mp4j.core.sync;

import io.mp4j.core.WaitStrategy;
import org.agrona.concurrent.IdleStrategy;

import java.util.concurrent.TimeUnit;

/**
 * The one place where the shared primitives wait: every blocked {@code lock}, {@code acquire},
 * {@code await} loops on its own check and calls {@link #idle()} here between checks. A kernel doorbell
 * (issue 10) goes behind this class and nowhere else.
 * <p>
 * One waiter per thread, reused: {@link #begin(WaitStrategy, long, boolean)} starts a wait, the loop
 * calls {@link #idle()} after each failed check, and {@link #end()} finishes it. Waits on one thread do
 * not nest. Nothing here allocates after a thread's first wait with a strategy.
 */
final class Waiter
{
    /** How often a waiter asks whether the process it waits for is still alive. */
    static final long LIVENESS_CHECK_INTERVAL_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    /** Timeout meaning "wait as long as it takes". */
    static final long NO_TIMEOUT = -1;

    private static final ThreadLocal<Waiter> WAITERS = ThreadLocal.withInitial(Waiter::new);

    private final IdleStrategy[] strategies = new IdleStrategy[WaitStrategy.values().length];
    private IdleStrategy idleStrategy;
    private boolean timed;
    private boolean interruptible;
    private boolean interruptedMeanwhile;
    private long deadlineNanos;
    private long nextLivenessCheckNanos;

    private Waiter()
    {
    }

    /**
     * Starts a wait on the calling thread.
     *
     * @param strategy      how to wait.
     * @param timeoutNanos  how long at most, or {@link #NO_TIMEOUT}.
     * @param interruptible whether {@link #idle()} throws when the thread is interrupted; if not, an
     *                      interrupt is remembered and restored by {@link #end()}.
     * @return the calling thread's waiter.
     */
    static Waiter begin(final WaitStrategy strategy, final long timeoutNanos, final boolean interruptible)
    {
        final Waiter waiter = WAITERS.get();
        IdleStrategy idleStrategy = waiter.strategies[strategy.ordinal()];
        if (idleStrategy == null)
        {
            idleStrategy = strategy.newIdleStrategy();
            waiter.strategies[strategy.ordinal()] = idleStrategy;
        }
        idleStrategy.reset();

        final long now = System.nanoTime();
        waiter.idleStrategy = idleStrategy;
        waiter.timed = timeoutNanos >= 0;
        waiter.deadlineNanos = now + Math.max(0, timeoutNanos);
        waiter.interruptible = interruptible;
        waiter.interruptedMeanwhile = false;
        waiter.nextLivenessCheckNanos = now + LIVENESS_CHECK_INTERVAL_NANOS;
        return waiter;
    }

    /**
     * Waits a little, as the strategy says, before the caller checks again.
     *
     * @return false if the deadline has passed (the caller gives up), true to check again.
     * @throws InterruptedException if the wait is interruptible and the thread was interrupted.
     */
    boolean idle() throws InterruptedException
    {
        if (Thread.interrupted())
        {
            if (interruptible)
            {
                throw new InterruptedException();
            }
            // A parked thread with its interrupt flag set would not park at all: clear it, restore at end.
            interruptedMeanwhile = true;
        }
        if (timed && System.nanoTime() - deadlineNanos >= 0)
        {
            return false;
        }
        idleStrategy.idle();
        return true;
    }

    /**
     * Whether it is time to check that the process being waited for is alive: true about every
     * {@link #LIVENESS_CHECK_INTERVAL_NANOS}, never on the first checks of a wait.
     *
     * @return true when a liveness check is due.
     */
    boolean livenessCheckDue()
    {
        final long now = System.nanoTime();
        if (now - nextLivenessCheckNanos >= 0)
        {
            nextLivenessCheckNanos = now + LIVENESS_CHECK_INTERVAL_NANOS;
            return true;
        }
        return false;
    }

    /**
     * The time left before the deadline.
     *
     * @return nanoseconds left, at least 0; {@link #NO_TIMEOUT} for an untimed wait.
     */
    long remainingNanos()
    {
        return timed ? Math.max(0, deadlineNanos - System.nanoTime()) : NO_TIMEOUT;
    }

    /** Ends the wait: resets the idle strategy and restores an interrupt that an uninterruptible wait hid. */
    void end()
    {
        idleStrategy.reset();
        if (interruptedMeanwhile)
        {
            interruptedMeanwhile = false;
            Thread.currentThread().interrupt();
        }
    }
}
