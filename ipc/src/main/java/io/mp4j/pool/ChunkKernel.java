package io.mp4j.pool;

import java.io.Serializable;

/**
 * A computation over one chunk of a shared array, run in a worker JVM by
 * {@link Pool#mapChunks(Serializable, int, int, ChunkKernel)}: the worker receives the array's handle
 * (attached once per worker, no data copied) and the bounds of its chunk, and works on the mapped
 * memory in place.
 *
 * @param <A> the shared array's type, e.g. {@code SharedDoubleArray}.
 * @param <R> the chunk's result type, e.g. a partial sum.
 */
@FunctionalInterface
public interface ChunkKernel<A, R> extends Serializable
{
    /**
     * Computes over the elements {@code [from, to)} of the array.
     *
     * @param array the shared array, attached in this worker.
     * @param from  the first index of the chunk.
     * @param to    one past the last index of the chunk.
     * @return the chunk's result.
     * @throws Exception anything; it fails the call with a {@link io.mp4j.RemoteException}.
     */
    R apply(A array, int from, int to) throws Exception;
}
