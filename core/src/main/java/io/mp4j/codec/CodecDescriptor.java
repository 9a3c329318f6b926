package io.mp4j.codec;

import java.nio.ByteOrder;

/**
 * The layout of one encoded value, as it sits in a pipe's ring, a queue's slot or a durable queue's
 * record: a type tag, then the payload. The payload's length is the message's length minus the tag,
 * so no length field is stored; arrays carry as many elements as fit that length exactly.
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |   Type Tag    |  Payload (little-endian scalars, UTF-8 text,  ...
 *  +-+-+-+-+-+-+-+-+  packed primitive arrays, or Java serialization) |
 * ...                                                              |
 *  +---------------------------------------------------------------+
 * </pre>
 * Tags are stable across releases (a durable queue outlives the JVM that wrote it): add, never reuse.
 */
public final class CodecDescriptor
{
    /** Byte order of every scalar the codec writes, independent of the platform. */
    public static final ByteOrder BYTE_ORDER = ByteOrder.LITTLE_ENDIAN;

    /** Offset of the type tag. */
    public static final int TAG_OFFSET = 0;

    /** Offset of the payload. */
    public static final int PAYLOAD_OFFSET = TAG_OFFSET + Byte.BYTES;

    /** {@code null}: no payload. */
    public static final byte NULL = 0;
    /** {@link Boolean}: one byte, 0 or 1. */
    public static final byte BOOLEAN = 1;
    /** {@link Byte}. */
    public static final byte BYTE = 2;
    /** {@link Short}. */
    public static final byte SHORT = 3;
    /** {@link Character}. */
    public static final byte CHAR = 4;
    /** {@link Integer}. */
    public static final byte INT = 5;
    /** {@link Long}. */
    public static final byte LONG = 6;
    /** {@link Float}, as its IEEE 754 bits. */
    public static final byte FLOAT = 7;
    /** {@link Double}, as its IEEE 754 bits. */
    public static final byte DOUBLE = 8;
    /** {@link String}, as UTF-8 (an unpaired surrogate becomes {@code '?'}, as {@code String.getBytes} does). */
    public static final byte STRING = 9;
    /** {@code byte[]}. */
    public static final byte BYTE_ARRAY = 10;
    /** {@code boolean[]}, one byte per element. */
    public static final byte BOOLEAN_ARRAY = 11;
    /** {@code short[]}. */
    public static final byte SHORT_ARRAY = 12;
    /** {@code char[]}, two bytes per element. */
    public static final byte CHAR_ARRAY = 13;
    /** {@code int[]}. */
    public static final byte INT_ARRAY = 14;
    /** {@code long[]}. */
    public static final byte LONG_ARRAY = 15;
    /** {@code float[]}. */
    public static final byte FLOAT_ARRAY = 16;
    /** {@code double[]}. */
    public static final byte DOUBLE_ARRAY = 17;
    /** Any other {@link java.io.Serializable} value, as a Java serialization stream. */
    public static final byte SERIALIZED = 18;

    private CodecDescriptor()
    {
    }
}
