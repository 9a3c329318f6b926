package io.mp4j.internal.channel;

import io.mp4j.internal.ProcessIdentity;

import java.time.Instant;
import java.util.Optional;

/**
 * A process's identity packed into one 64-bit word, so that shared memory can record who holds a pipe
 * end or a queue slot with a single atomic store or CAS, never a torn pair: the pid in the high 32 bits
 * and the start time, in units of {@value #START_UNIT_MILLIS} ms (wrapping), in the low 32. Zero means
 * nobody. Liveness is then checked the way {@link ProcessIdentity#isAlive()} does, on slow paths only.
 */
public final class ProcessTag
{
    /** The tag of nobody. */
    public static final long NONE = 0;

    /** Resolution of the start time in a tag: two reads of one process's start differ by less. */
    public static final int START_UNIT_MILLIS = 128;

    private static final long CURRENT = of(ProcessIdentity.current());

    private ProcessTag()
    {
    }

    /**
     * The tag of this JVM.
     *
     * @return a non-zero tag.
     */
    public static long current()
    {
        return CURRENT;
    }

    /**
     * The tag of a process.
     *
     * @param identity the process.
     * @return its tag; never {@link #NONE}.
     */
    public static long of(final ProcessIdentity identity)
    {
        final long start = identity.startEpochMilli() / START_UNIT_MILLIS;
        final long tag = (identity.pid() << 32) | (start & 0xFFFF_FFFFL);
        return tag == NONE ? 1 : tag;
    }

    /**
     * The pid in a tag.
     *
     * @param tag a tag.
     * @return the process id.
     */
    public static long pid(final long tag)
    {
        return tag >>> 32;
    }

    /**
     * Whether the tagged process still runs: a live process with that pid which started at the recorded
     * time. Reads {@code /proc}; call it on slow paths only.
     *
     * @param tag a tag, or {@link #NONE}.
     * @return true while the process runs; false for {@link #NONE}.
     */
    public static boolean isAlive(final long tag)
    {
        if (tag == NONE)
        {
            return false;
        }
        if (tag == CURRENT)
        {
            return true;
        }

        final Optional<ProcessHandle> handle = ProcessHandle.of(pid(tag));
        if (handle.isEmpty() || !handle.get().isAlive())
        {
            return false;
        }
        final Optional<Instant> start = handle.get().info().startInstant();
        if (start.isEmpty())
        {
            return true;
        }
        final long difference = ((start.get().toEpochMilli() / START_UNIT_MILLIS) - tag) & 0xFFFF_FFFFL;
        return difference == 0 || difference == 1 || difference == 0xFFFF_FFFFL;
    }

    /**
     * A tag as text for messages.
     *
     * @param tag a tag.
     * @return e.g. {@code pid=4242}, or {@code none}.
     */
    public static String toString(final long tag)
    {
        return tag == NONE ? "none" : "pid=" + pid(tag);
    }
}
