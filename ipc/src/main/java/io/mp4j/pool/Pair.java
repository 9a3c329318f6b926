package io.mp4j.pool;

import java.io.Serializable;

/**
 * Two arguments for one call of a {@link PoolFunction2}: Python's tuple in {@code starmap}.
 *
 * @param first  the first argument; must be {@link Serializable} to reach a worker.
 * @param second the second argument; must be {@link Serializable} to reach a worker.
 * @param <A>    the first argument's type.
 * @param <B>    the second argument's type.
 */
public record Pair<A, B>(A first, B second) implements Serializable
{
    private static final long serialVersionUID = 1L;

    /**
     * A pair of arguments.
     *
     * @param first  the first argument.
     * @param second the second argument.
     * @param <A>    the first argument's type.
     * @param <B>    the second argument's type.
     * @return the pair.
     */
    public static <A, B> Pair<A, B> of(final A first, final B second)
    {
        return new Pair<>(first, second);
    }
}
