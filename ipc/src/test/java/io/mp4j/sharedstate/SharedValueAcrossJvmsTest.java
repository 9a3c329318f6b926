package io.mp4j.sharedstate;

import io.mp4j.WaitStrategy;
import io.mp4j.session.Session;
import io.mp4j.shared.SharedDoubleArray;
import io.mp4j.shared.SharedInt;
import io.mp4j.shared.SharedLong;
import io.mp4j.shared.SharedLongArray;
import io.mp4j.sync.SharedBarrier;
import io.mp4j.sync.SharedEvent;
import io.mp4j.sync.SharedLock;
import io.mp4j.sync.SharedMutex;
import io.mp4j.sync.SharedRLock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Shared values and arrays used by several child JVMs at once. */
@SuppressWarnings("try") // try (var held = lock.acquire()) marks a held section, as Python's "with lock:"
class SharedValueAcrossJvmsTest
{
    private static final Duration BOUND = Duration.ofSeconds(120);
    private static final Duration JOIN = Duration.ofSeconds(60);
    private static final int INCREMENTS = 1_000_000;

    @Test
    void shouldSumInTwoJvmsAtOnceWhatTheParentWrote()
    {
        assertTimeoutPreemptively(BOUND, () ->
        {
            final int length = 2_000_003;
            final SharedLongArray longs = SharedLongArray.createRaw(length);
            final SharedDoubleArray doubles = SharedDoubleArray.createRaw(length);
            long expectedLongs = 0;
            double expectedDoubles = 0;
            for (int i = 0; i < length; i++)
            {
                longs.setPlain(i, i * 3L);
                doubles.setPlain(i, i % 2 == 0 ? i : 0.5); // every partial sum exact, in any order
                expectedLongs += i * 3L;
                expectedDoubles += i % 2 == 0 ? i : 0.5;
            }
            final SharedLongArray longSums = SharedLongArray.createRaw(2);
            final SharedDoubleArray doubleSums = SharedDoubleArray.createRaw(2);
            final SharedBarrier startTogether = SharedBarrier.create(2);
            try (Children children = new Children())
            {
                for (int i = 0; i < 2; i++)
                {
                    final int child = i;
                    children.start("summer-" + i, () ->
                    {
                        startTogether.await(Duration.ofSeconds(30));
                        // Each sums its half, then the whole, while the other reads the same memory.
                        final int half = length / 2;
                        final long part = child == 0 ? longs.sum(0, half) : longs.sum(half, length);
                        if (longs.sum() != longs.sum(0, half) + longs.sum(half, length))
                        {
                            throw new IllegalStateException("halves do not add up");
                        }
                        longSums.set(child, part);
                        doubleSums.set(child, child == 0 ? doubles.sum(0, half) : doubles.sum(half, length));
                    });
                }
                children.joinAllSucceeded(JOIN);
            }
            assertEquals(expectedLongs, longSums.get(0) + longSums.get(1));
            assertEquals(expectedDoubles, doubleSums.get(0) + doubleSums.get(1), 0.0);
        });
    }

    @Test
    void shouldCountExactlyWhenTwoJvmsIncrementConcurrently()
    {
        assertTimeoutPreemptively(BOUND, () ->
        {
            final SharedLong counter = SharedLong.createRaw(0);
            final SharedBarrier startTogether = SharedBarrier.create(2);
            try (Children children = new Children())
            {
                for (int i = 0; i < 2; i++)
                {
                    children.start("incrementer-" + i, () ->
                    {
                        startTogether.await(Duration.ofSeconds(30));
                        for (int n = 0; n < INCREMENTS; n++)
                        {
                            counter.incrementAndGet();
                        }
                    });
                }
                children.joinAllSucceeded(JOIN);
            }
            assertEquals(2L * INCREMENTS, counter.get());
        });
    }

    @Test
    void shouldKeepLockedReadModifyWriteExactAcrossJvms()
    {
        assertTimeoutPreemptively(BOUND, () ->
        {
            final ReadModifyWriteRun run = ReadModifyWriteRun.run(true);
            assertTrue(run.iterations() > 0);
            assertEquals(run.iterations(), run.value(), "a lock-guarded read-modify-write lost updates");
        });
    }

    @Test
    void shouldLoseUpdatesWithoutTheLockProvingTheJvmsOverlap()
    {
        assertTimeoutPreemptively(BOUND, () ->
        {
            // Unguarded, the two JVMs' read-modify-writes interleave and lose updates; try a few windows,
            // so that a quiet scheduler cannot make the control pass by luck.
            ReadModifyWriteRun run = null;
            for (int attempt = 0; attempt < 5 && (run == null || run.value() == run.iterations()); attempt++)
            {
                run = ReadModifyWriteRun.run(false);
            }
            assertTrue(run.value() < run.iterations(),
                "no update lost without the lock: value=" + run.value() + " iterations=" + run.iterations());
        });
    }

    @Test
    void shouldFillSharedArrayFromChildrenInPlace()
    {
        assertTimeoutPreemptively(BOUND, () ->
        {
            final SharedDoubleArray squares = SharedDoubleArray.createRaw(8);
            try (Children children = new Children())
            {
                for (int part = 0; part < 2; part++)
                {
                    final int from = part * 4;
                    children.start("filler-" + part, () ->
                    {
                        for (int i = from; i < from + 4; i++)
                        {
                            squares.view().putDouble(i * Double.BYTES, (double)i * i);
                        }
                    });
                }
                children.joinAllSucceeded(JOIN);
            }
            assertArrayEquals(new double[]{0, 1, 4, 9, 16, 25, 36, 49}, squares.toArray());
        });
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void shouldExcludeEachOtherAcrossJvmsWhenValuesShareOneLock(final boolean reentrant)
    {
        assertTimeoutPreemptively(BOUND, () ->
        {
            // Python: lock = RLock(); total = Value('i', 0, lock=lock); sums = Array('d', 2, lock=lock)
            final SharedMutex lock = reentrant ? SharedRLock.create() : SharedLock.create();
            final SharedInt total = SharedInt.create(0, lock);
            final SharedDoubleArray sums = SharedDoubleArray.create(2, lock);
            assertSame(lock, total.getLock());
            assertSame(lock, sums.getLock());
            final SharedInt inside = SharedInt.createRaw(0);
            final SharedInt mostInside = SharedInt.createRaw(0);
            final SharedInt sameLockInChild = SharedInt.createRaw(0);
            final int rounds = 20_000;
            try (Children children = new Children())
            {
                for (int c = 0; c < 2; c++)
                {
                    final int slot = c;
                    children.start("shared-lock-" + c, () ->
                    {
                        // One child locks through the int's handle, the other through the array's.
                        final SharedMutex mine = slot == 0 ? total.getLock() : sums.getLock();
                        try (var held = mine.acquire())
                        {
                            if (total.getLock().isHeldByCurrentThread() && sums.getLock().isHeldByCurrentThread() &&
                                mine.getClass() == lock.getClass())
                            {
                                sameLockInChild.incrementAndGet();
                            }
                        }
                        for (int i = 0; i < rounds; i++)
                        {
                            try (var held = mine.acquire())
                            {
                                final int now = inside.incrementAndGet();
                                if (now > mostInside.get())
                                {
                                    mostInside.set(now);
                                }
                                total.set(total.get() + 1);
                                sums.set(slot, sums.get(slot) + 1);
                                inside.decrementAndGet();
                            }
                        }
                    });
                }
                children.joinAllSucceeded(JOIN);
            }
            assertEquals(2, sameLockInChild.get(), "each child's handles must share the one lock");
            assertEquals(1, mostInside.get(), "two holders of one lock at once");
            assertEquals(2 * rounds, total.get(), "a read-modify-write under the shared lock lost updates");
            assertArrayEquals(new double[]{rounds, rounds}, sums.toArray());
            assertTrue(!lock.isLocked());
        });
    }

    /**
     * Two child JVMs doing {@code value = value + 1} until told to stop, each counting its own
     * iterations: with the lock the value must equal the total, without it updates are lost.
     */
    record ReadModifyWriteRun(long value, long iterations)
    {
        static ReadModifyWriteRun run(final boolean guarded) throws InterruptedException
        {
            final Session session = Session.current();
            final SharedLong value = SharedLong.create(session, 0, false, WaitStrategy.DEFAULT);
            final SharedLock lock = SharedLock.create(session, WaitStrategy.DEFAULT);
            final SharedLongArray iterations = SharedLongArray.createRaw(2);
            final SharedLong running = SharedLong.createRaw(0);
            final SharedEvent stop = SharedEvent.create();
            try (Children children = new Children())
            {
                for (int i = 0; i < 2; i++)
                {
                    final int slot = i;
                    children.start("rmw-" + i, () ->
                    {
                        running.incrementAndGet();
                        long count = 0;
                        while (!stop.isSet())
                        {
                            for (int n = 0; n < 1_000; n++)
                            {
                                if (guarded)
                                {
                                    lock.lock();
                                }
                                try
                                {
                                    value.set(value.get() + 1);
                                }
                                finally
                                {
                                    if (guarded)
                                    {
                                        lock.unlock();
                                    }
                                }
                            }
                            count += 1_000;
                        }
                        iterations.set(slot, count);
                    });
                }
                while (running.get() < 2)
                {
                    Thread.sleep(10);
                }
                // Both JVMs are in their loops now; let them overlap for a while.
                Thread.sleep(500);
                stop.set();
                children.joinAllSucceeded(JOIN);
            }
            final ReadModifyWriteRun run = new ReadModifyWriteRun(value.get(), iterations.get(0) + iterations.get(1));
            System.out.println("read-modify-write across 2 JVMs: guarded=" + guarded + " value=" + run.value() +
                " iterations=" + run.iterations() + " lost=" + (run.iterations() - run.value()));
            return run;
        }
    }
}
