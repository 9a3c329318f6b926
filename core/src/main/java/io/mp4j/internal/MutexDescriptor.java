package io.mp4j.internal;

/**
 * The layout of a robust mutex ({@code SharedLock}, {@code SharedRLock}, and the lock of a locked
 * value or array). The owner word is what processes CAS; the words after it are written only by the
 * current owner, so they sit on the owner's line. The layout is padded to two cache lines so that the
 * next structure's contended word never shares a line with this one.
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |                  Owner: pid (high 32 bits)                    |
 *  |             | thread id (low 32 bits); 0 when free            |
 *  +---------------------------------------------------------------+
 *  |                          Hold Count                           |
 *  +---------------------------------------------------------------+
 *  |                 Owner Died (1 after a recovery)               |
 *  +---------------------------------------------------------------+
 *  |            Owner Process Start Time (epoch millis)            |
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |          Owner Word the Start Time belongs to                 |
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |                       Recovery Count                          |
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |                      Reserved (to 128)                       ...
 *  +---------------------------------------------------------------+
 * </pre>
 * The owner publishes its process's start time after winning the owner word, and then the owner word
 * it belongs to, so that a process checking for a dead owner can tell a start time that belongs to the
 * current owner from one left by a previous owner, and guard against pid reuse only with the former.
 */
public final class MutexDescriptor
{
    /** Offset of the owner word: {@code pid << 32 | threadId}, 0 when the mutex is free. */
    public static final int OWNER_OFFSET = 0;

    /** Offset of the hold count of a re-entrant mutex, written by the owner only. */
    public static final int HOLDS_OFFSET = OWNER_OFFSET + Long.BYTES;

    /** Offset of the flag set while the owner holds a mutex it recovered from a dead owner. */
    public static final int OWNER_DIED_OFFSET = HOLDS_OFFSET + Integer.BYTES;

    /** Offset of the owner process's start time, for the pid-reuse guard. */
    public static final int OWNER_START_OFFSET = OWNER_DIED_OFFSET + Integer.BYTES;

    /** Offset of the owner word that the start time was written for. */
    public static final int OWNER_START_FOR_OFFSET = OWNER_START_OFFSET + Long.BYTES;

    /** Offset of the count of recoveries from dead owners, over the mutex's life. */
    public static final int RECOVERIES_OFFSET = OWNER_START_FOR_OFFSET + Long.BYTES;

    /** Length of the layout: two cache lines. */
    public static final int LENGTH = 128;

    private MutexDescriptor()
    {
    }
}
