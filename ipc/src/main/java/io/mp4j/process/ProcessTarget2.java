package io.mp4j.process;

import java.io.Serializable;

/**
 * A child's target that takes two arguments: Python's {@code Process(target=f, args=(a, b))}.
 *
 * @param <A> the first argument's type; must be {@link Serializable}.
 * @param <B> the second argument's type; must be {@link Serializable}.
 */
@FunctionalInterface
public interface ProcessTarget2<A, B> extends Serializable
{
    /**
     * Runs in the child process with the arguments given to the parent's {@link ChildProcess}.
     *
     * @param first  the first argument, a copy made by serialization.
     * @param second the second argument, a copy made by serialization.
     * @throws Exception anything; it is carried back to the parent.
     */
    void run(A first, B second) throws Exception;
}
