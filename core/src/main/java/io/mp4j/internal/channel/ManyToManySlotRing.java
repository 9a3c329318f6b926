package io.mp4j.internal.channel;

import org.agrona.concurrent.AtomicBuffer;

import static io.mp4j.internal.channel.QueueDescriptor.CAPACITY_OFFSET;
import static io.mp4j.internal.channel.QueueDescriptor.DEQUEUE_POSITION_OFFSET;
import static io.mp4j.internal.channel.QueueDescriptor.ENQUEUE_POSITION_OFFSET;
import static io.mp4j.internal.channel.QueueDescriptor.FLAGS_OFFSET;
import static io.mp4j.internal.channel.QueueDescriptor.LENGTH_OFFSET;
import static io.mp4j.internal.channel.QueueDescriptor.MAX_SIZE_OFFSET;
import static io.mp4j.internal.channel.QueueDescriptor.MESSAGE_OFFSET;
import static io.mp4j.internal.channel.QueueDescriptor.OWNER_OFFSET;
import static io.mp4j.internal.channel.QueueDescriptor.SEQUENCE_OFFSET;
import static io.mp4j.internal.channel.QueueDescriptor.SLOTS_OFFSET;
import static io.mp4j.internal.channel.QueueDescriptor.SLOT_LENGTH_OFFSET;
import static io.mp4j.internal.channel.QueueDescriptor.TASKS_DONE_OFFSET;
import static io.mp4j.internal.channel.QueueDescriptor.TOMBSTONE;
import static io.mp4j.internal.channel.QueueDescriptor.TOMBSTONES_OFFSET;

/**
 * A bounded many-to-many queue of fixed-length slots in shared memory, for any number of producer and
 * consumer processes and threads; layout in {@link QueueDescriptor}.
 * <p>
 * It is Vyukov's bounded queue (a sequence word per slot says whose turn it is: the producer of position
 * {@code p} when it equals {@code p}, its consumer when it equals {@code p + 1}) with one addition that
 * makes it survive a process killed at any instruction: a process claims a slot by CAS-ing its
 * {@link ProcessTag} into the slot's owner word before it touches anything else, and only the owner
 * advances the enqueue or dequeue position, writes the slot and hands the slot on (a release-store of
 * the sequence, then of the owner). So:
 * <ul>
 *     <li>A message becomes visible to consumers only by the release-store of its sequence, after the
 *     whole message is written: a producer that dies mid-message never leaves a torn message.</li>
 *     <li>A slot whose owner died is found by {@link #recover(boolean)}, which waiters call every so
 *     often: a position a dead producer claimed but never published becomes a tombstone that consumers
 *     skip; a message a dead consumer claimed but never finished taking is handed to the next consumer
 *     that recovers it, so it is delivered exactly once all the same.</li>
 * </ul>
 * The queue holds at most {@link #maxSize()} messages, which may be fewer than its power-of-two number of
 * slots: a producer claims position {@code p} only while {@code p - dequeuePosition < maxSize}, and since
 * the dequeue position only grows, no race can take the count above it. The count is made of positions
 * only, so what a dead process held is given back by the same recovery that frees its slot.
 * <p>
 * The calls below never wait; waiting is the caller's business (see {@link io.mp4j.internal.Waiter}).
 */
public final class ManyToManySlotRing
{
    /** {@link #tryClaimProduce()}: the queue holds {@link #maxSize()} messages, or every slot is in use. */
    public static final long FULL = -1;

    /** {@link #tryClaimConsume()}: no message is published at the head. */
    public static final long EMPTY = -2;

    /** Either claim: a slot's owner has held it for a while; wait, then try again. */
    public static final long BUSY = -3;

    private static final int OWNER_SPINS = 1_000;

    private final AtomicBuffer buffer;
    private final int capacity;
    private final int maxSize;
    private final int mask;
    private final int slotLength;
    private final long self = ProcessTag.current();

    /**
     * Wraps a queue body that {@link #initialise(AtomicBuffer, int, int)} prepared.
     *
     * @param buffer the region body.
     */
    public ManyToManySlotRing(final AtomicBuffer buffer)
    {
        this.buffer = buffer;
        this.capacity = buffer.getIntVolatile(CAPACITY_OFFSET);
        this.slotLength = buffer.getInt(SLOT_LENGTH_OFFSET);
        final int storedMaxSize = buffer.getInt(MAX_SIZE_OFFSET);
        this.maxSize = storedMaxSize == 0 ? capacity : storedMaxSize;
        this.mask = capacity - 1;
        QueueDescriptor.bodyLength(capacity, slotLength);
        if (maxSize < 1 || maxSize > capacity)
        {
            throw new IllegalArgumentException("invalid queue max size: maxSize=" + maxSize + " capacity=" + capacity);
        }
        if (buffer.capacity() < QueueDescriptor.bodyLength(capacity, slotLength))
        {
            throw new IllegalArgumentException("queue body truncated: capacity=" + buffer.capacity() +
                " expected=" + QueueDescriptor.bodyLength(capacity, slotLength));
        }
    }

    /**
     * Prepares a zeroed body that holds as many messages as it has slots.
     *
     * @param buffer     the region body, zeroed.
     * @param capacity   number of slots, a power of two of at least 2.
     * @param slotLength length of each slot, from {@link QueueDescriptor#slotLength(int)}.
     */
    public static void initialise(final AtomicBuffer buffer, final int capacity, final int slotLength)
    {
        initialise(buffer, capacity, slotLength, capacity);
    }

    /**
     * Prepares a zeroed body: slot {@code i} waits for the producer of position {@code i}. Call once, from
     * the creating process, before anyone wraps the body.
     *
     * @param buffer     the region body, zeroed.
     * @param capacity   number of slots, a power of two of at least 2.
     * @param slotLength length of each slot, from {@link QueueDescriptor#slotLength(int)}.
     * @param maxSize    how many messages the queue holds, 1 to {@code capacity}.
     */
    public static void initialise(
        final AtomicBuffer buffer, final int capacity, final int slotLength, final int maxSize)
    {
        QueueDescriptor.bodyLength(capacity, slotLength);
        if (maxSize < 1 || maxSize > capacity)
        {
            throw new IllegalArgumentException("invalid queue max size: maxSize=" + maxSize + " capacity=" + capacity);
        }
        buffer.putInt(SLOT_LENGTH_OFFSET, slotLength);
        buffer.putInt(MAX_SIZE_OFFSET, maxSize);
        for (int i = 0; i < capacity; i++)
        {
            buffer.putLong(SLOTS_OFFSET + i * slotLength + SEQUENCE_OFFSET, i);
        }
        buffer.putIntOrdered(CAPACITY_OFFSET, capacity);
    }

    /**
     * Number of slots.
     *
     * @return the capacity.
     */
    public int capacity()
    {
        return capacity;
    }

    /**
     * How many messages the queue holds before {@link #tryClaimProduce()} answers {@link #FULL}: Python's
     * {@code maxsize}.
     *
     * @return 1 to {@link #capacity()}.
     */
    public int maxSize()
    {
        return maxSize;
    }

    /**
     * The largest message a slot holds.
     *
     * @return bytes.
     */
    public int maxMessageLength()
    {
        return slotLength - MESSAGE_OFFSET;
    }

    /**
     * The buffer messages are written to and read from, at {@link #messageOffset(long)}.
     *
     * @return the region body.
     */
    public AtomicBuffer buffer()
    {
        return buffer;
    }

    /**
     * Where the message of a claimed position starts in {@link #buffer()}.
     *
     * @param position a position this thread has claimed.
     * @return the offset.
     */
    public int messageOffset(final long position)
    {
        return slotOffset(position) + MESSAGE_OFFSET;
    }

    /**
     * The length of the message at a position claimed with {@link #tryClaimConsume()}.
     *
     * @param position the claimed position.
     * @return bytes.
     */
    public int messageLength(final long position)
    {
        return buffer.getInt(slotOffset(position) + LENGTH_OFFSET);
    }

    /**
     * The flags of the message at a position claimed with {@link #tryClaimConsume()}.
     *
     * @param position the claimed position.
     * @return the flags given to {@link #publish(long, int, int)}, e.g. {@link QueueDescriptor#FLAG_SPILLED}.
     */
    public int messageFlags(final long position)
    {
        return buffer.getInt(slotOffset(position) + FLAGS_OFFSET);
    }

    /**
     * Claims the next position for a message. On success the caller writes the message at
     * {@link #messageOffset(long)} and must call {@link #publish(long, int, int)}.
     *
     * @return the claimed position (0 or more), {@link #FULL} or {@link #BUSY}.
     */
    public long tryClaimProduce()
    {
        int spins = 0;
        while (true)
        {
            final long position = buffer.getLongVolatile(ENQUEUE_POSITION_OFFSET);
            final int slot = slotOffset(position);
            final long sequence = buffer.getLongVolatile(slot + SEQUENCE_OFFSET);
            if (sequence == position)
            {
                // With as many slots as messages, a free slot is room enough; with more, the count decides.
                // The dequeue position only grows, so a count below maxSize now stays below it at the CAS.
                if (maxSize != capacity &&
                    position - buffer.getLongVolatile(DEQUEUE_POSITION_OFFSET) >= maxSize)
                {
                    return FULL;
                }
                if (buffer.compareAndSetLong(slot + OWNER_OFFSET, ProcessTag.NONE, self))
                {
                    // Only the owner of the slot hands position on, so a sequence still equal to the
                    // position means nobody has produced into it: it is ours.
                    if (buffer.getLongVolatile(slot + SEQUENCE_OFFSET) == position &&
                        buffer.compareAndSetLong(ENQUEUE_POSITION_OFFSET, position, position + 1))
                    {
                        return position;
                    }
                    buffer.putLongOrdered(slot + OWNER_OFFSET, ProcessTag.NONE);
                }
                else if (++spins > OWNER_SPINS)
                {
                    return BUSY;
                }
                Thread.onSpinWait();
            }
            else if (sequence < position)
            {
                return FULL;
            }
        }
    }

    /**
     * Makes a written message visible to consumers and gives up the slot.
     *
     * @param position the position claimed with {@link #tryClaimProduce()}.
     * @param length   the message's length, at most {@link #maxMessageLength()}.
     * @param flags    0, or {@link QueueDescriptor#FLAG_SPILLED} if the message is a spill file's name.
     */
    public void publish(final long position, final int length, final int flags)
    {
        final int slot = slotOffset(position);
        buffer.putInt(slot + LENGTH_OFFSET, length);
        buffer.putInt(slot + FLAGS_OFFSET, flags);
        // The sequence before the owner: while the owner is set, nobody else may act on the slot.
        buffer.putLongOrdered(slot + SEQUENCE_OFFSET, position + 1);
        buffer.putLongOrdered(slot + OWNER_OFFSET, ProcessTag.NONE);
    }

    /**
     * Gives up a claimed position without a message (its message could not be written): consumers skip
     * it, and it counts as a tombstone.
     *
     * @param position the position claimed with {@link #tryClaimProduce()}.
     */
    public void abandon(final long position)
    {
        final int slot = slotOffset(position);
        buffer.putInt(slot + LENGTH_OFFSET, TOMBSTONE);
        buffer.getAndAddLong(TOMBSTONES_OFFSET, 1);
        buffer.putLongOrdered(slot + SEQUENCE_OFFSET, position + 1);
        buffer.putLongOrdered(slot + OWNER_OFFSET, ProcessTag.NONE);
    }

    /**
     * Claims the message at the head. On success the caller reads it at {@link #messageOffset(long)}
     * ({@link #messageLength(long)} bytes) and must call {@link #release(long)}.
     *
     * @return the claimed position (0 or more), {@link #EMPTY} or {@link #BUSY}.
     */
    public long tryClaimConsume()
    {
        int spins = 0;
        while (true)
        {
            final long position = buffer.getLongVolatile(DEQUEUE_POSITION_OFFSET);
            final int slot = slotOffset(position);
            final long sequence = buffer.getLongVolatile(slot + SEQUENCE_OFFSET);
            if (sequence == position + 1)
            {
                if (buffer.compareAndSetLong(slot + OWNER_OFFSET, ProcessTag.NONE, self))
                {
                    if (buffer.getLongVolatile(slot + SEQUENCE_OFFSET) == position + 1 &&
                        buffer.compareAndSetLong(DEQUEUE_POSITION_OFFSET, position, position + 1))
                    {
                        if (buffer.getInt(slot + LENGTH_OFFSET) != TOMBSTONE)
                        {
                            return position;
                        }
                        release(position);
                        spins = 0;
                        continue;
                    }
                    buffer.putLongOrdered(slot + OWNER_OFFSET, ProcessTag.NONE);
                }
                else if (++spins > OWNER_SPINS)
                {
                    return BUSY;
                }
                Thread.onSpinWait();
            }
            else if (sequence <= position)
            {
                return EMPTY;
            }
        }
    }

    /**
     * Frees the slot of a message that has been read, for the producer one lap later.
     *
     * @param position the position claimed with {@link #tryClaimConsume()} or {@link #recover(boolean)}.
     */
    public void release(final long position)
    {
        final int slot = slotOffset(position);
        buffer.putLongOrdered(slot + SEQUENCE_OFFSET, position + capacity);
        buffer.putLongOrdered(slot + OWNER_OFFSET, ProcessTag.NONE);
    }

    /**
     * The slow path, for waiters to call every so often: looks at every slot owned by a process that has
     * died. A position a dead producer claimed becomes a tombstone (or is simply freed, if the producer had
     * not yet advanced the enqueue position). A message a dead consumer claimed is taken over by the
     * caller if it is a consumer, and left for a consumer otherwise. Reads {@code /proc} for each owned
     * slot: never call it on a fast path.
     *
     * @param asConsumer true if the caller will take a message whose consumer died.
     * @return a position the caller now owns as a consumer (read it, then {@link #release(long)}), or -1.
     */
    public long recover(final boolean asConsumer)
    {
        for (int i = 0; i < capacity; i++)
        {
            final int slot = SLOTS_OFFSET + i * slotLength;
            final long owner = buffer.getLongVolatile(slot + OWNER_OFFSET);
            if (owner == ProcessTag.NONE || owner == self)
            {
                continue;
            }

            final long sequence = buffer.getLongVolatile(slot + SEQUENCE_OFFSET);
            final boolean producerTurn = (sequence & mask) == i;
            if ((!producerTurn && !asConsumer) || ProcessTag.isAlive(owner) ||
                !buffer.compareAndSetLong(slot + OWNER_OFFSET, owner, self))
            {
                continue;
            }
            if (buffer.getLongVolatile(slot + SEQUENCE_OFFSET) != sequence)
            {
                buffer.putLongOrdered(slot + OWNER_OFFSET, ProcessTag.NONE);
                continue;
            }

            if (producerTurn)
            {
                if (buffer.getLongVolatile(ENQUEUE_POSITION_OFFSET) > sequence)
                {
                    // Claimed and counted, never published: consumers must skip it, not wait for it.
                    buffer.putInt(slot + LENGTH_OFFSET, TOMBSTONE);
                    buffer.getAndAddLong(TOMBSTONES_OFFSET, 1);
                    buffer.putLongOrdered(slot + SEQUENCE_OFFSET, sequence + 1);
                }
                buffer.putLongOrdered(slot + OWNER_OFFSET, ProcessTag.NONE);
            }
            else
            {
                final long position = sequence - 1;
                if (buffer.getLongVolatile(DEQUEUE_POSITION_OFFSET) > position &&
                    buffer.getInt(slot + LENGTH_OFFSET) != TOMBSTONE)
                {
                    // The dead consumer had moved the head past it: nobody else will ever look here.
                    return position;
                }
                if (buffer.getLongVolatile(DEQUEUE_POSITION_OFFSET) > position)
                {
                    release(position);
                }
                else
                {
                    buffer.putLongOrdered(slot + OWNER_OFFSET, ProcessTag.NONE);
                }
            }
        }
        return -1;
    }

    /**
     * Messages in the queue, counting those being written right now (and positions given up by dead
     * producers that no consumer has skipped yet): exact when the queue is quiet, a snapshot otherwise.
     * It is the count {@link #maxSize()} bounds, read as one consistent pair of positions, so it never
     * exceeds the bound.
     *
     * @return 0 to {@link #maxSize()}.
     */
    public int size()
    {
        while (true)
        {
            final long dequeue = buffer.getLongVolatile(DEQUEUE_POSITION_OFFSET);
            final long enqueue = buffer.getLongVolatile(ENQUEUE_POSITION_OFFSET);
            if (dequeue == buffer.getLongVolatile(DEQUEUE_POSITION_OFFSET))
            {
                return (int)Math.max(0, enqueue - dequeue);
            }
        }
    }

    /**
     * Positions claimed by producers so far, given up ones included.
     *
     * @return the enqueue position.
     */
    public long enqueuePosition()
    {
        return buffer.getLongVolatile(ENQUEUE_POSITION_OFFSET);
    }

    /**
     * Positions given up because their producer died before publishing.
     *
     * @return the number of tombstones.
     */
    public long tombstones()
    {
        return buffer.getLongVolatile(TOMBSTONES_OFFSET);
    }

    /**
     * Messages put and not yet marked done with {@link #taskDone()}: positions claimed, minus tombstones,
     * minus tasks done. A message being written counts, so a join never misses it.
     *
     * @return the number of unfinished tasks.
     */
    public long unfinishedTasks()
    {
        final long done = buffer.getLongVolatile(TASKS_DONE_OFFSET);
        final long tombstones = buffer.getLongVolatile(TOMBSTONES_OFFSET);
        return buffer.getLongVolatile(ENQUEUE_POSITION_OFFSET) - tombstones - done;
    }

    /**
     * Marks one task done, unless that would make more tasks done than were put.
     *
     * @return true if counted, false if every task put is already done.
     */
    public boolean taskDone()
    {
        while (true)
        {
            final long done = buffer.getLongVolatile(TASKS_DONE_OFFSET);
            final long tombstones = buffer.getLongVolatile(TOMBSTONES_OFFSET);
            if (done + tombstones >= buffer.getLongVolatile(ENQUEUE_POSITION_OFFSET))
            {
                return false;
            }
            if (buffer.compareAndSetLong(TASKS_DONE_OFFSET, done, done + 1))
            {
                return true;
            }
        }
    }

    /**
     * Reads the head message without taking it, for {@code peek}: the read is retried until the slot did
     * not change under it.
     *
     * @param reader called with the buffer, offset, length and flags of the message; may be called more
     *               than once, must not keep the buffer.
     * @param <T>    what the reader returns.
     * @return the reader's result, or null if the queue is empty.
     */
    public <T> T peek(final MessageReader<T> reader)
    {
        long position = buffer.getLongVolatile(DEQUEUE_POSITION_OFFSET);
        while (true)
        {
            final int slot = slotOffset(position);
            final long sequence = buffer.getLongVolatile(slot + SEQUENCE_OFFSET);
            if (sequence <= position)
            {
                return null;
            }
            if (sequence == position + 1)
            {
                final int length = buffer.getInt(slot + LENGTH_OFFSET);
                if (length == TOMBSTONE)
                {
                    position++;
                    continue;
                }

                T value = null;
                RuntimeException failure = null;
                if (length >= 0 && length <= maxMessageLength())
                {
                    try
                    {
                        value = reader.read(buffer, slot + MESSAGE_OFFSET, length, buffer.getInt(slot + FLAGS_OFFSET));
                    }
                    catch (final RuntimeException ex)
                    {
                        failure = ex;
                    }
                }
                // Valid only if the slot still held this message, untaken, after the read.
                if (buffer.getLongVolatile(slot + SEQUENCE_OFFSET) == sequence &&
                    buffer.getLongVolatile(DEQUEUE_POSITION_OFFSET) <= position)
                {
                    if (failure != null)
                    {
                        throw failure;
                    }
                    return value;
                }
            }
            Thread.onSpinWait();
            position = buffer.getLongVolatile(DEQUEUE_POSITION_OFFSET);
        }
    }

    private int slotOffset(final long position)
    {
        return SLOTS_OFFSET + (int)(position & mask) * slotLength;
    }

    /**
     * Reads a message in place.
     *
     * @param <T> what it makes of the message.
     */
    @FunctionalInterface
    public interface MessageReader<T>
    {
        /**
         * Reads a message.
         *
         * @param buffer where the message is.
         * @param offset where it starts.
         * @param length its length.
         * @param flags  its flags, e.g. {@link QueueDescriptor#FLAG_SPILLED}.
         * @return the value read.
         */
        T read(AtomicBuffer buffer, int offset, int length, int flags);
    }
}
