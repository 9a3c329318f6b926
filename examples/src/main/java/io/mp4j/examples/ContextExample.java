package io.mp4j.examples;

import io.mp4j.cluster.ClusterContext;
import io.mp4j.cluster.ClusterOptions;
import io.mp4j.context.MultiprocessingContext;
import io.mp4j.pool.WorkerPool;
import io.mp4j.process.ChildProcess;
import io.mp4j.shared.LongValue;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.locks.Lock;

/**
 * One program, two backends: the same {@link #run(MultiprocessingContext)} on this machine's shared memory, or on a
 * cluster of server nodes ({@code --cluster NAME}, optionally {@code --discovery HOST:PORT..PORT}), printing the same
 * lines. Python's {@code get_context()}:
 * <pre>
 * def run(ctx):
 *     with ctx.Pool(2) as pool:
 *         print("squares:", pool.map(square, range(10)))
 *     ...
 * run(multiprocessing.get_context("spawn"))
 * </pre>
 */
public final class ContextExample
{
    private static final int INCREMENTS = 200;

    private ContextExample()
    {
    }

    /**
     * Runs the example on the local context, or on the cluster named by {@code --cluster}.
     *
     * @param args nothing, or {@code --cluster NAME [--discovery ADDRESSES]}.
     * @throws Exception if the cluster cannot be reached or a child fails.
     */
    public static void main(final String[] args) throws Exception
    {
        try (MultiprocessingContext context = context(args))
        {
            run(context);
        }
    }

    private static MultiprocessingContext context(final String[] args)
    {
        String cluster = null;
        String discovery = null;
        for (int i = 0; i + 1 < args.length; i += 2)
        {
            switch (args[i])
            {
                case "--cluster" -> cluster = args[i + 1];
                case "--discovery" -> discovery = args[i + 1];
                default -> throw new IllegalArgumentException("unknown option: " + args[i]);
            }
        }
        if (cluster == null)
        {
            return MultiprocessingContext.local();
        }
        final ClusterOptions options = new ClusterOptions().name(cluster);
        return ClusterContext.connect(discovery == null ? options : options.discovery(discovery.split(",")));
    }

    /**
     * What the user writes once: a pool, a lock two processes count under, a queue and a dict, by name.
     *
     * @param context where the objects live.
     * @throws Exception if a child fails.
     */
    static void run(final MultiprocessingContext context) throws Exception
    {
        try (WorkerPool pool = context.pool(2))
        {
            System.out.println("squares: " + pool.map((Integer x) -> x * x, List.of(0, 1, 2, 3, 4, 5, 6, 7, 8, 9)));
        }

        // Named objects outlive a run on a cluster, so the program starts them afresh.
        context.longValue("counted", 0).set(0);
        final ChildProcess child = new ChildProcess(ContextExample::count, context).start();
        count(context);
        child.join();
        System.out.println("counted by two processes under one lock: " + context.longValue("counted", 0).get());

        final BlockingQueue<String> jobs = context.queue("jobs", 100);
        jobs.clear();
        new ChildProcess(ContextExample::produce, context).start().join();
        final List<String> taken = new ArrayList<>();
        jobs.drainTo(taken);
        System.out.println("queue from a child: " + taken);

        final ConcurrentMap<String, Integer> stock = context.dict("stock");
        stock.clear();
        stock.put("apples", 3);
        stock.merge("apples", 2, Integer::sum);
        stock.putIfAbsent("pears", 5);
        System.out.println("dict: " + new TreeMap<>(stock));
    }

    private static void count(final MultiprocessingContext context)
    {
        final Lock lock = context.lock("counter");
        final LongValue counted = context.longValue("counted", 0);
        for (int i = 0; i < INCREMENTS; i++)
        {
            lock.lock();
            try
            {
                counted.set(counted.get() + 1);
            }
            finally
            {
                lock.unlock();
            }
        }
    }

    private static void produce(final MultiprocessingContext context) throws InterruptedException
    {
        final BlockingQueue<String> jobs = context.queue("jobs", 100);
        for (int i = 0; i < 3; i++)
        {
            jobs.put("job-" + i);
        }
    }
}
