package io.mp4j.bench.soak;

import io.mp4j.connection.Connection;
import io.mp4j.connection.Pipe;
import io.mp4j.manager.Manager;
import io.mp4j.pool.Pool;
import io.mp4j.process.ChildProcess;
import io.mp4j.queue.SharedQueue;
import io.mp4j.shared.SharedLong;
import io.mp4j.sync.SharedEvent;
import io.mp4j.sync.SharedLock;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The soak's five workloads, each looping until {@link #stop()}: a pool mapping batches, a child JVM
 * producing into a queue the parent drains, a child JVM and the parent incrementing one counter under
 * one lock, dict puts, gets and removes over a bounded key space, and pipes opened, used once and
 * closed. Every workload checks what it gets back and counts its operations; a wrong answer is kept as
 * the first failure and ends that workload.
 */
final class SoakWorkloads implements AutoCloseable
{
    private static final int MAP_BATCH = 10_000;
    private static final int DICT_KEYS = 1_024;
    private static final Duration POLL = Duration.ofMillis(100);

    /** What each workload has done so far, in the order of {@link #NAMES}. */
    final AtomicLong[] counts = {new AtomicLong(), new AtomicLong(), new AtomicLong(), new AtomicLong(), new AtomicLong()};

    /** The workloads' names, as the CSV's column headers. */
    static final String[] NAMES = {"pool_items", "queue_messages", "lock_increments", "dict_ops", "pipes"};

    private final List<Thread> threads = new ArrayList<>();
    private final List<ChildProcess> children = new ArrayList<>();
    private final SharedEvent stop = SharedEvent.create();
    private final SharedQueue<Long> queue = SharedQueue.create(1_024);
    private final SharedLock lock = SharedLock.create();
    private final SharedLong counter = SharedLong.createRaw(0);
    private final SharedLong childIncrements = SharedLong.create(-1);
    private final Manager manager = new Manager();
    private final Pool pool;
    private volatile Throwable failure;

    SoakWorkloads(final int processes)
    {
        pool = new Pool(processes);
    }

    /** Starts the children and the parent's threads. */
    void start()
    {
        final SharedEvent stop = this.stop;
        final SharedQueue<Long> queue = this.queue;
        final SharedLock lock = this.lock;
        final SharedLong counter = this.counter;
        final SharedLong childIncrements = this.childIncrements;
        children.add(new ChildProcess(() -> produce(queue, stop)).start());
        children.add(new ChildProcess(() -> childIncrements.set(increment(lock, counter, stop, null))).start());

        run("soak-pool", this::mapBatches);
        run("soak-queue", this::drainQueue);
        run("soak-lock", () -> increment(lock, counter, stop, counts[2]));
        run("soak-dict", this::churnDict);
        run("soak-pipe", this::churnPipes);
    }

    /** The process ids of the JVMs this soak started, for sampling. */
    List<Long> childPids()
    {
        final List<Long> pids = new ArrayList<>(pool.workerPids());
        for (final ChildProcess child : children)
        {
            pids.add(child.pid());
        }
        return pids;
    }

    /** The first wrong answer or exception of any workload, or null. */
    Throwable failure()
    {
        return failure;
    }

    /**
     * Stops every workload, joins the children and checks the lock's counter: the parent's increments
     * plus the child's must be the counter's value exactly.
     */
    void stop() throws InterruptedException
    {
        stop.set();
        for (final Thread thread : threads)
        {
            thread.join(TimeUnit.MINUTES.toMillis(2));
        }
        for (final ChildProcess child : children)
        {
            child.join(Duration.ofMinutes(2));
            if (child.exitCode().orElse(-1) != 0)
            {
                fail(new IllegalStateException("soak child failed: " + child));
            }
        }
        final long expected = counts[2].get() + childIncrements.get();
        if (counter.get() != expected)
        {
            fail(new IllegalStateException(
                "lost increments: counter=" + counter.get() + " expected=" + expected));
        }
    }

    @Override
    public void close()
    {
        pool.close();
        manager.close();
        queue.close();
        stop.close();
        lock.close();
        counter.close();
        childIncrements.close();
    }

    private void run(final String name, final Workload workload)
    {
        final Thread thread = new Thread(() ->
        {
            try
            {
                workload.run();
            }
            catch (final Throwable ex)
            {
                fail(ex);
            }
        }, name);
        threads.add(thread);
        thread.start();
    }

    private synchronized void fail(final Throwable ex)
    {
        if (failure == null)
        {
            failure = ex;
        }
    }

    private void mapBatches()
    {
        final List<Integer> items = new ArrayList<>(MAP_BATCH);
        for (int i = 0; i < MAP_BATCH; i++)
        {
            items.add(i);
        }
        while (!stop.isSet())
        {
            final List<Integer> results = pool.map(x -> x + 1, items);
            for (int i = 0; i < MAP_BATCH; i++)
            {
                if (results.get(i) != i + 1)
                {
                    throw new IllegalStateException("wrong map result: index=" + i + " result=" + results.get(i));
                }
            }
            counts[0].addAndGet(MAP_BATCH);
        }
    }

    private static void produce(final SharedQueue<Long> queue, final SharedEvent stop) throws InterruptedException
    {
        long next = 0;
        while (!stop.isSet())
        {
            if (queue.offer(next, POLL.toMillis(), TimeUnit.MILLISECONDS))
            {
                next++;
            }
        }
    }

    private void drainQueue() throws InterruptedException
    {
        long expected = 0;
        while (!stop.isSet())
        {
            final Long message = queue.poll(POLL.toMillis(), TimeUnit.MILLISECONDS);
            if (message != null)
            {
                if (message != expected)
                {
                    throw new IllegalStateException("queue out of order: got=" + message + " expected=" + expected);
                }
                expected++;
                counts[1].incrementAndGet();
            }
        }
    }

    private static long increment(
        final SharedLock lock, final SharedLong counter, final SharedEvent stop, final AtomicLong count)
    {
        long increments = 0;
        while (!stop.isSet())
        {
            lock.lock();
            try
            {
                counter.set(counter.get() + 1);
            }
            finally
            {
                lock.unlock();
            }
            increments++;
            if (count != null)
            {
                count.incrementAndGet();
            }
        }
        return increments;
    }

    private void churnDict()
    {
        final ConcurrentMap<Integer, String> dict = manager.dict(DICT_KEYS);
        for (long i = 0; !stop.isSet(); i++)
        {
            final int key = (int)(i % DICT_KEYS);
            final String value = "value-" + i;
            dict.put(key, value);
            if (!value.equals(dict.get(key)))
            {
                throw new IllegalStateException("dict lost a put: key=" + key + " got=" + dict.get(key));
            }
            if ((i & 1) == 0)
            {
                dict.remove(key);
            }
            counts[3].addAndGet((i & 1) == 0 ? 3 : 2);
        }
    }

    private void churnPipes()
    {
        for (long i = 0; !stop.isSet(); i++)
        {
            try (Pipe pipe = Pipe.open())
            {
                final Connection sender = pipe.second();
                final Connection receiver = pipe.first();
                sender.send(i);
                final Object received = receiver.recv();
                if (!Long.valueOf(i).equals(received))
                {
                    throw new IllegalStateException("pipe delivered another message: sent=" + i + " got=" + received);
                }
            }
            counts[4].incrementAndGet();
        }
    }

    @FunctionalInterface
    private interface Workload
    {
        void run() throws Exception;
    }
}
