package io.mp4j.manager.dict;

import io.mp4j.codec.Codec;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.Arrays;

/**
 * A {@link SharedDict} value as its Chronicle Map stores it: the key's insertion order (8 bytes), then the
 * value's codec encoding. Chronicle Map iterates in hash order; sorting by this order gives a Python
 * dict's insertion order.
 */
final class OrderedValues
{
    /** Length of the insertion order before each value's encoding. */
    static final int ORDER_LENGTH = Long.BYTES;

    private OrderedValues()
    {
    }

    /**
     * A value as the map stores it: room for its insertion order, set under the dict's lock, then its encoding.
     *
     * @param encoded the value's encoding.
     * @return a new array with the order zero.
     */
    static byte[] stored(final byte[] encoded)
    {
        final byte[] stored = new byte[ORDER_LENGTH + encoded.length];
        System.arraycopy(encoded, 0, stored, ORDER_LENGTH, encoded.length);
        return stored;
    }

    /**
     * Decodes a stored value.
     *
     * @param stored the stored bytes, or null.
     * @param <T>    the value's type.
     * @return the value, or null for null.
     */
    @SuppressWarnings("unchecked")
    static <T> T decode(final byte[] stored)
    {
        return stored == null ? null :
            (T)Codec.decode(new UnsafeBuffer(stored), ORDER_LENGTH, stored.length - ORDER_LENGTH);
    }

    /**
     * A stored value's insertion order.
     *
     * @param stored the stored bytes.
     * @return the order.
     */
    static long orderOf(final byte[] stored)
    {
        return new UnsafeBuffer(stored).getLong(0);
    }

    /**
     * Sets a stored value's insertion order.
     *
     * @param stored the stored bytes.
     * @param order  the order.
     */
    static void setOrder(final byte[] stored, final long order)
    {
        new UnsafeBuffer(stored).putLong(0, order);
    }

    /**
     * A stored value's encoding, without its order.
     *
     * @param stored the stored bytes.
     * @return a copy of the encoding.
     */
    static byte[] encodedValue(final byte[] stored)
    {
        return Arrays.copyOfRange(stored, ORDER_LENGTH, stored.length);
    }

    /**
     * Whether a stored value is the value of an encoding, whatever its order.
     *
     * @param stored  the stored bytes.
     * @param encoded a value's encoding.
     * @return true if the encodings are equal.
     */
    static boolean sameValue(final byte[] stored, final byte[] encoded)
    {
        return Arrays.equals(stored, ORDER_LENGTH, stored.length, encoded, 0, encoded.length);
    }
}
