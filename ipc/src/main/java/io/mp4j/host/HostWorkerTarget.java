package io.mp4j.host;

import io.mp4j.WaitStrategy;
import io.mp4j.host.internal.HostWorkerMain;
import io.mp4j.process.ProcessTarget;

/**
 * What a host starts each warm worker JVM with: a plain record, so that the worker loads none of the
 * host's own classes to deserialize it.
 *
 * @param slot         the worker's slot in the host's control region.
 * @param waitStrategy how to wait for leases and tasks.
 */
record HostWorkerTarget(int slot, WaitStrategy waitStrategy) implements ProcessTarget
{
    private static final long serialVersionUID = 1L;

    @Override
    public void run()
    {
        new HostWorkerMain(slot, waitStrategy).run();
    }
}
