package io.mp4j.internal;

import java.io.Serializable;
import java.time.Instant;
import java.util.Optional;

/**
 * A process named by its pid and its start time, so that a pid the kernel has since handed to an
 * unrelated process is not mistaken for the original. Any thread may use it.
 *
 * @param pid             the operating system's process id.
 * @param startEpochMilli when the process started, in milliseconds since the epoch, or
 *                        {@link #UNKNOWN_START} where the platform does not say.
 */
public record ProcessIdentity(long pid, long startEpochMilli) implements Serializable
{
    /** Start time used where the platform does not report one; such an identity trusts the pid alone. */
    public static final long UNKNOWN_START = 0;

    /**
     * Start times are read from {@code /proc} in clock ticks, so two reads of the same process may
     * differ by rounding; anything closer than this is the same process.
     */
    private static final long START_TOLERANCE_MILLIS = 50;

    /**
     * The identity of the calling process.
     *
     * @return the identity of this JVM.
     */
    public static ProcessIdentity current()
    {
        return Current.IDENTITY;
    }

    /**
     * The identity of a live process.
     *
     * @param handle the process.
     * @return its pid and start time.
     */
    public static ProcessIdentity of(final ProcessHandle handle)
    {
        return new ProcessIdentity(handle.pid(), startOf(handle));
    }

    /**
     * Whether this process is still running: a live process with this pid that started at the
     * recorded time (within the platform's clock resolution).
     *
     * @return true while the original process runs.
     */
    public boolean isAlive()
    {
        final Optional<ProcessHandle> handle = ProcessHandle.of(pid);
        if (handle.isEmpty() || !handle.get().isAlive())
        {
            return false;
        }

        final long actualStart = startOf(handle.get());
        return startEpochMilli == UNKNOWN_START || actualStart == UNKNOWN_START ||
            Math.abs(actualStart - startEpochMilli) <= START_TOLERANCE_MILLIS;
    }

    private static long startOf(final ProcessHandle handle)
    {
        return handle.info().startInstant().map(Instant::toEpochMilli).orElse(UNKNOWN_START);
    }

    /**
     * Reading this JVM's start time loads the JDK's process machinery; a child that only attaches to a
     * session never needs it, so it is read when first asked for.
     */
    private static final class Current
    {
        static final ProcessIdentity IDENTITY = of(ProcessHandle.current());
    }
}
