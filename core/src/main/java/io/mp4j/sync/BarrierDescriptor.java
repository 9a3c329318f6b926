package io.mp4j.sync;

/**
 * The layout of a {@link SharedBarrier}: one state word that every arrival CASes, and two cache lines
 * further on the read-only number of parties.
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |  State: generation (high 30 bits) | resetting (1 bit)         |
 *  |         | broken (1 bit) | arrived in this generation (low 32)  |
 *  +---------------------------------------------------------------+
 *  |                      Reserved (to 128)                       ...
 *  +---------------------------------------------------------------+
 *  |                           Parties                             |
 *  +---------------------------------------------------------------+
 *  |                      Reserved (to 256)                       ...
 *  +---------------------------------------------------------------+
 * </pre>
 * The last party to arrive moves the state to the next generation with no arrivals in one CAS; a
 * broken generation keeps its number until {@link SharedBarrier#reset()} moves past it. A reset marks the
 * generation resetting while its waiting parties leave: they get {@link BarrierBrokenException}, parties
 * that arrive meanwhile wait for the next generation, and the last to leave (or the reset, after a grace)
 * moves to it.
 */
final class BarrierDescriptor
{
    /** Offset of the state word. */
    public static final int STATE_OFFSET = 0;

    /** Offset of the number of parties. */
    public static final int PARTIES_OFFSET = STATE_OFFSET + 128;

    /** Length of the layout: four cache lines. */
    public static final int LENGTH = 256;

    /** Mask of the arrival count in the state word. */
    public static final long ARRIVED_MASK = 0xFFFF_FFFFL;

    /** The broken bit of the state word. */
    public static final long BROKEN_BIT = 1L << 32;

    /** The resetting bit of the state word: the generation's waiting parties are leaving for a reset. */
    public static final long RESETTING_BIT = 1L << 33;

    /** Shift of the generation number in the state word. */
    public static final int GENERATION_SHIFT = 34;

    private BarrierDescriptor()
    {
    }
}
