package io.mp4j.internal.channel;

import io.mp4j.Mp4jException;
import org.agrona.BitUtil;
import org.agrona.concurrent.AtomicBuffer;

/**
 * Which processes hold a shared end (a pipe end), so that it counts as closed only once every copy in
 * every process is closed or its process died: Python's rule for a pipe's file descriptor. A flyweight
 * over a block of a region's body:
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |                 Holds (references + transfers)                |
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |                 Changes (bumped by every change)              |
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |                        Reserved (to 128)                     ...
 *  +---------------------------------------------------------------+
 *  |                  Entry 0: Process Tag (0: free)               |
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |   Entry 0: Generation (16) | References (24) | Transfers (24)   |
 *  |                                                               |
 *  +---------------------------------------------------------------+
 * ...                 Entries 1 to slots - 1                      ...
 *  +---------------------------------------------------------------+
 * </pre>
 * A process claims one entry by CAS of its {@link ProcessTag} and counts there the copies it holds
 * (references) and the copies it has serialized that no process has attached yet (transfers), both in
 * one 64-bit word so that "nothing left" is one read. Holds is raised before an entry's word and lowered
 * after it, so it never reads less than the entries' sum: zero is a safe, one-load "closed" for hot
 * paths. A process that dies leaves its counts behind; {@link #isHeld()}, on slow paths, finds it dead
 * and frees its entry (as does a claimer short of free entries). A process frees its own entry when its
 * counts reach zero. Freeing bumps the entry's generation, so a CAS prepared against an earlier tenant
 * of the entry fails instead of changing the next one's counts. Only one thread per process changes that
 * process's entry (callers hold a JVM-wide lock); any process may lower another's transfers.
 */
public final class HolderTable
{
    /** Offset of the sum of every entry's counts. */
    public static final int HOLDS_OFFSET = 0;

    /** Offset of the change counter, which lets a scan notice that an entry moved while it looked. */
    public static final int CHANGES_OFFSET = HOLDS_OFFSET + Long.BYTES;

    /** Offset of the first entry. */
    public static final int ENTRIES_OFFSET = 2 * BitUtil.CACHE_LINE_LENGTH;

    /** Offset of the holder's tag within an entry. */
    public static final int TAG_OFFSET = 0;

    /** Offset of the counts word within an entry: generation, references and transfers. */
    public static final int COUNTS_OFFSET = TAG_OFFSET + Long.BYTES;

    /** Length of an entry. */
    public static final int ENTRY_LENGTH = COUNTS_OFFSET + Long.BYTES;

    private static final int REFERENCES_SHIFT = 24;
    private static final int GENERATION_SHIFT = 48;
    private static final long REFERENCE = 1L << REFERENCES_SHIFT;
    private static final long TRANSFER = 1L;
    private static final long TRANSFERS_MASK = (1L << REFERENCES_SHIFT) - 1;
    private static final long REFERENCES_MASK = TRANSFERS_MASK << REFERENCES_SHIFT;
    private static final long COUNTS_MASK = REFERENCES_MASK | TRANSFERS_MASK;
    private static final long GENERATION = 1L << GENERATION_SHIFT;

    private final AtomicBuffer buffer;
    private final int offset;
    private final int slots;
    private final String description;

    /**
     * A view of a table.
     *
     * @param buffer      the region's body.
     * @param offset      where the table starts.
     * @param slots       how many entries it has.
     * @param description what it belongs to, for messages, e.g. {@code pipe=pipe-1-2 end=1}.
     */
    public HolderTable(final AtomicBuffer buffer, final int offset, final int slots, final String description)
    {
        this.buffer = buffer;
        this.offset = offset;
        this.slots = slots;
        this.description = description;
    }

    /**
     * The length of a table.
     *
     * @param slots how many entries.
     * @return bytes, a multiple of the cache line.
     */
    public static int length(final int slots)
    {
        return BitUtil.align(ENTRIES_OFFSET + slots * ENTRY_LENGTH, BitUtil.CACHE_LINE_LENGTH);
    }

    /**
     * Finds or claims this process's entry: its own if it has one, else a free one, else one whose
     * process is dead.
     *
     * @param tag this process's tag ({@link ProcessTag#current()}; tests pass others).
     * @return the entry's offset in the buffer, for the other calls.
     * @throws Mp4jException if every entry belongs to a live process.
     */
    public int claim(final long tag)
    {
        for (int i = 0; i < slots; i++)
        {
            if (buffer.getLongVolatile(entry(i) + TAG_OFFSET) == tag)
            {
                return entry(i);
            }
        }
        for (int pass = 0; pass < 2; pass++)
        {
            for (int i = 0; i < slots; i++)
            {
                final int entry = entry(i);
                if (buffer.getLongVolatile(entry + TAG_OFFSET) == ProcessTag.NONE &&
                    buffer.compareAndSetLong(entry + TAG_OFFSET, ProcessTag.NONE, tag))
                {
                    return entry;
                }
            }
            if (pass == 0)
            {
                for (int i = 0; i < slots; i++)
                {
                    final int entry = entry(i);
                    final long holder = buffer.getLongVolatile(entry + TAG_OFFSET);
                    if (holder != ProcessTag.NONE && !ProcessTag.isAlive(holder))
                    {
                        free(entry, holder);
                    }
                }
            }
        }
        throw new Mp4jException("too many processes hold this end: " + description + " slots=" + slots +
            " (each live process that holds or has handed on a copy takes one)");
    }

    /**
     * Counts one more copy held by the entry's process.
     *
     * @param entry from {@link #claim(long)}.
     */
    public void addReference(final int entry)
    {
        add(entry, REFERENCE);
    }

    /**
     * Counts one more copy serialized by the entry's process and not yet attached anywhere.
     *
     * @param entry from {@link #claim(long)}.
     */
    public void addTransfer(final int entry)
    {
        add(entry, TRANSFER);
    }

    /**
     * Drops one copy held by the entry's process, freeing the entry when it counts nothing more.
     *
     * @param entry from {@link #claim(long)}, of this process.
     * @return the holds left, 0 once the end is closed everywhere.
     */
    public long releaseReference(final int entry)
    {
        final long counts = buffer.getAndAddLong(entry + COUNTS_OFFSET, -REFERENCE) - REFERENCE;
        changed();
        final long holds = buffer.getAndAddLong(offset + HOLDS_OFFSET, -1) - 1;
        // Nobody else raises this entry's counts (others only lower its transfers), so nothing is lost.
        if ((counts & COUNTS_MASK) == 0 && buffer.compareAndSetLong(entry + COUNTS_OFFSET, counts, counts + GENERATION))
        {
            buffer.putLongVolatile(entry + TAG_OFFSET, ProcessTag.NONE);
        }
        return holds;
    }

    /**
     * Marks a transfer done: the copy a sender serialized has been attached (call after counting the
     * attacher's reference, so that the end is never unheld in between). A handle attached twice counts once.
     *
     * @param senderTag the tag of the process that serialized the copy.
     * @return true if a transfer of that sender was outstanding.
     */
    public boolean completeTransfer(final long senderTag)
    {
        for (int i = 0; i < slots; i++)
        {
            final int entry = entry(i);
            while (true)
            {
                // Counts before tag: if the entry changed tenant in between, its generation differs and the CAS fails.
                final long counts = buffer.getLongVolatile(entry + COUNTS_OFFSET);
                if (buffer.getLongVolatile(entry + TAG_OFFSET) != senderTag)
                {
                    break;
                }
                if ((counts & TRANSFERS_MASK) == 0)
                {
                    return false;
                }
                if (buffer.compareAndSetLong(entry + COUNTS_OFFSET, counts, counts - TRANSFER))
                {
                    changed();
                    buffer.getAndAddLong(offset + HOLDS_OFFSET, -1);
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * The sum of all counts: zero means closed everywhere, for hot paths. It may stay above zero after
     * a holder died, until {@link #isHeld()} finds it dead.
     *
     * @return the holds.
     */
    public long holdsVolatile()
    {
        return buffer.getLongVolatile(offset + HOLDS_OFFSET);
    }

    /**
     * Whether a live process still holds (or is handing on) a copy, zeroing the entries of dead ones.
     * Reads {@code /proc}: call it on slow paths only.
     *
     * @return false once every copy is closed or its process died.
     */
    public boolean isHeld()
    {
        while (true)
        {
            final long changes = buffer.getLongVolatile(offset + CHANGES_OFFSET);
            if (holdsVolatile() == 0)
            {
                return false;
            }
            boolean held = false;
            for (int i = 0; i < slots && !held; i++)
            {
                final int entry = entry(i);
                final long holder = buffer.getLongVolatile(entry + TAG_OFFSET);
                if (holder == ProcessTag.NONE || (buffer.getLongVolatile(entry + COUNTS_OFFSET) & COUNTS_MASK) == 0)
                {
                    continue;
                }
                if (ProcessTag.isAlive(holder))
                {
                    held = true;
                }
                else
                {
                    free(entry, holder);
                }
            }
            // A copy attached while the scan ran may have moved from an entry not yet read to one already
            // read: look again.
            if (held || buffer.getLongVolatile(offset + CHANGES_OFFSET) == changes)
            {
                return held;
            }
        }
    }

    /**
     * The holders for messages.
     *
     * @return e.g. {@code holds=2 [pid=42 references=1 transfers=1]}.
     */
    public String describe()
    {
        final StringBuilder text = new StringBuilder("holds=").append(holdsVolatile()).append(" [");
        String separator = "";
        for (int i = 0; i < slots; i++)
        {
            final long holder = buffer.getLongVolatile(entry(i) + TAG_OFFSET);
            if (holder != ProcessTag.NONE)
            {
                final long counts = buffer.getLongVolatile(entry(i) + COUNTS_OFFSET);
                text.append(separator).append(ProcessTag.toString(holder))
                    .append(" references=").append((counts & REFERENCES_MASK) >>> REFERENCES_SHIFT)
                    .append(" transfers=").append(counts & TRANSFERS_MASK)
                    .append(ProcessTag.isAlive(holder) ? "" : " dead");
                separator = ", ";
            }
        }
        return text.append(']').toString();
    }

    private void add(final int entry, final long delta)
    {
        buffer.getAndAddLong(offset + HOLDS_OFFSET, 1);
        buffer.getAndAddLong(entry + COUNTS_OFFSET, delta);
        changed();
    }

    /** Frees a dead process's entry, taking its counts out of the holds. */
    private void free(final int entry, final long holder)
    {
        while (true)
        {
            final long counts = buffer.getLongVolatile(entry + COUNTS_OFFSET);
            if (buffer.getLongVolatile(entry + TAG_OFFSET) != holder)
            {
                return;
            }
            // The new generation makes any CAS still prepared against the dead tenant fail.
            if (buffer.compareAndSetLong(entry + COUNTS_OFFSET, counts, (counts & ~COUNTS_MASK) + GENERATION))
            {
                changed();
                final long dropped = ((counts & REFERENCES_MASK) >>> REFERENCES_SHIFT) + (counts & TRANSFERS_MASK);
                buffer.getAndAddLong(offset + HOLDS_OFFSET, -dropped);
                buffer.compareAndSetLong(entry + TAG_OFFSET, holder, ProcessTag.NONE);
                return;
            }
        }
    }

    private void changed()
    {
        buffer.getAndAddLong(offset + CHANGES_OFFSET, 1);
    }

    private int entry(final int index)
    {
        return offset + ENTRIES_OFFSET + index * ENTRY_LENGTH;
    }
}
