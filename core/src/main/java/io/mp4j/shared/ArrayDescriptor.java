package io.mp4j.shared;

import io.mp4j.internal.MutexDescriptor;

/**
 * The layout of the body of an {@link io.mp4j.internal.region.RegionKind#ARRAY ARRAY} region: one shared
 * fixed-length array (Python's {@code Array} or {@code RawArray}) with its type and length, and the mutex
 * of its lock for the locked kind. Elements start cache-line aligned, two cache lines after the mutex,
 * and are packed in the platform's byte order, so a kernel can read them as a plain array.
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |              Type Code (Python's: 'i', 'q', 'd', 'b')         |
 *  +---------------------------------------------------------------+
 *  |        Flags (bit 0: own lock, bit 1: another object's lock)  |
 *  +---------------------------------------------------------------+
 *  |                     Length (elements)                         |
 *  +---------------------------------------------------------------+
 *  |                      Reserved (to 128)                       ...
 *  +---------------------------------------------------------------+
 *  |          Lock (MutexDescriptor, zero for a raw array)        ...
 * ...                                                              |
 *  +---------------------------------------------------------------+
 *  |                     Elements                                 ...
 * ...                                                              |
 *  +---------------------------------------------------------------+
 * </pre>
 */
final class ArrayDescriptor
{
    /** Offset of the type code: the ASCII of Python's typecode, as in {@link ValueDescriptor}. */
    public static final int TYPE_OFFSET = 0;

    /** Offset of the flags: {@link ValueDescriptor#FLAG_LOCKED}, {@link ValueDescriptor#FLAG_SHARED_LOCK}. */
    public static final int FLAGS_OFFSET = TYPE_OFFSET + Integer.BYTES;

    /** Offset of the number of elements. */
    public static final int LENGTH_OFFSET = FLAGS_OFFSET + Integer.BYTES;

    /** Offset of the lock's mutex. */
    public static final int LOCK_OFFSET = 128;

    /** Offset of the first element. */
    public static final int ELEMENTS_OFFSET = LOCK_OFFSET + MutexDescriptor.LENGTH;

    private ArrayDescriptor()
    {
    }

    /**
     * The body length of an array.
     *
     * @param length      the number of elements.
     * @param elementSize the size of one element in bytes.
     * @return the body length in bytes.
     * @throws IllegalArgumentException if the array would not fit in a region.
     */
    public static int bodyLength(final int length, final int elementSize)
    {
        final long bodyLength = ELEMENTS_OFFSET + (long)length * elementSize;
        if (length < 0 || bodyLength > io.mp4j.internal.region.RegionDescriptor.MAX_BODY_LENGTH)
        {
            throw new IllegalArgumentException("invalid shared array length: length=" + length +
                " elementSize=" + elementSize);
        }
        return (int)bodyLength;
    }
}
