package io.mp4j.sync;

/**
 * The layout of a {@link SharedEvent}: one flag word, padded to two cache lines.
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |                    Flag (1 set, 0 clear)                      |
 *  +---------------------------------------------------------------+
 *  |                      Reserved (to 128)                       ...
 *  +---------------------------------------------------------------+
 * </pre>
 */
final class EventDescriptor
{
    /** Offset of the flag. */
    public static final int FLAG_OFFSET = 0;

    /** Length of the layout: two cache lines. */
    public static final int LENGTH = 128;

    private EventDescriptor()
    {
    }
}
