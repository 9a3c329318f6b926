package io.mp4j.codec;

import io.mp4j.EncodingException;
import io.mp4j.internal.JavaSerialization;
import org.agrona.MutableDirectBuffer;

/**
 * Encodes one message at a time in two steps, so that a channel can learn the length before it claims
 * room and never claims room for a value that then fails to encode: {@link #prepare(Object)} checks the
 * value and measures it (serializing it if it is not a direct value), {@link #encode(MutableDirectBuffer,
 * int)} writes it. Direct values (see {@link Codec}) cost no allocation.
 * <p>
 * One encoder per sending thread: it keeps the prepared value.
 */
public final class MessageEncoder
{
    private Object direct;
    private byte[] serialized;
    private int length = -1;

    /** An encoder with nothing prepared. */
    public MessageEncoder()
    {
    }

    /**
     * Checks and measures a value; a non-direct value is serialized here.
     *
     * @param value the message: a direct value, any other {@link java.io.Serializable} value, or null.
     * @return the encoded length in bytes, tag included.
     * @throws EncodingException if the value, or anything it refers to, is not serializable; the message
     *                           names the class.
     */
    public int prepare(final Object value)
    {
        clear();
        final int directLength = Codec.directLength(value);
        if (directLength >= 0)
        {
            direct = value;
            length = directLength;
        }
        else
        {
            serialized = JavaSerialization.serialize(value, "message");
            length = CodecDescriptor.PAYLOAD_OFFSET + serialized.length;
        }
        return length;
    }

    /**
     * The length of the prepared value.
     *
     * @return bytes, tag included, or -1 if nothing is prepared.
     */
    public int length()
    {
        return length;
    }

    /**
     * Writes the prepared value; the buffer must have room for {@link #length()} bytes from the offset.
     *
     * @param buffer where to write.
     * @param offset where the encoding starts.
     * @return the encoded length.
     * @throws IllegalStateException if nothing is prepared.
     */
    public int encode(final MutableDirectBuffer buffer, final int offset)
    {
        if (length < 0)
        {
            throw new IllegalStateException("no message prepared");
        }
        return serialized != null ?
            Codec.encodeSerialized(serialized, buffer, offset) : Codec.encodeDirect(direct, buffer, offset);
    }

    /** Drops the prepared value, so the encoder holds no reference to it. */
    public void clear()
    {
        direct = null;
        serialized = null;
        length = -1;
    }
}
