package io.mp4j.worker.internal;

import io.mp4j.codec.Codec;
import io.mp4j.codec.CodecDescriptor;
import io.mp4j.codec.ListCodec;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static io.mp4j.codec.CodecDescriptor.BYTE_ORDER;
import static io.mp4j.codec.CodecDescriptor.DOUBLE_ARRAY;
import static io.mp4j.codec.CodecDescriptor.INT_ARRAY;
import static io.mp4j.codec.CodecDescriptor.LONG_ARRAY;

/**
 * Applies a task's function to each item of an encoded chunk and holds the results, encoded as the
 * items were: a chunk of {@code Integer}, {@code Long} or {@code Double} is read element by element from
 * where it lies (the task ring) and results of one boxed primitive type are kept in a reused primitive
 * array, so that a chunk of numbers costs no list and no array per chunk, only the boxes the function
 * takes and returns. Any other chunk or result goes through lists and Java serialization. One per
 * worker thread; reused from task to task.
 */
final class ChunkApplier implements PoolChannel.Payload
{
    private static final int INITIAL_CAPACITY = 1024;

    private int[] ints = new int[INITIAL_CAPACITY];
    private long[] longs = new long[INITIAL_CAPACITY];
    private Object[] objects = new Object[INITIAL_CAPACITY];
    /** The results' tag: a primitive array tag, or {@link ListCodec#NOT_PRIMITIVE} for {@link #objects}. */
    private byte resultTag;
    private int resultCount;
    private byte[] serialized;

    /**
     * Applies a function to every item of a chunk.
     *
     * @param function the call's function.
     * @param buffer   where the encoded chunk is.
     * @param offset   where it starts.
     * @param length   its length, tag included.
     * @throws Exception what the function threw, or an encoding failure.
     */
    void apply(final TaskFunction function, final DirectBuffer buffer, final int offset, final int length)
        throws Exception
    {
        serialized = null;
        final byte tag = length > 0 ? buffer.getByte(offset + CodecDescriptor.TAG_OFFSET) : 0;
        final int payload = offset + CodecDescriptor.PAYLOAD_OFFSET;
        final int payloadLength = length - CodecDescriptor.PAYLOAD_OFFSET;
        final int width = tag == INT_ARRAY ? Integer.BYTES : tag == LONG_ARRAY || tag == DOUBLE_ARRAY ? Long.BYTES : 0;
        if (width != 0 && payloadLength % width == 0)
        {
            applyToNumbers(function, buffer, payload, payloadLength / width, tag);
        }
        else
        {
            final byte[] bytes = new byte[length];
            buffer.getBytes(offset, bytes);
            final List<Object> items = Codec.decodeList(bytes);
            begin(items.size());
            for (int i = 0; i < items.size(); i++)
            {
                add(i, function.apply(items.get(i)));
            }
        }
        if (resultTag == 0 || resultTag == ListCodec.NOT_PRIMITIVE)
        {
            serialized = Codec.encodeList(new ArrayList<>(Arrays.asList(objects).subList(0, resultCount)));
            Arrays.fill(objects, 0, resultCount, null);
        }
    }

    /**
     * The loop over a chunk of numbers. The first result decides the results' type; the loop after it keeps
     * results of that type and has no other way out than a result of another type, so that where the
     * function is inlined the JIT can drop the boxes the item and the result go through.
     */
    private void applyToNumbers(
        final TaskFunction function, final DirectBuffer buffer, final int payload, final int count, final byte tag)
        throws Exception
    {
        begin(count);
        if (count == 0)
        {
            return;
        }
        add(0, function.apply(item(buffer, payload, 0, tag)));
        final byte resultTag = this.resultTag;
        int i = 1;
        for (; i < count; i++)
        {
            // The checks stay in the loop's body: so C2 drops both boxes where it inlines the function (JDK 25
            // does; JDK 17 keeps them). Kept in a method of their own, or through add, the result's box escapes.
            final Object result = function.apply(item(buffer, payload, i, tag));
            if (resultTag == INT_ARRAY && result instanceof Integer value)
            {
                ints[i] = value;
            }
            else if (resultTag == LONG_ARRAY && result instanceof Long value)
            {
                longs[i] = value;
            }
            else if (resultTag == DOUBLE_ARRAY && result instanceof Double value)
            {
                longs[i] = Double.doubleToRawLongBits(value);
            }
            else
            {
                add(i++, result);
                break;
            }
        }
        for (; i < count; i++)
        {
            add(i, function.apply(item(buffer, payload, i, tag)));
        }
        resultCount = count;
    }

    private static Object item(final DirectBuffer buffer, final int payload, final int i, final byte tag)
    {
        if (tag == INT_ARRAY)
        {
            return buffer.getInt(payload + i * Integer.BYTES, BYTE_ORDER);
        }
        final long bits = buffer.getLong(payload + i * Long.BYTES, BYTE_ORDER);
        return tag == LONG_ARRAY ? (Object)bits : (Object)Double.longBitsToDouble(bits);
    }

    @Override
    public int length()
    {
        return serialized != null ? serialized.length : ListCodec.primitiveLength(resultTag, resultCount);
    }

    @Override
    public void write(final MutableDirectBuffer buffer, final int offset)
    {
        if (serialized != null)
        {
            buffer.putBytes(offset, serialized);
            return;
        }
        if (resultTag == INT_ARRAY)
        {
            ListCodec.encodeInts(ints, resultCount, buffer, offset);
        }
        else
        {
            ListCodec.encodeLongBits(resultTag, longs, resultCount, buffer, offset);
        }
    }

    private void begin(final int count)
    {
        resultCount = 0;
        resultTag = 0;
        if (ints.length < count)
        {
            final int capacity = Math.max(count, ints.length * 2);
            ints = new int[capacity];
            longs = new long[capacity];
            objects = new Object[capacity];
        }
    }

    /** Keeps result {@code i}: in a primitive array while every result so far is of the first one's type. */
    private void add(final int i, final Object result)
    {
        resultCount = i + 1;
        final byte tag = resultTag;
        if (tag == INT_ARRAY && result instanceof Integer)
        {
            ints[i] = (Integer)result;
        }
        else if (tag == LONG_ARRAY && result instanceof Long)
        {
            longs[i] = (Long)result;
        }
        else if (tag == DOUBLE_ARRAY && result instanceof Double)
        {
            longs[i] = Double.doubleToRawLongBits((Double)result);
        }
        else if (tag == 0)
        {
            resultTag = ListCodec.tagOf(result == null ? null : result.getClass());
            add(i, result);
        }
        else
        {
            if (tag != ListCodec.NOT_PRIMITIVE)
            {
                boxEarlierResults(i);
            }
            objects[i] = result;
        }
    }

    /** A result of another type came: the results before it move to the object array. */
    private void boxEarlierResults(final int count)
    {
        for (int i = 0; i < count; i++)
        {
            objects[i] = resultTag == INT_ARRAY ? Integer.valueOf(ints[i]) :
                resultTag == LONG_ARRAY ? Long.valueOf(longs[i]) : (Object)Double.longBitsToDouble(longs[i]);
        }
        resultTag = ListCodec.NOT_PRIMITIVE;
    }
}
