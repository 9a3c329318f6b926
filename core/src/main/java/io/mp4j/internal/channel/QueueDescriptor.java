package io.mp4j.internal.channel;

import org.agrona.BitUtil;

/**
 * The layout of a queue region's body: a header, the contended counters two cache lines apart, then a
 * ring of fixed-length slots, each with its sequence word (Vyukov's bounded many-to-many queue), the
 * {@link ProcessTag} of the process working on it, the message's length, its flags and the message.
 * The ring has a power-of-two number of slots; Max Size, at most that many, is how many messages the
 * queue holds (Python's {@code maxsize}). A message too large for a slot lives in a {@link SpillFile} and
 * its slot carries the file's name, flagged {@link #FLAG_SPILLED}.
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |                 Capacity (slots, power of two)                |
 *  +---------------------------------------------------------------+
 *  |                 Slot Length (bytes, multiple of 64)           |
 *  +---------------------------------------------------------------+
 *  |                 Flavour (queue, joinable, simple)             |
 *  +---------------------------------------------------------------+
 *  |                 Max Size (messages held, <= capacity)         |
 *  +---------------------------------------------------------------+
 *  |                        Reserved (to 128)                     ...
 *  +---------------------------------------------------------------+
 *  |           Enqueue Position (producers CAS), to 128           ...
 *  +---------------------------------------------------------------+
 *  |           Dequeue Position (consumers CAS), to 128           ...
 *  +---------------------------------------------------------------+
 *  |           Tasks Done (JoinableQueue.taskDone), to 128        ...
 *  +---------------------------------------------------------------+
 *  |           Tombstones (positions given up), to 128            ...
 *  +---------------------------------------------------------------+
 *  |                      Slot 0 ... Slot capacity-1              ...
 *  +---------------------------------------------------------------+
 *
 *  Slot:
 *  +---------------------------------------------------------------+
 *  |                         Sequence                              |
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |                  Owner Process Tag (0: none)                  |
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |              Message Length (-1: tombstone)                   |
 *  +---------------------------------------------------------------+
 *  |              Message Flags (1: spilled)                       |
 *  +---------------------------------------------------------------+
 *  |                        Reserved (to 32)                      ...
 *  +---------------------------------------------------------------+
 *  |                        Message                               ...
 *  +---------------------------------------------------------------+
 * </pre>
 */
public final class QueueDescriptor
{
    /** Offset of the number of slots. */
    public static final int CAPACITY_OFFSET = 0;

    /** Offset of each slot's length. */
    public static final int SLOT_LENGTH_OFFSET = CAPACITY_OFFSET + Integer.BYTES;

    /** Offset of the flavour code, which a handle checks on attach. */
    public static final int FLAVOUR_OFFSET = SLOT_LENGTH_OFFSET + Integer.BYTES;

    /** Offset of the most messages the queue holds; 0 (a body of an older layout) means the capacity. */
    public static final int MAX_SIZE_OFFSET = FLAVOUR_OFFSET + Integer.BYTES;

    /** Spacing of contended words: two cache lines, against false sharing and adjacent-line prefetch. */
    public static final int PADDED_LENGTH = 2 * BitUtil.CACHE_LINE_LENGTH;

    /** Offset of the next position a producer claims. */
    public static final int ENQUEUE_POSITION_OFFSET = PADDED_LENGTH;

    /** Offset of the next position a consumer claims. */
    public static final int DEQUEUE_POSITION_OFFSET = ENQUEUE_POSITION_OFFSET + PADDED_LENGTH;

    /** Offset of the count of {@code taskDone} calls. */
    public static final int TASKS_DONE_OFFSET = DEQUEUE_POSITION_OFFSET + PADDED_LENGTH;

    /** Offset of the count of positions a dead producer claimed and never published. */
    public static final int TOMBSTONES_OFFSET = TASKS_DONE_OFFSET + PADDED_LENGTH;

    /** Offset of the first slot. */
    public static final int SLOTS_OFFSET = TOMBSTONES_OFFSET + PADDED_LENGTH;

    /** Offset of the sequence word within a slot. */
    public static final int SEQUENCE_OFFSET = 0;

    /** Offset of the owner's process tag within a slot. */
    public static final int OWNER_OFFSET = SEQUENCE_OFFSET + Long.BYTES;

    /** Offset of the message length within a slot. */
    public static final int LENGTH_OFFSET = OWNER_OFFSET + Long.BYTES;

    /** Offset of the message's flags within a slot. */
    public static final int FLAGS_OFFSET = LENGTH_OFFSET + Integer.BYTES;

    /** Offset of the message within a slot. */
    public static final int MESSAGE_OFFSET = 32;

    /** Message length that marks a position given up by a dead producer; consumers skip it. */
    public static final int TOMBSTONE = -1;

    /** Message flag: the slot holds the name of the {@link SpillFile} that holds the message. */
    public static final int FLAG_SPILLED = 1;

    /** Flavour code of a {@code SharedQueue}. */
    public static final int FLAVOUR_QUEUE = 1;

    /** Flavour code of a {@code JoinableQueue}. */
    public static final int FLAVOUR_JOINABLE = 2;

    /** Flavour code of a {@code SimpleQueue}. */
    public static final int FLAVOUR_SIMPLE = 3;

    private QueueDescriptor()
    {
    }

    /**
     * The slot length that carries messages of up to the given length: header plus message, rounded up
     * to a whole number of cache lines so that no two slots share one.
     *
     * @param maxMessageLength the largest message, in bytes.
     * @return the slot length.
     */
    public static int slotLength(final int maxMessageLength)
    {
        return BitUtil.align(MESSAGE_OFFSET + maxMessageLength, BitUtil.CACHE_LINE_LENGTH);
    }

    /**
     * The number of slots a queue that holds {@code maxSize} messages needs: the power of two at or above
     * it, at least 2.
     *
     * @param maxSize how many messages the queue holds, at least 1.
     * @return the capacity in slots.
     */
    public static int capacityFor(final int maxSize)
    {
        return Math.max(2, BitUtil.findNextPositivePowerOfTwo(maxSize));
    }

    /**
     * Length of the whole body.
     *
     * @param capacity   number of slots: a power of two, at least 2.
     * @param slotLength length of each slot, from {@link #slotLength(int)}.
     * @return bytes.
     * @throws IllegalArgumentException if the capacity or slot length is invalid, or the body too large.
     */
    public static int bodyLength(final int capacity, final int slotLength)
    {
        if (capacity < 2 || !BitUtil.isPowerOfTwo(capacity))
        {
            throw new IllegalArgumentException("invalid queue capacity: capacity=" + capacity +
                " (a power of two, at least 2)");
        }
        if (slotLength <= MESSAGE_OFFSET || slotLength % BitUtil.CACHE_LINE_LENGTH != 0)
        {
            throw new IllegalArgumentException("invalid queue slot length: slotLength=" + slotLength);
        }
        final long length = SLOTS_OFFSET + (long)capacity * slotLength;
        if (length > Integer.MAX_VALUE - 8192)
        {
            throw new IllegalArgumentException("queue too large: capacity=" + capacity + " slotLength=" +
                slotLength + " bytes=" + length);
        }
        return (int)length;
    }
}
