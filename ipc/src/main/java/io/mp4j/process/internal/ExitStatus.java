package io.mp4j.process.internal;

/**
 * Tells a child JVM ended by a signal from one that exited with a code. The JDK reports both alike: a
 * process ended by signal N has the exit value 128 + N, as has one that called {@code System.exit(128 + N)}.
 * So a spawned child leaves a record (a session file) when it exits through {@code Runtime.exit} with a
 * code its parent could not otherwise read right; a value of 128 + N without that record is signal N.
 * Safe from any thread.
 */
public final class ExitStatus
{
    /** What the JDK adds to the number of the signal that ended a process to make its exit value. */
    public static final int SIGNAL_EXIT_BASE = 128;

    /** The highest signal number Linux has (its last real-time signal). */
    private static final int MAX_SIGNAL = 64;

    private ExitStatus()
    {
    }

    /**
     * The signal that ended a process, from its exit value as the JDK reports it.
     *
     * @param exitValue       the exit value, e.g. from {@link Process#waitFor()}.
     * @param exitedWithCode  whether the process is known to have exited with a code (it left the record),
     *                        so that the value is a code even if it is 128 + N.
     * @return the signal's number, or 0 if the process exited with a code.
     */
    public static int signalOf(final int exitValue, final boolean exitedWithCode)
    {
        final int signal = exitValue - SIGNAL_EXIT_BASE;
        return !exitedWithCode && signal >= 1 && signal <= MAX_SIGNAL ? signal : 0;
    }

    /**
     * Whether a thread of this JVM is in {@code Runtime.exit} ({@code System.exit} included): asked from a
     * shutdown hook, it tells an exit the program asked for from one a signal started, which runs
     * the hooks from the JDK's signal handler instead.
     *
     * @return true if some thread called {@code Runtime.exit}.
     */
    public static boolean isExitingThroughRuntimeExit()
    {
        for (final StackTraceElement[] stack : Thread.getAllStackTraces().values())
        {
            for (final StackTraceElement frame : stack)
            {
                if ("exit".equals(frame.getMethodName()) && "java.lang.Runtime".equals(frame.getClassName()))
                {
                    return true;
                }
            }
        }
        return false;
    }
}
