package io.mp4j.worker.internal;

import io.mp4j.WaitStrategy;
import io.mp4j.codec.Codec;
import io.mp4j.codec.ListCodec;
import io.mp4j.internal.JavaSerialization;
import io.mp4j.process.ProcessTarget;
import io.mp4j.process.internal.ChildTraining;
import io.mp4j.process.internal.ClassDataSharing;
import io.mp4j.session.Session;

import java.util.Collections;
import java.util.List;

/**
 * Trains the children's class-data archive on a pool worker's start-up and first tasks too: it makes a
 * channel as a pool does, sends it a function, chunks of numbers and of other items, a kept function and
 * an apply, then asks it to stop, and serves it as a worker does, so that a worker's JVM finds what it
 * loads on its way to its first results (the channel, its rings, the wait board, the doorbell, the
 * codecs, the pool's wrappers of a user's function) in the archive. Run by the training JVM only.
 */
public final class PoolWorkerTraining implements ChildTraining
{
    private static final int RING_CAPACITY = 64 * 1024;
    private static final long IDLE_MILLIS = 200;
    private static final long CALL_ID = 1;
    private static final long APPLY_CALL_ID = 2;
    private static final int KEPT_ID = 1;
    /** Where the pool makes the functions a worker rebuilds around a user's: each worker loads it. */
    private static final String POOL_WRAPPERS = "io.mp4j.pool.WorkerFunctions";

    /** Called by {@link java.util.ServiceLoader}. */
    public PoolWorkerTraining()
    {
    }

    @Override
    public void train() throws Exception
    {
        ClassDataSharing.loadTargetClass(POOL_WRAPPERS);
        final Session session = Session.current();
        final String name = session.uniqueName("cds-training-worker");
        final PoolChannel channel = PoolChannel.create(session, name, RING_CAPACITY);
        final byte[] function = JavaSerialization.serialize((TaskFunction)item -> item, "training function");
        // The tasks come only once the worker has waited long enough to sleep, as a worker waits for its
        // first task: so that its doorbell, and the ringing that wakes it, are trained too. The ring holds
        // them all, and the results ring all their results.
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
            channel.write(channel.tasks(), PoolChannel.FUNCTION, CALL_ID, 0, function);
            channel.write(channel.tasks(), PoolChannel.TASK, CALL_ID, 0, ListCodec.encode(List.of(1, 2), 0, 2));
            channel.write(channel.tasks(), PoolChannel.TASK, CALL_ID, 1, ListCodec.encode(List.of("a", "b"), 0, 2));
            channel.write(channel.tasks(), PoolChannel.KEEP, 0, KEPT_ID, function);
            channel.write(channel.tasks(), PoolChannel.APPLY, APPLY_CALL_ID, KEPT_ID,
                Codec.encodeList(Collections.singletonList(null)));
            channel.write(channel.tasks(), PoolChannel.STOP, 0, -1, null);
        }, "mp4j-cds-training-pool");
        pool.setDaemon(true);
        try
        {
            pool.start();
            // The worker's target as a worker gets it: rebuilt from its bytes (it captures a name and an enum).
            final byte[] target =
                JavaSerialization.serialize(PoolWorkerMain.target(name, WaitStrategy.defaultStrategy()), "training target");
            ((ProcessTarget)JavaSerialization.deserialize(target, "training target")).run();
            pool.join();
        }
        finally
        {
            channel.delete();
        }
    }
}
