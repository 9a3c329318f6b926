package io.mp4j.codec;

import io.mp4j.EncodingException;
import org.agrona.BufferUtil;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.lang.ref.Reference;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ListCodecTest
{
    static Stream<List<?>> primitiveLists()
    {
        return Stream.of(
            List.of(0, -1, Integer.MIN_VALUE, Integer.MAX_VALUE, 1000, 7),
            List.of(0L, -1L, Long.MIN_VALUE, Long.MAX_VALUE, 1L << 40, 7L),
            List.of(0.0, -0.0, Double.NaN, Double.NEGATIVE_INFINITY, Math.PI, 7.5));
    }

    static Stream<List<?>> otherLists()
    {
        return Stream.of(
            List.of("a", "b", "c", "d"),
            Arrays.asList(1, null, 3, 4),
            List.of(1, 2L, 3.0, 4),
            List.of((short)1, (short)2, (short)3),
            List.of(1.5f, 2.5f, 3.5f));
    }

    @ParameterizedTest
    @MethodSource("primitiveLists")
    void shouldEncodeRangeOfBoxedNumbersAsPrimitiveArray(final List<?> values)
    {
        final byte tag = ListCodec.primitiveTag(values, 1, 5);
        final byte[] bytes = ListCodec.encode(values, 1, 5);

        assertEquals(ListCodec.primitiveLength(tag, 4), bytes.length);
        assertEquals(tag, bytes[CodecDescriptor.TAG_OFFSET]);
        assertEquals(values.subList(1, 5), Codec.decodeList(bytes));
        assertArrayEquals(bytes, Codec.encodeList(values.subList(1, 5)));
    }

    @Test
    void shouldDecodePrimitiveRangesUnboxedAtPosition()
    {
        final byte[] ints = ListCodec.encode(List.of(5, -6, Integer.MAX_VALUE), 0, 3);
        final byte[] longs = ListCodec.encode(List.of(Long.MIN_VALUE, 7L), 0, 2);
        final byte[] doubles = ListCodec.encode(List.of(-0.0, Double.NaN), 0, 2);
        final int[] intsInto = new int[5];
        final long[] longsInto = new long[3];
        final double[] doublesInto = new double[2];

        final int intCount = ListCodec.primitiveElements(CodecDescriptor.INT_ARRAY, ints.length);
        ListCodec.decodeInts(new UnsafeBuffer(ints), 0, intCount, intsInto, 1);
        ListCodec.decodeLongs(new UnsafeBuffer(longs), 0, 2, longsInto, 1);
        ListCodec.decodeDoubles(new UnsafeBuffer(doubles), 0, 2, doublesInto, 0);

        assertEquals(3, intCount);
        assertEquals(CodecDescriptor.INT_ARRAY, ListCodec.encodedTag(new UnsafeBuffer(ints), 0, ints.length));
        assertEquals(ListCodec.NOT_PRIMITIVE,
            ListCodec.encodedTag(new UnsafeBuffer(Codec.encodeList(List.of("a"))), 0, 8));
        assertArrayEquals(new int[] {0, 5, -6, Integer.MAX_VALUE, 0}, intsInto);
        assertArrayEquals(new long[] {0, Long.MIN_VALUE, 7L}, longsInto);
        assertArrayEquals(new double[] {-0.0, Double.NaN}, doublesInto);
        assertThrows(IndexOutOfBoundsException.class,
            () -> ListCodec.decodeInts(new UnsafeBuffer(ints), 0, 3, intsInto, 3));
        assertThrows(EncodingException.class, () -> ListCodec.primitiveElements(CodecDescriptor.LONG_ARRAY, 12));
    }

    @ParameterizedTest
    @MethodSource("primitiveLists")
    void shouldDecodePrimitiveRangeIntoArrayAtPosition(final List<?> values)
    {
        final byte[] bytes = ListCodec.encode(values, 0, values.size());
        final Object[] into = new Object[values.size() + 3];

        final int decoded = ListCodec.decodeInto(new UnsafeBuffer(bytes), 0, bytes.length, into, 2);

        assertEquals(values.size(), decoded);
        assertEquals(values, Arrays.asList(into).subList(2, 2 + values.size()));
        assertEquals(null, into[0]);
        assertEquals(null, into[into.length - 1]);
    }

    @ParameterizedTest
    @MethodSource("otherLists")
    void shouldFallBackToSerializedListForOtherElements(final List<?> values)
    {
        assertEquals(ListCodec.NOT_PRIMITIVE, ListCodec.primitiveTag(values, 0, values.size()));
        final byte[] bytes = ListCodec.encode(values, 1, values.size());
        assertEquals(CodecDescriptor.SERIALIZED, bytes[CodecDescriptor.TAG_OFFSET]);

        final Object[] into = new Object[values.size()];
        final int decoded = ListCodec.decodeInto(new UnsafeBuffer(bytes), 0, bytes.length, into, 1);

        assertEquals(values.size() - 1, decoded);
        assertEquals(values.subList(1, values.size()), Arrays.asList(into).subList(1, values.size()));
    }

    @Test
    void shouldEncodeListOfOneNullAsNullValue()
    {
        final List<Object> single = new ArrayList<>();
        single.add(null);

        final byte[] bytes = Codec.encodeList(single);

        assertEquals(1, bytes.length);
        assertEquals(single, Codec.decodeList(bytes));
        final Object[] into = {"x"};
        assertEquals(1, ListCodec.decodeInto(new UnsafeBuffer(bytes), 0, bytes.length, into, 0));
        assertEquals(null, into[0]);
    }

    @Test
    void shouldRefuseToDecodeBeyondTheArray()
    {
        final byte[] bytes = ListCodec.encode(List.of(1, 2, 3), 0, 3);
        final Object[] into = new Object[4];

        assertThrows(IndexOutOfBoundsException.class,
            () -> ListCodec.decodeInto(new UnsafeBuffer(bytes), 0, bytes.length, into, 2));
        assertArrayEquals(new Object[4], into);
    }

    @Test
    void shouldFailToEncodeRangeWhoseElementsChangedType()
    {
        final List<Object> values = new ArrayList<>(List.of(1, 2, 3));
        final byte tag = ListCodec.primitiveTag(values, 0, 3);
        values.set(1, "two");
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[ListCodec.primitiveLength(tag, 3)]);

        assertThrows(ClassCastException.class, () -> ListCodec.encodePrimitive(tag, values, 0, 3, buffer, 0));
        values.set(1, null);
        final ClassCastException nulled =
            assertThrows(ClassCastException.class, () -> ListCodec.encodePrimitive(tag, values, 0, 3, buffer, 0));
        assertTrue(nulled.getMessage().contains("element 1 is null"), nulled.getMessage());
    }

    @Test
    void shouldEncodeAndDecodeWhereverTheBufferWrapsItsMemory()
    {
        final byte[] longs = ListCodec.encode(List.of(1L, -2L, Long.MAX_VALUE), 0, 3);
        final byte[] ints = ListCodec.encode(List.of(3, Integer.MIN_VALUE), 0, 2);
        final int at = 13;
        final int size = at + longs.length + 3;
        final ByteBuffer direct = ByteBuffer.allocateDirect(2 * size);
        final ByteBuffer heap = ByteBuffer.wrap(new byte[size + 5], 5, size).slice();
        final UnsafeBuffer address = new UnsafeBuffer(BufferUtil.address(direct) + size, size);

        for (final UnsafeBuffer buffer : List.of(new UnsafeBuffer(new byte[size], 7, size - 7),
            new UnsafeBuffer(direct, 7, size - 7), new UnsafeBuffer(heap, 7, size - 7),
            new UnsafeBuffer(address, 7, size - 7)))
        {
            assertEquals(longs.length, ListCodec.encodeLongBits(
                CodecDescriptor.LONG_ARRAY, new long[] {1L, -2L, Long.MAX_VALUE, 9L}, 3, buffer, at - 7));
            final byte[] written = new byte[longs.length];
            buffer.getBytes(at - 7, written);
            assertArrayEquals(longs, written);
            final long[] into = new long[4];
            ListCodec.decodeLongs(buffer, at - 7, 3, into, 1);
            assertArrayEquals(new long[] {0, 1L, -2L, Long.MAX_VALUE}, into);
            assertThrows(IndexOutOfBoundsException.class, () -> ListCodec.decodeLongs(buffer, at - 2, 3, new long[3], 0));
            assertThrows(IndexOutOfBoundsException.class,
                () -> ListCodec.encodeLongBits(CodecDescriptor.LONG_ARRAY, new long[3], 3, buffer, at - 2));

            assertEquals(ints.length, ListCodec.encodeInts(new int[] {3, Integer.MIN_VALUE}, 2, buffer, 0));
            final int[] intsInto = new int[2];
            ListCodec.decodeInts(buffer, 0, 2, intsInto, 0);
            assertArrayEquals(new int[] {3, Integer.MIN_VALUE}, intsInto);
        }
        assertThrows(IllegalArgumentException.class,
            () -> ListCodec.encodeLongBits(CodecDescriptor.INT_ARRAY, new long[1], 1, new UnsafeBuffer(new byte[64]), 0));
        Reference.reachabilityFence(direct);
    }

    @Test
    void shouldSeeNoPrimitiveInEmptyRange()
    {
        assertEquals(ListCodec.NOT_PRIMITIVE, ListCodec.primitiveTag(List.of(1, 2), 1, 1));
        assertEquals(List.of(), Codec.decodeList(ListCodec.encode(List.of(1, 2), 1, 1)));
    }
}
