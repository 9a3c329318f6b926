package io.mp4j.examples;

import io.mp4j.pool.ConsoleProgress;
import io.mp4j.pool.Pool;
import io.mp4j.pool.PoolContext;

import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;

/**
 * A map long enough to want a progress bar: 2,000 items of about a millisecond of CPU each, on a pool of
 * two worker JVMs, with a bar on standard error. Python, with tqdm:
 * <pre>
 * with Pool(2) as pool:
 *     results = list(tqdm(pool.imap(work, range(2000), chunksize=20), total=2000))
 * </pre>
 */
public final class LongMap
{
    private static final int ITEMS = 2_000;

    private LongMap()
    {
    }

    /**
     * Runs the example.
     *
     * @param args unused.
     */
    public static void main(final String[] args)
    {
        final PoolContext context = new PoolContext().processes(2)
            .progress(new ConsoleProgress())
            .progressInterval(Duration.ofMillis(200));
        try (Pool pool = new Pool(context))
        {
            final List<Long> results = pool.map(LongMap::work, IntStream.range(0, ITEMS).boxed().toList(), 20);
            System.out.println("Items: " + results.size() + ", sum of results: " +
                results.stream().mapToLong(Long::longValue).sum());
        }
    }

    /** About a millisecond of arithmetic, the same answer in any JVM. */
    static long work(final int item)
    {
        long x = item;
        for (int i = 0; i < 400_000; i++)
        {
            x = x * 6364136223846793005L + 1442695040888963407L;
        }
        return x >>> 48;
    }
}
