package io.mp4j.sync;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Permits shared by processes: Python's {@code Semaphore} and {@code BoundedSemaphore}, whichever backend holds
 * them ({@link SharedSemaphore} in shared memory on one machine, a cluster's semaphore otherwise). The method
 * names are those of {@link java.util.concurrent.Semaphore}.
 */
public interface CountingSemaphore
{
    /**
     * Takes a permit, waiting as long as it takes: Python's {@code acquire()}.
     *
     * @throws InterruptedException if interrupted while waiting.
     */
    void acquire() throws InterruptedException;

    /**
     * Takes a permit, waiting at most the timeout: Python's {@code acquire(timeout=...)}.
     *
     * @param timeout how long at most.
     * @throws InterruptedException             if interrupted while waiting.
     * @throws io.mp4j.Mp4jTimeoutException if no permit came in time.
     */
    void acquire(Duration timeout) throws InterruptedException;

    /**
     * Takes a permit if one is free now: Python's {@code acquire(False)}.
     *
     * @return true if a permit was taken.
     */
    boolean tryAcquire();

    /**
     * Takes a permit, waiting at most the given time.
     *
     * @param time how long at most.
     * @param unit the unit of {@code time}.
     * @return true if a permit was taken, false if the time ran out.
     * @throws InterruptedException if interrupted while waiting.
     */
    boolean tryAcquire(long time, TimeUnit unit) throws InterruptedException;

    /**
     * Gives back one permit: Python's {@code release()}.
     *
     * @throws IllegalStateException if the semaphore is bounded and already has all its permits.
     */
    void release();

    /**
     * Gives back permits: Python's {@code release(n)}.
     *
     * @param permits how many.
     * @throws IllegalStateException if the semaphore is bounded and would pass its initial count.
     */
    void release(int permits);

    /**
     * The permits free now.
     *
     * @return the count, which other processes may change at once.
     */
    int availablePermits();
}
