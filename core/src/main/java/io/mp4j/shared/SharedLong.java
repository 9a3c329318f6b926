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
 * A {@code long} shared by processes: Python's {@code Value('q', x)} (with {@link #create(long)}) or
 * {@code RawValue('q', x)} (with {@link #createRaw(long)}), with the operations of
 * {@link java.util.concurrent.atomic.AtomicLong}, each atomic across processes and allocation-free.
 * <pre>{@code
 * SharedLong total = SharedLong.create(0);
 * new ChildProcess(() -> total.addAndGet(42)).start().join();   // the child attaches to the same memory
 * total.get();                                                  // 42
 * }</pre>
 * The locked kind carries its own {@link io.mp4j.sync.SharedRLock} ({@link #getLock()}) for
 * compound updates; the atomic operations do not need it. Handles are serializable: a child that gets
 * one attaches to the same memory. Any thread of any process holding a handle may call any method.
 */
public final class SharedLong extends SharedMemoryHandle implements LongValue, Serializable, AutoCloseable
{
    @Serial
    private static final long serialVersionUID = 1L;

    SharedLong(final Region region, final WaitStrategy waitStrategy, final SharedMutex sharedLock)
    {
        super(region, ValueDescriptor.TYPE_LONG, ValueDescriptor.LOCK_OFFSET, waitStrategy, sharedLock);
    }

    /**
     * Creates a value with its own lock in the current session: Python's {@code Value('q', initial)}.
     *
     * @param initial the first value.
     * @return the new value.
     */
    public static SharedLong create(final long initial)
    {
        return create(Session.current(), initial, true, WaitStrategy.defaultStrategy());
    }

    /**
     * Creates a value without a lock in the current session: Python's {@code RawValue('q', initial)}.
     *
     * @param initial the first value.
     * @return the new value.
     */
    public static SharedLong createRaw(final long initial)
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
    public static SharedLong create(
        final Session session, final long initial, final boolean locked, final WaitStrategy waitStrategy)
    {
        final Region region = newRegion(session, RegionKind.VALUE, ValueDescriptor.TYPE_LONG,
            lockFlags(locked), ValueDescriptor.LENGTH);
        region.body().putLongVolatile(VALUE_OFFSET, initial);
        return new SharedLong(region, waitStrategy, null);
    }

    /**
     * Creates a value guarded by an existing lock, in the current session: Python's
     * {@code Value('q', initial, lock=lock)}. {@link #getLock()} returns that lock, so every value and array
     * made on it is excluded by it; the lock travels with the value's handle to other processes.
     *
     * @param initial the first value.
     * @param lock    the lock to share: a {@link io.mp4j.sync.SharedLock} or a {@link io.mp4j.sync.SharedRLock}.
     * @return the new value.
     */
    public static SharedLong create(final long initial, final SharedMutex lock)
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
    public static SharedLong create(final Session session, final long initial, final SharedMutex lock)
    {
        Objects.requireNonNull(lock, "lock");
        final Region region = newRegion(session, RegionKind.VALUE, ValueDescriptor.TYPE_LONG,
            ValueDescriptor.FLAG_SHARED_LOCK, ValueDescriptor.LENGTH);
        region.body().putLongVolatile(VALUE_OFFSET, initial);
        return new SharedLong(region, lock.waitStrategy(), lock);
    }

    /**
     * Reads with volatile semantics: Python's {@code value}.
     *
     * @return the current value.
     */
    public long get()
    {
        return buffer.getLongVolatile(VALUE_OFFSET);
    }

    /**
     * Reads with acquire semantics.
     *
     * @return the current value.
     */
    public long getAcquire()
    {
        // Agrona 1.x has no acquire load; a volatile load is at least as strong (the same load on x86).
        return buffer.getLongVolatile(VALUE_OFFSET);
    }

    /**
     * Reads with no ordering, e.g. while holding the lock or when another process's order does not matter.
     *
     * @return the value, as this thread last saw it.
     */
    public long getPlain()
    {
        return buffer.getLong(VALUE_OFFSET);
    }

    /**
     * Writes with volatile semantics: Python's {@code value = x}.
     *
     * @param value the new value.
     */
    public void set(final long value)
    {
        buffer.putLongVolatile(VALUE_OFFSET, value);
    }

    /**
     * Writes with release semantics: cheaper than {@link #set(long)}, still seen in order by readers.
     *
     * @param value the new value.
     */
    public void setRelease(final long value)
    {
        buffer.putLongOrdered(VALUE_OFFSET, value);
    }

    /**
     * Writes with release semantics, under {@link java.util.concurrent.atomic.AtomicLong}'s old name.
     *
     * @param value the new value.
     */
    public void lazySet(final long value)
    {
        buffer.putLongOrdered(VALUE_OFFSET, value);
    }

    /**
     * Writes a new value and returns the old one, atomically.
     *
     * @param value the new value.
     * @return the previous value.
     */
    public long getAndSet(final long value)
    {
        return buffer.getAndSetLong(VALUE_OFFSET, value);
    }

    /**
     * Writes {@code update} if the value is {@code expected}, atomically.
     *
     * @param expected the value it must have.
     * @param update   the new value.
     * @return true if written.
     */
    public boolean compareAndSet(final long expected, final long update)
    {
        return buffer.compareAndSetLong(VALUE_OFFSET, expected, update);
    }

    /**
     * Writes {@code update} if the value is {@code expected}, atomically, and returns what was there.
     *
     * @param expected the value it must have.
     * @param update   the new value.
     * @return the value before, which equals {@code expected} if written.
     */
    public long compareAndExchange(final long expected, final long update)
    {
        // Agrona 1.x has no compare-and-exchange: a failed exchange returns a value read with volatile
        // semantics, as a failed compareAndExchange would; a change between that read and the CAS retries.
        while (true)
        {
            final long witness = buffer.getLongVolatile(VALUE_OFFSET);
            if (witness != expected || buffer.compareAndSetLong(VALUE_OFFSET, expected, update))
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
    public long getAndAdd(final long delta)
    {
        return buffer.getAndAddLong(VALUE_OFFSET, delta);
    }

    /**
     * Adds, atomically.
     *
     * @param delta what to add.
     * @return the value after.
     */
    public long addAndGet(final long delta)
    {
        return buffer.getAndAddLong(VALUE_OFFSET, delta) + delta;
    }

    /**
     * Adds one, atomically.
     *
     * @return the value before.
     */
    public long getAndIncrement()
    {
        return buffer.getAndAddLong(VALUE_OFFSET, 1);
    }

    /**
     * Subtracts one, atomically.
     *
     * @return the value before.
     */
    public long getAndDecrement()
    {
        return buffer.getAndAddLong(VALUE_OFFSET, -1);
    }

    /**
     * Adds one, atomically.
     *
     * @return the value after.
     */
    public long incrementAndGet()
    {
        return buffer.getAndAddLong(VALUE_OFFSET, 1) + 1;
    }

    /**
     * Subtracts one, atomically.
     *
     * @return the value after.
     */
    public long decrementAndGet()
    {
        return buffer.getAndAddLong(VALUE_OFFSET, -1) - 1;
    }

    @Override
    public String toString()
    {
        return isClosed() ? "SharedLong{closed}" : Long.toString(get());
    }

    @Serial
    private Object writeReplace()
    {
        return handle();
    }

    @Serial
    private void readObject(final ObjectInputStream in) throws InvalidObjectException
    {
        throw new InvalidObjectException("SharedLong travels as a SharedHandle");
    }
}
