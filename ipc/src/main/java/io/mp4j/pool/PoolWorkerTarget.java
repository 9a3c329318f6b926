package io.mp4j.pool;

import io.mp4j.WaitStrategy;
import io.mp4j.process.ProcessTarget;
import io.mp4j.worker.internal.PoolWorkerMain;

/**
 * What a pool starts a worker JVM with: a plain record rather than a lambda, so that the worker does not
 * load the pool's classes to deserialize it.
 *
 * @param channelName  the worker's channel in the current session.
 * @param waitStrategy how to wait for tasks.
 */
record PoolWorkerTarget(String channelName, WaitStrategy waitStrategy) implements ProcessTarget
{
    private static final long serialVersionUID = 1L;

    @Override
    public void run()
    {
        PoolWorkerMain.serve(channelName, waitStrategy);
    }
}
