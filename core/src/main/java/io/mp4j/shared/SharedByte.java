package io.mp4j.shared;

import io.mp4j.WaitStrategy;
import io.mp4j.internal.region.Region;
import io.mp4j.internal.region.RegionKind;
import io.mp4j.session.Session;
import io.mp4j.sync.SharedMutex;

import java.io.InvalidObjectException;
import java.io.ObjectInputStream;
import java.io.Serial;
import java.io.Serializable;
import java.util.Objects;

import static io.mp4j.shared.ValueDescriptor.VALUE_OFFSET;

/**
 * A {@code byte} shared by processes: Python's {@code Value('b', x)} (with {@link #create(byte)}) or
 * {@code RawValue('b', x)} (with {@link #createRaw(byte)}), with volatile and atomic
 * operations (arithmetic wraps, as {@code byte} arithmetic does; atomics are a CAS on the containing
 * {@code int}), allocation-free.
 * <pre>{@code
 * SharedByte total = SharedByte.create((byte)0);
 * new ChildProcess(() -> total.addAndGet((byte)42)).start().join();   // the child attaches to the same memory
 * total.get();                                                  // 42
 * }</pre>
 * The locked kind carries its own {@link io.mp4j.sync.SharedRLock} ({@link #getLock()}) for
 * compound updates; the atomic operations do not need it. Handles are serializable: a child that gets
 * one attaches to the same memory. Any thread of any process holding a handle may call any method.
 */
public final class SharedByte extends SharedMemoryHandle implements Serializable, AutoCloseable
{
    @Serial
    private static final long serialVersionUID = 1L;

    SharedByte(final Region region, final WaitStrategy waitStrategy, final SharedMutex sharedLock)
    {
        super(region, ValueDescriptor.TYPE_BYTE, ValueDescriptor.LOCK_OFFSET, waitStrategy, sharedLock);
    }

    /**
     * Creates a value with its own lock in the current session: Python's {@code Value('b', initial)}.
     *
     * @param initial the first value.
     * @return the new value.
     */
    public static SharedByte create(final byte initial)
    {
        return create(Session.current(), initial, true, WaitStrategy.defaultStrategy());
    }

    /**
     * Creates a value without a lock in the current session: Python's {@code RawValue('b', initial)}.
     *
     * @param initial the first value.
     * @return the new value.
     */
    public static SharedByte createRaw(final byte initial)
    {
        return create(Session.current(), initial, false, WaitStrategy.defaultStrategy());
    }

    /**
     * Creates a value.
     *
     * @param session      the session its region lives in.
     * @param initial      the first value.
     * @param locked       whether it carries its own lock.
     * @param waitStrategy how its lock's waiters wait.
     * @return the new value.
     */
    public static SharedByte create(
        final Session session, final byte initial, final boolean locked, final WaitStrategy waitStrategy)
    {
        final Region region = newRegion(session, RegionKind.VALUE, ValueDescriptor.TYPE_BYTE,
            lockFlags(locked), ValueDescriptor.LENGTH);
        region.body().putByteVolatile(VALUE_OFFSET, initial);
        return new SharedByte(region, waitStrategy, null);
    }

    /**
     * Creates a value guarded by an existing lock, in the current session: Python's
     * {@code Value('b', initial, lock=lock)}. {@link #getLock()} returns that lock, so every value and array
     * made on it is excluded by it; the lock travels with the value's handle to other processes.
     *
     * @param initial the first value.
     * @param lock    the lock to share: a {@link io.mp4j.sync.SharedLock} or a {@link io.mp4j.sync.SharedRLock}.
     * @return the new value.
     */
    public static SharedByte create(final byte initial, final SharedMutex lock)
    {
        return create(Session.current(), initial, lock);
    }

    /**
     * Creates a value guarded by an existing lock; closing the value leaves the lock open.
     *
     * @param session the session its region lives in.
     * @param initial the first value.
     * @param lock    the lock to share; the value waits as it does.
     * @return the new value.
     */
    public static SharedByte create(final Session session, final byte initial, final SharedMutex lock)
    {
        Objects.requireNonNull(lock, "lock");
        final Region region = newRegion(session, RegionKind.VALUE, ValueDescriptor.TYPE_BYTE,
            ValueDescriptor.FLAG_SHARED_LOCK, ValueDescriptor.LENGTH);
        region.body().putByteVolatile(VALUE_OFFSET, initial);
        return new SharedByte(region, lock.waitStrategy(), lock);
    }

    /**
     * Reads with volatile semantics: Python's {@code value}.
     *
     * @return the current value.
     */
    public byte get()
    {
        return buffer.getByteVolatile(VALUE_OFFSET);
    }

    /**
     * Reads with no ordering, e.g. while holding the lock.
     *
     * @return the value, as this thread last saw it.
     */
    public byte getPlain()
    {
        return buffer.getByte(VALUE_OFFSET);
    }

    /**
     * Writes with volatile semantics: Python's {@code value = x}.
     *
     * @param value the new value.
     */
    public void set(final byte value)
    {
        buffer.putByteVolatile(VALUE_OFFSET, value);
    }

    /**
     * Writes a new value and returns the old one, atomically.
     *
     * @param value the new value.
     * @return the previous value.
     */
    public byte getAndSet(final byte value)
    {
        return getAndSetByte(buffer, VALUE_OFFSET, value);
    }

    /**
     * Writes {@code update} if the value is {@code expected}, atomically.
     *
     * @param expected the value it must have.
     * @param update   the new value.
     * @return true if written.
     */
    public boolean compareAndSet(final byte expected, final byte update)
    {
        return compareAndSetByte(buffer, VALUE_OFFSET, expected, update);
    }

    /**
     * Adds, atomically, wrapping on overflow.
     *
     * @param delta what to add.
     * @return the value before.
     */
    public byte getAndAdd(final int delta)
    {
        return getAndAddByte(buffer, VALUE_OFFSET, delta);
    }

    /**
     * Adds, atomically, wrapping on overflow.
     *
     * @param delta what to add.
     * @return the value after.
     */
    public byte addAndGet(final int delta)
    {
        return (byte)(getAndAddByte(buffer, VALUE_OFFSET, delta) + delta);
    }

    /**
     * Adds one, atomically.
     *
     * @return the value after.
     */
    public byte incrementAndGet()
    {
        return (byte)(getAndAddByte(buffer, VALUE_OFFSET, 1) + 1);
    }

    /**
     * Subtracts one, atomically.
     *
     * @return the value after.
     */
    public byte decrementAndGet()
    {
        return (byte)(getAndAddByte(buffer, VALUE_OFFSET, -1) - 1);
    }

    @Override
    public String toString()
    {
        return isClosed() ? "SharedByte{closed}" : Byte.toString(get());
    }

    @Serial
    private Object writeReplace()
    {
        return handle();
    }

    @Serial
    private void readObject(final ObjectInputStream in) throws InvalidObjectException
    {
        throw new InvalidObjectException("SharedByte travels as a SharedHandle");
    }
}
