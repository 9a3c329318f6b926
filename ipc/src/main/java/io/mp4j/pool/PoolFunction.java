package io.mp4j.pool;

import java.io.Serializable;

/**
 * The function a {@link Pool} maps over its items, run in worker JVMs: Python's {@code func} of
 * {@code Pool.map(func, iterable)}. It is serialized once per call, so a lambda's captured values must
 * be {@link Serializable}; the workers have this JVM's classpath.
 *
 * @param <T> the item type.
 * @param <R> the result type.
 */
@FunctionalInterface
public interface PoolFunction<T, R> extends Serializable
{
    /**
     * Computes the result for one item, in a worker JVM.
     *
     * @param item the item, a copy made by serialization.
     * @return the result, sent back by serialization.
     * @throws Exception anything; it fails the call with a {@link io.mp4j.RemoteException}.
     */
    R apply(T item) throws Exception;
}
