package io.mp4j.process;

import java.io.Serializable;

/**
 * A child's target that takes one argument: Python's {@code Process(target=f, args=(a,))}.
 *
 * @param <A> the argument's type; the argument must be {@link Serializable}.
 */
@FunctionalInterface
public interface ProcessTarget1<A> extends Serializable
{
    /**
     * Runs in the child process with the argument given to the parent's {@link ChildProcess}.
     *
     * @param argument the argument, a copy made by serialization.
     * @throws Exception anything; it is carried back to the parent.
     */
    void run(A argument) throws Exception;
}
