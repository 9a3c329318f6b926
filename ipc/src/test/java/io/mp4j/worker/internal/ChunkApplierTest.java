package io.mp4j.worker.internal;

import io.mp4j.codec.Codec;
import io.mp4j.codec.CodecDescriptor;
import io.mp4j.codec.ListCodec;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ChunkApplierTest
{
    static Stream<Arguments> chunks()
    {
        final TaskFunction increment = x -> x instanceof Integer i ? i + 1 : x instanceof Long l ? l + 1 :
            x instanceof Double d ? d + 1 : x;
        final TaskFunction describe = x -> "item " + x;
        final TaskFunction widen = x -> ((Number)x).intValue() < 2 ? (Object)((Number)x).intValue() :
            (Object)((Number)x).longValue();
        final TaskFunction nothing = x -> null;
        final TaskFunction lastNamed = x -> Double.valueOf(3.0).equals(x) ? "three" : x;
        return Stream.of(
            Arguments.of(List.of(1, 2, 3, -4), increment, List.of(2, 3, 4, -3)),
            Arguments.of(List.of(1L, 2L, Long.MAX_VALUE - 1), increment, List.of(2L, 3L, Long.MAX_VALUE)),
            Arguments.of(List.of(0.5, -1.5), increment, List.of(1.5, -0.5)),
            Arguments.of(List.of(1, 2, 3), describe, List.of("item 1", "item 2", "item 3")),
            Arguments.of(List.of(0, 1, 2, 3), widen, List.of(0, 1, 2L, 3L)),
            Arguments.of(List.of(0.5, 1.0, 3.0), lastNamed, List.of(0.5, 1.0, "three")),
            Arguments.of(List.of(7), increment, List.of(8)),
            Arguments.of(List.of(5, 6), nothing, Arrays.asList(null, null)),
            Arguments.of(List.of("a", "b"), increment, List.of("a", "b")),
            Arguments.of(List.of(), increment, List.of()));
    }

    @ParameterizedTest
    @MethodSource("chunks")
    void shouldApplyFunctionToEveryItemAndEncodeResults(
        final List<?> items, final TaskFunction function, final List<?> expected) throws Exception
    {
        final ChunkApplier applier = new ChunkApplier();
        assertEquals(expected, applyTwice(applier, items, function));
    }

    @Test
    void shouldSendResultsOfOneNumberTypeAsPrimitiveArray() throws Exception
    {
        final ChunkApplier applier = new ChunkApplier();
        final byte[] items = Codec.encodeList(List.of(1, 2, 3));
        applier.apply(x -> (long)(Integer)x, new UnsafeBuffer(items), 0, items.length);

        final byte[] results = new byte[applier.length()];
        applier.write(new UnsafeBuffer(results), 0);

        assertEquals(CodecDescriptor.LONG_ARRAY, results[CodecDescriptor.TAG_OFFSET]);
        assertEquals(ListCodec.primitiveLength(CodecDescriptor.LONG_ARRAY, 3), results.length);
    }

    @Test
    void shouldGrowForLargerChunks() throws Exception
    {
        final ChunkApplier applier = new ChunkApplier();
        final List<Integer> items = new ArrayList<>();
        for (int i = 0; i < 5000; i++)
        {
            items.add(i);
        }
        final List<Object> results = applyTwice(applier, items, x -> (Integer)x * 2);

        assertEquals(5000, results.size());
        assertEquals(9998, results.get(4999));
    }

    @Test
    void shouldThrowWhatTheFunctionThrows()
    {
        final ChunkApplier applier = new ChunkApplier();
        final byte[] items = Codec.encodeList(List.of(1, 2));

        assertThrows(IllegalStateException.class, () -> applier.apply(x ->
        {
            throw new IllegalStateException("no");
        }, new UnsafeBuffer(items), 0, items.length));
    }

    /** Applies at an offset in a larger buffer, twice, to check that the applier is reused cleanly. */
    private static List<Object> applyTwice(final ChunkApplier applier, final List<?> items, final TaskFunction function)
        throws Exception
    {
        final byte[] encoded = Codec.encodeList(items);
        final byte[] framed = new byte[encoded.length + 16];
        System.arraycopy(encoded, 0, framed, 8, encoded.length);
        List<Object> decoded = null;
        for (int round = 0; round < 2; round++)
        {
            applier.apply(function, new UnsafeBuffer(framed), 8, encoded.length);
            final byte[] results = new byte[applier.length()];
            applier.write(new UnsafeBuffer(results), 0);
            decoded = Codec.decodeList(results);
        }
        return decoded;
    }
}
