package io.mp4j.codec;

import io.mp4j.EncodingException;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

import static io.mp4j.codec.CodecDescriptor.BYTE_ORDER;
import static io.mp4j.codec.CodecDescriptor.DOUBLE_ARRAY;
import static io.mp4j.codec.CodecDescriptor.INT_ARRAY;
import static io.mp4j.codec.CodecDescriptor.LONG_ARRAY;
import static io.mp4j.codec.CodecDescriptor.PAYLOAD_OFFSET;
import static io.mp4j.codec.CodecDescriptor.TAG_OFFSET;

/**
 * Lists in the codec's layout, a range at a time and straight between a list and a buffer: a range whose
 * elements are all {@code Integer}, all {@code Long} or all {@code Double} is written as the matching
 * primitive array (4 or 8 bytes an element) without an array in between, and decoded back into a
 * caller's array at a position: boxing as it goes, or unboxed into a primitive array. Any other range is a
 * serialized list, as {@link Codec#encodeList(List)} makes it. All methods are stateless and safe from any thread.
 */
public final class ListCodec
{
    /** What {@link #primitiveTag(List, int, int)} says of a range that is not all one boxed primitive. */
    public static final byte NOT_PRIMITIVE = -1;

    private ListCodec()
    {
    }

    /**
     * The primitive array a range of a list travels as, if it does.
     *
     * @param values the list.
     * @param from   the first element of the range.
     * @param to     one past its last element.
     * @return {@link CodecDescriptor#INT_ARRAY}, {@link CodecDescriptor#LONG_ARRAY},
     *     {@link CodecDescriptor#DOUBLE_ARRAY} or {@link #NOT_PRIMITIVE} (also for an empty range).
     */
    public static byte primitiveTag(final List<?> values, final int from, final int to)
    {
        if (from >= to)
        {
            return NOT_PRIMITIVE;
        }
        final Object first = values.get(from);
        final Class<?> type = first == null ? null : first.getClass();
        final byte tag = tagOf(type);
        if (tag == NOT_PRIMITIVE)
        {
            return NOT_PRIMITIVE;
        }
        for (int i = from + 1; i < to; i++)
        {
            final Object value = values.get(i);
            if (value == null || value.getClass() != type)
            {
                return NOT_PRIMITIVE;
            }
        }
        return tag;
    }

    /**
     * The primitive array tag of single elements of a class.
     *
     * @param type a class, or null.
     * @return the array tag for {@code Integer}, {@code Long} and {@code Double}, else {@link #NOT_PRIMITIVE}.
     */
    public static byte tagOf(final Class<?> type)
    {
        if (type == Integer.class)
        {
            return INT_ARRAY;
        }
        if (type == Long.class)
        {
            return LONG_ARRAY;
        }
        if (type == Double.class)
        {
            return DOUBLE_ARRAY;
        }
        return NOT_PRIMITIVE;
    }

    /**
     * The encoded length of a primitive range, tag included.
     *
     * @param tag      a tag from {@link #primitiveTag(List, int, int)}, not {@link #NOT_PRIMITIVE}.
     * @param elements how many elements.
     * @return the length in bytes.
     */
    public static int primitiveLength(final byte tag, final int elements)
    {
        final long length = PAYLOAD_OFFSET + (long)elements * (tag == INT_ARRAY ? Integer.BYTES : Long.BYTES);
        if (length > Integer.MAX_VALUE - 64)
        {
            throw new EncodingException("list range too large to encode: elements=" + elements, null);
        }
        return (int)length;
    }

    /**
     * Writes a range of boxed primitives as the primitive array of a tag; the buffer must have room for
     * {@link #primitiveLength(byte, int)} bytes from {@code offset}.
     *
     * @param tag    the range's tag from {@link #primitiveTag(List, int, int)}.
     * @param values the list.
     * @param from   the first element.
     * @param to     one past the last.
     * @param buffer where to write.
     * @param offset where the encoding starts.
     * @return the encoded length, tag included.
     * @throws ClassCastException if an element is null or not of the tag's type; nothing is written after it.
     */
    public static int encodePrimitive(
        final byte tag, final List<?> values, final int from, final int to, final MutableDirectBuffer buffer,
        final int offset)
    {
        buffer.putByte(offset + TAG_OFFSET, tag);
        int index = offset + PAYLOAD_OFFSET;
        if (tag == INT_ARRAY)
        {
            for (int i = from; i < to; i++, index += Integer.BYTES)
            {
                buffer.putInt(index, element(values, i, Integer.class), BYTE_ORDER);
            }
        }
        else if (tag == LONG_ARRAY)
        {
            for (int i = from; i < to; i++, index += Long.BYTES)
            {
                buffer.putLong(index, element(values, i, Long.class), BYTE_ORDER);
            }
        }
        else
        {
            for (int i = from; i < to; i++, index += Double.BYTES)
            {
                buffer.putLong(index, Double.doubleToRawLongBits(element(values, i, Double.class)), BYTE_ORDER);
            }
        }
        return index - offset;
    }

    private static <T> T element(final List<?> values, final int i, final Class<T> type)
    {
        final Object value = values.get(i);
        if (!type.isInstance(value))
        {
            throw new ClassCastException("element " + i + " is " +
                (value == null ? "null" : "a " + value.getClass().getName()) + ", not a " + type.getName());
        }
        return type.cast(value);
    }

    /**
     * Writes ints as an {@link CodecDescriptor#INT_ARRAY} encoding; the buffer must have room for
     * {@link #primitiveLength(byte, int)} bytes from {@code offset}.
     *
     * @param values where the ints are.
     * @param count  how many, from the first.
     * @param buffer where to write.
     * @param offset where the encoding starts.
     * @return the encoded length, tag included.
     */
    public static int encodeInts(final int[] values, final int count, final MutableDirectBuffer buffer, final int offset)
    {
        final int length = primitiveLength(INT_ARRAY, count);
        buffer.putByte(offset + TAG_OFFSET, INT_ARRAY);
        writePayload(buffer, offset, length - PAYLOAD_OFFSET, view -> view.asIntBuffer().put(values, 0, count));
        return length;
    }

    /**
     * Writes 64-bit values as a {@link CodecDescriptor#LONG_ARRAY} encoding, or as a
     * {@link CodecDescriptor#DOUBLE_ARRAY} one of doubles' raw bits; the buffer must have room for
     * {@link #primitiveLength(byte, int)} bytes from {@code offset}.
     *
     * @param tag    {@link CodecDescriptor#LONG_ARRAY} or {@link CodecDescriptor#DOUBLE_ARRAY}.
     * @param values the longs, or the doubles' bits ({@link Double#doubleToRawLongBits}).
     * @param count  how many, from the first.
     * @param buffer where to write.
     * @param offset where the encoding starts.
     * @return the encoded length, tag included.
     */
    public static int encodeLongBits(
        final byte tag, final long[] values, final int count, final MutableDirectBuffer buffer, final int offset)
    {
        if (tag != LONG_ARRAY && tag != DOUBLE_ARRAY)
        {
            throw new IllegalArgumentException("not a 64-bit array tag: " + tag);
        }
        final int length = primitiveLength(tag, count);
        buffer.putByte(offset + TAG_OFFSET, tag);
        writePayload(buffer, offset, length - PAYLOAD_OFFSET, view -> view.asLongBuffer().put(values, 0, count));
        return length;
    }

    /**
     * Encodes a range of a list into a new array: a primitive array if its elements allow, else a
     * serialized list of the range.
     *
     * @param values the list; its elements must be serializable.
     * @param from   the first element.
     * @param to     one past the last.
     * @return the encoding, for {@link Codec#decodeList(byte[])} or {@link #decodeInto}.
     * @throws EncodingException if an element is not serializable.
     */
    public static byte[] encode(final List<?> values, final int from, final int to)
    {
        final byte tag = primitiveTag(values, from, to);
        if (tag == NOT_PRIMITIVE)
        {
            return Codec.encodeList(new ArrayList<>(values.subList(from, to)));
        }
        final byte[] bytes = new byte[primitiveLength(tag, to - from)];
        encodePrimitive(tag, values, from, to, new UnsafeBuffer(bytes), 0);
        return bytes;
    }

    /**
     * What an encoded list travels as.
     *
     * @param buffer where the encoding is.
     * @param offset where it starts.
     * @param length its length, tag included.
     * @return {@link CodecDescriptor#INT_ARRAY}, {@link CodecDescriptor#LONG_ARRAY} or
     *     {@link CodecDescriptor#DOUBLE_ARRAY} for a primitive range, else {@link #NOT_PRIMITIVE}.
     */
    public static byte encodedTag(final DirectBuffer buffer, final int offset, final int length)
    {
        final byte tag = length > TAG_OFFSET ? buffer.getByte(offset + TAG_OFFSET) : NOT_PRIMITIVE;
        return tag == INT_ARRAY || tag == LONG_ARRAY || tag == DOUBLE_ARRAY ? tag : NOT_PRIMITIVE;
    }

    /**
     * How many elements a primitive encoding holds.
     *
     * @param tag    its tag from {@link #encodedTag}, not {@link #NOT_PRIMITIVE}.
     * @param length its length, tag included.
     * @return the element count.
     * @throws EncodingException if the payload is not a whole number of elements.
     */
    public static int primitiveElements(final byte tag, final int length)
    {
        final int elementSize = tag == INT_ARRAY ? Integer.BYTES : Long.BYTES;
        final int payloadLength = length - PAYLOAD_OFFSET;
        if (payloadLength < 0 || payloadLength % elementSize != 0)
        {
            throw new EncodingException("array payload is not a whole number of elements: tag=" + tag +
                " payloadLength=" + payloadLength + " elementSize=" + elementSize, null);
        }
        return payloadLength / elementSize;
    }

    /**
     * Decodes an {@link CodecDescriptor#INT_ARRAY} encoding into an array from a position, unboxed.
     *
     * @param buffer where the encoding is.
     * @param offset where it starts.
     * @param count  its element count, from {@link #primitiveElements(byte, int)}.
     * @param into   where the elements go.
     * @param at     where the first one goes.
     * @throws IndexOutOfBoundsException if the array has no room for them; nothing is written then.
     */
    public static void decodeInts(
        final DirectBuffer buffer, final int offset, final int count, final int[] into, final int at)
    {
        checkRoom(into.length, at, count);
        payloadView(buffer, offset, count * Integer.BYTES).asIntBuffer().get(into, at, count);
    }

    /**
     * Decodes a {@link CodecDescriptor#LONG_ARRAY} encoding into an array from a position, unboxed.
     *
     * @param buffer where the encoding is.
     * @param offset where it starts.
     * @param count  its element count, from {@link #primitiveElements(byte, int)}.
     * @param into   where the elements go.
     * @param at     where the first one goes.
     * @throws IndexOutOfBoundsException if the array has no room for them; nothing is written then.
     */
    public static void decodeLongs(
        final DirectBuffer buffer, final int offset, final int count, final long[] into, final int at)
    {
        checkRoom(into.length, at, count);
        payloadView(buffer, offset, count * Long.BYTES).asLongBuffer().get(into, at, count);
    }

    /**
     * Decodes a {@link CodecDescriptor#DOUBLE_ARRAY} encoding into an array from a position, unboxed.
     *
     * @param buffer where the encoding is.
     * @param offset where it starts.
     * @param count  its element count, from {@link #primitiveElements(byte, int)}.
     * @param into   where the elements go.
     * @param at     where the first one goes.
     * @throws IndexOutOfBoundsException if the array has no room for them; nothing is written then.
     */
    public static void decodeDoubles(
        final DirectBuffer buffer, final int offset, final int count, final double[] into, final int at)
    {
        checkRoom(into.length, at, count);
        payloadView(buffer, offset, count * Double.BYTES).asDoubleBuffer().get(into, at, count);
    }

    /**
     * Decodes an encoded list into an array from a position, boxing primitive elements through their
     * {@code valueOf}.
     *
     * @param buffer where the encoding is.
     * @param offset where it starts.
     * @param length its length, tag included.
     * @param into   where the elements go.
     * @param at     where the first one goes.
     * @return how many elements were decoded.
     * @throws EncodingException if the bytes are not an encoded list.
     * @throws IndexOutOfBoundsException if the array has no room for them; nothing is written then.
     */
    public static int decodeInto(
        final DirectBuffer buffer, final int offset, final int length, final Object[] into, final int at)
    {
        final byte tag = encodedTag(buffer, offset, length);
        if (tag == NOT_PRIMITIVE)
        {
            final List<Object> list = Codec.decodeList(copy(buffer, offset, length));
            checkRoom(into.length, at, list.size());
            for (int i = 0; i < list.size(); i++)
            {
                into[at + i] = list.get(i);
            }
            return list.size();
        }
        final int elements = primitiveElements(tag, length);
        checkRoom(into.length, at, elements);
        final int payload = offset + PAYLOAD_OFFSET;
        if (tag == INT_ARRAY)
        {
            for (int i = 0; i < elements; i++)
            {
                into[at + i] = buffer.getInt(payload + i * Integer.BYTES, BYTE_ORDER);
            }
        }
        else if (tag == LONG_ARRAY)
        {
            for (int i = 0; i < elements; i++)
            {
                into[at + i] = buffer.getLong(payload + i * Long.BYTES, BYTE_ORDER);
            }
        }
        else
        {
            for (int i = 0; i < elements; i++)
            {
                into[at + i] = Double.longBitsToDouble(buffer.getLong(payload + i * Long.BYTES, BYTE_ORDER));
            }
        }
        return elements;
    }

    /**
     * The payload of an encoding as a byte buffer over the same memory, for the JDK's bulk copies into
     * primitive arrays: a view where the buffer wraps an array or a {@code ByteBuffer}, a copy where it wraps
     * a bare address.
     */
    private static ByteBuffer payloadView(final DirectBuffer buffer, final int offset, final int length)
    {
        final ByteBuffer view = viewOrNull(buffer, offset + PAYLOAD_OFFSET, length);
        return view != null ? view : ByteBuffer.wrap(copy(buffer, offset + PAYLOAD_OFFSET, length)).order(BYTE_ORDER);
    }

    /** Writes a payload through the JDK's bulk copies from primitive arrays, into the buffer's memory. */
    private static void writePayload(
        final MutableDirectBuffer buffer, final int offset, final int length, final Consumer<ByteBuffer> writer)
    {
        final ByteBuffer view = viewOrNull(buffer, offset + PAYLOAD_OFFSET, length);
        if (view != null)
        {
            writer.accept(view);
            return;
        }
        final byte[] bytes = new byte[length];
        writer.accept(ByteBuffer.wrap(bytes).order(BYTE_ORDER));
        buffer.putBytes(offset + PAYLOAD_OFFSET, bytes);
    }

    /** A view of a range of a buffer's memory in the codec's byte order; null where it wraps a bare address. */
    private static ByteBuffer viewOrNull(final DirectBuffer buffer, final int index, final int length)
    {
        buffer.boundsCheck(index, length);
        final byte[] array = buffer.byteArray();
        final ByteBuffer bytes = buffer.byteBuffer();
        final ByteBuffer view = array != null ? ByteBuffer.wrap(array, buffer.wrapAdjustment() + index, length) :
            bytes != null ? bytes.slice(buffer.wrapAdjustment() + index, length) : null;
        return view == null ? null : view.slice().order(BYTE_ORDER);
    }

    private static void checkRoom(final int capacity, final int at, final int elements)
    {
        if (at < 0 || elements < 0 || at > capacity - elements)
        {
            throw new IndexOutOfBoundsException("no room for a decoded list: at=" + at + " elements=" + elements +
                " capacity=" + capacity);
        }
    }

    private static byte[] copy(final DirectBuffer buffer, final int offset, final int length)
    {
        final byte[] bytes = new byte[length];
        buffer.getBytes(offset, bytes);
        return bytes;
    }
}
