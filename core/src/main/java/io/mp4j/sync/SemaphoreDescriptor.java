package io.mp4j.sync;

/**
 * The layout of a {@link SharedSemaphore}: the permit count that processes CAS, and two cache lines
 * further on the read-only settings.
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |                         Permits                               |
 *  +---------------------------------------------------------------+
 *  |                      Reserved (to 128)                       ...
 *  +---------------------------------------------------------------+
 *  |                      Initial Permits                          |
 *  +---------------------------------------------------------------+
 *  |                    Bounded (1) or not (0)                     |
 *  +---------------------------------------------------------------+
 *  |                      Reserved (to 256)                       ...
 *  +---------------------------------------------------------------+
 * </pre>
 */
final class SemaphoreDescriptor
{
    /** Offset of the number of permits available now. */
    public static final int PERMITS_OFFSET = 0;

    /** Offset of the number of permits at creation; a bounded semaphore never exceeds it. */
    public static final int INITIAL_PERMITS_OFFSET = PERMITS_OFFSET + 128;

    /** Offset of the bounded flag: 1 for Python's {@code BoundedSemaphore}. */
    public static final int BOUNDED_OFFSET = INITIAL_PERMITS_OFFSET + Integer.BYTES;

    /** Length of the layout: four cache lines. */
    public static final int LENGTH = 256;

    private SemaphoreDescriptor()
    {
    }
}
