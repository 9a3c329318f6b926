package io.mp4j.chronicle.internal;

import io.mp4j.internal.MutexDescriptor;

/**
 * The layout of a {@link io.mp4j.internal.region.RegionKind#DICT DICT} region: a manager dict's guard, mapped by
 * every process that uses the dict next to the dict's Chronicle Map file.
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |                      Reserved (to 128)                       ...
 *  +---------------------------------------------------------------+
 *  |                  Lock (MutexDescriptor)                      ...
 * ...                                                              |
 *  +---------------------------------------------------------------+
 *  |      Journal: the change in flight (0 none, PUT, REMOVE,      |
 *  |      CLEAR), written last before the change, cleared after    |
 *  +---------------------------------------------------------------+
 *  |                      Key Length                               |
 *  +---------------------------------------------------------------+
 *  |                      Value Length                             |
 *  +---------------------------------------------------------------+
 *  |      Recovering: 1 while a repair is under way or failed      |
 *  +---------------------------------------------------------------+
 *  |      Redo Attempts: how often the journaled change was redone |
 *  +---------------------------------------------------------------+
 *  |      Next Order: the insertion order of the next new key      |
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |      Size: how many keys the map holds                        |
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |      Capacity: the most keys it takes; lowered to the size    |
 *  |      at which the map first ran out of room                   |
 *  +---------------------------------------------------------------+
 *  |                      Reserved (to 384)                       ...
 *  +---------------------------------------------------------------+
 *  |         Payload: the change's key bytes, then value bytes    ...
 *  +---------------------------------------------------------------+
 * </pre>
 * Every Chronicle call on the dict is made holding the lock. A change is journaled first: its key and
 * value, then (by an ordered store) the journal word; then the change is made in the map; then the
 * journal word is cleared. A process that takes the lock over from a dead owner therefore knows that
 * nobody else is inside the map, repairs it with Chronicle's recovery, and redoes the journaled change
 * if there is one, so the dead process's change is complete (a change that was not yet journaled had not
 * touched the map). Redoing is safe because the journal holds only unconditional changes: a conditional
 * one ({@code putIfAbsent}, {@code replace}, {@code remove(key, value)}) is decided under the lock first
 * and journaled as what it does.
 * <p>
 * Each value in the map is stored after an 8-byte insertion order: a new key takes the next order, a
 * key whose value changes keeps its own, so iterating in order of it is a Python dict's insertion order.
 */
public final class DictDescriptor
{
    /** Offset of the lock. */
    public static final int LOCK_OFFSET = 128;

    /** Offset of the journal word: what change is in flight. */
    public static final int JOURNAL_OFFSET = LOCK_OFFSET + MutexDescriptor.LENGTH;

    /** Offset of the journaled key's length. */
    public static final int KEY_LENGTH_OFFSET = JOURNAL_OFFSET + Long.BYTES;

    /** Offset of the journaled value's length. */
    public static final int VALUE_LENGTH_OFFSET = KEY_LENGTH_OFFSET + Integer.BYTES;

    /** Offset of the flag set while a repair runs: one that failed or died is run again by the next taker. */
    public static final int RECOVERING_OFFSET = VALUE_LENGTH_OFFSET + Integer.BYTES;

    /** Offset of the count of redo attempts of the journaled change; past {@link #MAX_REDO_ATTEMPTS} it is dropped. */
    public static final int REDO_ATTEMPTS_OFFSET = RECOVERING_OFFSET + Integer.BYTES;

    /**
     * Offset of the next insertion order: a key new to the dict is stored with it (and it goes up), so
     * iteration can follow insertion order as a Python dict's does; read and written under the lock.
     */
    public static final int NEXT_ORDER_OFFSET = REDO_ATTEMPTS_OFFSET + Integer.BYTES;

    /**
     * Offset of the number of keys in the map, kept with each change under the lock (and counted again
     * by a repair), so that a put learns whether the dict is at capacity without a scan.
     */
    public static final int SIZE_OFFSET = NEXT_ORDER_OFFSET + Long.BYTES;

    /**
     * Offset of the dict's capacity: set by its creator, lowered to the size at which the map reported
     * itself full, so that every process refuses a new key from then on, whichever segment it hashes to.
     */
    public static final int CAPACITY_OFFSET = SIZE_OFFSET + Long.BYTES;

    /** A journaled change whose redo failed this many times is dropped, so that the dict is usable again. */
    public static final int MAX_REDO_ATTEMPTS = 3;

    /** Offset of the journaled key and value bytes. */
    public static final int PAYLOAD_OFFSET = 384;

    /** Room for the journaled key and value: the largest entry, in serialized bytes, a dict accepts. */
    public static final int PAYLOAD_CAPACITY = 1 << 20;

    /** Length of the region's body. */
    public static final int BODY_LENGTH = PAYLOAD_OFFSET + PAYLOAD_CAPACITY;

    /** Journal word: no change in flight. */
    public static final long NONE = 0;

    /** Journal word: the key is being set to the value. */
    public static final long PUT = 1;

    /** Journal word: the key is being removed. */
    public static final long REMOVE = 2;

    /** Journal word: the dict is being cleared. */
    public static final long CLEAR = 3;

    private DictDescriptor()
    {
    }
}
