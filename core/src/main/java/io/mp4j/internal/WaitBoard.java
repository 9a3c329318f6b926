package io.mp4j.internal;

import io.mp4j.WaitStrategy;
import org.agrona.concurrent.AtomicBuffer;

import java.lang.invoke.VarHandle;

/**
 * Where the processes that sleep on a region say so, so that the process that changes the region rings
 * their doorbell (a Unix-domain socket in the session directory) only when somebody really sleeps: two
 * cache lines of the region's header.
 * <pre>
 *  +---------------------------------------------------------------+
 *  |                       Sleeper Count                           |
 *  +---------------------------------------------------------------+
 *  |     Slot 0: bell id (pid, index) | tag (8 bits) | rung (1)    |
 *  +---------------------------------------------------------------+
 * ...                     Slots 1 to 14                           ...
 *  +---------------------------------------------------------------+
 * </pre>
 * A sleeper raises the count, claims a free slot with its bell and the tag of what it waits for, checks
 * its condition once more and only then blocks. A changer changes the state, then (after a full fence)
 * reads the count: 0 costs it nothing more; otherwise it marks each matching, not yet rung slot as rung
 * and writes a byte to that bell. Each side's store comes before its load, so one of them always sees
 * the other: the sleeper its condition, or the changer its slot — no wake-up is lost. The rung bit
 * makes one ring per sleep, however many messages follow; the sleeper clears it before it checks again.
 * <p>
 * With every slot taken, a further waiter sleeps on a timer instead (at most
 * {@link WaitStrategy#MAX_PARK_NANOS} late). A slot left by a killed process is cleared by the first
 * ringer that finds its bell gone, by a sleeper that finds the board full, or by a sleeper that has slept
 * through several checks without a ring (see {@link #sweepDead()}).
 */
public final class WaitBoard
{
    /** Length of a board in a region's header. */
    public static final int LENGTH = 128;

    /** How many sleepers can announce themselves on one region at once. */
    public static final int SLOTS = LENGTH / Long.BYTES - 1;

    /** Largest tag: what a sleeper waits for, in 8 bits. */
    public static final int MAX_TAG = 0xFF;

    private static final int COUNT_OFFSET = 0;
    private static final int SLOTS_OFFSET = Long.BYTES;
    private static final long RUNG = 1;
    private static final int TAG_SHIFT = 1;
    private static final int BELL_SHIFT = 9;

    private static final long PID = ProcessHandle.current().pid();

    private final AtomicBuffer buffer;
    private final Doorbell.Directory directory;
    private final Runnable lengthCheck;

    /**
     * A board over two cache lines of a region's header.
     *
     * @param buffer      the board's bytes.
     * @param directory   the session's doorbells.
     * @param lengthCheck throws if the region's file was truncated under its mapping; run before a waiter
     *                    writes to the board to sleep and after it wakes.
     */
    public WaitBoard(final AtomicBuffer buffer, final Doorbell.Directory directory, final Runnable lengthCheck)
    {
        this.buffer = buffer;
        this.directory = directory;
        this.lengthCheck = lengthCheck;
    }

    /**
     * Throws if the region's file no longer covers its mapping, so that a waiter fails with mp4j's
     * exception instead of faulting on the board; one {@code stat}, for slow paths.
     */
    void checkLength()
    {
        lengthCheck.run();
    }

    /**
     * The tag of a word in a region's body, for primitives that wait on a word: words 8 bytes apart get
     * different tags (up to 2 KiB apart); two that share one only wake each other's sleepers needlessly.
     *
     * @param offset the word's offset in the body.
     * @return its tag.
     */
    public static int tagFor(final int offset)
    {
        return (offset >>> 3) & MAX_TAG;
    }

    /**
     * Wakes whoever sleeps on this region waiting for {@code tag}: call it after every change a waiter
     * may wait for. Costs a fence and a load when nobody sleeps here.
     *
     * @param tag what changed, as the sleepers name it (0 to {@value #MAX_TAG}).
     */
    public void ring(final int tag)
    {
        VarHandle.fullFence();
        if (!isClosed() && buffer.getLongVolatile(COUNT_OFFSET) != 0)
        {
            ringSleepers(tag);
        }
    }

    /**
     * Whether anyone sleeps on this region now, for tests and diagnostics.
     *
     * @return the number of announced sleepers.
     */
    public long sleepers()
    {
        return isClosed() ? 0 : buffer.getLongVolatile(COUNT_OFFSET);
    }

    /** Whether this JVM closed the region: its board is no longer mapped here. */
    private boolean isClosed()
    {
        return buffer.capacity() == 0;
    }

    private void ringSleepers(final int tag)
    {
        for (int i = 0; i < SLOTS; i++)
        {
            final int offset = SLOTS_OFFSET + i * Long.BYTES;
            final long slot = buffer.getLongVolatile(offset);
            if (slot == 0 || (slot & RUNG) != 0 || tagOf(slot) != tag ||
                !buffer.compareAndSetLong(offset, slot, slot | RUNG))
            {
                continue;
            }
            if (directory.ring(slot >>> BELL_SHIFT) == Doorbell.Ring.GONE &&
                buffer.compareAndSetLong(offset, slot | RUNG, 0))
            {
                // The sleeper's process is gone: free its slot, as it cannot.
                buffer.getAndAddLong(COUNT_OFFSET, -1);
            }
        }
    }

    Doorbell.Directory directory()
    {
        return directory;
    }

    /**
     * Announces a sleeper.
     *
     * @param slot the slot's value, from {@link #slotValue(Doorbell, int)}.
     * @return the slot's index, or -1 if every slot is taken.
     */
    int announce(final long slot)
    {
        if (isClosed())
        {
            return -1;
        }
        // Count first: a sleeper killed between the two leaves the count high (harmless), never low.
        buffer.getAndAddLong(COUNT_OFFSET, 1);
        int index = claimSlot(slot);
        if (index < 0 && sweepDead() > 0)
        {
            index = claimSlot(slot);
        }
        if (index < 0)
        {
            buffer.getAndAddLong(COUNT_OFFSET, -1);
        }
        return index;
    }

    private int claimSlot(final long slot)
    {
        for (int i = 0; i < SLOTS; i++)
        {
            final int offset = SLOTS_OFFSET + i * Long.BYTES;
            if (buffer.getLongVolatile(offset) == 0 && buffer.compareAndSetLong(offset, 0, slot))
            {
                return i;
            }
        }
        return -1;
    }

    /**
     * Frees the slots of sleepers whose process has exited (killed while asleep, say, after a ring that
     * left its slot marked rung, which no ringer looks at again).
     *
     * @return how many slots were freed.
     */
    int sweepDead()
    {
        if (isClosed())
        {
            return 0;
        }
        int freed = 0;
        for (int i = 0; i < SLOTS; i++)
        {
            final int offset = SLOTS_OFFSET + i * Long.BYTES;
            final long slot = buffer.getLongVolatile(offset);
            final long pid = pidOf(slot);
            if (slot != 0 && pid != PID && !ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false) &&
                buffer.compareAndSetLong(offset, slot, 0))
            {
                buffer.getAndAddLong(COUNT_OFFSET, -1);
                freed++;
            }
        }
        return freed;
    }

    /** Withdraws every announcement of this process, as its mapping of the region closes. */
    public void withdrawAllOfThisProcess()
    {
        if (isClosed())
        {
            return;
        }
        for (int i = 0; i < SLOTS; i++)
        {
            final int offset = SLOTS_OFFSET + i * Long.BYTES;
            final long slot = buffer.getLongVolatile(offset);
            if (slot != 0 && pidOf(slot) == PID && buffer.compareAndSetLong(offset, slot, 0))
            {
                buffer.getAndAddLong(COUNT_OFFSET, -1);
            }
        }
    }

    /**
     * Re-arms an announced slot after a wake-up, before the sleeper checks its condition again.
     *
     * @param index the slot's index.
     * @param slot  the slot's value.
     * @return false if a ringer freed the slot meanwhile (it took the bell for dead): announce again.
     */
    boolean rearm(final int index, final long slot)
    {
        if (isClosed())
        {
            // Nothing to wait on here any more: the caller's next check finds the region closed.
            return true;
        }
        final int offset = SLOTS_OFFSET + index * Long.BYTES;
        return buffer.compareAndSetLong(offset, slot | RUNG, slot) || buffer.getLongVolatile(offset) == slot;
    }

    /**
     * Withdraws an announcement once the wait is over.
     *
     * @param index the slot's index.
     * @param slot  the slot's value.
     */
    void withdraw(final int index, final long slot)
    {
        if (isClosed())
        {
            return;
        }
        final int offset = SLOTS_OFFSET + index * Long.BYTES;
        if (buffer.compareAndSetLong(offset, slot, 0) || buffer.compareAndSetLong(offset, slot | RUNG, 0))
        {
            buffer.getAndAddLong(COUNT_OFFSET, -1);
        }
    }

    static void checkTag(final int tag)
    {
        if (tag < 0 || tag > MAX_TAG)
        {
            throw new IllegalArgumentException("wait tag out of range: tag=" + tag + " max=" + MAX_TAG);
        }
    }

    static long slotValue(final Doorbell bell, final int tag)
    {
        return bell.id() << BELL_SHIFT | (long)tag << TAG_SHIFT;
    }

    private static long pidOf(final long slot)
    {
        return slot >>> (BELL_SHIFT + 15);
    }

    private static int tagOf(final long slot)
    {
        return (int)(slot >>> TAG_SHIFT) & MAX_TAG;
    }
}
