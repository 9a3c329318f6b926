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
        if (tag == INT_ARRAY && payloadLength % Integer.BYTES == 0)
        {
            final int count = payloadLength / Integer.BYTES;
            begin(count);
            for (int i = 0; i < count; i++)
            {
                add(i, function.apply(buffer.getInt(payload + i * Integer.BYTES, BYTE_ORDER)));
            }
        }
        else if (tag == LONG_ARRAY && payloadLength % Long.BYTES == 0)
        {
            final int count = payloadLength / Long.BYTES;
            begin(count);
            for (int i = 0; i < count; i++)
            {
                add(i, function.apply(buffer.getLong(payload + i * Long.BYTES, BYTE_ORDER)));
            }
        }
        else if (tag == DOUBLE_ARRAY && payloadLength % Double.BYTES == 0)
        {
            final int count = payloadLength / Double.BYTES;
            begin(count);
            for (int i = 0; i < count; i++)
            {
                add(i, function.apply(Double.longBitsToDouble(buffer.getLong(payload + i * Long.BYTES, BYTE_ORDER))));
            }
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
        buffer.putByte(offset + CodecDescriptor.TAG_OFFSET, resultTag);
        final int payload = offset + CodecDescriptor.PAYLOAD_OFFSET;
        if (resultTag == INT_ARRAY)
        {
            for (int i = 0; i < resultCount; i++)
            {
                buffer.putInt(payload + i * Integer.BYTES, ints[i], BYTE_ORDER);
            }
        }
        else
        {
            for (int i = 0; i < resultCount; i++)
            {
                buffer.putLong(payload + i * Long.BYTES, longs[i], BYTE_ORDER);
            }
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
