package io.mp4j.codec;

import io.mp4j.EncodingException;
import io.mp4j.internal.JavaSerialization;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static io.mp4j.codec.CodecDescriptor.BOOLEAN;
import static io.mp4j.codec.CodecDescriptor.BOOLEAN_ARRAY;
import static io.mp4j.codec.CodecDescriptor.BYTE;
import static io.mp4j.codec.CodecDescriptor.BYTE_ARRAY;
import static io.mp4j.codec.CodecDescriptor.BYTE_ORDER;
import static io.mp4j.codec.CodecDescriptor.CHAR;
import static io.mp4j.codec.CodecDescriptor.CHAR_ARRAY;
import static io.mp4j.codec.CodecDescriptor.DOUBLE;
import static io.mp4j.codec.CodecDescriptor.DOUBLE_ARRAY;
import static io.mp4j.codec.CodecDescriptor.FLOAT;
import static io.mp4j.codec.CodecDescriptor.FLOAT_ARRAY;
import static io.mp4j.codec.CodecDescriptor.INT;
import static io.mp4j.codec.CodecDescriptor.INT_ARRAY;
import static io.mp4j.codec.CodecDescriptor.LONG;
import static io.mp4j.codec.CodecDescriptor.LONG_ARRAY;
import static io.mp4j.codec.CodecDescriptor.NULL;
import static io.mp4j.codec.CodecDescriptor.PAYLOAD_OFFSET;
import static io.mp4j.codec.CodecDescriptor.SERIALIZED;
import static io.mp4j.codec.CodecDescriptor.SHORT;
import static io.mp4j.codec.CodecDescriptor.SHORT_ARRAY;
import static io.mp4j.codec.CodecDescriptor.STRING;
import static io.mp4j.codec.CodecDescriptor.TAG_OFFSET;

/**
 * The one codec for every value that crosses processes (pipes, queues, the pool). {@code null}, boxed
 * primitives, {@link String}, {@code byte[]} and the other primitive arrays are <em>direct</em> values:
 * they are written straight into the destination buffer without allocating. Anything else that is
 * {@link java.io.Serializable} goes through Java serialization; {@link MessageEncoder} does that once
 * per message, before the destination is claimed. Layout: {@link CodecDescriptor}.
 * <p>
 * All methods are stateless and safe from any thread.
 */
public final class Codec
{
    private Codec()
    {
    }

    /**
     * Whether a value is encoded directly, without Java serialization and without allocating.
     *
     * @param value any value, or null.
     * @return true for null, boxed primitives, strings and primitive arrays.
     */
    public static boolean isDirect(final Object value)
    {
        return directLength(value) >= 0;
    }

    /**
     * The encoded length of a direct value, tag included.
     *
     * @param value any value, or null.
     * @return the length in bytes, or -1 if the value is not direct and must be serialized.
     */
    public static int directLength(final Object value)
    {
        if (value == null)
        {
            return PAYLOAD_OFFSET;
        }

        final Class<?> type = value.getClass();
        if (type == String.class)
        {
            return PAYLOAD_OFFSET + utf8Length((String)value);
        }
        if (type == Integer.class || type == Float.class)
        {
            return PAYLOAD_OFFSET + Integer.BYTES;
        }
        if (type == Long.class || type == Double.class)
        {
            return PAYLOAD_OFFSET + Long.BYTES;
        }
        if (type == Boolean.class || type == Byte.class)
        {
            return PAYLOAD_OFFSET + Byte.BYTES;
        }
        if (type == Short.class || type == Character.class)
        {
            return PAYLOAD_OFFSET + Short.BYTES;
        }
        if (type == byte[].class)
        {
            return checkedArrayLength(((byte[])value).length, Byte.BYTES);
        }
        if (type == long[].class)
        {
            return checkedArrayLength(((long[])value).length, Long.BYTES);
        }
        if (type == int[].class)
        {
            return checkedArrayLength(((int[])value).length, Integer.BYTES);
        }
        if (type == double[].class)
        {
            return checkedArrayLength(((double[])value).length, Double.BYTES);
        }
        if (type == float[].class)
        {
            return checkedArrayLength(((float[])value).length, Float.BYTES);
        }
        if (type == short[].class)
        {
            return checkedArrayLength(((short[])value).length, Short.BYTES);
        }
        if (type == char[].class)
        {
            return checkedArrayLength(((char[])value).length, Character.BYTES);
        }
        if (type == boolean[].class)
        {
            return checkedArrayLength(((boolean[])value).length, Byte.BYTES);
        }
        return -1;
    }

    /**
     * Writes a direct value. The buffer must have room for {@link #directLength(Object)} bytes from
     * {@code offset} (an expandable buffer grows).
     *
     * @param value  a direct value.
     * @param buffer where to write.
     * @param offset where the encoding starts.
     * @return the encoded length, tag included.
     * @throws IllegalArgumentException if the value is not direct.
     */
    public static int encodeDirect(final Object value, final MutableDirectBuffer buffer, final int offset)
    {
        final int payload = offset + PAYLOAD_OFFSET;
        if (value == null)
        {
            buffer.putByte(offset + TAG_OFFSET, NULL);
            return PAYLOAD_OFFSET;
        }

        final Class<?> type = value.getClass();
        if (type == String.class)
        {
            buffer.putByte(offset + TAG_OFFSET, STRING);
            return PAYLOAD_OFFSET + putUtf8((String)value, buffer, payload);
        }
        if (type == Integer.class)
        {
            buffer.putByte(offset + TAG_OFFSET, INT);
            buffer.putInt(payload, (Integer)value, BYTE_ORDER);
            return PAYLOAD_OFFSET + Integer.BYTES;
        }
        if (type == Long.class)
        {
            buffer.putByte(offset + TAG_OFFSET, LONG);
            buffer.putLong(payload, (Long)value, BYTE_ORDER);
            return PAYLOAD_OFFSET + Long.BYTES;
        }
        if (type == Double.class)
        {
            buffer.putByte(offset + TAG_OFFSET, DOUBLE);
            buffer.putLong(payload, Double.doubleToRawLongBits((Double)value), BYTE_ORDER);
            return PAYLOAD_OFFSET + Long.BYTES;
        }
        if (type == Float.class)
        {
            buffer.putByte(offset + TAG_OFFSET, FLOAT);
            buffer.putInt(payload, Float.floatToRawIntBits((Float)value), BYTE_ORDER);
            return PAYLOAD_OFFSET + Integer.BYTES;
        }
        if (type == Boolean.class)
        {
            buffer.putByte(offset + TAG_OFFSET, BOOLEAN);
            buffer.putByte(payload, (Boolean)value ? (byte)1 : (byte)0);
            return PAYLOAD_OFFSET + Byte.BYTES;
        }
        if (type == Byte.class)
        {
            buffer.putByte(offset + TAG_OFFSET, BYTE);
            buffer.putByte(payload, (Byte)value);
            return PAYLOAD_OFFSET + Byte.BYTES;
        }
        if (type == Short.class)
        {
            buffer.putByte(offset + TAG_OFFSET, SHORT);
            buffer.putShort(payload, (Short)value, BYTE_ORDER);
            return PAYLOAD_OFFSET + Short.BYTES;
        }
        if (type == Character.class)
        {
            buffer.putByte(offset + TAG_OFFSET, CHAR);
            buffer.putChar(payload, (Character)value, BYTE_ORDER);
            return PAYLOAD_OFFSET + Character.BYTES;
        }
        return encodeArray(value, type, buffer, offset);
    }

    /**
     * Encodes any value into a new array: a convenience for code off the hot path.
     *
     * @param value a direct or {@link java.io.Serializable} value, or null.
     * @return the encoding.
     * @throws EncodingException if the value is neither direct nor serializable.
     */
    public static byte[] encode(final Object value)
    {
        final MessageEncoder encoder = new MessageEncoder();
        final byte[] bytes = new byte[encoder.prepare(value)];
        encoder.encode(new org.agrona.concurrent.UnsafeBuffer(bytes), 0);
        return bytes;
    }

    /**
     * Encodes a list of values, e.g. a chunk of a pool's items or results: a list whose elements are all
     * {@code Integer}, all {@code Long} or all {@code Double} travels as a primitive array (4 or 8 bytes
     * an element, no per-object cost), any other list by Java serialization.
     *
     * @param values the list; its elements must be serializable.
     * @return the encoding, for {@link #decodeList(byte[])}.
     * @throws EncodingException if an element is not serializable.
     */
    public static byte[] encodeList(final List<?> values)
    {
        if (values.size() == 1 && values.get(0) == null)
        {
            return encode(null);
        }
        if (ListCodec.primitiveTag(values, 0, values.size()) == ListCodec.NOT_PRIMITIVE)
        {
            return encode(values instanceof java.io.Serializable ? values : new ArrayList<>(values));
        }
        return ListCodec.encode(values, 0, values.size());
    }

    /**
     * Decodes what {@link #encodeList(List)} made, boxing primitive arrays back into a list.
     *
     * @param bytes the encoding.
     * @return the list, in its original order.
     * @throws EncodingException if the bytes are not an encoded list.
     */
    public static List<Object> decodeList(final byte[] bytes)
    {
        final Object value = decode(bytes);
        final List<Object> list;
        if (value instanceof int[])
        {
            final int[] array = (int[])value;
            list = new ArrayList<>(array.length);
            for (final int element : array)
            {
                list.add(element);
            }
        }
        else if (value instanceof long[])
        {
            final long[] array = (long[])value;
            list = new ArrayList<>(array.length);
            for (final long element : array)
            {
                list.add(element);
            }
        }
        else if (value instanceof double[])
        {
            final double[] array = (double[])value;
            list = new ArrayList<>(array.length);
            for (final double element : array)
            {
                list.add(element);
            }
        }
        else if (value == null)
        {
            // A list of one null, as an apply's task sends it, travels as the null value alone.
            list = new ArrayList<>(1);
            list.add(null);
        }
        else if (value instanceof List)
        {
            @SuppressWarnings("unchecked")
            final List<Object> decoded = (List<Object>)value;
            list = decoded;
        }
        else
        {
            throw new EncodingException("not an encoded list: class=" +
                (value == null ? "null" : value.getClass().getName()), null);
        }
        return list;
    }

    /**
     * Decodes a whole array made by {@link #encode(Object)}.
     *
     * @param bytes the encoding.
     * @return the value.
     * @throws EncodingException if the bytes are not a valid encoding.
     */
    public static Object decode(final byte[] bytes)
    {
        return decode(new org.agrona.concurrent.UnsafeBuffer(bytes), 0, bytes.length);
    }

    /**
     * Decodes one value. Boxed values come from their {@code valueOf} (so small ones are cached and
     * cost nothing); everything else is a new object.
     *
     * @param buffer where the encoding is.
     * @param offset where it starts.
     * @param length its length, tag included.
     * @return the value.
     * @throws EncodingException if the bytes are not a valid encoding, or name a class this JVM lacks.
     */
    public static Object decode(final DirectBuffer buffer, final int offset, final int length)
    {
        if (length < PAYLOAD_OFFSET)
        {
            throw new EncodingException("empty message: offset=" + offset + " length=" + length, null);
        }

        final byte tag = buffer.getByte(offset + TAG_OFFSET);
        final int payload = offset + PAYLOAD_OFFSET;
        final int payloadLength = length - PAYLOAD_OFFSET;
        switch (tag)
        {
            case NULL:
                checkPayload(tag, payloadLength, 0);
                return null;
            case BOOLEAN:
                checkPayload(tag, payloadLength, Byte.BYTES);
                return buffer.getByte(payload) != 0 ? Boolean.TRUE : Boolean.FALSE;
            case BYTE:
                checkPayload(tag, payloadLength, Byte.BYTES);
                return buffer.getByte(payload);
            case SHORT:
                checkPayload(tag, payloadLength, Short.BYTES);
                return buffer.getShort(payload, BYTE_ORDER);
            case CHAR:
                checkPayload(tag, payloadLength, Character.BYTES);
                return buffer.getChar(payload, BYTE_ORDER);
            case INT:
                checkPayload(tag, payloadLength, Integer.BYTES);
                return buffer.getInt(payload, BYTE_ORDER);
            case LONG:
                checkPayload(tag, payloadLength, Long.BYTES);
                return buffer.getLong(payload, BYTE_ORDER);
            case FLOAT:
                checkPayload(tag, payloadLength, Float.BYTES);
                return Float.intBitsToFloat(buffer.getInt(payload, BYTE_ORDER));
            case DOUBLE:
                checkPayload(tag, payloadLength, Double.BYTES);
                return Double.longBitsToDouble(buffer.getLong(payload, BYTE_ORDER));
            case STRING:
                return getUtf8(buffer, payload, payloadLength);
            case SERIALIZED:
                final byte[] serialized = new byte[payloadLength];
                buffer.getBytes(payload, serialized);
                return JavaSerialization.deserialize(serialized, "message");
            default:
                return decodeArray(tag, buffer, payload, payloadLength);
        }
    }

    /**
     * Writes a whole serialized value (tag, then the Java serialization stream).
     *
     * @param serialized the output of {@link JavaSerialization#serialize(Object, String)}.
     * @param buffer     where to write.
     * @param offset     where the encoding starts.
     * @return the encoded length, tag included.
     */
    static int encodeSerialized(final byte[] serialized, final MutableDirectBuffer buffer, final int offset)
    {
        buffer.putByte(offset + TAG_OFFSET, SERIALIZED);
        buffer.putBytes(offset + PAYLOAD_OFFSET, serialized);
        return PAYLOAD_OFFSET + serialized.length;
    }

    private static int checkedArrayLength(final int elements, final int elementSize)
    {
        final long length = PAYLOAD_OFFSET + (long)elements * elementSize;
        if (length > Integer.MAX_VALUE - 64)
        {
            throw new EncodingException("array too large to encode: elements=" + elements +
                " elementSize=" + elementSize, null);
        }
        return (int)length;
    }

    private static int encodeArray(
        final Object value, final Class<?> type, final MutableDirectBuffer buffer, final int offset)
    {
        final int payload = offset + PAYLOAD_OFFSET;
        if (type == byte[].class)
        {
            final byte[] array = (byte[])value;
            buffer.putByte(offset + TAG_OFFSET, BYTE_ARRAY);
            buffer.putBytes(payload, array);
            return PAYLOAD_OFFSET + array.length;
        }
        if (type == long[].class)
        {
            final long[] array = (long[])value;
            buffer.putByte(offset + TAG_OFFSET, LONG_ARRAY);
            for (int i = 0, index = payload; i < array.length; i++, index += Long.BYTES)
            {
                buffer.putLong(index, array[i], BYTE_ORDER);
            }
            return PAYLOAD_OFFSET + array.length * Long.BYTES;
        }
        if (type == int[].class)
        {
            final int[] array = (int[])value;
            buffer.putByte(offset + TAG_OFFSET, INT_ARRAY);
            for (int i = 0, index = payload; i < array.length; i++, index += Integer.BYTES)
            {
                buffer.putInt(index, array[i], BYTE_ORDER);
            }
            return PAYLOAD_OFFSET + array.length * Integer.BYTES;
        }
        if (type == double[].class)
        {
            final double[] array = (double[])value;
            buffer.putByte(offset + TAG_OFFSET, DOUBLE_ARRAY);
            for (int i = 0, index = payload; i < array.length; i++, index += Double.BYTES)
            {
                buffer.putLong(index, Double.doubleToRawLongBits(array[i]), BYTE_ORDER);
            }
            return PAYLOAD_OFFSET + array.length * Double.BYTES;
        }
        if (type == float[].class)
        {
            final float[] array = (float[])value;
            buffer.putByte(offset + TAG_OFFSET, FLOAT_ARRAY);
            for (int i = 0, index = payload; i < array.length; i++, index += Float.BYTES)
            {
                buffer.putInt(index, Float.floatToRawIntBits(array[i]), BYTE_ORDER);
            }
            return PAYLOAD_OFFSET + array.length * Float.BYTES;
        }
        if (type == short[].class)
        {
            final short[] array = (short[])value;
            buffer.putByte(offset + TAG_OFFSET, SHORT_ARRAY);
            for (int i = 0, index = payload; i < array.length; i++, index += Short.BYTES)
            {
                buffer.putShort(index, array[i], BYTE_ORDER);
            }
            return PAYLOAD_OFFSET + array.length * Short.BYTES;
        }
        if (type == char[].class)
        {
            final char[] array = (char[])value;
            buffer.putByte(offset + TAG_OFFSET, CHAR_ARRAY);
            for (int i = 0, index = payload; i < array.length; i++, index += Character.BYTES)
            {
                buffer.putChar(index, array[i], BYTE_ORDER);
            }
            return PAYLOAD_OFFSET + array.length * Character.BYTES;
        }
        if (type == boolean[].class)
        {
            final boolean[] array = (boolean[])value;
            buffer.putByte(offset + TAG_OFFSET, BOOLEAN_ARRAY);
            for (int i = 0; i < array.length; i++)
            {
                buffer.putByte(payload + i, array[i] ? (byte)1 : (byte)0);
            }
            return PAYLOAD_OFFSET + array.length;
        }
        throw new IllegalArgumentException("not a direct value: class=" + type.getName());
    }

    private static Object decodeArray(final byte tag, final DirectBuffer buffer, final int payload, final int length)
    {
        switch (tag)
        {
            case BYTE_ARRAY:
            {
                final byte[] array = new byte[length];
                buffer.getBytes(payload, array);
                return array;
            }
            case BOOLEAN_ARRAY:
            {
                final boolean[] array = new boolean[length];
                for (int i = 0; i < length; i++)
                {
                    array[i] = buffer.getByte(payload + i) != 0;
                }
                return array;
            }
            case SHORT_ARRAY:
            {
                final short[] array = new short[elements(tag, length, Short.BYTES)];
                for (int i = 0, index = payload; i < array.length; i++, index += Short.BYTES)
                {
                    array[i] = buffer.getShort(index, BYTE_ORDER);
                }
                return array;
            }
            case CHAR_ARRAY:
            {
                final char[] array = new char[elements(tag, length, Character.BYTES)];
                for (int i = 0, index = payload; i < array.length; i++, index += Character.BYTES)
                {
                    array[i] = buffer.getChar(index, BYTE_ORDER);
                }
                return array;
            }
            case INT_ARRAY:
            {
                final int[] array = new int[elements(tag, length, Integer.BYTES)];
                for (int i = 0, index = payload; i < array.length; i++, index += Integer.BYTES)
                {
                    array[i] = buffer.getInt(index, BYTE_ORDER);
                }
                return array;
            }
            case LONG_ARRAY:
            {
                final long[] array = new long[elements(tag, length, Long.BYTES)];
                for (int i = 0, index = payload; i < array.length; i++, index += Long.BYTES)
                {
                    array[i] = buffer.getLong(index, BYTE_ORDER);
                }
                return array;
            }
            case FLOAT_ARRAY:
            {
                final float[] array = new float[elements(tag, length, Float.BYTES)];
                for (int i = 0, index = payload; i < array.length; i++, index += Float.BYTES)
                {
                    array[i] = Float.intBitsToFloat(buffer.getInt(index, BYTE_ORDER));
                }
                return array;
            }
            case DOUBLE_ARRAY:
            {
                final double[] array = new double[elements(tag, length, Double.BYTES)];
                for (int i = 0, index = payload; i < array.length; i++, index += Double.BYTES)
                {
                    array[i] = Double.longBitsToDouble(buffer.getLong(index, BYTE_ORDER));
                }
                return array;
            }
            default:
                throw new EncodingException("unknown type tag: tag=" + tag + " length=" + (length + PAYLOAD_OFFSET) +
                    " (corrupt message, or written by a newer mp4j)", null);
        }
    }

    private static int elements(final byte tag, final int payloadLength, final int elementSize)
    {
        if (payloadLength % elementSize != 0)
        {
            throw new EncodingException("array payload is not a whole number of elements: tag=" + tag +
                " payloadLength=" + payloadLength + " elementSize=" + elementSize, null);
        }
        return payloadLength / elementSize;
    }

    private static void checkPayload(final byte tag, final int actual, final int expected)
    {
        if (actual != expected)
        {
            throw new EncodingException("payload of wrong length: tag=" + tag + " payloadLength=" + actual +
                " expected=" + expected, null);
        }
    }

    /**
     * The UTF-8 length of a string, counting an unpaired surrogate as the one byte of {@code '?'}.
     *
     * @param value the string.
     * @return its length in bytes once encoded.
     */
    static int utf8Length(final String value)
    {
        final int chars = value.length();
        int length = chars;
        for (int i = 0; i < chars; i++)
        {
            final char c = value.charAt(i);
            if (c >= 0x80)
            {
                if (c < 0x800)
                {
                    length += 1;
                }
                else if (Character.isHighSurrogate(c) && i + 1 < chars && Character.isLowSurrogate(value.charAt(i + 1)))
                {
                    length += 2; // four bytes for two chars
                    i++;
                }
                else if (!Character.isSurrogate(c))
                {
                    length += 2;
                }
            }
        }
        return length;
    }

    private static int putUtf8(final String value, final MutableDirectBuffer buffer, final int offset)
    {
        final int chars = value.length();
        int index = offset;
        for (int i = 0; i < chars; i++)
        {
            final char c = value.charAt(i);
            if (c < 0x80)
            {
                buffer.putByte(index++, (byte)c);
            }
            else if (c < 0x800)
            {
                buffer.putByte(index++, (byte)(0xC0 | (c >> 6)));
                buffer.putByte(index++, (byte)(0x80 | (c & 0x3F)));
            }
            else if (Character.isSurrogate(c))
            {
                if (Character.isHighSurrogate(c) && i + 1 < chars && Character.isLowSurrogate(value.charAt(i + 1)))
                {
                    final int codePoint = Character.toCodePoint(c, value.charAt(++i));
                    buffer.putByte(index++, (byte)(0xF0 | (codePoint >> 18)));
                    buffer.putByte(index++, (byte)(0x80 | ((codePoint >> 12) & 0x3F)));
                    buffer.putByte(index++, (byte)(0x80 | ((codePoint >> 6) & 0x3F)));
                    buffer.putByte(index++, (byte)(0x80 | (codePoint & 0x3F)));
                }
                else
                {
                    buffer.putByte(index++, (byte)'?');
                }
            }
            else
            {
                buffer.putByte(index++, (byte)(0xE0 | (c >> 12)));
                buffer.putByte(index++, (byte)(0x80 | ((c >> 6) & 0x3F)));
                buffer.putByte(index++, (byte)(0x80 | (c & 0x3F)));
            }
        }
        return index - offset;
    }

    private static String getUtf8(final DirectBuffer buffer, final int offset, final int length)
    {
        final byte[] array = buffer.byteArray();
        if (array != null)
        {
            return new String(array, buffer.wrapAdjustment() + offset, length, StandardCharsets.UTF_8);
        }
        final byte[] bytes = new byte[length];
        buffer.getBytes(offset, bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
