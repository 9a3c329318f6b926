package io.mp4j.codec;

import io.mp4j.EncodingException;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.Serializable;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CodecTest
{
    record Point(int x, String label) implements Serializable
    {
        private static final long serialVersionUID = 1L;
    }

    static final class NotSerializable
    {
    }

    static Stream<Object> directValues()
    {
        return Stream.of(
            null, Boolean.TRUE, Boolean.FALSE, (byte)-7, (short)-300, 'x', '\u20ac', 42, Integer.MIN_VALUE,
            Long.MAX_VALUE, -1L, 3.5f, Float.NaN, Math.PI, Double.NEGATIVE_INFINITY, "", "Hello from worker!",
            "caf\u00e9 \u20ac \uD83D\uDE00 \u0800", new byte[] {1, 2, 3}, new byte[0], new boolean[] {true, false},
            new short[] {1, -2}, new char[] {'a', '\u00ff'}, new int[] {7, -8, 9}, new long[] {Long.MIN_VALUE, 5},
            new float[] {1.5f}, new double[] {2.25, -0.0});
    }

    @ParameterizedTest
    @MethodSource("directValues")
    void shouldRoundTripDirectValuesAtAnOffset(final Object value)
    {
        assertTrue(Codec.isDirect(value));
        final UnsafeBuffer buffer = new UnsafeBuffer(ByteBuffer.allocateDirect(256));
        final int length = Codec.encodeDirect(value, buffer, 17);
        assertEquals(Codec.directLength(value), length);
        assertDeepEquals(value, Codec.decode(buffer, 17, length));
        assertDeepEquals(value, Codec.decode(Codec.encode(value)));
    }

    @Test
    void shouldEncodeStringsAsUtf8LikeTheJdk()
    {
        final String text = "a\u00e9\u20ac\uD83D\uDE00z";
        final byte[] encoded = Codec.encode(text);
        final byte[] expected = text.getBytes(StandardCharsets.UTF_8);
        assertEquals(CodecDescriptor.STRING, encoded[0]);
        assertArrayEquals(expected, java.util.Arrays.copyOfRange(encoded, 1, encoded.length));
        assertEquals("?x", Codec.decode(Codec.encode("\uD800x")));
    }

    @Test
    void shouldFallBackToJavaSerialization()
    {
        final List<Object> list = new ArrayList<>(List.of(new Point(3, "p"), 4L));
        assertFalse(Codec.isDirect(list));
        final MessageEncoder encoder = new MessageEncoder();
        final int length = encoder.prepare(list);
        final ExpandableArrayBuffer buffer = new ExpandableArrayBuffer(16);
        assertEquals(length, encoder.encode(buffer, 3));
        assertEquals(CodecDescriptor.SERIALIZED, buffer.getByte(3));
        assertEquals(list, Codec.decode(buffer, 3, length));
    }

    @Test
    void shouldRefuseNonSerializableValuesNamingTheClass()
    {
        final MessageEncoder encoder = new MessageEncoder();
        final EncodingException ex = assertThrows(EncodingException.class,
            () -> encoder.prepare(List.of(new NotSerializable())));
        assertTrue(ex.getMessage().contains(NotSerializable.class.getName()), ex.getMessage());
        assertEquals(-1, encoder.length());
    }

    @Test
    void shouldRejectCorruptMessages()
    {
        assertThrows(EncodingException.class, () -> Codec.decode(new byte[] {99, 1}));
        assertThrows(EncodingException.class, () -> Codec.decode(new byte[] {CodecDescriptor.INT, 1}));
        assertThrows(EncodingException.class, () -> Codec.decode(new byte[] {CodecDescriptor.LONG_ARRAY, 1, 2}));
        assertThrows(EncodingException.class, () -> Codec.decode(new byte[0]));
    }

    @Test
    void shouldEncodeDirectValuesWithoutAllocating()
    {
        final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();
        final UnsafeBuffer buffer = new UnsafeBuffer(ByteBuffer.allocateDirect(1024));
        final MessageEncoder encoder = new MessageEncoder();
        final Object[] values = {"Data from the process", 123_456_789L, new long[] {1, 2, 3}, 2.5, "\u20ac"};
        long sink = 0;
        for (int warm = 0; warm < 20_000; warm++)
        {
            sink += encodeAll(encoder, buffer, values);
        }

        final long id = Thread.currentThread().getId();
        final long before = threads.getThreadAllocatedBytes(id);
        for (int i = 0; i < 10_000; i++)
        {
            sink += encodeAll(encoder, buffer, values);
        }
        final long allocated = threads.getThreadAllocatedBytes(id) - before;
        assertTrue(sink > 0);
        // The measurement itself may allocate a few bytes; 50,000 encodings must not allocate one each.
        assertTrue(allocated < 10_000, "allocated=" + allocated);
    }

    private static long encodeAll(final MessageEncoder encoder, final UnsafeBuffer buffer, final Object[] values)
    {
        long total = 0;
        for (final Object value : values)
        {
            encoder.prepare(value);
            total += encoder.encode(buffer, 0);
        }
        return total;
    }

    private static void assertDeepEquals(final Object expected, final Object actual)
    {
        if (expected == null || !expected.getClass().isArray())
        {
            assertEquals(expected, actual);
            return;
        }
        assertEquals(expected.getClass(), actual.getClass());
        assertTrue(java.util.Objects.deepEquals(expected, actual));
    }

    @Test
    void shouldCarryHomogeneousListsOfBoxedNumbersAsPrimitiveArrays()
    {
        final List<Integer> ints = List.of(1, -2, 3, Integer.MAX_VALUE);
        final byte[] encoded = Codec.encodeList(ints);
        assertEquals(1 + ints.size() * Integer.BYTES, encoded.length, "a tag, then 4 bytes an element");
        assertEquals(ints, Codec.decodeList(encoded));
        assertEquals(List.of(1L, 2L), Codec.decodeList(Codec.encodeList(List.of(1L, 2L))));
        assertEquals(List.of(0.5, -1.5), Codec.decodeList(Codec.encodeList(List.of(0.5, -1.5))));
    }

    @Test
    void shouldCarryMixedListsAndNullsBySerialization()
    {
        final List<Object> mixed = Arrays.asList(1, "two", null, 3L);
        assertEquals(mixed, Codec.decodeList(Codec.encodeList(mixed)));
        final List<Integer> withNull = Arrays.asList(1, null);
        assertEquals(withNull, Codec.decodeList(Codec.encodeList(withNull)));
        assertEquals(List.of(), Codec.decodeList(Codec.encodeList(List.of())));
        assertThrows(EncodingException.class, () -> Codec.encodeList(List.of(new Object())));
        assertThrows(EncodingException.class, () -> Codec.decodeList(Codec.encode("not a list")));
    }
}
