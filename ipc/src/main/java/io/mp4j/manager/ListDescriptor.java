package io.mp4j.manager;

import io.mp4j.internal.MutexDescriptor;
import io.mp4j.internal.region.RegionDescriptor;

/**
 * The layouts of a {@link io.mp4j.internal.region.RegionKind#LIST LIST} region: a manager list's or namespace's
 * <em>anchor</em>, which every process keeps mapped, and one <em>generation</em> of its data, which is
 * replaced by a larger or compacted one when it fills up.
 * <p>
 * The anchor holds the lock that every operation takes and the number of the data generation in use:
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |               Type ('L' list, 'N' namespace)                  |
 *  +---------------------------------------------------------------+
 *  |                      Reserved (to 128)                       ...
 *  +---------------------------------------------------------------+
 *  |                  Lock (MutexDescriptor)                      ...
 * ...                                                              |
 *  +---------------------------------------------------------------+
 *  |          Generation: the data region in use, from 1           |
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |                      Reserved (to 384)                       ...
 *  +---------------------------------------------------------------+
 * </pre>
 * A data generation holds two index areas of {@code capacity} entries each and a heap of encoded items.
 * An entry is one word, {@code heapOffset << 32 | length}, so replacing an item is one store; the
 * commit word names the active index area and the size, so any change that moves entries (insert,
 * remove, sort) is written into the inactive area and published by one store of the commit word. A
 * process killed half-way through an operation therefore leaves either the old list or the new one,
 * never a mixture; at worst some heap bytes nobody points at, which the next compaction drops.
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |                        Type ('D')                             |
 *  +---------------------------------------------------------------+
 *  |                        Reserved                               |
 *  +---------------------------------------------------------------+
 *  |              Capacity: entries per index area                 |
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |                  Heap Length in bytes                         |
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |                      Reserved (to 128)                       ...
 *  +---------------------------------------------------------------+
 *  |R|   Commit: R = active index area (0 = A, 1 = B); the size    |
 *  |   in the low 32 bits                                          |
 *  +---------------------------------------------------------------+
 *  |              Heap Top: first free byte of the heap            |
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |                      Reserved (to 256)                       ...
 *  +---------------------------------------------------------------+
 *  |             Index Area A: capacity entries                   ...
 *  +---------------------------------------------------------------+
 *  |             Index Area B: capacity entries                   ...
 *  +---------------------------------------------------------------+
 *  |             Heap: encoded items, appended                    ...
 *  +---------------------------------------------------------------+
 * </pre>
 * Every word is written only by the holder of the anchor's lock, so nothing here is contended but the
 * lock itself.
 */
final class ListDescriptor
{
    /** Offset of the type code, in the anchor and in every data generation. */
    public static final int TYPE_OFFSET = 0;

    /** Type code of a list's anchor. */
    public static final int TYPE_LIST = 'L';

    /** Type code of a namespace's anchor. */
    public static final int TYPE_NAMESPACE = 'N';

    /** Type code of a data generation. */
    public static final int TYPE_DATA = 'D';

    /** Offset of the anchor's lock. */
    public static final int LOCK_OFFSET = 128;

    /** Offset of the anchor's generation number. */
    public static final int GENERATION_OFFSET = LOCK_OFFSET + MutexDescriptor.LENGTH;

    /** Length of the anchor's body. */
    public static final int ANCHOR_LENGTH = GENERATION_OFFSET + 128;

    /** Offset of a generation's capacity, in entries per index area. */
    public static final int CAPACITY_OFFSET = TYPE_OFFSET + Long.BYTES;

    /** Offset of a generation's heap length. */
    public static final int HEAP_LENGTH_OFFSET = CAPACITY_OFFSET + Long.BYTES;

    /** Offset of a generation's commit word: active area and size. */
    public static final int COMMIT_OFFSET = 128;

    /** Offset of a generation's heap top. */
    public static final int HEAP_TOP_OFFSET = COMMIT_OFFSET + Long.BYTES;

    /** Offset of index area A. */
    public static final int INDEX_OFFSET = 256;

    /** Entry size in bytes. */
    public static final int ENTRY_LENGTH = Long.BYTES;

    /** The bit of the commit word that names the active index area. */
    public static final long AREA_B = 1L << 63;

    /** Longest body a generation may have. */
    public static final long MAX_BODY_LENGTH = RegionDescriptor.MAX_BODY_LENGTH;

    private ListDescriptor()
    {
    }

    /**
     * Where an entry of an index area is.
     *
     * @param capacity entries per area.
     * @param areaB    whether it is area B.
     * @param index    the entry's position.
     * @return its offset in the body.
     */
    public static int entryOffset(final int capacity, final boolean areaB, final int index)
    {
        return INDEX_OFFSET + ((areaB ? capacity : 0) + index) * ENTRY_LENGTH;
    }

    /**
     * Where the heap starts.
     *
     * @param capacity entries per index area.
     * @return its offset in the body.
     */
    public static int heapOffset(final int capacity)
    {
        return INDEX_OFFSET + 2 * capacity * ENTRY_LENGTH;
    }

    /**
     * The body a generation needs.
     *
     * @param capacity   entries per index area.
     * @param heapLength heap bytes.
     * @return its length, possibly more than a region can have.
     */
    public static long bodyLength(final long capacity, final long heapLength)
    {
        return INDEX_OFFSET + 2 * capacity * ENTRY_LENGTH + heapLength;
    }

    /**
     * An entry's word.
     *
     * @param heapOffset where its bytes start in the heap.
     * @param length     how many there are.
     * @return the entry.
     */
    public static long entry(final int heapOffset, final int length)
    {
        return ((long)heapOffset << 32) | (length & 0xFFFF_FFFFL);
    }

    /**
     * Where an entry's bytes start in the heap.
     *
     * @param entry the entry.
     * @return the offset from the heap's start.
     */
    public static int entryHeapOffset(final long entry)
    {
        return (int)(entry >>> 32);
    }

    /**
     * How many bytes an entry has.
     *
     * @param entry the entry.
     * @return its length.
     */
    public static int entryLength(final long entry)
    {
        return (int)entry;
    }

    /**
     * A commit word.
     *
     * @param areaB whether area B is active.
     * @param size  the number of items.
     * @return the word.
     */
    public static long commit(final boolean areaB, final int size)
    {
        return (areaB ? AREA_B : 0) | size;
    }
}
