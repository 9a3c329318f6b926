package io.mp4j.pool;

import java.io.Serializable;

/**
 * A two-argument function for {@link Pool#starmap}: Python's {@code starmap(func, [(a, b), ...])}.
 *
 * @param <A> the first argument's type.
 * @param <B> the second argument's type.
 * @param <R> the result type.
 */
@FunctionalInterface
public interface PoolFunction2<A, B, R> extends Serializable
{
    /**
     * Computes the result for one pair of arguments, in a worker JVM.
     *
     * @param first  the first argument.
     * @param second the second argument.
     * @return the result.
     * @throws Exception anything; it fails the call with a {@link io.mp4j.RemoteException}.
     */
    R apply(A first, B second) throws Exception;
}
