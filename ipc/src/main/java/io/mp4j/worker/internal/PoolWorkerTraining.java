package io.mp4j.worker.internal;

import io.mp4j.WaitStrategy;
import io.mp4j.process.internal.ChildTraining;
import io.mp4j.session.Session;

/**
 * Trains the children's class-data archive on a pool worker's start-up too: it makes a channel as a pool
 * does, asks it to stop, and serves it as a worker does, so that a worker's JVM finds what it loads before
 * its first task (the channel, its rings, the wait board, the doorbell) in the archive. Run by the training
 * JVM only.
 */
public final class PoolWorkerTraining implements ChildTraining
{
    private static final int RING_CAPACITY = 64 * 1024;

    /** Called by {@link java.util.ServiceLoader}. */
    public PoolWorkerTraining()
    {
    }

    @Override
    public void train()
    {
        final Session session = Session.current();
        final String name = session.uniqueName("cds-training-worker");
        final PoolChannel channel = PoolChannel.create(session, name, RING_CAPACITY);
        try
        {
            channel.write(channel.tasks(), PoolChannel.STOP, 0, -1, null);
            PoolWorkerMain.serve(name, WaitStrategy.defaultStrategy());
        }
        finally
        {
            channel.delete();
        }
    }
}
