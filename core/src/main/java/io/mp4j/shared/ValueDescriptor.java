package io.mp4j.shared;

import io.mp4j.internal.MutexDescriptor;

/**
 * The layout of the body of a {@link io.mp4j.internal.region.RegionKind#VALUE VALUE} region: one shared value
 * (Python's {@code Value} or {@code RawValue}) with its type, and the mutex of its lock for the locked
 * kind. The value word sits two cache lines after the mutex so that the lock's traffic and the value's
 * do not share a line.
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |              Type Code (Python's: 'i', 'q', 'd', 'b')         |
 *  +---------------------------------------------------------------+
 *  |        Flags (bit 0: own lock, bit 1: another object's lock)  |
 *  +---------------------------------------------------------------+
 *  |                      Reserved (to 128)                       ...
 *  +---------------------------------------------------------------+
 *  |          Lock (MutexDescriptor, zero for a raw value)        ...
 * ...                                                              |
 *  +---------------------------------------------------------------+
 *  |          Value (4 or 8 bytes; a byte in the lowest address)   |
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |                      Reserved (to 384)                       ...
 *  +---------------------------------------------------------------+
 * </pre>
 */
final class ValueDescriptor
{
    /** Offset of the type code: the ASCII of Python's typecode. */
    public static final int TYPE_OFFSET = 0;

    /** Offset of the flags. */
    public static final int FLAGS_OFFSET = TYPE_OFFSET + Integer.BYTES;

    /** Offset of the lock's mutex. */
    public static final int LOCK_OFFSET = 128;

    /** Offset of the value itself. */
    public static final int VALUE_OFFSET = LOCK_OFFSET + MutexDescriptor.LENGTH;

    /** Length of the body: the value padded to two cache lines. */
    public static final int LENGTH = VALUE_OFFSET + 128;

    /** The flag of a value that carries its own lock (Python's {@code Value}, not {@code RawValue}). */
    public static final int FLAG_LOCKED = 1;

    /**
     * The flag of a value guarded by another object's lock (Python's {@code Value(t, x, lock=lock)}): the
     * lock's own handle travels in the value's, and the value's lock space stays zero.
     */
    public static final int FLAG_SHARED_LOCK = 2;

    /** Type code of an {@code int} (Python {@code 'i'}). */
    public static final int TYPE_INT = 'i';

    /** Type code of a {@code long} (Python {@code 'q'}). */
    public static final int TYPE_LONG = 'q';

    /** Type code of a {@code double} (Python {@code 'd'}). */
    public static final int TYPE_DOUBLE = 'd';

    /** Type code of a {@code byte} (Python {@code 'b'}). */
    public static final int TYPE_BYTE = 'b';

    private ValueDescriptor()
    {
    }
}
