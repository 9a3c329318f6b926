package io.mp4j.sync;

import io.mp4j.internal.MutexDescriptor;

/**
 * The layout of the body of a {@link io.mp4j.internal.region.RegionKind#SYNC SYNC} region: a tag saying which
 * primitive the region holds, then the primitive's own layout one cache-line pair further on.
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |                      Primitive Type Code                      |
 *  +---------------------------------------------------------------+
 *  |                      Reserved (to 128)                       ...
 *  +---------------------------------------------------------------+
 *  |       Primitive (MutexDescriptor, SemaphoreDescriptor, ...)  ...
 * ...                                                              |
 *  +---------------------------------------------------------------+
 * </pre>
 * A condition made with its own lock holds a {@link MutexDescriptor mutex} at
 * {@link #PRIMITIVE_OFFSET} and its {@link ConditionDescriptor counters} right after it.
 */
final class SyncDescriptor
{
    /** Offset of the primitive's type code; see {@link #typeLength(int)} for the codes. */
    public static final int TYPE_OFFSET = 0;

    /** Offset of the primitive itself: two cache lines in, so the tag never shares a line with it. */
    public static final int PRIMITIVE_OFFSET = 128;

    /** Type code of a {@link SharedLock}. */
    public static final int TYPE_LOCK = 1;

    /** Type code of a {@link SharedRLock}. */
    public static final int TYPE_RLOCK = 2;

    /** Type code of a {@link SharedSemaphore}. */
    public static final int TYPE_SEMAPHORE = 3;

    /** Type code of a {@link SharedCondition}. */
    public static final int TYPE_CONDITION = 4;

    /** Type code of a {@link SharedEvent}. */
    public static final int TYPE_EVENT = 5;

    /** Type code of a {@link SharedBarrier}. */
    public static final int TYPE_BARRIER = 6;

    private SyncDescriptor()
    {
    }

    /**
     * The body length a SYNC region of the given type needs.
     *
     * @param type one of the {@code TYPE_*} codes.
     * @return the body length in bytes.
     * @throws IllegalArgumentException if the code names no type.
     */
    public static int typeLength(final int type)
    {
        return PRIMITIVE_OFFSET + switch (type)
        {
            case TYPE_LOCK, TYPE_RLOCK -> MutexDescriptor.LENGTH;
            case TYPE_SEMAPHORE -> SemaphoreDescriptor.LENGTH;
            case TYPE_CONDITION -> MutexDescriptor.LENGTH + ConditionDescriptor.LENGTH;
            case TYPE_EVENT -> EventDescriptor.LENGTH;
            case TYPE_BARRIER -> BarrierDescriptor.LENGTH;
            default -> throw new IllegalArgumentException("unknown sync type: type=" + type);
        };
    }

    /**
     * The name of a type code, for messages.
     *
     * @param type a code read from a region.
     * @return e.g. {@code "SharedLock"}, or {@code "unknown(7)"}.
     */
    public static String typeName(final int type)
    {
        return switch (type)
        {
            case TYPE_LOCK -> "SharedLock";
            case TYPE_RLOCK -> "SharedRLock";
            case TYPE_SEMAPHORE -> "SharedSemaphore";
            case TYPE_CONDITION -> "SharedCondition";
            case TYPE_EVENT -> "SharedEvent";
            case TYPE_BARRIER -> "SharedBarrier";
            default -> "unknown(" + type + ")";
        };
    }
}
