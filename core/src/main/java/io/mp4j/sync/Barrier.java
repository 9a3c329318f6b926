package io.mp4j.sync;

import java.time.Duration;

/**
 * A meeting point for a fixed number of parties: Python's {@code Barrier}, whichever backend holds it
 * ({@link SharedBarrier} in shared memory on one machine, a cluster's structure otherwise). Parties
 * {@link #await()} until the last one arrives; then all go on and the barrier is ready for the next round.
 */
public interface Barrier
{
    /**
     * Arrives and waits for the other parties: Python's {@code wait()}.
     *
     * @return the arrival index: 0 for the first party of the round, {@code parties() - 1} for the last.
     * @throws InterruptedException   if interrupted while waiting; the barrier is then broken.
     * @throws BarrierBrokenException if the barrier is or becomes broken.
     */
    int await() throws InterruptedException;

    /**
     * Arrives and waits at most the timeout for the other parties: Python's {@code wait(timeout)}.
     *
     * @param timeout how long at most.
     * @return the arrival index.
     * @throws InterruptedException             if interrupted while waiting; the barrier is then broken.
     * @throws io.mp4j.Mp4jTimeoutException if the time ran out; the barrier is then broken, as in Python.
     * @throws BarrierBrokenException           if the barrier is or becomes broken.
     */
    int await(Duration timeout) throws InterruptedException;

    /** Breaks the barrier: waiting and later parties get {@link BarrierBrokenException}: Python's {@code abort()}. */
    void abort();

    /** Returns the barrier to its empty state and mends it if broken: Python's {@code reset()}. */
    void reset();

    /**
     * Whether the barrier is broken: Python's {@code broken}.
     *
     * @return true if broken.
     */
    boolean isBroken();

    /**
     * How many parties wait now: Python's {@code n_waiting}.
     *
     * @return the count.
     */
    int numberWaiting();

    /**
     * How many parties a round needs: Python's {@code parties}.
     *
     * @return the count.
     */
    int parties();
}
