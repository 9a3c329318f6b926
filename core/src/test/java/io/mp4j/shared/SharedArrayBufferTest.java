package io.mp4j.shared;

import io.mp4j.WaitStrategy;
import io.mp4j.internal.JavaSerialization;
import io.mp4j.session.Session;
import org.agrona.concurrent.AtomicBuffer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.ByteBuffer;
import java.nio.DoubleBuffer;
import java.nio.IntBuffer;
import java.nio.LongBuffer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The typed buffers over a shared array's elements read and write what {@code view()} and the element
 * accessors do, at every index from the first to the last (lengths that leave a tail after any unrolling
 * included), and refuse access once the array is closed.
 */
class SharedArrayBufferTest
{
    private static Session session;

    @BeforeAll
    static void createSession()
    {
        session = Session.create();
    }

    @AfterAll
    static void closeSession()
    {
        session.close();
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 7, 8, 9, 63, 64, 65, 1_000_003})
    void shouldReadAndWriteLongsAsViewDoes(final int length)
    {
        try (SharedLongArray array = SharedLongArray.create(session, length, false, WaitStrategy.DEFAULT))
        {
            final AtomicBuffer view = array.view();
            for (int i = 0; i < length; i++)
            {
                view.putLong(i * Long.BYTES, i * 0x9E3779B97F4A7C15L);
            }
            final LongBuffer longs = array.asLongBuffer();
            assertEquals(length, longs.limit());
            long viewSum = 0;
            long bufferSum = 0;
            for (int i = 0; i < length; i++)
            {
                viewSum += view.getLong(i * Long.BYTES);
                bufferSum += longs.get(i);
            }
            assertEquals(viewSum, bufferSum);
            if (length > 0)
            {
                assertEquals(array.get(0), longs.get(0));
                assertEquals(array.get(length - 1), longs.get(length - 1));
                longs.put(length - 1, -5L);
                assertEquals(-5L, array.get(length - 1));
            }
            assertThrows(IndexOutOfBoundsException.class, () -> longs.get(length));
            assertThrows(IndexOutOfBoundsException.class, () -> longs.get(-1));
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 3, 4, 5, 1_000_001})
    void shouldReadAndWriteDoublesAsViewDoes(final int length)
    {
        try (SharedDoubleArray array = SharedDoubleArray.create(session, length, false, WaitStrategy.DEFAULT))
        {
            final AtomicBuffer view = array.view();
            for (int i = 0; i < length; i++)
            {
                view.putDouble(i * Double.BYTES, Math.sqrt(i) - 3.5);
            }
            final DoubleBuffer doubles = array.asDoubleBuffer();
            assertEquals(length, doubles.limit());
            for (int i = 0; i < length; i++)
            {
                assertEquals(view.getDouble(i * Double.BYTES), doubles.get(i));
            }
            if (length > 0)
            {
                doubles.put(length - 1, Double.NaN);
                assertEquals(Double.NaN, array.get(length - 1));
                doubles.put(0, -0.0);
                assertEquals(-0.0, array.get(0));
            }
            assertThrows(IndexOutOfBoundsException.class, () -> doubles.get(length));
        }
    }

    @Test
    void shouldReadAndWriteIntsAndBytesAsViewDoes()
    {
        final int length = 1_027;
        try (SharedIntArray ints = SharedIntArray.create(session, length, false, WaitStrategy.DEFAULT);
            SharedByteArray bytes = SharedByteArray.create(session, length, false, WaitStrategy.DEFAULT))
        {
            for (int i = 0; i < length; i++)
            {
                ints.set(i, Integer.MIN_VALUE + i * 31);
                bytes.set(i, (byte)(i * 7));
            }
            final IntBuffer intBuffer = ints.asIntBuffer();
            final ByteBuffer byteBuffer = bytes.asByteBuffer();
            assertEquals(length, intBuffer.limit());
            assertEquals(length, byteBuffer.limit());
            for (int i = 0; i < length; i++)
            {
                assertEquals(ints.view().getInt(i * Integer.BYTES), intBuffer.get(i));
                assertEquals(bytes.view().getByte(i), byteBuffer.get(i));
            }
            intBuffer.put(length - 1, 42);
            byteBuffer.put(0, (byte)-1);
            assertEquals(42, ints.get(length - 1));
            assertEquals((byte)-1, bytes.get(0));
        }
    }

    @Test
    void shouldSeeTheSameElementsThroughAnotherHandle()
    {
        try (SharedLongArray array = SharedLongArray.create(session, 10, false, WaitStrategy.DEFAULT))
        {
            final SharedLongArray copy =
                (SharedLongArray)JavaSerialization.deserialize(JavaSerialization.serialize(array, "array"), "array");
            copy.asLongBuffer().put(9, 99L);
            assertEquals(99L, array.asLongBuffer().get(9));
            assertEquals(99L, array.get(9));
        }
    }

    @Test
    void shouldRefuseAccessThroughBufferOnceClosed()
    {
        final SharedLongArray longs = SharedLongArray.create(session, 16, false, WaitStrategy.DEFAULT);
        final SharedDoubleArray doubles = SharedDoubleArray.create(session, 16, false, WaitStrategy.DEFAULT);
        final LongBuffer longBuffer = longs.asLongBuffer();
        final DoubleBuffer doubleBuffer = doubles.asDoubleBuffer();
        longBuffer.put(3, 7L);
        longs.close();
        doubles.close();

        assertThrows(IndexOutOfBoundsException.class, () -> longBuffer.get(3));
        assertThrows(IndexOutOfBoundsException.class, () -> doubleBuffer.get(0));
        assertThrows(IllegalStateException.class, longs::asLongBuffer);
    }
}
