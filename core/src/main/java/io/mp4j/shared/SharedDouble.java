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
 * A {@code double} shared by processes: Python's {@code Value('d', x)} (with {@link #create(double)}) or
 * {@code RawValue('d', x)} (with {@link #createRaw(double)}), with volatile and atomic
 * operations (compare-and-set compares raw bits, adding is a CAS loop), allocation-free.
 * <pre>{@code
 * SharedDouble total = SharedDouble.create(0.0);
 * new ChildProcess(() -> total.addAndGet(42)).start().join();   // the child attaches to the same memory
 * total.get();                                                  // 42.0
 * }</pre>
 * The locked kind carries its own {@link io.mp4j.sync.SharedRLock} ({@link #getLock()}) for
 * compound updates; the atomic operations do not need it. Handles are serializable: a child that gets
 * one attaches to the same memory. Any thread of any process holding a handle may call any method.
 */
public final class SharedDouble extends SharedMemoryHandle implements DoubleValue, Serializable, AutoCloseable
{
    @Serial
    private static final long serialVersionUID = 1L;

    SharedDouble(final Region region, final WaitStrategy waitStrategy, final SharedMutex sharedLock)
    {
        super(region, ValueDescriptor.TYPE_DOUBLE, ValueDescriptor.LOCK_OFFSET, waitStrategy, sharedLock);
    }

    /**
     * Creates a value with its own lock in the current session: Python's {@code Value('d', initial)}.
     *
     * @param initial the first value.
     * @return the new value.
     */
    public static SharedDouble create(final double initial)
    {
        return create(Session.current(), initial, true, WaitStrategy.defaultStrategy());
    }

    /**
     * Creates a value without a lock in the current session: Python's {@code RawValue('d', initial)}.
     *
     * @param initial the first value.
     * @return the new value.
     */
    public static SharedDouble createRaw(final double initial)
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
    public static SharedDouble create(
        final Session session, final double initial, final boolean locked, final WaitStrategy waitStrategy)
    {
        final Region region = newRegion(session, RegionKind.VALUE, ValueDescriptor.TYPE_DOUBLE,
            lockFlags(locked), ValueDescriptor.LENGTH);
        region.body().putLongVolatile(VALUE_OFFSET, Double.doubleToRawLongBits(initial));
        return new SharedDouble(region, waitStrategy, null);
    }

    /**
     * Creates a value guarded by an existing lock, in the current session: Python's
     * {@code Value('d', initial, lock=lock)}. {@link #getLock()} returns that lock, so every value and array
     * made on it is excluded by it; the lock travels with the value's handle to other processes.
     *
     * @param initial the first value.
     * @param lock    the lock to share: a {@link io.mp4j.sync.SharedLock} or a {@link io.mp4j.sync.SharedRLock}.
     * @return the new value.
     */
    public static SharedDouble create(final double initial, final SharedMutex lock)
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
    public static SharedDouble create(final Session session, final double initial, final SharedMutex lock)
    {
        Objects.requireNonNull(lock, "lock");
        final Region region = newRegion(session, RegionKind.VALUE, ValueDescriptor.TYPE_DOUBLE,
            ValueDescriptor.FLAG_SHARED_LOCK, ValueDescriptor.LENGTH);
        region.body().putLongVolatile(VALUE_OFFSET, Double.doubleToRawLongBits(initial));
        return new SharedDouble(region, lock.waitStrategy(), lock);
    }

    /**
     * Reads with volatile semantics: Python's {@code value}.
     *
     * @return the current value.
     */
    public double get()
    {
        return Double.longBitsToDouble(buffer.getLongVolatile(VALUE_OFFSET));
    }

    /**
     * Reads with acquire semantics.
     *
     * @return the current value.
     */
    public double getAcquire()
    {
        // Agrona 1.x has no acquire load; a volatile load is at least as strong (the same load on x86).
        return Double.longBitsToDouble(buffer.getLongVolatile(VALUE_OFFSET));
    }

    /**
     * Reads with no ordering, e.g. while holding the lock.
     *
     * @return the value, as this thread last saw it.
     */
    public double getPlain()
    {
        return Double.longBitsToDouble(buffer.getLong(VALUE_OFFSET));
    }

    /**
     * Writes with volatile semantics: Python's {@code value = x}.
     *
     * @param value the new value.
     */
    public void set(final double value)
    {
        buffer.putLongVolatile(VALUE_OFFSET, Double.doubleToRawLongBits(value));
    }

    /**
     * Writes with release semantics.
     *
     * @param value the new value.
     */
    public void setRelease(final double value)
    {
        buffer.putLongOrdered(VALUE_OFFSET, Double.doubleToRawLongBits(value));
    }

    /**
     * Writes a new value and returns the old one, atomically.
     *
     * @param value the new value.
     * @return the previous value.
     */
    public double getAndSet(final double value)
    {
        return Double.longBitsToDouble(buffer.getAndSetLong(VALUE_OFFSET, Double.doubleToRawLongBits(value)));
    }

    /**
     * Writes {@code update} if the value has the same bits as {@code expected}, atomically (so
     * {@code NaN} matches {@code NaN}, and {@code 0.0} does not match {@code -0.0}).
     *
     * @param expected the value it must have.
     * @param update   the new value.
     * @return true if written.
     */
    public boolean compareAndSet(final double expected, final double update)
    {
        return buffer.compareAndSetLong(
            VALUE_OFFSET, Double.doubleToRawLongBits(expected), Double.doubleToRawLongBits(update));
    }

    /**
     * Adds, atomically (a CAS loop).
     *
     * @param delta what to add.
     * @return the value before.
     */
    public double getAndAdd(final double delta)
    {
        return getAndAddDouble(buffer, VALUE_OFFSET, delta);
    }

    /**
     * Adds, atomically (a CAS loop).
     *
     * @param delta what to add.
     * @return the value after.
     */
    public double addAndGet(final double delta)
    {
        return getAndAddDouble(buffer, VALUE_OFFSET, delta) + delta;
    }

    @Override
    public String toString()
    {
        return isClosed() ? "SharedDouble{closed}" : Double.toString(get());
    }

    @Serial
    private Object writeReplace()
    {
        return handle();
    }

    @Serial
    private void readObject(final ObjectInputStream in) throws InvalidObjectException
    {
        throw new InvalidObjectException("SharedDouble travels as a SharedHandle");
    }
}
