package io.mp4j.core.channel;

import io.mp4j.core.WaitStrategy;
import org.agrona.concurrent.IdleStrategy;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The one place where mp4j's channels wait: a blocked {@code recv}, {@code take} or full {@code send}
 * calls {@link #idle()} after each failed attempt. It idles through the channel's {@link WaitStrategy},
 * keeps the caller's deadline exact (it never parks past it) and says, about every
 * {@value #CHECK_INTERVAL_MILLIS} ms of waiting, when it is time for the slow checks a fast path must
 * never make (is the peer process still alive? does a dead owner hold a slot?).
 * <pre>{@code
 * waiter.start(timeoutNanos);
 * while (!tryOnce())
 * {
 *     if (waiter.checkDue() && peerGone()) { ... }
 *     if (!waiter.idle()) { ... timed out ... }
 * }
 * }</pre>
 * One waiter per waiting thread: it carries the idle strategy's state.
 */
public final class Waiter
{
    /** How often, while waiting, {@link #checkDue()} says yes. */
    public static final long CHECK_INTERVAL_MILLIS = 100;

    private static final long CHECK_INTERVAL_NANOS = TimeUnit.MILLISECONDS.toNanos(CHECK_INTERVAL_MILLIS);

    private final WaitStrategy strategy;
    private final IdleStrategy idleStrategy;
    private boolean bounded;
    private long deadlineNanos;
    private long nextCheckNanos;

    /**
     * A waiter for one thread.
     *
     * @param strategy how to wait.
     */
    public Waiter(final WaitStrategy strategy)
    {
        this.strategy = strategy;
        this.idleStrategy = strategy.newIdleStrategy();
    }

    /**
     * The strategy this waiter idles with.
     *
     * @return the wait strategy.
     */
    public WaitStrategy strategy()
    {
        return strategy;
    }

    /**
     * Starts a wait.
     *
     * @param timeoutNanos how long the wait may last, or a negative number to wait without limit.
     */
    public void start(final long timeoutNanos)
    {
        final long now = System.nanoTime();
        bounded = timeoutNanos >= 0;
        deadlineNanos = now + (bounded ? timeoutNanos : 0);
        nextCheckNanos = now + CHECK_INTERVAL_NANOS;
        idleStrategy.reset();
    }

    /**
     * Idles once, never past the deadline.
     *
     * @return true to try again, false once the deadline has passed.
     */
    public boolean idle()
    {
        if (bounded)
        {
            final long remaining = deadlineNanos - System.nanoTime();
            if (remaining <= 0)
            {
                return false;
            }
            if (strategy != WaitStrategy.BUSY_SPIN && remaining < WaitStrategy.MAX_PARK_NANOS)
            {
                LockSupport.parkNanos(remaining);
                return true;
            }
        }
        idleStrategy.idle();
        return true;
    }

    /**
     * Whether the slow checks are due: true once per {@value #CHECK_INTERVAL_MILLIS} ms of waiting.
     *
     * @return true if the caller should check now.
     */
    public boolean checkDue()
    {
        final long now = System.nanoTime();
        if (now - nextCheckNanos >= 0)
        {
            nextCheckNanos = now + CHECK_INTERVAL_NANOS;
            return true;
        }
        return false;
    }

    /**
     * The time left before the deadline.
     *
     * @return nanoseconds, at least 0, or {@link Long#MAX_VALUE} for a wait without limit.
     */
    public long remainingNanos()
    {
        return bounded ? Math.max(0, deadlineNanos - System.nanoTime()) : Long.MAX_VALUE;
    }
}
