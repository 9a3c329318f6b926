package io.mp4j.pool;

import java.io.Serializable;
import java.util.concurrent.Callable;

/**
 * A task for {@link Pool#apply}: a {@link Callable} that is also {@link Serializable}, so a lambda
 * assigned to it can be run in a worker JVM.
 *
 * @param <R> the result type.
 */
@FunctionalInterface
public interface PoolCallable<R> extends Callable<R>, Serializable
{
}
