package io.mp4j.process;

import java.io.Serializable;

/**
 * What a child process runs: Python's {@code Process(target=...)}. It is serialized in the parent and
 * run in the child JVM, so a lambda's captured values must be {@link Serializable} too; the child has
 * the parent's classpath.
 */
@FunctionalInterface
public interface ProcessTarget extends Serializable
{
    /**
     * Runs in the child process. An exception thrown here ends the child with exit code 1 and is
     * reported to the parent by {@link ChildProcess#failure()}.
     *
     * @throws Exception anything; it is carried back to the parent as text and stack frames.
     */
    void run() throws Exception;
}
