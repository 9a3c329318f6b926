package io.mp4j.internal.region;

import io.mp4j.internal.WaitBoard;

/**
 * The layout of the header at the start of every region file. The header takes four cache lines so
 * that the body starts cache-line aligned and no body word shares a line with the header; the last
 * two hold the region's {@link WaitBoard}, where processes that sleep on the region say so.
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |                        Magic ("MP4J")                         |
 *  +---------------------------------------------------------------+
 *  |                        Layout Version                         |
 *  +---------------------------------------------------------------+
 *  |                          Kind Code                            |
 *  +---------------------------------------------------------------+
 *  |                        Header Length                          |
 *  +---------------------------------------------------------------+
 *  |                         Body Length                           |
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |                         Creator Pid                           |
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |              Creator Start Time (epoch millis)                |
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |                 Creation Time (epoch millis)                  |
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |                      Reserved (to 128)                       ...
 *  +---------------------------------------------------------------+
 *  |                    Wait Board (128 bytes)                    ...
 *  +---------------------------------------------------------------+
 *  |                          Body                                ...
 * ...                                                              |
 *  +---------------------------------------------------------------+
 * </pre>
 */
public final class RegionDescriptor
{
    /** "MP4J" in ASCII: the first four bytes of every region file. */
    public static final int MAGIC = 0x4A34_504D;

    /** Version of this layout; a region of another version is refused, never misread. */
    public static final int LAYOUT_VERSION = 2;

    /** Offset of the magic number. */
    public static final int MAGIC_OFFSET = 0;

    /** Offset of the layout version. */
    public static final int LAYOUT_VERSION_OFFSET = MAGIC_OFFSET + Integer.BYTES;

    /** Offset of the region kind's code. */
    public static final int KIND_OFFSET = LAYOUT_VERSION_OFFSET + Integer.BYTES;

    /** Offset of the header's length, which is where the body starts. */
    public static final int HEADER_LENGTH_OFFSET = KIND_OFFSET + Integer.BYTES;

    /** Offset of the body's length in bytes. */
    public static final int BODY_LENGTH_OFFSET = HEADER_LENGTH_OFFSET + Integer.BYTES;

    /** Offset of the creating process's pid. */
    public static final int CREATOR_PID_OFFSET = BODY_LENGTH_OFFSET + Long.BYTES;

    /** Offset of the creating process's start time, which tells a live creator from a reused pid. */
    public static final int CREATOR_START_OFFSET = CREATOR_PID_OFFSET + Long.BYTES;

    /** Offset of the region's creation time. */
    public static final int CREATION_TIME_OFFSET = CREATOR_START_OFFSET + Long.BYTES;

    /** Offset of the {@link WaitBoard}: its own two cache lines. */
    public static final int WAIT_BOARD_OFFSET = 128;

    /** Length of the header: four cache lines. */
    public static final int HEADER_LENGTH = WAIT_BOARD_OFFSET + WaitBoard.LENGTH;

    /** The largest body a region may have: it is addressed by {@code int} offsets. */
    public static final int MAX_BODY_LENGTH = Integer.MAX_VALUE - HEADER_LENGTH - 4096;

    private RegionDescriptor()
    {
    }
}
