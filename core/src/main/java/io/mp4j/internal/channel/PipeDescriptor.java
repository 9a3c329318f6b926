package io.mp4j.internal.channel;

import org.agrona.BitUtil;
import org.agrona.concurrent.ringbuffer.RingBufferDescriptor;

/**
 * The layout of a pipe region's body: a header, one holder table per end (whole cache lines, so the ends
 * never share one), then one Agrona one-to-one ring buffer per direction. Ring 0 carries
 * end 1's messages to end 0; ring 1, present only in a duplex pipe, carries end 0's to end 1. So in a
 * one-way pipe end 0 only receives and end 1 only sends, as in Python's {@code Pipe(duplex=False)}.
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |                         Ring Count (1 or 2)                   |
 *  +---------------------------------------------------------------+
 *  |                  Ring Capacity (power of two)                 |
 *  +---------------------------------------------------------------+
 *  |                        Reserved (to 128)                     ...
 *  +---------------------------------------------------------------+
 *  |           End 0: Holds (references + transfers)               |
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |           End 0: Changes                                      |
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |                        Reserved (to 128)                     ...
 *  +---------------------------------------------------------------+
 *  |           End 0, holder 0: Process Tag (0: free)              |
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |   End 0, holder 0: Generation (16) | References (24) | Transfers (24)
 *  |                                                               |
 *  +---------------------------------------------------------------+
 * ...          End 0, holders 1 to 63                             ...
 *  +---------------------------------------------------------------+
 *  |                  End 1: same fields as end 0                 ...
 *  +---------------------------------------------------------------+
 *  |          Ring 0 (end 1 to end 0): capacity + trailer         ...
 *  +---------------------------------------------------------------+
 *  |          Ring 1 (end 0 to end 1), duplex only                ...
 *  +---------------------------------------------------------------+
 * </pre>
 * Each end's block is a {@link HolderTable}: every process that holds a copy of the end counts it there,
 * and a copy serialized for another process counts as a transfer of its sender until it is attached. An
 * end is closed once its holds reach zero, or once every holder left is a dead process; see
 * {@code io.mp4j.connection.Connection} for how that decides end-of-stream and broken pipes.
 */
public final class PipeDescriptor
{
    /** Offset of the number of rings: 2 for a duplex pipe, 1 for a one-way pipe. */
    public static final int RING_COUNT_OFFSET = 0;

    /** Offset of each ring's capacity. */
    public static final int RING_CAPACITY_OFFSET = RING_COUNT_OFFSET + Integer.BYTES;

    /** Length of the header block. */
    public static final int HEADER_LENGTH = 2 * BitUtil.CACHE_LINE_LENGTH;

    /** How many processes can hold one end at once: one entry each in its {@link HolderTable}. */
    public static final int HOLDER_SLOTS = 64;

    /** Length of an end's block, its holder table: a whole number of cache lines, so ends never share one. */
    public static final int END_LENGTH = HolderTable.length(HOLDER_SLOTS);

    /** Offset of the first end's block. */
    public static final int ENDS_OFFSET = HEADER_LENGTH;

    /** Offset of the first ring. */
    public static final int RINGS_OFFSET = ENDS_OFFSET + 2 * END_LENGTH;

    /** The smallest ring capacity accepted. */
    public static final int MIN_RING_CAPACITY = 1024;

    private PipeDescriptor()
    {
    }

    /**
     * Offset of an end's block.
     *
     * @param end 0 or 1.
     * @return the offset in the body.
     */
    public static int endOffset(final int end)
    {
        return ENDS_OFFSET + end * END_LENGTH;
    }

    /**
     * Length of one ring including Agrona's trailer.
     *
     * @param capacity the ring's capacity.
     * @return bytes.
     */
    public static int ringLength(final int capacity)
    {
        return capacity + RingBufferDescriptor.TRAILER_LENGTH;
    }

    /**
     * Offset of a ring.
     *
     * @param ring     0 (into end 0) or 1 (into end 1).
     * @param capacity the rings' capacity.
     * @return the offset in the body.
     */
    public static int ringOffset(final int ring, final int capacity)
    {
        return RINGS_OFFSET + ring * ringLength(capacity);
    }

    /**
     * Length of the whole body.
     *
     * @param ringCount 1 or 2.
     * @param capacity  the rings' capacity, a power of two of at least {@link #MIN_RING_CAPACITY}.
     * @return bytes.
     * @throws IllegalArgumentException if the capacity is not a power of two or too small.
     */
    public static int bodyLength(final int ringCount, final int capacity)
    {
        if (capacity < MIN_RING_CAPACITY || !BitUtil.isPowerOfTwo(capacity) || capacity > (1 << 29))
        {
            throw new IllegalArgumentException("invalid pipe capacity: capacity=" + capacity +
                " (a power of two from " + MIN_RING_CAPACITY + " to 2^29)");
        }
        return RINGS_OFFSET + ringCount * ringLength(capacity);
    }
}
