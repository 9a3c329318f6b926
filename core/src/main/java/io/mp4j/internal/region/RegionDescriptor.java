package io.mp4j.internal.region;

import io.mp4j.internal.WaitBoard;
import io.mp4j.internal.channel.HolderTable;

/**
 * The layout of the header at the start of every region file. The header is whole cache lines, so
 * that the body starts cache-line aligned and no body word shares a line with the header: two for the
 * fixed fields, two for the region's {@link WaitBoard}, where processes that sleep on the region say so,
 * then the region's {@link HolderTable}, where every process that holds the region counts itself.
 * <p>
 * A pinned region (a pool's channels, a manager's list, a named block) stays until it is removed on
 * purpose or its session ends, and its holder table stays empty. Any other region is freed by the last
 * process that lets go of it: each process counts one reference while it has the region mapped, a
 * handle serialized for another process counts as a transfer of its sender until it is attached, and
 * the process whose release leaves nothing held (or only dead processes) removes the file.
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
 *  |                      Flags (bit 0: pinned)                    |
 *  +---------------------------------------------------------------+
 *  |                      Reserved (to 128)                       ...
 *  +---------------------------------------------------------------+
 *  |                    Wait Board (128 bytes)                    ...
 *  +---------------------------------------------------------------+
 *  |          Holder Table (128 entries of tag and counts)        ...
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
    public static final int LAYOUT_VERSION = 3;

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

    /** Offset of the region's flags. */
    public static final int FLAGS_OFFSET = CREATION_TIME_OFFSET + Long.BYTES;

    /** Flag of a region that stays until removed on purpose or its session ends, whoever holds it. */
    public static final int FLAG_PINNED = 1;

    /** Offset of the {@link WaitBoard}: its own two cache lines. */
    public static final int WAIT_BOARD_OFFSET = 128;

    /** How many processes can hold one region at once: one entry each in its {@link HolderTable}. */
    public static final int HOLDER_SLOTS = 128;

    /** Offset of the {@link HolderTable}. */
    public static final int HOLDERS_OFFSET = WAIT_BOARD_OFFSET + WaitBoard.LENGTH;

    /** Length of the header: whole cache lines. */
    public static final int HEADER_LENGTH = HOLDERS_OFFSET + HolderTable.length(HOLDER_SLOTS);

    /** The largest body a region may have: it is addressed by {@code int} offsets. */
    public static final int MAX_BODY_LENGTH = Integer.MAX_VALUE - HEADER_LENGTH - 4096;

    private RegionDescriptor()
    {
    }
}
