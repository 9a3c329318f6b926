package io.mp4j.worker.internal;

import java.io.Serializable;

/**
 * What a worker applies to each item of a task: the pool's function, seen below the public pool API.
 */
@FunctionalInterface
public interface TaskFunction extends Serializable
{
    /**
     * Computes the result for one item.
     *
     * @param item the item.
     * @return the result.
     * @throws Exception anything; it fails the task.
     */
    Object apply(Object item) throws Exception;
}
