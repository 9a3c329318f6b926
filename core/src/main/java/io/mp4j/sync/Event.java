package io.mp4j.sync;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * A flag processes wait on: Python's {@code Event}, whichever backend holds it ({@link SharedEvent} in shared
 * memory on one machine, a cluster's structure otherwise). {@link #set()} wakes every waiter; the flag stays
 * set until {@link #clear()}.
 */
public interface Event
{
    /** Sets the flag and wakes every waiter: Python's {@code set()}. */
    void set();

    /** Clears the flag: Python's {@code clear()}. */
    void clear();

    /**
     * Whether the flag is set: Python's {@code is_set()}.
     *
     * @return true if set.
     */
    boolean isSet();

    /**
     * Waits until the flag is set: Python's {@code wait()}.
     *
     * @throws InterruptedException if interrupted while waiting.
     */
    void await() throws InterruptedException;

    /**
     * Waits at most the timeout for the flag: Python's {@code wait(timeout)}, which returns false where this
     * throws.
     *
     * @param timeout how long at most.
     * @throws InterruptedException             if interrupted while waiting.
     * @throws io.mp4j.Mp4jTimeoutException if the flag is still clear when the time runs out.
     */
    void await(Duration timeout) throws InterruptedException;

    /**
     * Waits at most the given time for the flag, as {@link java.util.concurrent.CountDownLatch} does.
     *
     * @param time how long at most.
     * @param unit the unit of {@code time}.
     * @return true if the flag is set, false if the time ran out.
     * @throws InterruptedException if interrupted while waiting.
     */
    boolean await(long time, TimeUnit unit) throws InterruptedException;
}
