package io.mp4j.examples;

import io.mp4j.pool.Pool;

import java.util.List;

/**
 * Maps a function over a list with a pool of four worker JVMs. Python:
 * <pre>
 * with Pool(4) as pool:
 *     print(pool.map(square, [1, 2, 3, 4, 5]))
 * </pre>
 */
public final class PoolMap
{
    private PoolMap()
    {
    }

    /**
     * Runs the example.
     *
     * @param args unused.
     */
    public static void main(final String[] args)
    {
        // try-with-resources: close() lets the workers finish and waits for them, like Python's `with`.
        try (Pool pool = new Pool(4))
        {
            // The lambda is serialized once for the call; the items travel in chunks to the workers.
            final List<Integer> squares = pool.map((Integer x) -> x * x, List.of(1, 2, 3, 4, 5));
            System.out.println(squares);
        }
    }
}
