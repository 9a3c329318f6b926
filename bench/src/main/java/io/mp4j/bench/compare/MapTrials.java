package io.mp4j.bench.compare;

import io.mp4j.pool.Pool;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Rows 3c and 3d: a map whose function burns {@value #BURN_NANOS} ns of CPU per item, serially then on a
 * pool (3c, the speed-up), and the cost per item and the parent's heap per item of row 3a's map at
 * growing sizes (3d). The burn spins on the thread's CPU clock, not the wall clock, so that a worker the
 * machine takes off its CPU does not count the time it waits as work done.
 */
final class MapTrials
{
    /** The CPU each item of row 3c burns. */
    static final long BURN_NANOS = 20_000;

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private static final double NANOS_PER_SECOND = 1e9;

    private MapTrials()
    {
    }

    /**
     * {@code x + 1} after burning {@value #BURN_NANOS} ns of this thread's CPU time.
     *
     * @param x the item.
     * @return {@code x + 1}.
     */
    static Integer burn(final Integer x)
    {
        final long end = THREADS.getCurrentThreadCpuTime() + BURN_NANOS;
        while (THREADS.getCurrentThreadCpuTime() < end)
        {
            Thread.onSpinWait();
        }
        return x + 1;
    }

    /**
     * mp4j, 3c: the burning map in this JVM's thread, then on the warm pool with the default chunksize.
     *
     * @param fixtures where the pool and the items are kept.
     * @param size     how many items.
     * @return serial time / pool time.
     */
    static double mp4jSpeedUp(final Fixtures fixtures, final int size)
    {
        final Pool pool = fixtures.mp4jPool();
        final List<Integer> items = fixtures.integers(size);
        final long start = System.nanoTime();
        final List<Integer> serial = serial(items);
        final long middle = System.nanoTime();
        final List<Integer> results = pool.map(MapTrials::burn, items);
        final long end = System.nanoTime();
        Fixtures.checkIncremented(serial, size);
        Fixtures.checkIncremented(results, size);
        return (double)(middle - start) / (end - middle);
    }

    /**
     * Plain Java, 3c: the burning map in this thread, then on 2 threads of this JVM, in Python's chunks.
     *
     * @param fixtures where the threads and the items are kept.
     * @param size     how many items.
     * @return serial time / two-thread time.
     * @throws Exception if a thread fails.
     */
    static double plainSpeedUp(final Fixtures fixtures, final int size) throws Exception
    {
        final ExecutorService threads = fixtures.warm("two threads", ThreadPool.class, ThreadPool::new).threads;
        final List<Integer> items = fixtures.integers(size);
        final int chunksize = PlainJavaPool.defaultChunksize(size, Fixtures.POOL_PROCESSES);
        final long start = System.nanoTime();
        final List<Integer> serial = serial(items);
        final long middle = System.nanoTime();
        final List<Future<List<Integer>>> chunks = new ArrayList<>();
        for (int from = 0; from < size; from += chunksize)
        {
            final List<Integer> chunk = items.subList(from, Math.min(size, from + chunksize));
            chunks.add(threads.submit(() -> serial(chunk)));
        }
        final List<Integer> results = new ArrayList<>(size);
        for (final Future<List<Integer>> chunk : chunks)
        {
            results.addAll(chunk.get());
        }
        final long end = System.nanoTime();
        Fixtures.checkIncremented(serial, size);
        Fixtures.checkIncremented(results, size);
        return (double)(middle - start) / (end - middle);
    }

    /**
     * mp4j, 3d: row 3a's map, as nanoseconds per item.
     *
     * @param fixtures where the pool and the items are kept.
     * @param size     how many items.
     * @return ns per item.
     */
    static double mp4jCostPerItem(final Fixtures fixtures, final int size)
    {
        final Pool pool = fixtures.mp4jPool();
        final List<Integer> items = fixtures.integers(size);
        final long start = System.nanoTime();
        final List<Integer> results = pool.map((Integer x) -> x + 1, items);
        final long elapsed = System.nanoTime() - start;
        Fixtures.checkIncremented(results, size);
        return (double)elapsed / size;
    }

    /**
     * Plain Java, 3d: the hand-rolled pool's map, as nanoseconds per item.
     *
     * @param fixtures where the pool and the items are kept.
     * @param size     how many items.
     * @return ns per item.
     * @throws Exception if a worker fails.
     */
    static double plainCostPerItem(final Fixtures fixtures, final int size) throws Exception
    {
        final PlainJavaPool pool = fixtures.plainPool();
        final List<Integer> items = fixtures.integers(size);
        final long start = System.nanoTime();
        final List<Integer> results =
            pool.map((Integer x) -> x + 1, items, PlainJavaPool.defaultChunksize(size, Fixtures.POOL_PROCESSES));
        final long elapsed = System.nanoTime() - start;
        Fixtures.checkIncremented(results, size);
        return (double)elapsed / size;
    }

    /**
     * mp4j, 3d: what row 3a's map allocates in this JVM, every thread counted, its result list included, per
     * item: an upper bound of the heap it needs.
     *
     * @param fixtures where the pool and the items are kept.
     * @param size     how many items.
     * @return bytes per item.
     */
    static double mp4jHeapPerItem(final Fixtures fixtures, final int size)
    {
        final Pool pool = fixtures.mp4jPool();
        final List<Integer> items = fixtures.integers(size);
        final long before = allocatedBytes();
        final List<Integer> results = pool.map((Integer x) -> x + 1, items);
        final long allocated = allocatedBytes() - before;
        Fixtures.checkIncremented(results, size);
        return (double)allocated / size;
    }

    /**
     * Plain Java, 3d: as {@link #mp4jHeapPerItem} for the hand-rolled pool.
     *
     * @param fixtures where the pool and the items are kept.
     * @param size     how many items.
     * @return bytes per item.
     * @throws Exception if a worker fails.
     */
    static double plainHeapPerItem(final Fixtures fixtures, final int size) throws Exception
    {
        final PlainJavaPool pool = fixtures.plainPool();
        final List<Integer> items = fixtures.integers(size);
        final long before = allocatedBytes();
        final List<Integer> results =
            pool.map((Integer x) -> x + 1, items, PlainJavaPool.defaultChunksize(size, Fixtures.POOL_PROCESSES));
        final long allocated = allocatedBytes() - before;
        Fixtures.checkIncremented(results, size);
        return (double)allocated / size;
    }

    private static List<Integer> serial(final List<Integer> items)
    {
        final List<Integer> results = new ArrayList<>(items.size());
        for (final Integer item : items)
        {
            results.add(burn(item));
        }
        return results;
    }

    /** The bytes every live thread of this JVM has allocated so far. */
    private static long allocatedBytes()
    {
        final com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean)THREADS;
        long total = 0;
        for (final long allocated : threads.getThreadAllocatedBytes(threads.getAllThreadIds()))
        {
            total += Math.max(0, allocated);
        }
        return total;
    }

    /** Two threads of this JVM, kept between repetitions. */
    private static final class ThreadPool implements AutoCloseable
    {
        final ExecutorService threads = Executors.newFixedThreadPool(Fixtures.POOL_PROCESSES);

        @Override
        public void close()
        {
            threads.shutdownNow();
        }
    }
}
