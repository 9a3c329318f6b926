package io.mp4j.sync;

/**
 * The layout of a {@link SharedCondition}'s counters. Waits and signals are counted under the
 * condition's lock; a woken waiter claims a signal by CAS on the woken count without the lock, so that
 * count sits two cache lines away.
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |          Waits (started, minus timed-out waits withdrawn)     |
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |                  Signals (wake-ups handed out)                |
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |                      Reserved (to 128)                       ...
 *  +---------------------------------------------------------------+
 *  |                 Woken (wake-ups claimed by waiters)           |
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |                      Reserved (to 256)                       ...
 *  +---------------------------------------------------------------+
 * </pre>
 * Waits minus signals is the number of waiters not yet signalled; signals minus woken is the number of
 * wake-ups not yet claimed.
 */
final class ConditionDescriptor
{
    /** Offset of the count of waits, written under the lock. */
    public static final int WAITS_OFFSET = 0;

    /** Offset of the count of signals, written under the lock. */
    public static final int SIGNALS_OFFSET = WAITS_OFFSET + Long.BYTES;

    /** Offset of the count of claimed wake-ups, CAS'd by waking waiters. */
    public static final int WOKEN_OFFSET = WAITS_OFFSET + 128;

    /** Length of the layout: four cache lines. */
    public static final int LENGTH = 256;

    private ConditionDescriptor()
    {
    }
}
