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
 * An {@code int} shared by processes: Python's {@code Value('i', x)} (with {@link #create(int)}) or
 * {@code RawValue('i', x)} (with {@link #createRaw(int)}), with the operations of
 * {@link java.util.concurrent.atomic.AtomicInteger}, each atomic across processes and allocation-free.
 * <pre>{@code
 * SharedInt total = SharedInt.create(0);
 * new ChildProcess(() -> total.addAndGet(42)).start().join();   // the child attaches to the same memory
 * total.get();                                                  // 42
 * }</pre>
 * The locked kind carries its own {@link io.mp4j.sync.SharedRLock} ({@link #getLock()}) for
 * compound updates; the atomic operations do not need it. Handles are serializable: a child that gets
 * one attaches to the same memory. Any thread of any process holding a handle may call any method.
 */
public final class SharedInt extends SharedMemoryHandle implements Serializable, AutoCloseable
{
    @Serial
    private static final long serialVersionUID = 1L;

    SharedInt(final Region region, final WaitStrategy waitStrategy, final SharedMutex sharedLock)
    {
        super(region, ValueDescriptor.TYPE_INT, ValueDescriptor.LOCK_OFFSET, waitStrategy, sharedLock);
    }

    /**
     * Creates a value with its own lock in the current session: Python's {@code Value('i', initial)}.
     *
     * @param initial the first value.
     * @return the new value.
     */
    public static SharedInt create(final int initial)
    {
        return create(Session.current(), initial, true, WaitStrategy.defaultStrategy());
    }

    /**
     * Creates a value without a lock in the current session: Python's {@code RawValue('i', initial)}.
     *
     * @param initial the first value.
     * @return the new value.
     */
    public static SharedInt createRaw(final int initial)
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
    public static SharedInt create(
        final Session session, final int initial, final boolean locked, final WaitStrategy waitStrategy)
    {
        final Region region = newRegion(session, RegionKind.VALUE, ValueDescriptor.TYPE_INT,
            lockFlags(locked), ValueDescriptor.LENGTH);
        region.body().putIntVolatile(VALUE_OFFSET, initial);
        return new SharedInt(region, waitStrategy, null);
    }

    /**
     * Creates a value guarded by an existing lock, in the current session: Python's
     * {@code Value('i', initial, lock=lock)}. {@link #getLock()} returns that lock, so every value and array
     * made on it is excluded by it; the lock travels with the value's handle to other processes.
     *
     * @param initial the first value.
     * @param lock    the lock to share: a {@link io.mp4j.sync.SharedLock} or a {@link io.mp4j.sync.SharedRLock}.
     * @return the new value.
     */
    public static SharedInt create(final int initial, final SharedMutex lock)
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
    public static SharedInt create(final Session session, final int initial, final SharedMutex lock)
    {
        Objects.requireNonNull(lock, "lock");
        final Region region = newRegion(session, RegionKind.VALUE, ValueDescriptor.TYPE_INT,
            ValueDescriptor.FLAG_SHARED_LOCK, ValueDescriptor.LENGTH);
        region.body().putIntVolatile(VALUE_OFFSET, initial);
        return new SharedInt(region, lock.waitStrategy(), lock);
    }

    /**
     * Reads with volatile semantics: Python's {@code value}.
     *
     * @return the current value.
     */
    public int get()
    {
        return buffer.getIntVolatile(VALUE_OFFSET);
    }

    /**
     * Reads with acquire semantics.
     *
     * @return the current value.
     */
    public int getAcquire()
    {
        // Agrona 1.x has no acquire load; a volatile load is at least as strong (the same load on x86).
        return buffer.getIntVolatile(VALUE_OFFSET);
    }

    /**
     * Reads with no ordering, e.g. while holding the lock or when another process's order does not matter.
     *
     * @return the value, as this thread last saw it.
     */
    public int getPlain()
    {
        return buffer.getInt(VALUE_OFFSET);
    }

    /**
     * Writes with volatile semantics: Python's {@code value = x}.
     *
     * @param value the new value.
     */
    public void set(final int value)
    {
        buffer.putIntVolatile(VALUE_OFFSET, value);
    }

    /**
     * Writes with release semantics: cheaper than {@link #set(int)}, still seen in order by readers.
     *
     * @param value the new value.
     */
    public void setRelease(final int value)
    {
        buffer.putIntOrdered(VALUE_OFFSET, value);
    }

    /**
     * Writes with release semantics, under {@link java.util.concurrent.atomic.AtomicInteger}'s old name.
     *
     * @param value the new value.
     */
    public void lazySet(final int value)
    {
        buffer.putIntOrdered(VALUE_OFFSET, value);
    }

    /**
     * Writes a new value and returns the old one, atomically.
     *
     * @param value the new value.
     * @return the previous value.
     */
    public int getAndSet(final int value)
    {
        return buffer.getAndSetInt(VALUE_OFFSET, value);
    }

    /**
     * Writes {@code update} if the value is {@code expected}, atomically.
     *
     * @param expected the value it must have.
     * @param update   the new value.
     * @return true if written.
     */
    public boolean compareAndSet(final int expected, final int update)
    {
        return buffer.compareAndSetInt(VALUE_OFFSET, expected, update);
    }

    /**
     * Writes {@code update} if the value is {@code expected}, atomically, and returns what was there.
     *
     * @param expected the value it must have.
     * @param update   the new value.
     * @return the value before, which equals {@code expected} if written.
     */
    public int compareAndExchange(final int expected, final int update)
    {
        // Agrona 1.x has no compare-and-exchange: a failed exchange returns a value read with volatile
        // semantics, as a failed compareAndExchange would; a change between that read and the CAS retries.
        while (true)
        {
            final int witness = buffer.getIntVolatile(VALUE_OFFSET);
            if (witness != expected || buffer.compareAndSetInt(VALUE_OFFSET, expected, update))
            {
                return witness;
            }
        }
    }

    /**
     * Adds, atomically.
     *
     * @param delta what to add.
     * @return the value before.
     */
    public int getAndAdd(final int delta)
    {
        return buffer.getAndAddInt(VALUE_OFFSET, delta);
    }

    /**
     * Adds, atomically.
     *
     * @param delta what to add.
     * @return the value after.
     */
    public int addAndGet(final int delta)
    {
        return buffer.getAndAddInt(VALUE_OFFSET, delta) + delta;
    }

    /**
     * Adds one, atomically.
     *
     * @return the value before.
     */
    public int getAndIncrement()
    {
        return buffer.getAndAddInt(VALUE_OFFSET, 1);
    }

    /**
     * Subtracts one, atomically.
     *
     * @return the value before.
     */
    public int getAndDecrement()
    {
        return buffer.getAndAddInt(VALUE_OFFSET, -1);
    }

    /**
     * Adds one, atomically.
     *
     * @return the value after.
     */
    public int incrementAndGet()
    {
        return buffer.getAndAddInt(VALUE_OFFSET, 1) + 1;
    }

    /**
     * Subtracts one, atomically.
     *
     * @return the value after.
     */
    public int decrementAndGet()
    {
        return buffer.getAndAddInt(VALUE_OFFSET, -1) - 1;
    }

    @Override
    public String toString()
    {
        return isClosed() ? "SharedInt{closed}" : Integer.toString(get());
    }

    @Serial
    private Object writeReplace()
    {
        return handle();
    }

    @Serial
    private void readObject(final ObjectInputStream in) throws InvalidObjectException
    {
        throw new InvalidObjectException("SharedInt travels as a SharedHandle");
    }
}
