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
    private static final long IDLE_MILLIS = 200;

    /** Called by {@link java.util.ServiceLoader}. */
    public PoolWorkerTraining()
    {
    }

    @Override
    public void train() throws InterruptedException
    {
        final Session session = Session.current();
        final String name = session.uniqueName("cds-training-worker");
        final PoolChannel channel = PoolChannel.create(session, name, RING_CAPACITY);
        // STOP comes only once the worker has waited long enough to sleep, as a worker waits for its first
        // task: so that its doorbell, and the ringing that wakes it, are trained too.
        final Thread pool = new Thread(() ->
        {
            try
            {
                Thread.sleep(IDLE_MILLIS);
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
            }
            channel.write(channel.tasks(), PoolChannel.STOP, 0, -1, null);
        }, "mp4j-cds-training-pool");
        pool.setDaemon(true);
        try
        {
            pool.start();
            PoolWorkerMain.serve(name, WaitStrategy.defaultStrategy());
            pool.join();
        }
        finally
        {
            channel.delete();
        }
    }
}
