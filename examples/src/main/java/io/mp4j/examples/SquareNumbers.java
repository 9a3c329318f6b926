package io.mp4j.examples;

import io.mp4j.pool.Pool;

import java.util.List;

/**
 * Squares a list of numbers in worker JVMs and prints both lists. Python:
 * <pre>
 * numbers = [1, 2, 3, 4, 5]
 * with Pool() as pool:
 *     squared = pool.map(square, numbers)
 * print("Original numbers:", numbers)
 * print("Squared numbers:", squared)
 * </pre>
 */
public final class SquareNumbers
{
    private SquareNumbers()
    {
    }

    /**
     * Runs the example.
     *
     * @param args unused.
     */
    public static void main(final String[] args)
    {
        final List<Integer> numbers = List.of(1, 2, 3, 4, 5);
        // new Pool() starts one worker JVM per CPU, as Python's Pool() does.
        try (Pool pool = new Pool())
        {
            final List<Integer> squared = pool.map(SquareNumbers::square, numbers);
            System.out.println("Original numbers: " + numbers);
            System.out.println("Squared numbers: " + squared);
        }
    }

    private static int square(final Integer number)
    {
        return number * number;
    }
}
