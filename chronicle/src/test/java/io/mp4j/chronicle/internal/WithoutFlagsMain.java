package io.mp4j.chronicle.internal;

import io.mp4j.Mp4jException;
import io.mp4j.manager.Manager;
import io.mp4j.pool.Pool;
import io.mp4j.pool.PoolContext;
import io.mp4j.pool.journal.PoolJournal;
import io.mp4j.process.Multiprocessing;
import io.mp4j.queue.durable.DurableQueue;
import io.mp4j.session.Session;

import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.concurrent.TimeUnit;

/**
 * A JVM started without some of mp4j-chronicle's flags: it asks for each Chronicle-backed feature in turn
 * and prints what each one threw, between marker lines, for {@link ChronicleFlagsTest} to read.
 */
public final class WithoutFlagsMain
{
    /** Printed before each message. */
    static final String BEGIN = "--- thrown by ";
    /** Printed after each message. */
    static final String END = "--- end";

    private WithoutFlagsMain()
    {
    }

    /**
     * Asks for a manager dict, a durable queue, a journaled pool and a pool journal.
     *
     * @param args a scratch directory for the queue and the journal.
     * @throws InterruptedException if interrupted while waiting for the pool's worker to go.
     */
    public static void main(final String[] args) throws InterruptedException
    {
        final Path scratch = Paths.get(args[0]);
        System.out.println("session " + Session.current().directory());
        try (Manager manager = new Manager())
        {
            report("dict", () -> manager.dict());
        }
        report("durable-queue", () -> DurableQueue.open(scratch.resolve("queue")));
        report("journaled-pool", () -> new Pool(new PoolContext().processes(1).journal(scratch.resolve("pool"))));
        report("pool-journal", () -> PoolJournal.open(scratch.resolve("journal")));
        // The failed pool stops the worker it had started; give it a bounded while to go.
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!Multiprocessing.activeChildren().isEmpty() && System.nanoTime() < deadline)
        {
            Thread.sleep(10);
        }
        System.out.println("children " + Multiprocessing.activeChildren().size());
    }

    private static void report(final String feature, final Runnable use)
    {
        try
        {
            use.run();
            System.out.println(BEGIN + feature + "\nnothing\n" + END);
        }
        catch (final Mp4jException ex)
        {
            System.out.println(BEGIN + feature + '\n' + ex.getMessage() + '\n' + END);
        }
    }
}
