package io.mp4j.cluster.internal;

import org.apache.ignite.IgniteAtomicLong;
import org.apache.ignite.IgniteCache;
import org.apache.ignite.IgniteLock;

import java.util.AbstractList;
import java.util.Objects;
import java.util.RandomAccess;

/**
 * Python's shared {@code list} on the cluster: the items in a cache keyed by their index, the length in an atomic
 * long, and a cluster lock around every change of the length. Reading, replacing and appending cost one or two
 * cache operations; inserting or removing in the middle moves every later item, under the lock, as a Python list
 * moves them in memory. Ignite's own {@code IgniteQueue} and {@code IgniteSet} have no index; a cache with backups
 * keeps the items as safe as the dict's.
 *
 * @param <E> the type of the items.
 */
public final class ClusterList<E> extends AbstractList<E> implements RandomAccess
{
    private final IgniteCache<Integer, E> items;
    private final IgniteAtomicLong length;
    private final IgniteLock lock;

    /**
     * A list over its structures.
     *
     * @param items  the items by index.
     * @param length the length.
     * @param lock   taken around every change of the length.
     */
    public ClusterList(final IgniteCache<Integer, E> items, final IgniteAtomicLong length, final IgniteLock lock)
    {
        this.items = items;
        this.length = length;
        this.lock = lock;
    }

    @Override
    public int size()
    {
        return (int)length.get();
    }

    @Override
    public E get(final int index)
    {
        Objects.checkIndex(index, size());
        return items.get(index);
    }

    @Override
    public E set(final int index, final E element)
    {
        lock.lock();
        try
        {
            Objects.checkIndex(index, size());
            return items.getAndPut(index, element);
        }
        finally
        {
            lock.unlock();
        }
    }

    @Override
    public void add(final int index, final E element)
    {
        lock.lock();
        try
        {
            final int size = size();
            Objects.checkIndex(index, size + 1);
            for (int i = size; i > index; i--)
            {
                items.put(i, items.get(i - 1));
            }
            items.put(index, element);
            length.incrementAndGet();
            modCount++;
        }
        finally
        {
            lock.unlock();
        }
    }

    @Override
    public E remove(final int index)
    {
        lock.lock();
        try
        {
            final int size = size();
            Objects.checkIndex(index, size);
            final E removed = items.get(index);
            for (int i = index; i < size - 1; i++)
            {
                items.put(i, items.get(i + 1));
            }
            items.remove(size - 1);
            length.decrementAndGet();
            modCount++;
            return removed;
        }
        finally
        {
            lock.unlock();
        }
    }

    @Override
    public void clear()
    {
        lock.lock();
        try
        {
            items.clear();
            length.getAndSet(0);
            modCount++;
        }
        finally
        {
            lock.unlock();
        }
    }
}
