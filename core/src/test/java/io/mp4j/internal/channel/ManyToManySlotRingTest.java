package io.mp4j.internal.channel;

import io.mp4j.internal.ProcessIdentity;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ManyToManySlotRingTest
{
    /** A process that does not exist: pids never reach this high on Linux. */
    private static final long DEAD_TAG = ProcessTag.of(new ProcessIdentity(0x7FFF_FFF0L, 12345));

    private static ManyToManySlotRing newRing(final int capacity)
    {
        return newRing(capacity, capacity);
    }

    private static ManyToManySlotRing newRing(final int capacity, final int maxSize)
    {
        final int slotLength = QueueDescriptor.slotLength(32);
        final UnsafeBuffer buffer =
            new UnsafeBuffer(ByteBuffer.allocateDirect(QueueDescriptor.bodyLength(capacity, slotLength)));
        ManyToManySlotRing.initialise(buffer, capacity, slotLength, maxSize);
        return new ManyToManySlotRing(buffer);
    }

    private static IdleStrategy newIdleStrategy()
    {
        return new BackoffIdleStrategy(100, 10, 1_000, 100_000);
    }

    private static void put(final ManyToManySlotRing ring, final long value)
    {
        final long position = ring.tryClaimProduce();
        assertTrue(position >= 0, "position=" + position);
        ring.buffer().putLong(ring.messageOffset(position), value);
        ring.publish(position, Long.BYTES, 0);
    }

    private static long take(final ManyToManySlotRing ring)
    {
        final long position = ring.tryClaimConsume();
        assertTrue(position >= 0, "position=" + position);
        final long value = ring.buffer().getLong(ring.messageOffset(position));
        ring.release(position);
        return value;
    }

    private static void setOwner(final ManyToManySlotRing ring, final long position, final long tag)
    {
        ring.buffer().putLongVolatile(ring.messageOffset(position) - QueueDescriptor.MESSAGE_OFFSET +
            QueueDescriptor.OWNER_OFFSET, tag);
    }

    @Test
    void shouldBeFifoAndReportFullAndEmpty()
    {
        final ManyToManySlotRing ring = newRing(4);
        assertEquals(ManyToManySlotRing.EMPTY, ring.tryClaimConsume());
        for (int lap = 0; lap < 3; lap++)
        {
            for (int i = 0; i < 4; i++)
            {
                put(ring, lap * 10 + i);
            }
            assertEquals(ManyToManySlotRing.FULL, ring.tryClaimProduce());
            assertEquals(4, ring.size());
            assertEquals(Long.valueOf(lap * 10), ring.peek((buffer, offset, length, flags) -> buffer.getLong(offset)));
            for (int i = 0; i < 4; i++)
            {
                assertEquals(lap * 10 + i, take(ring));
            }
            assertEquals(ManyToManySlotRing.EMPTY, ring.tryClaimConsume());
            assertNull(ring.peek((buffer, offset, length, flags) -> 1));
        }
        assertEquals(12, ring.unfinishedTasks());
        assertTrue(ring.taskDone());
        assertEquals(11, ring.unfinishedTasks());
    }

    @Test
    void shouldHoldExactlyMaxSizeMessagesWhenTheRingHasMoreSlots()
    {
        final ManyToManySlotRing ring = newRing(8, 5);
        assertEquals(5, ring.maxSize());
        long next = 0;
        long expected = 0;
        for (int lap = 0; lap < 7; lap++)
        {
            while (ring.size() < 5)
            {
                put(ring, next++);
            }
            assertEquals(ManyToManySlotRing.FULL, ring.tryClaimProduce());
            assertEquals(5, ring.size());

            // A message being taken is no longer held: its slot is busy, but there are spare slots.
            final long claimed = ring.tryClaimConsume();
            assertEquals(expected++, ring.buffer().getLong(ring.messageOffset(claimed)));
            put(ring, next++);
            assertEquals(ManyToManySlotRing.FULL, ring.tryClaimProduce());
            ring.release(claimed);
            assertEquals(ManyToManySlotRing.FULL, ring.tryClaimProduce());

            for (int i = 0; i < 1 + lap % 5; i++)
            {
                assertEquals(expected++, take(ring));
            }
        }
    }

    @Test
    void shouldGiveBackThePlaceADeadProducerClaimedOnceAConsumerSkipsIt()
    {
        final ManyToManySlotRing ring = newRing(4, 3);
        final long claimed = ring.tryClaimProduce();
        setOwner(ring, claimed, DEAD_TAG); // the producer died before publishing
        put(ring, 1);
        put(ring, 2);
        assertEquals(ManyToManySlotRing.FULL, ring.tryClaimProduce(), "the dead claim counts until settled");

        assertEquals(-1, ring.recover(false));
        assertEquals(1, take(ring));
        put(ring, 3);
        put(ring, 4);
        assertEquals(ManyToManySlotRing.FULL, ring.tryClaimProduce());
        assertEquals(3, ring.size());
        for (long value = 2; value <= 4; value++)
        {
            assertEquals(value, take(ring));
        }
        assertEquals(0, ring.size());
    }

    @Test
    void shouldTurnAPositionClaimedByADeadProducerIntoATombstoneThatConsumersSkip()
    {
        final ManyToManySlotRing ring = newRing(4);
        final long claimed = ring.tryClaimProduce();
        setOwner(ring, claimed, DEAD_TAG); // the producer died before publishing
        put(ring, 7);

        assertEquals(ManyToManySlotRing.EMPTY, ring.tryClaimConsume()); // the head waits for the dead one
        assertEquals(-1, ring.recover(true));
        assertEquals(1, ring.tombstones());
        assertEquals(7, take(ring));
        assertEquals(ManyToManySlotRing.EMPTY, ring.tryClaimConsume());
        assertEquals(1, ring.unfinishedTasks());
    }

    @Test
    void shouldFreeASlotLockedByADeadProducerThatHadNotClaimedYet()
    {
        final ManyToManySlotRing ring = newRing(4);
        setOwner(ring, 0, DEAD_TAG); // died between locking the slot and moving the enqueue position
        assertEquals(ManyToManySlotRing.BUSY, ring.tryClaimProduce());
        ring.recover(false);
        assertEquals(0, ring.tombstones());
        put(ring, 5);
        assertEquals(5, take(ring));
    }

    @Test
    void shouldHandAMessageWhoseConsumerDiedToTheNextConsumer()
    {
        final ManyToManySlotRing ring = newRing(4);
        put(ring, 41);
        put(ring, 42);
        final long claimed = ring.tryClaimConsume();
        setOwner(ring, claimed, DEAD_TAG); // the consumer died mid-take

        assertEquals(-1, ring.recover(false), "a producer must leave it for a consumer");
        assertEquals(42, take(ring));
        final long recovered = ring.recover(true);
        assertEquals(claimed, recovered);
        assertEquals(41, ring.buffer().getLong(ring.messageOffset(recovered)));
        ring.release(recovered);
        assertEquals(-1, ring.recover(true));
        for (int i = 0; i < 8; i++)
        {
            put(ring, i);
            assertEquals(i, take(ring));
        }
    }

    @ParameterizedTest
    @CsvSource({"64, 64", "64, 37", "8, 5", "2, 1"})
    void shouldDeliverEveryMessageExactlyOnceAndHoldNoMoreThanMaxSizeBetweenManyThreads(
        final int capacity, final int maxSize)
    {
        final int producers = 4;
        final int consumers = 3;
        final int perProducer = maxSize < 8 ? 5_000 : 20_000; // thousands of laps of the ring either way
        final ManyToManySlotRing ring = newRing(capacity, maxSize);
        final AtomicLongArray seen = new AtomicLongArray(producers * perProducer);
        final AtomicInteger largestSize = new AtomicInteger();
        assertTimeoutPreemptively(java.time.Duration.ofSeconds(60), () ->
        {
            // Seven threads on two cores: a thread preempted between its claim and its publish or release
            // holds up the others, so they wait as mp4j's own waiters do (spin, yield a little, then sleep).
            // Endless yields starve the thread they wait for on Linux's EEVDF scheduler.
            final List<Thread> threads = new ArrayList<>();
            for (int p = 0; p < producers; p++)
            {
                final int producer = p;
                threads.add(new Thread(() ->
                {
                    final IdleStrategy idle = newIdleStrategy();
                    for (int i = 0; i < perProducer; i++)
                    {
                        long position;
                        while ((position = ring.tryClaimProduce()) < 0)
                        {
                            idle.idle();
                        }
                        idle.reset();
                        // Just claimed: the count is as high as this claim makes it.
                        largestSize.accumulateAndGet(ring.size(), Math::max);
                        ring.buffer().putLong(ring.messageOffset(position), (long)producer * perProducer + i);
                        ring.publish(position, Long.BYTES, 0);
                    }
                }));
            }
            final java.util.concurrent.atomic.AtomicLong taken = new java.util.concurrent.atomic.AtomicLong();
            for (int c = 0; c < consumers; c++)
            {
                threads.add(new Thread(() ->
                {
                    final IdleStrategy idle = newIdleStrategy();
                    while (taken.get() < (long)producers * perProducer)
                    {
                        final long position = ring.tryClaimConsume();
                        if (position < 0)
                        {
                            idle.idle();
                            continue;
                        }
                        idle.reset();
                        final long value = ring.buffer().getLong(ring.messageOffset(position));
                        ring.release(position);
                        seen.incrementAndGet((int)value);
                        taken.incrementAndGet();
                    }
                }));
            }
            threads.forEach(Thread::start);
            for (final Thread thread : threads)
            {
                thread.join();
            }
        });
        assertTrue(largestSize.get() <= maxSize, "largestSize=" + largestSize.get() + " maxSize=" + maxSize);
        for (int i = 0; i < seen.length(); i++)
        {
            assertEquals(1, seen.get(i), "message=" + i);
        }
        assertFalse(ring.tryClaimConsume() >= 0);
    }
}
