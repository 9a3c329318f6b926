package io.mp4j.shared;

import io.mp4j.WaitStrategy;
import io.mp4j.session.Session;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.LongBuffer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The arrays' {@code sum} methods add exactly the elements of their range (every length and range edge
 * around the four-at-a-time loop, tails included), as a left-to-right loop does for whole numbers, refuse
 * ranges outside the array and closed arrays, and never read memory a concurrent close gave back.
 */
class SharedArraySumTest
{
    private static Session session;

    @BeforeAll
    static void createSession()
    {
        session = Session.create();
    }

    @AfterAll
    static void closeSession()
    {
        session.close();
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 2, 3, 4, 5, 7, 8, 9, 1_000_003})
    void shouldSumLongsOfEveryRangeAsALoopDoesWrappingAroundOnOverflow(final int length)
    {
        try (SharedLongArray array = SharedLongArray.create(session, length, false, WaitStrategy.DEFAULT))
        {
            for (int i = 0; i < length; i++)
            {
                array.setPlain(i, i * 0x9E3779B97F4A7C15L); // overflows when added up
            }
            for (final int[] range : ranges(length))
            {
                long expected = 0;
                for (int i = range[0]; i < range[1]; i++)
                {
                    expected += array.getPlain(i);
                }
                assertEquals(expected, array.sum(range[0], range[1]), () -> "range " + range[0] + ".." + range[1]);
            }
            assertEquals(array.sum(0, length), array.sum());
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 3, 4, 5, 8, 1_000_003})
    void shouldSumIntsAsALong(final int length)
    {
        try (SharedIntArray array = SharedIntArray.create(session, length, false, WaitStrategy.DEFAULT))
        {
            for (int i = 0; i < length; i++)
            {
                array.setPlain(i, Integer.MAX_VALUE - i); // their sum is far beyond an int
            }
            for (final int[] range : ranges(length))
            {
                long expected = 0;
                for (int i = range[0]; i < range[1]; i++)
                {
                    expected += array.getPlain(i);
                }
                assertEquals(expected, array.sum(range[0], range[1]), () -> "range " + range[0] + ".." + range[1]);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 3, 4, 5, 8, 1_000_003})
    void shouldSumDoublesExactlyWhereEveryOrderIsExact(final int length)
    {
        try (SharedDoubleArray array = SharedDoubleArray.create(session, length, false, WaitStrategy.DEFAULT))
        {
            for (int i = 0; i < length; i++)
            {
                array.setPlain(i, i % 2 == 0 ? i : -0.5 * i); // whole and half numbers: every partial sum is exact
            }
            for (final int[] range : ranges(length))
            {
                double expected = 0;
                for (int i = range[0]; i < range[1]; i++)
                {
                    expected += array.getPlain(i);
                }
                assertEquals(expected, array.sum(range[0], range[1]), 0.0, () -> "range " + range[0] + ".." + range[1]);
            }
        }
    }

    @Test
    void shouldSumDoublesAsCloselyAsALoop()
    {
        final int length = 100_001;
        try (SharedDoubleArray array = SharedDoubleArray.create(session, length, false, WaitStrategy.DEFAULT))
        {
            double loop = 0;
            for (int i = 0; i < length; i++)
            {
                array.setPlain(i, 1.0 / (i + 1));
                loop += 1.0 / (i + 1);
            }
            assertEquals(loop, array.sum(), 1e-12 * loop);
        }
    }

    @Test
    void shouldRefuseRangesOutsideTheArrayAndClosedArrays()
    {
        final SharedLongArray array = SharedLongArray.create(session, 10, false, WaitStrategy.DEFAULT);
        assertThrows(IndexOutOfBoundsException.class, () -> array.sum(-1, 3));
        assertThrows(IndexOutOfBoundsException.class, () -> array.sum(3, 11));
        assertThrows(IndexOutOfBoundsException.class, () -> array.sum(5, 4));
        assertEquals(0, array.sum(4, 4));
        array.set(9, 7);
        assertEquals(7, array.sum());

        array.close();

        final IllegalStateException closed = assertThrows(IllegalStateException.class, array::sum);
        assertEquals("array closed", closed.getMessage().substring(0, "array closed".length()));
    }

    @Test
    void shouldKeepTheMappingOfAnArrayClosedWhileItIsSummed()
    {
        final int length = 4_000_000;
        final SharedLongArray array = SharedLongArray.create(session, length, false, WaitStrategy.DEFAULT);
        final LongBuffer elements = array.asLongBuffer();
        for (int i = 0; i < length; i++)
        {
            elements.put(i, 1);
        }
        final Thread closer = new Thread(array::close);
        assertEquals(length, array.sum());
        closer.start();
        // Whichever comes first, the close or a sum: a sum reads mapped memory or throws, never crashes.
        for (int i = 0; i < 50; i++)
        {
            try
            {
                assertEquals(length, array.sum());
            }
            catch (final IllegalStateException ex)
            {
                break;
            }
        }
        assertThrows(IllegalStateException.class, () ->
        {
            closer.join();
            array.sum();
        });
    }

    /** Ranges with edges at and around both ends and the loop's steps of four. */
    private static int[][] ranges(final int length)
    {
        final java.util.List<int[]> ranges = new java.util.ArrayList<>();
        for (int from = 0; from <= Math.min(length, 9); from++)
        {
            for (int to = Math.max(from, length - 9); to <= length; to++)
            {
                ranges.add(new int[]{from, to});
            }
        }
        ranges.add(new int[]{length / 3, length / 2});
        return ranges.toArray(new int[0][]);
    }
}
