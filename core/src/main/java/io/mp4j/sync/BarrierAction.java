package io.mp4j.sync;

import java.io.Serializable;

/**
 * What one party of a {@link SharedBarrier} runs when all parties have arrived, before any is
 * released: Python's {@code Barrier(action=...)}. It travels with the barrier's handle, so it must be
 * serializable, and runs in whichever process arrived last.
 */
@FunctionalInterface
public interface BarrierAction extends Serializable
{
    /**
     * Runs once per generation, in the last party to arrive.
     *
     * @throws Exception anything; the barrier is then broken and every party gets a
     *                   {@link BarrierBrokenException}.
     */
    void run() throws Exception;
}
