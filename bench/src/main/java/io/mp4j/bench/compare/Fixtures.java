package io.mp4j.bench.compare;

import io.mp4j.ipc.Pool;

import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * What the competitors keep warm between repetitions, as a long-running program would: mp4j's pool,
 * the hand-rolled plain-Java pool, the CPython interpreter (whose script keeps its own pool), and the
 * input lists. Pools are started on first use, and ready (one task done) before they are handed out.
 * <p>
 * Used from the comparison's one thread; {@link #close()} stops everything it started.
 */
public final class Fixtures implements AutoCloseable
{
    /** How many worker processes every pool has, on every side. */
    public static final int POOL_PROCESSES = 2;

    private final CPythonWorkloads python;
    private Pool mp4jPool;
    private PlainJavaPool plainPool;
    private List<Integer> integers = List.of();

    /**
     * Fixtures around a CPython driver, which they close with the rest.
     *
     * @param python the CPython side, running or not.
     */
    public Fixtures(final CPythonWorkloads python)
    {
        this.python = python;
    }

    /**
     * The CPython side.
     *
     * @return the driver.
     */
    public CPythonWorkloads python()
    {
        return python;
    }

    /**
     * mp4j's warm pool of {@value #POOL_PROCESSES} workers.
     *
     * @return the pool, ready.
     */
    public Pool mp4jPool()
    {
        if (mp4jPool == null)
        {
            mp4jPool = new Pool(POOL_PROCESSES);
            mp4jPool.apply(() -> 0);
        }
        return mp4jPool;
    }

    /**
     * The hand-rolled pool of {@value #POOL_PROCESSES} worker JVMs.
     *
     * @return the pool, ready.
     * @throws Exception if a worker cannot be started or does not answer.
     */
    public PlainJavaPool plainPool() throws Exception
    {
        if (plainPool == null)
        {
            plainPool = new PlainJavaPool(POOL_PROCESSES);
            plainPool.map(x -> x, List.of(0, 1, 2, 3), 1);
        }
        return plainPool;
    }

    /**
     * The integers {@code 0 .. size-1}, boxed, built once per size and shared by the Java competitors.
     *
     * @param size how many.
     * @return an unmodifiable list.
     */
    public List<Integer> integers(final int size)
    {
        if (integers.size() != size)
        {
            integers = IntStream.range(0, size).boxed().collect(Collectors.toUnmodifiableList());
        }
        return integers;
    }

    /** Stops both pools and the interpreter. */
    @Override
    public void close()
    {
        try
        {
            if (mp4jPool != null)
            {
                mp4jPool.close();
            }
        }
        finally
        {
            try
            {
                if (plainPool != null)
                {
                    plainPool.close();
                }
            }
            finally
            {
                python.close();
            }
        }
    }

    /**
     * Checks the result of mapping {@code x + 1} over {@code 0 .. size-1}.
     *
     * @param results the results.
     * @param size    how many items were mapped.
     * @throws IllegalStateException if the results are not right.
     */
    static void checkIncremented(final List<Integer> results, final int size)
    {
        if (results.size() != size || results.get(0) != 1 || results.get(size - 1) != size)
        {
            throw new IllegalStateException("wrong map results: size=" + results.size() + " expected=" + size);
        }
    }
}
