package io.mp4j.internal;

/** Where mp4j's own long-lived threads belong, and waits that a close must finish. */
public final class Threads
{
    private Threads()
    {
    }

    /**
     * The JVM's root thread group. A thread that must outlive the code that asks for it (a shutdown hook,
     * a background build) is made in it rather than in the caller's group, which a launcher may destroy:
     * {@code mvn exec:java} destroys the group its {@code main} ran in, and a thread of a destroyed group
     * cannot start.
     *
     * @return the group without a parent.
     */
    public static ThreadGroup rootGroup()
    {
        ThreadGroup group = Thread.currentThread().getThreadGroup();
        while (group.getParent() != null)
        {
            group = group.getParent();
        }
        return group;
    }

    /** A wait that may be interrupted. */
    @FunctionalInterface
    public interface Wait
    {
        /**
         * Waits.
         *
         * @throws InterruptedException if interrupted while waiting.
         */
        void await() throws InterruptedException;
    }

    /**
     * Waits to the end even when interrupted, as a close must, then sets the thread's interrupt flag again if an
     * interrupt came meanwhile.
     *
     * @param wait the wait, repeated after each interrupt.
     */
    public static void awaitUninterruptibly(final Wait wait)
    {
        boolean interrupted = false;
        while (true)
        {
            try
            {
                wait.await();
                break;
            }
            catch (final InterruptedException ex)
            {
                interrupted = true;
            }
        }
        if (interrupted)
        {
            Thread.currentThread().interrupt();
        }
    }
}
