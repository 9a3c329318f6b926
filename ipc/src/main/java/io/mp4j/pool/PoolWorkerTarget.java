package io.mp4j.pool;

import io.mp4j.WaitStrategy;
import io.mp4j.process.ProcessTarget;
import io.mp4j.worker.internal.PoolWorkerMain;

import java.io.Serial;

/**
 * What a pool starts a worker JVM with: a plain class rather than a lambda, so that the worker does not
 * load the pool's classes to deserialize it, and not a record, whose deserialization spins method handles
 * (tens of milliseconds of a worker's start).
 */
final class PoolWorkerTarget implements ProcessTarget
{
    @Serial
    private static final long serialVersionUID = 1L;

    private final String channelName;
    private final WaitStrategy waitStrategy;

    /**
     * A worker's target.
     *
     * @param channelName  the worker's channel in the current session.
     * @param waitStrategy how to wait for tasks.
     */
    PoolWorkerTarget(final String channelName, final WaitStrategy waitStrategy)
    {
        this.channelName = channelName;
        this.waitStrategy = waitStrategy;
    }

    @Override
    public void run()
    {
        PoolWorkerMain.serve(channelName, waitStrategy);
    }
}
