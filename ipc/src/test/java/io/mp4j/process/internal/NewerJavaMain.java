package io.mp4j.process.internal;

import io.mp4j.process.ChildProcess;
import io.mp4j.session.Session;
import io.mp4j.shared.SharedLong;

/**
 * A JVM on a newer {@code java} than the build's, started by {@link UnsafeMemoryAccessTest}: it touches
 * shared memory through Agrona and has a child of its own do the same, then prints the value both wrote.
 */
public final class NewerJavaMain
{
    private NewerJavaMain()
    {
    }

    /**
     * Increments a shared value here and in a child.
     *
     * @param args none.
     * @throws InterruptedException if interrupted while joining the child.
     */
    public static void main(final String[] args) throws InterruptedException
    {
        // Started by a test JVM's context, this JVM was told to attach to the test's session; it must own one.
        System.clearProperty(Session.CURRENT_PROPERTY);
        try (SharedLong value = SharedLong.create(0))
        {
            value.incrementAndGet();
            final ChildProcess child = new ChildProcess(SharedLong::incrementAndGet, value).start();
            child.join();
            System.out.println("java " + Runtime.version().feature() + " value " + value.get() + " exit " +
                child.exitCode().orElse(-1));
        }
    }
}
