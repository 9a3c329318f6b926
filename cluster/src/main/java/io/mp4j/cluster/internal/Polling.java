package io.mp4j.cluster.internal;

import io.mp4j.Mp4jTimeoutException;

import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * Waiting on a cluster structure that has no blocking call of its own (an event's flag, a barrier's generation, a
 * joinable queue's count): look, then sleep 1 ms, doubling to at most 10 ms, until the condition holds or the
 * deadline passes. A waiter so learns of a change at most 10 ms late, which a network round trip dwarfs anyway.
 */
final class Polling
{
    private static final long FIRST_SLEEP_NANOS = TimeUnit.MILLISECONDS.toNanos(1);
    private static final long LONGEST_SLEEP_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

    /** No deadline. */
    static final long FOREVER = Long.MAX_VALUE;

    private Polling()
    {
    }

    /**
     * Waits for the condition.
     *
     * @param condition what to wait for.
     * @param timeoutNanos how long at most, or {@link #FOREVER}.
     * @return true if it holds, false if the time ran out.
     * @throws InterruptedException if interrupted.
     */
    static boolean await(final BooleanSupplier condition, final long timeoutNanos) throws InterruptedException
    {
        final long deadline = timeoutNanos == FOREVER ? Long.MAX_VALUE : System.nanoTime() + timeoutNanos;
        long sleep = FIRST_SLEEP_NANOS;
        while (!condition.getAsBoolean())
        {
            final long left = deadline - System.nanoTime();
            if (left <= 0)
            {
                return false;
            }
            TimeUnit.NANOSECONDS.sleep(Math.min(sleep, left));
            sleep = Math.min(sleep * 2, LONGEST_SLEEP_NANOS);
        }
        return true;
    }

    /**
     * Waits for the condition or throws.
     *
     * @param condition what to wait for.
     * @param timeout   how long at most.
     * @param what      what waits, for the message.
     * @throws InterruptedException if interrupted.
     * @throws Mp4jTimeoutException if the time ran out.
     */
    static void awaitOrThrow(final BooleanSupplier condition, final java.time.Duration timeout, final String what)
        throws InterruptedException
    {
        if (!await(condition, Math.max(0, timeout.toNanos())))
        {
            throw new Mp4jTimeoutException(what + " timed out: timeout=" + timeout);
        }
    }
}
