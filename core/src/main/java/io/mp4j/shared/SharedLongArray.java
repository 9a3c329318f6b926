package io.mp4j.shared;

import io.mp4j.WaitStrategy;
import io.mp4j.internal.region.Region;
import io.mp4j.session.Session;
import io.mp4j.sync.SharedMutex;
import org.agrona.BufferUtil;
import org.agrona.UnsafeAccess;

import java.io.Serial;
import java.io.Serializable;
import java.lang.invoke.VarHandle;
import java.lang.ref.Reference;
import java.nio.ByteBuffer;
import java.nio.LongBuffer;
import java.util.Objects;

import static io.mp4j.shared.ArrayDescriptor.ELEMENTS_OFFSET;

/**
 * A fixed-length {@code long} array shared by processes: Python's {@code Array('q', n)} (with
 * {@link #create(int)}) or {@code RawArray('q', n)} (with {@link #createRaw(int)}). Elements have the
 * atomic operations of {@link java.util.concurrent.atomic.AtomicLongArray}; bulk copies move many
 * elements to and from Java arrays; {@link #view()} lets a kernel work on the shared memory in place.
 * <pre>{@code
 * SharedLongArray counts = SharedLongArray.create(4);
 * new ChildProcess(() -> counts.incrementAndGet(2)).start().join();
 * counts.toArray();   // [0, 0, 1, 0]
 * }</pre>
 * Index checks throw {@link IndexOutOfBoundsException}. Any thread of any process holding a handle may
 * call any method; bulk copies are not atomic as a whole (hold {@link #getLock()} for that).
 */
public final class SharedLongArray extends SharedArrayHandle implements Serializable, AutoCloseable
{
    @Serial
    private static final long serialVersionUID = 1L;

    private static final int SHIFT = 3;

    SharedLongArray(final Region region, final WaitStrategy waitStrategy, final SharedMutex sharedLock)
    {
        super(region, ValueDescriptor.TYPE_LONG, Long.BYTES, waitStrategy, sharedLock);
    }

    /**
     * Creates a zeroed array with its own lock in the current session: Python's {@code Array('q', length)}.
     *
     * @param length the number of elements.
     * @return the new array.
     */
    public static SharedLongArray create(final int length)
    {
        return create(Session.current(), length, true, WaitStrategy.defaultStrategy());
    }

    /**
     * Creates a zeroed array without a lock in the current session: Python's {@code RawArray('q', length)}.
     *
     * @param length the number of elements.
     * @return the new array.
     */
    public static SharedLongArray createRaw(final int length)
    {
        return create(Session.current(), length, false, WaitStrategy.defaultStrategy());
    }

    /**
     * Creates an array with its own lock holding a copy of the given elements: Python's
     * {@code Array('q', [...])}.
     *
     * @param elements the first contents.
     * @return the new array.
     */
    public static SharedLongArray of(final long... elements)
    {
        final SharedLongArray array = create(elements.length);
        array.copyFrom(elements);
        return array;
    }

    /**
     * Creates a zeroed array.
     *
     * @param session      the session its region lives in.
     * @param length       the number of elements.
     * @param locked       whether it carries its own lock.
     * @param waitStrategy how its lock's waiters wait.
     * @return the new array.
     */
    public static SharedLongArray create(
        final Session session, final int length, final boolean locked, final WaitStrategy waitStrategy)
    {
        final Region region =
            newArrayRegion(session, ValueDescriptor.TYPE_LONG, Long.BYTES, length, lockFlags(locked));
        return new SharedLongArray(region, waitStrategy, null);
    }

    /**
     * Creates a zeroed array guarded by an existing lock, in the current session: Python's
     * {@code Array('q', length, lock=lock)}. {@link #getLock()} returns that lock, so every value and array
     * made on it is excluded by it; the lock travels with the array's handle to other processes.
     *
     * @param length the number of elements.
     * @param lock   the lock to share: a {@link io.mp4j.sync.SharedLock} or a {@link io.mp4j.sync.SharedRLock}.
     * @return the new array.
     */
    public static SharedLongArray create(final int length, final SharedMutex lock)
    {
        return create(Session.current(), length, lock);
    }

    /**
     * Creates a zeroed array guarded by an existing lock; closing the array leaves the lock open.
     *
     * @param session the session its region lives in.
     * @param length  the number of elements.
     * @param lock    the lock to share; the array waits as it does.
     * @return the new array.
     */
    public static SharedLongArray create(final Session session, final int length, final SharedMutex lock)
    {
        Objects.requireNonNull(lock, "lock");
        final Region region = newArrayRegion(session, ValueDescriptor.TYPE_LONG, Long.BYTES, length,
            ValueDescriptor.FLAG_SHARED_LOCK);
        return new SharedLongArray(region, lock.waitStrategy(), lock);
    }

    /**
     * Reads an element with volatile semantics.
     *
     * @param index the element's index.
     * @return its value.
     */
    public long get(final int index)
    {
        return buffer.getLongVolatile(offset(index));
    }

    /**
     * Reads an element with no ordering.
     *
     * @param index the element's index.
     * @return its value, as this thread last saw it.
     */
    public long getPlain(final int index)
    {
        return buffer.getLong(offset(index));
    }

    /**
     * Writes an element with volatile semantics.
     *
     * @param index the element's index.
     * @param value the new value.
     */
    public void set(final int index, final long value)
    {
        buffer.putLongVolatile(offset(index), value);
    }

    /**
     * Writes an element with release semantics.
     *
     * @param index the element's index.
     * @param value the new value.
     */
    public void setRelease(final int index, final long value)
    {
        buffer.putLongOrdered(offset(index), value);
    }

    /**
     * Writes an element with no ordering; publish with a later volatile write, a lock, or an event.
     *
     * @param index the element's index.
     * @param value the new value.
     */
    public void setPlain(final int index, final long value)
    {
        buffer.putLong(offset(index), value);
    }

    /**
     * Replaces an element, atomically.
     *
     * @param index the element's index.
     * @param value the new value.
     * @return the previous value.
     */
    public long getAndSet(final int index, final long value)
    {
        return buffer.getAndSetLong(offset(index), value);
    }

    /**
     * Writes {@code update} if the element is {@code expected}, atomically.
     *
     * @param index    the element's index.
     * @param expected the value it must have.
     * @param update   the new value.
     * @return true if written.
     */
    public boolean compareAndSet(final int index, final long expected, final long update)
    {
        return buffer.compareAndSetLong(offset(index), expected, update);
    }

    /**
     * Adds to an element, atomically.
     *
     * @param index the element's index.
     * @param delta what to add.
     * @return the value before.
     */
    public long getAndAdd(final int index, final long delta)
    {
        return buffer.getAndAddLong(offset(index), delta);
    }

    /**
     * Adds to an element, atomically.
     *
     * @param index the element's index.
     * @param delta what to add.
     * @return the value after.
     */
    public long addAndGet(final int index, final long delta)
    {
        return buffer.getAndAddLong(offset(index), delta) + delta;
    }

    /**
     * Adds one to an element, atomically.
     *
     * @param index the element's index.
     * @return the value after.
     */
    public long incrementAndGet(final int index)
    {
        return buffer.getAndAddLong(offset(index), 1) + 1;
    }

    /**
     * Subtracts one from an element, atomically.
     *
     * @param index the element's index.
     * @return the value after.
     */
    public long decrementAndGet(final int index)
    {
        return buffer.getAndAddLong(offset(index), -1) - 1;
    }

    /**
     * Copies elements out to a Java array, then nothing else: each element is read whole, the range is
     * not a snapshot. Reads made after an acquire (a lock, a volatile read) see what was published before it.
     *
     * @param fromIndex   the first element to copy.
     * @param destination where to copy to.
     * @param offset      where in {@code destination} to start.
     * @param count       how many elements.
     */
    public void copyTo(final int fromIndex, final long[] destination, final int offset, final int count)
    {
        Objects.checkFromIndexSize(fromIndex, count, length);
        Objects.checkFromIndexSize(offset, count, destination.length);
        VarHandle.acquireFence();
        for (int i = 0; i < count; i++)
        {
            destination[offset + i] = view.getLong((fromIndex + i) << SHIFT);
        }
    }

    /**
     * Copies elements in from a Java array, then publishes them with a release fence.
     *
     * @param source    where to copy from.
     * @param offset    where in {@code source} to start.
     * @param toIndex   the first element to write.
     * @param count     how many elements.
     */
    public void copyFrom(final long[] source, final int offset, final int toIndex, final int count)
    {
        Objects.checkFromIndexSize(offset, count, source.length);
        Objects.checkFromIndexSize(toIndex, count, length);
        for (int i = 0; i < count; i++)
        {
            view.putLong((toIndex + i) << SHIFT, source[offset + i]);
        }
        VarHandle.releaseFence();
    }

    /**
     * Copies a whole Java array in, from element 0: Python's {@code array[:] = values}.
     *
     * @param source the elements; at most {@link #length()} of them.
     */
    public void copyFrom(final long[] source)
    {
        copyFrom(source, 0, 0, source.length);
    }

    /**
     * Copies every element out: Python's {@code array[:]}.
     *
     * @return a new Java array.
     */
    public long[] toArray()
    {
        final long[] copy = new long[length];
        copyTo(0, copy, 0, length);
        return copy;
    }

    /**
     * The elements as a {@link LongBuffer} over the shared memory itself, for kernels that go over many of
     * them: {@code asLongBuffer().get(i)} is element {@code i} (plain, in the platform's byte order), and the JIT
     * hoists the buffer's bounds check out of a loop, which then runs as fast as over a {@code long[]}, where
     * {@link #view()} checks every access. No copy is made; ask for it once per kernel, not per access.
     * Closing the array sets the buffer's limit to 0, so a late access throws instead of reading memory
     * that is no longer shared.
     *
     * @return a new buffer over all elements, position 0, limit {@link #length()}.
     * @throws IllegalStateException if the array is closed.
     */
    public LongBuffer asLongBuffer()
    {
        return elements(ByteBuffer::asLongBuffer);
    }

    /**
     * The sum of all elements: numpy's {@code ndarray.sum()}. Overflows wrap around, as {@code long} arithmetic and
     * numpy's {@code int64} do. Elements are read plainly, as {@code getPlain} reads one, straight from the shared
     * memory, four at a time; a writer in another process may be partway through. As with {@link #asLongBuffer()}, the
     * array's memory then stays mapped after {@code close()} until the garbage collector finds no buffer of it.
     *
     * @return the sum.
     * @throws IllegalStateException if the array is closed.
     */
    public long sum()
    {
        return sum(0, length);
    }

    /**
     * The sum of the elements from {@code fromIndex} (inclusive) to {@code toIndex} (exclusive), as
     * {@link #sum()} does: numpy's {@code a[fromIndex:toIndex].sum()}.
     *
     * @param fromIndex the first element.
     * @param toIndex   the element after the last.
     * @return the sum; 0 for an empty range.
     * @throws IndexOutOfBoundsException if the range is not within the array.
     * @throws IllegalStateException     if the array is closed.
     */
    public long sum(final int fromIndex, final int toIndex)
    {
        Objects.checkFromToIndex(fromIndex, toIndex, length);
        final ByteBuffer elements = pinnedElements();
        final long address = BufferUtil.address(elements);
        // Four partial sums: the adds of one chain wait for each other, four chains keep up with memory.
        long sum0 = 0;
        long sum1 = 0;
        long sum2 = 0;
        long sum3 = 0;
        final int fours = fromIndex + ((toIndex - fromIndex) & ~3);
        int index = fromIndex;
        for (; index < fours; index += 4)
        {
            final long at = address + ((long)index << SHIFT);
            sum0 += UnsafeAccess.UNSAFE.getLong(at);
            sum1 += UnsafeAccess.UNSAFE.getLong(at + (1L << SHIFT));
            sum2 += UnsafeAccess.UNSAFE.getLong(at + (2L << SHIFT));
            sum3 += UnsafeAccess.UNSAFE.getLong(at + (3L << SHIFT));
        }
        for (; index < toIndex; index++)
        {
            sum0 += UnsafeAccess.UNSAFE.getLong(address + ((long)index << SHIFT));
        }
        Reference.reachabilityFence(elements);
        return (sum0 + sum1) + (sum2 + sum3);
    }

    /**
     * The length and the first elements, as Python's {@code repr} names an array's length, e.g.
     * {@code SharedLongArray{length=100, [1, 2, 3, 4, 5, 6, 7, 8, ...]}}; copy with {@code toArray()} for all.
     *
     * @return the description.
     */
    @Override
    public String toString()
    {
        if (isClosed())
        {
            return "SharedLongArray{closed}";
        }
        final StringBuilder text = describeStart("SharedLongArray");
        final int shown = Math.min(length, DESCRIBED_ELEMENTS);
        for (int i = 0; i < shown; i++)
        {
            text.append(i == 0 ? "" : ", ").append(get(i));
        }
        return describeEnd(text, shown);
    }

    private int offset(final int index)
    {
        return ELEMENTS_OFFSET + (Objects.checkIndex(index, length) << SHIFT);
    }
}
