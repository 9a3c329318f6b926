package io.mp4j.pool;

import io.mp4j.EncodingException;
import io.mp4j.test.NoLeaksExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.AbstractList;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedList;
import java.util.List;
import java.util.RandomAccess;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The pool's paths for chunks of boxed numbers (read from the caller's list as they are sent, applied
 * where they lie, decoded into the result list) and for functions kept from call to call, against the
 * general path they fall back to.
 */
@ExtendWith(NoLeaksExtension.class)
class PoolNumbersTest
{
    private static final Duration TIMEOUT = Duration.ofSeconds(90);
    /** The smallest ring: the default chunksize is capped at 256 items. */
    private static final int RING_CAPACITY = 64 * 1024;
    private static Pool pool;

    @BeforeAll
    static void startPool()
    {
        pool = new Pool(new PoolContext().processes(2).ringCapacity(RING_CAPACITY));
    }

    @AfterAll
    static void closePool()
    {
        assertTimeoutPreemptively(TIMEOUT, () -> pool.close());
        assertTrue(pool.isTerminated());
    }

    @Test
    void shouldMapBoxedNumbersOfEachTypeInOrder()
    {
        assertTimeoutPreemptively(TIMEOUT, () ->
        {
            final List<Integer> ints = IntStream.range(-50, 1000).boxed().collect(Collectors.toList());
            final List<Long> longs = ints.stream().map(i -> (long)i << 33).collect(Collectors.toList());
            final List<Double> doubles = ints.stream().map(i -> i / 4.0).collect(Collectors.toList());

            assertEquals(ints.stream().map(i -> i + 1).collect(Collectors.toList()),
                pool.map((Integer x) -> x + 1, ints, 7));
            assertEquals(longs.stream().map(l -> l - 1).collect(Collectors.toList()),
                pool.map((Long x) -> x - 1, longs, 7));
            assertEquals(doubles.stream().map(d -> d * 2).collect(Collectors.toList()),
                pool.map((Double x) -> x * 2, doubles, 7));
        });
    }

    @Test
    void shouldKeepResultsOfOneNumberTypeUnboxed()
    {
        assertTimeoutPreemptively(TIMEOUT, () ->
        {
            final int size = 200_000;
            final List<Integer> items = IntStream.range(1_000, 1_000 + size).boxed().collect(Collectors.toList());
            pool.map((Integer x) -> x + 1, items);

            final long before = allocatedBytes();
            final List<Integer> results = pool.map((Integer x) -> x + 1, items);
            final long perItem = (allocatedBytes() - before) / size;

            assertEquals(items.size(), results.size());
            assertEquals(1_001, results.get(0));
            assertEquals(1_000 + size, results.get(size - 1));
            assertTrue(perItem < 10, "parent bytes per item: " + perItem + " (an Integer and its slot take 20)");
        });
    }

    /** What every live thread of this JVM has allocated so far. */
    private static long allocatedBytes()
    {
        final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();
        long total = 0;
        for (final long allocated : threads.getThreadAllocatedBytes(threads.getAllThreadIds()))
        {
            total += Math.max(0, allocated);
        }
        return total;
    }

    @Test
    void shouldMapNumbersToResultsOfOtherOrMixedTypes()
    {
        assertTimeoutPreemptively(TIMEOUT, () ->
        {
            final List<Integer> ints = IntStream.range(0, 500).boxed().collect(Collectors.toList());

            assertEquals(ints.stream().map(i -> "n" + i).collect(Collectors.toList()),
                pool.map((Integer x) -> "n" + x, ints));
            final List<Object> mixed = pool.map((Integer x) -> x % 3 == 0 ? (Object)(long)x : x % 3 == 1 ? x : null, ints);
            for (int i = 0; i < ints.size(); i++)
            {
                assertEquals(i % 3 == 0 ? (Object)(long)i : i % 3 == 1 ? i : null, mixed.get(i));
            }
        });
    }

    @Test
    void shouldMapListsThatAreNotAllOneNumberType()
    {
        assertTimeoutPreemptively(TIMEOUT, () ->
        {
            final List<Object> items = new ArrayList<>(Arrays.asList(1, null, 3L, "four", 5.0));
            assertEquals(Arrays.asList("1", "null", "3", "four", "5.0"),
                pool.map((Object x) -> String.valueOf(x), items, 2));
            final List<Object> mostlyInts = new ArrayList<>(IntStream.range(0, 10_000).boxed().collect(Collectors.toList()));
            mostlyInts.add(5_000, "half");
            mostlyInts.add(null);
            assertEquals(mostlyInts.stream().map(String::valueOf).collect(Collectors.toList()),
                pool.map((Object x) -> String.valueOf(x), mostlyInts));
            final List<Integer> linked = new LinkedList<>(List.of(1, 2, 3));
            assertEquals(List.of(2, 4, 6), pool.map((Integer x) -> x * 2, linked));
        });
    }

    @Test
    void shouldSplitLargeDefaultChunksToFitTheRing()
    {
        assertTimeoutPreemptively(TIMEOUT, () ->
        {
            // Python's chunksize here would be 25,000 longs, 200 KB: more than an eighth of this ring.
            final List<Long> items = IntStream.range(0, 200_000).mapToObj(i -> (long)i).collect(Collectors.toList());

            final List<Long> results = pool.map((Long x) -> x * 3, items);

            assertEquals(200_000, results.size());
            assertEquals(0L, results.get(0));
            assertEquals(599_997L, results.get(199_999));
        });
    }

    @Test
    void shouldFailCallWhoseListChangesWhileItIsSent()
    {
        assertTimeoutPreemptively(TIMEOUT, () ->
        {
            final EncodingException thrown =
                assertThrows(EncodingException.class, () -> pool.map((Object x) -> x, new ChangingList(100), 10));

            assertTrue(thrown.getMessage().contains("changed during the call"), thrown.getMessage());
            assertEquals(List.of(2, 3), pool.map((Integer x) -> x + 1, List.of(1, 2)));
        });
    }

    @Test
    void shouldFailCallWhoseItemAfterANumberIsNotSerializable()
    {
        assertTimeoutPreemptively(TIMEOUT, () ->
        {
            final EncodingException thrown =
                assertThrows(EncodingException.class, () -> pool.map((Object x) -> 1, List.of(1, 2, new Object())));

            assertTrue(thrown.getMessage().contains("java.lang.Object"), thrown.getMessage());
            assertEquals(List.of(2, 3), pool.map((Integer x) -> x + 1, List.of(1, 2)));
        });
    }

    @Test
    void shouldReturnMutableResultList()
    {
        assertTimeoutPreemptively(TIMEOUT, () ->
        {
            final List<Integer> results = pool.map((Integer x) -> x, List.of(1, 2, 3));

            results.add(4);
            results.add(0, 0);
            results.remove(Integer.valueOf(2));
            results.set(0, -1);

            assertEquals(List.of(-1, 1, 3, 4), results);
            assertEquals(List.of(), pool.map((Integer x) -> x, List.of()));
            final List<Integer> empty = pool.map((Integer x) -> x, List.<Integer>of());
            empty.add(1);
            assertFalse(empty.isEmpty());
        });
    }

    @Test
    void shouldApplyLambdasThatCaptureNothingAgainAndAgain()
    {
        assertTimeoutPreemptively(TIMEOUT, () ->
        {
            for (int i = 0; i < 200; i++)
            {
                assertEquals(42, (int)pool.apply(() -> 42));
                assertEquals("other", pool.apply(() -> "other"));
            }
        });
    }

    @Test
    void shouldSendCapturedStateAsItIsAtEachCall()
    {
        assertTimeoutPreemptively(TIMEOUT, () ->
        {
            final AtomicInteger offset = new AtomicInteger(10);
            final PoolFunction<Integer, Integer> plusOffset = x -> x + offset.get();

            assertEquals(List.of(11, 12), pool.map(plusOffset, List.of(1, 2)));
            offset.set(20);
            assertEquals(List.of(21, 22), pool.map(plusOffset, List.of(1, 2)));
            assertEquals(20, (int)pool.apply(offset::get));
        });
    }

    @Test
    void shouldGiveEachCallAFreshCopyOfAFunctionWithState()
    {
        assertTimeoutPreemptively(TIMEOUT, () ->
        {
            final Counting counting = new Counting();
            for (int call = 0; call < 3; call++)
            {
                // One chunk, so one worker counts every item from its fresh copy's zero.
                assertEquals(List.of(1, 2, 3), pool.map(counting, List.of(7, 7, 7), 3));
            }
        });
    }

    /** A list of numbers that cannot give an item twice: as if it shrank during a call. */
    static final class ChangingList extends AbstractList<Object> implements RandomAccess
    {
        private final int[] reads;

        ChangingList(final int size)
        {
            this.reads = new int[size];
        }

        @Override
        public Object get(final int index)
        {
            if (reads[index]++ > 0)
            {
                throw new IndexOutOfBoundsException("the list shrank: index=" + index);
            }
            return index;
        }

        @Override
        public int size()
        {
            return reads.length;
        }
    }

    /** Counts the items it saw in its own field: state that a worker must not carry from call to call. */
    static final class Counting implements PoolFunction<Integer, Integer>
    {
        private static final long serialVersionUID = 1L;
        private int seen;

        @Override
        public Integer apply(final Integer item)
        {
            return ++seen;
        }
    }
}
