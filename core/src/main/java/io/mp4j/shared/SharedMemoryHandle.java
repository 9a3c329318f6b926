package io.mp4j.shared;

import io.mp4j.RegionLayoutException;
import io.mp4j.WaitStrategy;
import io.mp4j.internal.region.EmbeddedLocks;
import io.mp4j.internal.region.Region;
import io.mp4j.internal.region.RegionCache;
import io.mp4j.internal.region.RegionKind;
import io.mp4j.internal.channel.ProcessTag;
import io.mp4j.session.Session;
import io.mp4j.sync.SharedMutex;
import io.mp4j.sync.SharedRLock;
import org.agrona.concurrent.AtomicBuffer;

import java.nio.ByteOrder;
import java.util.Objects;

/**
 * What shared values and arrays have in common: their region, type check, optional lock, serializable
 * handle and close. The type code and flags sit at the same offsets in {@link ValueDescriptor} and
 * {@link ArrayDescriptor}. The lock is the object's own (a {@link SharedRLock} in its region, Python's
 * {@code Value(t, x)}), another object's that it shares (Python's {@code Value(t, x, lock=lock)}), or none.
 */
abstract class SharedMemoryHandle
{
    private static final boolean LITTLE_ENDIAN = ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN;

    final Region region;
    final AtomicBuffer buffer;
    private final int type;
    private final SharedMutex lock;
    private final boolean sharedLock;
    private final WaitStrategy waitStrategy;
    private final RegionCache.Lease lease;

    SharedMemoryHandle(
        final Region region, final int type, final int lockOffset, final WaitStrategy waitStrategy,
        final SharedMutex sharedLock)
    {
        this.region = region;
        this.buffer = region.body();
        this.type = type;
        this.waitStrategy = Objects.requireNonNull(waitStrategy, "waitStrategy");

        final int actual = buffer.getIntVolatile(ValueDescriptor.TYPE_OFFSET);
        if (actual != type)
        {
            throw new RegionLayoutException("shared " + (region.kind() == RegionKind.ARRAY ? "array" : "value") +
                " of another type: file=" + region.file() + " type=" + typeName(actual) + " expected=" + typeName(type));
        }
        final int flags = buffer.getInt(ValueDescriptor.FLAGS_OFFSET);
        if (((flags & ValueDescriptor.FLAG_SHARED_LOCK) != 0) != (sharedLock != null))
        {
            throw new RegionLayoutException("shared " + (region.kind() == RegionKind.ARRAY ? "array" : "value") +
                " attached " + (sharedLock == null ? "without the lock it shares" : "with a lock it does not share") +
                ": file=" + region.file() + " flags=" + flags);
        }
        this.sharedLock = sharedLock != null;
        if (sharedLock != null)
        {
            this.lock = sharedLock;
        }
        else if ((flags & ValueDescriptor.FLAG_LOCKED) != 0)
        {
            this.lock = (SharedRLock)EmbeddedLocks.reentrantLock(region, lockOffset, waitStrategy);
        }
        else
        {
            this.lock = null;
        }
        this.lease = RegionCache.lease(this, region);
    }

    static int lockFlags(final boolean locked)
    {
        return locked ? ValueDescriptor.FLAG_LOCKED : 0;
    }

    static Region newRegion(
        final Session session, final RegionKind kind, final int type, final int flags, final int bodyLength)
    {
        final String prefix = kind == RegionKind.ARRAY ? "array" : "value";
        final Region region = RegionCache.create(session, session.uniqueName(prefix), kind, bodyLength);
        region.body().putInt(ValueDescriptor.FLAGS_OFFSET, flags);
        region.body().putIntOrdered(ValueDescriptor.TYPE_OFFSET, type);
        return region;
    }

    static String typeName(final int type)
    {
        return switch (type)
        {
            case ValueDescriptor.TYPE_INT -> "int('i')";
            case ValueDescriptor.TYPE_LONG -> "long('q')";
            case ValueDescriptor.TYPE_DOUBLE -> "double('d')";
            case ValueDescriptor.TYPE_BYTE -> "byte('b')";
            default -> "unknown(" + type + ")";
        };
    }

    /**
     * The lock that guards a locked value or array: Python's {@code get_lock()}. It is the object's own
     * {@link SharedRLock}, or the lock it was created with (and shares with other objects).
     *
     * @return the lock.
     * @throws UnsupportedOperationException for a raw value or array, which has none (as in Python).
     */
    public final SharedMutex getLock()
    {
        if (lock == null)
        {
            throw new UnsupportedOperationException("a raw shared object has no lock: file=" + region.file());
        }
        return lock;
    }

    /**
     * Whether this object has a lock, its own or a shared one: true for Python's {@code Value}/{@code Array},
     * false for {@code RawValue}/{@code RawArray}.
     *
     * @return true for the locked kind.
     */
    public final boolean hasLock()
    {
        return lock != null;
    }

    /**
     * How the lock of a locked object waits.
     *
     * @return the wait strategy chosen at creation.
     */
    public final WaitStrategy waitStrategy()
    {
        return waitStrategy;
    }

    /**
     * Whether this JVM's mapping of the object's region is closed.
     *
     * @return true once closed.
     */
    public final boolean isClosed()
    {
        return region.isClosed();
    }

    /**
     * Unmaps the object's region in this JVM: every handle to it in this JVM stops working (calls throw
     * {@link IndexOutOfBoundsException}, never touching freed memory); other processes are unaffected, and so
     * is a lock the object shares with others. The last process to close it (or to drop every handle to it,
     * or to exit) frees its memory. Idempotent.
     */
    public final void close()
    {
        region.close();
        lease.close();
    }

    final SharedHandle handle()
    {
        region.transferOut();
        return new SharedHandle(region.file().toString(), region.kind(), type, waitStrategy, sharedLock ? lock : null,
            ProcessTag.current());
    }

    static int byteShift(final int index)
    {
        return LITTLE_ENDIAN ? (index & 3) << 3 : (3 - (index & 3)) << 3;
    }

    /** CAS on one byte, done as CAS on the aligned int that contains it. */
    static boolean compareAndSetByte(final AtomicBuffer buffer, final int index, final byte expected, final byte update)
    {
        final int wordIndex = index & ~3;
        final int shift = byteShift(index);
        final int mask = 0xFF << shift;
        while (true)
        {
            final int word = buffer.getIntVolatile(wordIndex);
            if ((byte)(word >>> shift) != expected)
            {
                return false;
            }
            final int updated = (word & ~mask) | ((update & 0xFF) << shift);
            if (buffer.compareAndSetInt(wordIndex, word, updated))
            {
                return true;
            }
        }
    }

    /** Atomically adds to one byte (wrapping), done as CAS on the aligned int that contains it. */
    static byte getAndAddByte(final AtomicBuffer buffer, final int index, final int delta)
    {
        final int wordIndex = index & ~3;
        final int shift = byteShift(index);
        final int mask = 0xFF << shift;
        while (true)
        {
            final int word = buffer.getIntVolatile(wordIndex);
            final byte current = (byte)(word >>> shift);
            final int updated = (word & ~mask) | (((current + delta) & 0xFF) << shift);
            if (buffer.compareAndSetInt(wordIndex, word, updated))
            {
                return current;
            }
        }
    }

    /** Atomically replaces one byte, done as CAS on the aligned int that contains it. */
    static byte getAndSetByte(final AtomicBuffer buffer, final int index, final byte value)
    {
        final int wordIndex = index & ~3;
        final int shift = byteShift(index);
        final int mask = 0xFF << shift;
        while (true)
        {
            final int word = buffer.getIntVolatile(wordIndex);
            final int updated = (word & ~mask) | ((value & 0xFF) << shift);
            if (buffer.compareAndSetInt(wordIndex, word, updated))
            {
                return (byte)(word >>> shift);
            }
        }
    }

    /** Atomically adds to a double held as raw long bits. */
    static double getAndAddDouble(final AtomicBuffer buffer, final int index, final double delta)
    {
        while (true)
        {
            final long bits = buffer.getLongVolatile(index);
            final double current = Double.longBitsToDouble(bits);
            if (buffer.compareAndSetLong(index, bits, Double.doubleToRawLongBits(current + delta)))
            {
                return current;
            }
        }
    }
}
