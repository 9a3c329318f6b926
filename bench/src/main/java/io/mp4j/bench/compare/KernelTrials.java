package io.mp4j.bench.compare;

import io.mp4j.WaitStrategy;
import io.mp4j.pool.Pool;
import io.mp4j.session.Session;
import io.mp4j.shared.SharedDoubleArray;
import org.agrona.concurrent.AtomicBuffer;

import java.nio.DoubleBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Row 5: the reference CPU kernel, the sum of {@code sqrt(x) * sin(x)} over {@code size} doubles
 * {@code x = i / 1000}, cut into chunks of {@value #CHUNK_LENGTH}, on a pool of 2 (5a, seconds) and
 * serially then on the pool (5b, the speed-up). The data is filled once per size, with its serial sum;
 * every result is checked against that sum (to a relative 10<sup>-9</sup>: the pool adds the chunks'
 * sums, in another order).
 */
final class KernelTrials
{
    /** How many doubles a chunk, one task, has. */
    static final int CHUNK_LENGTH = 1_000_000;

    private static final double NANOS_PER_SECOND = 1e9;
    private static final double TOLERANCE = 1e-9;

    private KernelTrials()
    {
    }

    /**
     * mp4j, 5a: {@link Pool#mapChunks} of the warm pool over a {@link SharedDoubleArray}, in place.
     *
     * @param fixtures where the pool and the array are kept.
     * @param size     how many doubles.
     * @return seconds.
     * @throws Exception if the sum is wrong.
     */
    static double mp4jPoolSeconds(final Fixtures fixtures, final int size) throws Exception
    {
        final Mp4jData data = mp4jData(fixtures, size);
        final Pool pool = fixtures.mp4jPool();
        final long start = System.nanoTime();
        final double sum = mp4jPoolSum(pool, data.array, size);
        final long elapsed = System.nanoTime() - start;
        check("pool", sum, data.serialSum);
        return elapsed / NANOS_PER_SECOND;
    }

    /**
     * mp4j, 5b: the kernel in this JVM over the shared array, then on the pool.
     *
     * @param fixtures where the pool and the array are kept.
     * @param size     how many doubles.
     * @return serial time / pool time.
     * @throws Exception if a sum is wrong.
     */
    static double mp4jSpeedUp(final Fixtures fixtures, final int size) throws Exception
    {
        final Mp4jData data = mp4jData(fixtures, size);
        final Pool pool = fixtures.mp4jPool();
        final long start = System.nanoTime();
        final double serial = sumSqrtSin(data.array, 0, size);
        final long middle = System.nanoTime();
        final double parallel = mp4jPoolSum(pool, data.array, size);
        final long end = System.nanoTime();
        check("serial", serial, data.serialSum);
        check("pool", parallel, data.serialSum);
        return (double)(middle - start) / (end - middle);
    }

    /**
     * Plain Java, 5a: 2 threads in this JVM over a {@code double[]}, a task per chunk.
     *
     * @param fixtures where the threads and the array are kept.
     * @param size     how many doubles.
     * @return seconds.
     * @throws Exception if the sum is wrong.
     */
    static double plainPoolSeconds(final Fixtures fixtures, final int size) throws Exception
    {
        final PlainData data = plainData(fixtures, size);
        final long start = System.nanoTime();
        final double sum = data.poolSum();
        final long elapsed = System.nanoTime() - start;
        check("pool", sum, data.serialSum);
        return elapsed / NANOS_PER_SECOND;
    }

    /**
     * Plain Java, 5b: one thread, then the 2 threads.
     *
     * @param fixtures where the threads and the array are kept.
     * @param size     how many doubles.
     * @return serial time / pool time.
     * @throws Exception if a sum is wrong.
     */
    static double plainSpeedUp(final Fixtures fixtures, final int size) throws Exception
    {
        final PlainData data = plainData(fixtures, size);
        final long start = System.nanoTime();
        final double serial = sumSqrtSin(data.values, 0, size);
        final long middle = System.nanoTime();
        final double parallel = data.poolSum();
        final long end = System.nanoTime();
        check("serial", serial, data.serialSum);
        check("pool", parallel, data.serialSum);
        return (double)(middle - start) / (end - middle);
    }

    /**
     * The kernel over a shared array's elements {@code [from, to)}, read in place: runs in this JVM for
     * the serial sum and in the pool's workers on their chunks.
     *
     * @param array the shared array.
     * @param from  the first index.
     * @param to    one past the last index.
     * @return the partial sum.
     */
    static double sumSqrtSin(final SharedDoubleArray array, final int from, final int to)
    {
        final DoubleBuffer elements = array.asDoubleBuffer();
        double sum = 0;
        for (int i = from; i < to; i++)
        {
            final double x = elements.get(i);
            sum += Math.sqrt(x) * Math.sin(x);
        }
        return sum;
    }

    /**
     * The same kernel over a heap array.
     *
     * @param values the array.
     * @param from   the first index.
     * @param to     one past the last index.
     * @return the partial sum.
     */
    static double sumSqrtSin(final double[] values, final int from, final int to)
    {
        double sum = 0;
        for (int i = from; i < to; i++)
        {
            final double x = values[i];
            sum += Math.sqrt(x) * Math.sin(x);
        }
        return sum;
    }

    private static double mp4jPoolSum(final Pool pool, final SharedDoubleArray array, final int size)
    {
        double sum = 0;
        for (final double partial : pool.mapChunks(array, size, CHUNK_LENGTH,
            (SharedDoubleArray shared, int from, int to) -> sumSqrtSin(shared, from, to)))
        {
            sum += partial;
        }
        return sum;
    }

    private static double x(final int i)
    {
        return i / 1000.0;
    }

    private static void check(final String what, final double sum, final double expected)
    {
        if (!(Math.abs(sum - expected) <= TOLERANCE * Math.abs(expected)))
        {
            throw new IllegalStateException("wrong " + what + " sum: " + sum + " expected=" + expected);
        }
    }

    private static Mp4jData mp4jData(final Fixtures fixtures, final int size) throws Exception
    {
        return fixtures.warm("mp4j kernel data " + size, Mp4jData.class, () -> Mp4jData.fill(fixtures.session(), size));
    }

    private static PlainData plainData(final Fixtures fixtures, final int size) throws Exception
    {
        return fixtures.warm("plain kernel data " + size, PlainData.class, () -> PlainData.fill(size));
    }

    /** mp4j's shared array of the kernel's input, with its serial sum. */
    static final class Mp4jData implements AutoCloseable
    {
        private final SharedDoubleArray array;
        private final double serialSum;

        private Mp4jData(final SharedDoubleArray array, final double serialSum)
        {
            this.array = array;
            this.serialSum = serialSum;
        }

        static Mp4jData fill(final Session session, final int size)
        {
            final SharedDoubleArray array = SharedDoubleArray.create(session, size, false, WaitStrategy.defaultStrategy());
            final AtomicBuffer view = array.view();
            for (int i = 0; i < size; i++)
            {
                view.putDouble(i << 3, x(i));
            }
            return new Mp4jData(array, sumSqrtSin(array, 0, size));
        }

        @Override
        public void close()
        {
            array.close();
        }
    }

    /** Plain Java's heap array of the kernel's input, with its serial sum and the 2 threads. */
    static final class PlainData implements AutoCloseable
    {
        private final double[] values;
        private final double serialSum;
        private final ExecutorService threads = Executors.newFixedThreadPool(Fixtures.POOL_PROCESSES, runnable ->
        {
            final Thread thread = new Thread(runnable, "plain-kernel");
            thread.setDaemon(true);
            return thread;
        });

        private PlainData(final double[] values)
        {
            this.values = values;
            this.serialSum = sumSqrtSin(values, 0, values.length);
        }

        static PlainData fill(final int size)
        {
            final double[] values = new double[size];
            for (int i = 0; i < size; i++)
            {
                values[i] = x(i);
            }
            return new PlainData(values);
        }

        double poolSum() throws Exception
        {
            final List<Callable<Double>> chunks = new ArrayList<>(values.length / CHUNK_LENGTH + 1);
            for (int from = 0; from < values.length; from += CHUNK_LENGTH)
            {
                final int chunkFrom = from;
                final int chunkTo = Math.min(values.length, from + CHUNK_LENGTH);
                chunks.add(() -> sumSqrtSin(values, chunkFrom, chunkTo));
            }
            double sum = 0;
            for (final Future<Double> partial : threads.invokeAll(chunks))
            {
                sum += partial.get();
            }
            return sum;
        }

        @Override
        public void close()
        {
            threads.shutdownNow();
        }
    }
}
