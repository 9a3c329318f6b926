package io.mp4j.pool;

import io.mp4j.codec.ListCodec;
import org.agrona.DirectBuffer;

import java.io.Serializable;
import java.util.AbstractList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.RandomAccess;

import static io.mp4j.codec.CodecDescriptor.DOUBLE_ARRAY;
import static io.mp4j.codec.CodecDescriptor.INT_ARRAY;
import static io.mp4j.codec.CodecDescriptor.LONG_ARRAY;

/**
 * The list a gathering call returns, filled a chunk at a time from the workers' encoded results and handed
 * over without a copy. While every result is an {@code Integer}, or every one a {@code Long}, or every one a
 * {@code Double}, the list keeps them unboxed (4 or 8 bytes each) and boxes an element as it is read, so two
 * reads of one element give equal numbers but not always the same object. Otherwise, and from the first
 * change that does not fit, it holds boxes. Either way it is an ordinary mutable list: it grows and shrinks as
 * an {@code ArrayList} does.
 */
final class GatheredList extends AbstractList<Object> implements RandomAccess, Serializable
{
    private static final long serialVersionUID = 2L;

    private int[] ints;
    private long[] longs;
    private double[] doubles;
    private Object[] elements;
    private int size;

    /**
     * A list of a size whose elements the call fills with {@link #decode} or {@link #put} before it hands the
     * list over.
     *
     * @param size how many results the call has.
     */
    GatheredList(final int size)
    {
        this.size = size;
    }

    /**
     * Fills a range from a chunk's encoded results.
     *
     * @param buffer where the encoding is.
     * @param offset where it starts.
     * @param length its length, tag included.
     * @param at     where the first result goes.
     * @return how many results there were.
     * @throws io.mp4j.EncodingException if the bytes are not an encoded list.
     * @throws IndexOutOfBoundsException if they do not fit; nothing is written then.
     */
    int decode(final DirectBuffer buffer, final int offset, final int length, final int at)
    {
        final byte tag = ListCodec.encodedTag(buffer, offset, length);
        if (!canKeepUnboxed(tag))
        {
            return ListCodec.decodeInto(buffer, offset, length, boxed(), at);
        }
        final int count = ListCodec.primitiveElements(tag, length);
        Objects.checkFromIndexSize(at, count, size);
        if (tag == INT_ARRAY)
        {
            ListCodec.decodeInts(buffer, offset, count, ints != null ? ints : (ints = new int[size]), at);
        }
        else if (tag == LONG_ARRAY)
        {
            ListCodec.decodeLongs(buffer, offset, count, longs != null ? longs : (longs = new long[size]), at);
        }
        else
        {
            ListCodec.decodeDoubles(
                buffer, offset, count, doubles != null ? doubles : (doubles = new double[size]), at);
        }
        return count;
    }

    /**
     * Fills a range from a chunk's results as a list.
     *
     * @param at      where the first result goes.
     * @param results the results.
     * @throws IndexOutOfBoundsException if they do not fit; nothing is written then.
     */
    void put(final int at, final List<?> results)
    {
        Objects.checkFromIndexSize(at, results.size(), size);
        final Object[] into = boxed();
        for (int i = 0; i < results.size(); i++)
        {
            into[at + i] = results.get(i);
        }
    }

    @Override
    public Object get(final int index)
    {
        Objects.checkIndex(index, size);
        if (ints != null)
        {
            return ints[index];
        }
        if (longs != null)
        {
            return longs[index];
        }
        if (doubles != null)
        {
            return doubles[index];
        }
        return elements != null ? elements[index] : null;
    }

    @Override
    public Object set(final int index, final Object element)
    {
        Objects.checkIndex(index, size);
        final Object previous = get(index);
        if (ints != null && element instanceof Integer)
        {
            ints[index] = (Integer)element;
        }
        else if (longs != null && element instanceof Long)
        {
            longs[index] = (Long)element;
        }
        else if (doubles != null && element instanceof Double)
        {
            doubles[index] = (Double)element;
        }
        else
        {
            boxed()[index] = element;
        }
        return previous;
    }

    @Override
    public int size()
    {
        return size;
    }

    @Override
    public void add(final int index, final Object element)
    {
        Objects.checkIndex(index, size + 1);
        Object[] array = boxed();
        if (size == array.length)
        {
            array = elements = Arrays.copyOf(array, Math.max(8, size + (size >> 1)));
        }
        System.arraycopy(array, index, array, index + 1, size - index);
        array[index] = element;
        size++;
        modCount++;
    }

    @Override
    public Object remove(final int index)
    {
        Objects.checkIndex(index, size);
        final Object[] array = boxed();
        final Object previous = array[index];
        System.arraycopy(array, index + 1, array, index, size - index - 1);
        array[--size] = null;
        modCount++;
        return previous;
    }

    @Override
    public Object[] toArray()
    {
        return elements != null ? Arrays.copyOf(elements, size) : super.toArray();
    }

    /** Whether results of a tag can be kept unboxed: it is a primitive tag, and the list holds no other kind. */
    private boolean canKeepUnboxed(final byte tag)
    {
        switch (tag)
        {
            case INT_ARRAY:
                return elements == null && longs == null && doubles == null;
            case LONG_ARRAY:
                return elements == null && ints == null && doubles == null;
            case DOUBLE_ARRAY:
                return elements == null && ints == null && longs == null;
            default:
                return false;
        }
    }

    /** The elements as boxes, which they are from now on. */
    private Object[] boxed()
    {
        if (elements == null)
        {
            final Object[] boxes = new Object[size];
            if (ints != null || longs != null || doubles != null)
            {
                for (int i = 0; i < size; i++)
                {
                    boxes[i] = get(i);
                }
            }
            ints = null;
            longs = null;
            doubles = null;
            elements = boxes;
        }
        return elements;
    }
}
