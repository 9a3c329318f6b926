package io.mp4j.pool;

import io.mp4j.codec.ListCodec;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The result list of a gathering call: filled from encoded chunks in any order, unboxed while the results
 * are one kind of number, and an ordinary list whatever it holds.
 */
class GatheredListTest
{
    @Test
    void shouldHoldChunksOfEachNumberTypeInTheirPlacesWhateverTheirOrder()
    {
        for (final List<?> values : List.of(
            List.of(0, -1, Integer.MIN_VALUE, Integer.MAX_VALUE, 1000, 7, 8),
            List.of(0L, -1L, Long.MIN_VALUE, Long.MAX_VALUE, 1L << 40, 7L, 8L),
            List.of(0.0, -0.0, Double.NaN, Double.NEGATIVE_INFINITY, Math.PI, 7.5, 8.5)))
        {
            final GatheredList list = new GatheredList(values.size());

            assertEquals(3, decode(list, values, 3, 6, 3));
            assertEquals(1, decode(list, values, 6, 7, 6));
            assertEquals(3, decode(list, values, 0, 3, 0));

            assertEquals(values, list);
            assertEquals(values.get(2).getClass(), list.get(2).getClass());
        }
    }

    @Test
    void shouldBoxWhenChunksDifferInType()
    {
        final GatheredList ints = new GatheredList(6);
        decode(ints, List.of(1, 2, 3), 0, 3, 0);
        decode(ints, List.of(4L, 5L, 6L), 0, 3, 3);

        final GatheredList others = new GatheredList(6);
        decode(others, Arrays.asList("a", null, 3), 0, 3, 3);
        decode(others, List.of(1.5, 2.5, 3.5), 0, 3, 0);

        final GatheredList listed = new GatheredList(4);
        decode(listed, List.of(1, 2), 0, 2, 0);
        listed.put(2, List.of(3, 4));

        assertEquals(List.of(1, 2, 3, 4L, 5L, 6L), ints);
        assertEquals(Arrays.asList(1.5, 2.5, 3.5, "a", null, 3), others);
        assertEquals(List.of(1, 2, 3, 4), listed);
    }

    @Test
    void shouldRefuseChunkThatDoesNotFit()
    {
        final GatheredList list = new GatheredList(4);

        assertThrows(IndexOutOfBoundsException.class, () -> decode(list, List.of(1, 2, 3), 0, 3, 2));
        assertThrows(IndexOutOfBoundsException.class, () -> decode(list, List.of("a", "b", "c"), 0, 3, 2));
        assertThrows(IndexOutOfBoundsException.class, () -> list.put(3, List.of(1, 2)));
        assertEquals(Arrays.asList(null, null, null, null), list);
    }

    @Test
    void shouldChangeAsArrayListDoesWhateverItHolds()
    {
        final GatheredList list = new GatheredList(3);
        decode(list, List.of(10, 20, 30), 0, 3, 0);
        final List<Object> expected = new ArrayList<>(List.of(10, 20, 30));

        assertEquals(10, list.set(0, 11));
        expected.set(0, 11);
        assertEquals(expected, list);

        assertEquals(20, list.set(1, "twenty"));
        expected.set(1, "twenty");
        assertEquals(expected, list);

        list.add(null);
        list.add(0, 5L);
        expected.add(null);
        expected.add(0, 5L);
        assertEquals(30, list.remove(3));
        expected.remove(3);
        for (int i = 0; i < 20; i++)
        {
            list.add(i);
            expected.add(i);
        }

        assertEquals(expected, list);
        assertEquals(expected.hashCode(), list.hashCode());
        assertArrayEquals(expected.toArray(), list.toArray());
        assertThrows(IndexOutOfBoundsException.class, () -> list.get(expected.size()));
        assertThrows(IndexOutOfBoundsException.class, () -> list.add(expected.size() + 1, 1));
    }

    @Test
    void shouldSortAndCopyUnboxedNumbers()
    {
        final GatheredList list = new GatheredList(4);
        decode(list, List.of(4.0, 3.0, 1.0, 2.0), 0, 4, 0);

        list.sort(null);

        assertEquals(List.of(1.0, 2.0, 3.0, 4.0), list);
        assertArrayEquals(new Object[] {1.0, 2.0, 3.0, 4.0}, list.toArray());
        assertEquals(List.of(2.0, 3.0), list.subList(1, 3));
    }

    @Test
    void shouldSerializeWhatItHolds() throws Exception
    {
        final GatheredList unboxed = new GatheredList(3);
        decode(unboxed, List.of(1L, 2L, 3L), 0, 3, 0);
        final GatheredList boxed = new GatheredList(2);
        decode(boxed, List.of("x", "y"), 0, 2, 0);

        assertEquals(List.of(1L, 2L, 3L), roundTrip(unboxed));
        assertEquals(List.of("x", "y"), roundTrip(boxed));
    }

    private static int decode(final GatheredList list, final List<?> values, final int from, final int to, final int at)
    {
        final byte[] bytes = ListCodec.encode(values, from, to);
        return list.decode(new UnsafeBuffer(bytes), 0, bytes.length, at);
    }

    private static Object roundTrip(final Object value) throws Exception
    {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes))
        {
            out.writeObject(value);
        }
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray())))
        {
            return in.readObject();
        }
    }
}
