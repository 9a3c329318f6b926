package io.mp4j.internal.region;

/**
 * What a region holds. The code is written into the region's header and checked on attach, so a
 * region of one kind is never used as another. Codes are stable across releases: add, never reuse.
 */
public enum RegionKind
{
    /** Bytes with no structure known to mp4j; used by tests and raw blocks. */
    RAW(1),
    /** Shared values: Python's {@code Value} and {@code RawValue}. */
    VALUE(2),
    /** Shared arrays: Python's {@code Array} and {@code RawArray}. */
    ARRAY(3),
    /** Locks, semaphores, conditions, events and barriers. */
    SYNC(4),
    /** The two ring buffers of a pipe. */
    PIPE(5),
    /** A many-to-many queue. */
    QUEUE(6),
    /** The channels between a pool and its workers. */
    POOL(7),
    /** A named shared memory block: Python's {@code shared_memory.SharedMemory}. */
    BLOCK(8),
    /** A worker host's control block: its state and one lease slot per warm worker. */
    HOST(9),
    /** A manager's list or namespace: its anchor (lock, generation) or one generation of its data. */
    LIST(10),
    /** A manager dict's guard: the lock around its Chronicle Map and the journal of the change in flight. */
    DICT(11);

    private final int code;

    RegionKind(final int code)
    {
        this.code = code;
    }

    /**
     * The code written into the region header.
     *
     * @return a positive number, unique among kinds.
     */
    public int code()
    {
        return code;
    }

    /**
     * The kind whose code this is.
     *
     * @param code a code read from a region header.
     * @return the kind, or null if no kind has that code.
     */
    public static RegionKind fromCode(final int code)
    {
        for (final RegionKind kind : values())
        {
            if (kind.code == code)
            {
                return kind;
            }
        }
        return null;
    }
}
