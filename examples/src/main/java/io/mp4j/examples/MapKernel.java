package io.mp4j.examples;

import io.mp4j.pool.ConsoleProgress;
import io.mp4j.pool.Pool;
import io.mp4j.pool.PoolContext;
import io.mp4j.shared.SharedDoubleArray;
import org.agrona.concurrent.AtomicBuffer;

import java.nio.DoubleBuffer;
import java.util.List;

/**
 * The reference CPU kernel, the sum of {@code sqrt(x) * sin(x)} over 64 chunks of 1,000,000 doubles,
 * computed serially in this JVM and then by a pool of 2 worker JVMs working on the same shared array in
 * place (no data is copied to them). Python, with numpy and shared memory:
 * <pre>
 * shm = SharedMemory(create=True, size=n * 8); a = np.ndarray((n,), dtype=np.float64, buffer=shm.buf)
 * with Pool(2) as pool:
 *     total = sum(pool.starmap(kernel, [(shm.name, lo, hi) for lo, hi in chunks]))
 * </pre>
 * An optional argument sets the number of chunks (default 64).
 */
public final class MapKernel
{
    private static final int CHUNK_LENGTH = 1_000_000;
    private static final int ROUNDS = 3;

    private MapKernel()
    {
    }

    /**
     * Runs the example.
     *
     * @param args optionally, the number of chunks of 1,000,000 doubles.
     */
    public static void main(final String[] args)
    {
        final int chunks = args.length > 0 ? Integer.parseInt(args[0]) : 64;
        final int length = chunks * CHUNK_LENGTH;

        // One shared array in the session: the parent fills it, the workers read it where it lies. A bar
        // on standard error shows each call's chunks coming in.
        try (SharedDoubleArray data = SharedDoubleArray.createRaw(length);
             Pool pool = new Pool(new PoolContext().processes(2).progress(new ConsoleProgress())))
        {
            final AtomicBuffer view = data.view();
            for (int i = 0; i < length; i++)
            {
                view.putDouble(i << 3, i / 1000.0);
            }

            // One full pass on each side first: it compiles the kernel (JIT) and maps every page of the
            // array into each worker (a first touch costs a page fault per 4 KiB). Then the median of 3.
            final double serial = sumSqrtSin(data, 0, length);
            final double parallel = sum(pool.mapChunks(data, length, CHUNK_LENGTH, MapKernel::sumSqrtSin));
            final double[] serialSeconds = new double[ROUNDS];
            final double[] poolSeconds = new double[ROUNDS];
            for (int round = 0; round < ROUNDS; round++)
            {
                final long serialStart = System.nanoTime();
                sumSqrtSin(data, 0, length);
                serialSeconds[round] = (System.nanoTime() - serialStart) / 1e9;

                final long poolStart = System.nanoTime();
                // Each task carries only (from, to); the kernel and the array's handle travel once per call.
                sum(pool.mapChunks(data, length, CHUNK_LENGTH, MapKernel::sumSqrtSin));
                poolSeconds[round] = (System.nanoTime() - poolStart) / 1e9;
            }
            java.util.Arrays.sort(serialSeconds);
            java.util.Arrays.sort(poolSeconds);

            if (Math.abs(serial - parallel) > 1e-9 * Math.abs(serial))
            {
                throw new IllegalStateException("sums differ: serial=" + serial + " pool=" + parallel);
            }
            System.out.printf("Sum of sqrt(x)*sin(x) over %d x 1,000,000 doubles: %.6e (serial and pool agree)%n",
                chunks, serial);
            System.out.printf("Serial, 1 thread: %.3f s%n", serialSeconds[ROUNDS / 2]);
            System.out.printf("Pool of 2 workers: %.3f s%n", poolSeconds[ROUNDS / 2]);
            System.out.printf("Speed-up: %.2fx%n", serialSeconds[ROUNDS / 2] / poolSeconds[ROUNDS / 2]);
        }
    }

    private static double sum(final List<Double> partials)
    {
        return partials.stream().mapToDouble(Double::doubleValue).sum();
    }

    /** The kernel: runs in the parent for the serial sum and in the workers on their chunks. */
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
}
