package io.mp4j.manager;

import io.mp4j.WaitStrategy;
import io.mp4j.codec.Codec;
import io.mp4j.process.ChildProcess;
import io.mp4j.session.Session;

import java.io.InvalidObjectException;
import java.io.ObjectInputStream;
import java.io.Serial;
import java.io.Serializable;
import java.nio.file.Path;
import java.util.AbstractList;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.ListIterator;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.RandomAccess;
import java.util.Spliterator;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;

/**
 * A list shared by processes: Python's {@code Manager().list()}, without the manager's server process.
 * It is a {@link java.util.List}; every process that receives it (it is {@link Serializable} as a handle)
 * maps the same memory, and each call is one atomic step for all of them.
 * <pre>{@code
 * SharedList<String> list = manager.list();
 * new ChildProcess((SharedList<String> l) -> l.add("Hello"), list).start().join();
 * System.out.println(list);   // [Hello]
 * }</pre>
 * <b>Backing store.</b> An mp4j region pair in the manager's session, not a Chronicle Map: a small
 * <em>anchor</em> holding a robust {@link io.mp4j.sync.SharedLock} and a generation number, and a
 * <em>data</em> region holding an index of entries (offset and length of each item) and a heap of encoded
 * items (see {@link ListDescriptor}). Why: a list is positional, and a map keyed by position would have
 * to rewrite every later key to insert or remove, in many steps a dead process could leave half done;
 * here every change is published by one store (an entry, or the word naming the index and size), so a
 * process killed mid-call, even SIGKILLed holding the lock, leaves the list as it was before or after
 * that call, and the next caller takes the lock over (within about 100 ms) and goes on. And a child that
 * only uses a list does not pay a Chronicle Map's ~3 s of start-up.
 * <p>
 * <b>Values</b> cross by mp4j's codec, as on a queue: strings, boxed primitives and primitive arrays
 * directly, anything else {@link Serializable} by Java serialization; {@code null} is allowed. What
 * {@link #get(int)} returns is a copy: changing it does not change the list (as with Python's proxy).
 * Equality ({@link #indexOf(Object)}, {@link #remove(Object)}) is the decoded values' {@code equals}.
 * <p>
 * <b>Size.</b> The list is created with room for an expected number of items (and 64 bytes of encoding
 * each); past it, the call that finds it full copies the live items into a region twice the size (or just
 * compacts, when replaced and removed items left room) while holding the lock, so the others wait for
 * that copy, but an append costs a constant on average. The bound is one region: about 2 GiB of items
 * plus 16 bytes per item; past it a call fails with {@link io.mp4j.Mp4jException} {@code shared list
 * is full}, leaving the list as it was. Memory is taken as it is touched.
 * <p>
 * <b>Iteration</b> is live, as Python's proxy's is: an iterator reads each item when it gets to it (one
 * lock per step), so it sees what other processes changed or appended meanwhile, and it never throws
 * {@link java.util.ConcurrentModificationException}; its iterators do not support {@code remove},
 * {@code set} or {@code add}. {@link #snapshot()}, {@code toString}, {@code equals}, {@code hashCode},
 * {@code contains}, {@code indexOf}, {@code stream} and {@code toArray} see the list at one instant.
 * {@link #subList(int, int)} is a positional view whose calls are each atomic, not together. Compound
 * steps ({@code if (!l.contains(x)) l.add(x)}) are not atomic, as in Python: guard them with a lock of
 * your own.
 * <p>
 * Any thread of any process holding a handle may call any method. Closing the manager removes the list;
 * calls then fail.
 *
 * @param <V> the type of the items.
 */
public final class SharedList<V> extends AbstractList<V> implements RandomAccess, AutoCloseable, Serializable
{
    @Serial
    private static final long serialVersionUID = 1L;

    private static final byte[][] NONE = new byte[0][];
    /** What {@link #itemOrEnd(int)} returns past the end. */
    static final Object END = new Object();

    private final transient ListStore store;

    private SharedList(final ListStore store)
    {
        this.store = store;
    }

    /**
     * A new, empty list in a session, with room for an expected number of items before it first grows; most
     * code gets one from {@link Manager#list()} instead.
     *
     * @param session       the session its file lives in.
     * @param expectedItems how many items it should hold without growing, at least 1.
     * @param waitStrategy  how its lock's waiters wait.
     * @param <V>           the type of the items.
     * @return the list.
     */
    public static <V> SharedList<V> create(final Session session, final int expectedItems, final WaitStrategy waitStrategy)
    {
        return new SharedList<>(ListStore.create(session, ListDescriptor.TYPE_LIST, expectedItems, waitStrategy));
    }

    /**
     * The list's name in its manager's session.
     *
     * @return e.g. {@code list-1234-5}.
     */
    public String name()
    {
        return store.name();
    }

    @Override
    public int size()
    {
        store.lock();
        try
        {
            return store.size();
        }
        finally
        {
            store.unlock();
        }
    }

    @Override
    public V get(final int index)
    {
        final Object read;
        store.lock();
        try
        {
            read = store.read(store.entry(Objects.checkIndex(index, store.size())), 0);
        }
        finally
        {
            store.unlock();
        }
        return cast(ListStore.resolve(read));
    }

    /**
     * Replaces an item: Python's {@code l[i] = x}.
     *
     * @param index   its position.
     * @param element the new item.
     * @return the item it replaced.
     * @throws IndexOutOfBoundsException if there is no item at that position.
     */
    @Override
    public V set(final int index, final V element)
    {
        final byte[] item = Codec.encode(element);
        final Object previous;
        store.lock();
        try
        {
            final int checked = Objects.checkIndex(index, store.size());
            previous = store.read(store.entry(checked), 0);
            store.replace(checked, item);
        }
        finally
        {
            store.unlock();
        }
        return cast(ListStore.resolve(previous));
    }

    /**
     * Appends an item: Python's {@code l.append(x)}.
     *
     * @param element the item.
     * @return true.
     */
    @Override
    public boolean add(final V element)
    {
        final byte[] item = Codec.encode(element);
        store.lock();
        try
        {
            store.append(item);
        }
        finally
        {
            store.unlock();
        }
        return true;
    }

    /**
     * Appends an item: Python's {@code l.append(x)}, the same as {@link #add(Object)}.
     *
     * @param element the item.
     */
    public void append(final V element)
    {
        add(element);
    }

    /**
     * Inserts an item, moving later ones up: Python's {@code l.insert(i, x)}.
     *
     * @param index   where it goes, from 0 to the size.
     * @param element the item.
     * @throws IndexOutOfBoundsException if the position is out of range.
     */
    @Override
    public void add(final int index, final V element)
    {
        final byte[] item = Codec.encode(element);
        store.lock();
        try
        {
            store.splice(Objects.checkIndex(index, store.size() + 1), index, item);
        }
        finally
        {
            store.unlock();
        }
    }

    /**
     * Appends every item of a collection as one change: Python's {@code l.extend(xs)}.
     *
     * @param elements the items, in their iteration order.
     * @return true if there were any.
     */
    @Override
    public boolean addAll(final Collection<? extends V> elements)
    {
        final byte[][] items = encodeAll(elements);
        store.lock();
        try
        {
            store.append(items);
        }
        finally
        {
            store.unlock();
        }
        return items.length > 0;
    }

    /**
     * Inserts every item of a collection at a position, as one change: Python's {@code l[i:i] = xs}.
     *
     * @param index    where the first goes, from 0 to the size.
     * @param elements the items.
     * @return true if there were any.
     * @throws IndexOutOfBoundsException if the position is out of range.
     */
    @Override
    public boolean addAll(final int index, final Collection<? extends V> elements)
    {
        final byte[][] items = encodeAll(elements);
        store.lock();
        try
        {
            store.splice(Objects.checkIndex(index, store.size() + 1), index, items);
        }
        finally
        {
            store.unlock();
        }
        return items.length > 0;
    }

    /**
     * Removes the item at a position, moving later ones down: Python's {@code l.pop(i)}.
     *
     * @param index its position.
     * @return the item.
     * @throws IndexOutOfBoundsException if there is no item at that position.
     */
    @Override
    public V remove(final int index)
    {
        final Object removed;
        store.lock();
        try
        {
            final int checked = Objects.checkIndex(index, store.size());
            removed = store.read(store.entry(checked), 0);
            store.splice(checked, checked + 1, NONE);
        }
        finally
        {
            store.unlock();
        }
        return cast(ListStore.resolve(removed));
    }

    /**
     * Removes and returns the last item, atomically: Python's {@code l.pop()}.
     *
     * @return the item.
     * @throws NoSuchElementException if the list is empty.
     */
    public V pop()
    {
        final Object removed;
        store.lock();
        try
        {
            final int size = store.size();
            if (size == 0)
            {
                throw new NoSuchElementException("pop from empty shared list: name=" + store.name());
            }
            removed = store.read(store.entry(size - 1), 0);
            store.splice(size - 1, size, NONE);
        }
        finally
        {
            store.unlock();
        }
        return cast(ListStore.resolve(removed));
    }

    /**
     * Removes the first item equal to the given one, atomically: Python's {@code l.remove(x)}, but
     * returning false where Python raises {@code ValueError}.
     *
     * @param element the item to look for; compared by {@code equals} with each decoded item.
     * @return true if one was removed.
     */
    @Override
    public boolean remove(final Object element)
    {
        store.lock();
        try
        {
            final int size = store.size();
            for (int i = 0; i < size; i++)
            {
                if (Objects.equals(element, ListStore.resolve(store.read(store.entry(i), 0))))
                {
                    store.splice(i, i + 1, NONE);
                    return true;
                }
            }
            return false;
        }
        finally
        {
            store.unlock();
        }
    }

    /**
     * Removes every item the filter accepts, as one change. The filter runs while this list's lock is
     * held, so other processes' calls on the list wait for it: keep it short, and do not call this list
     * from it (the lock is not re-entrant: that call throws {@link IllegalStateException}).
     *
     * @param filter what to remove.
     * @return true if any were removed.
     */
    @Override
    public boolean removeIf(final Predicate<? super V> filter)
    {
        Objects.requireNonNull(filter, "filter");
        store.lock();
        try
        {
            final int size = store.size();
            final boolean[] keep = new boolean[size];
            boolean removed = false;
            for (int i = 0; i < size; i++)
            {
                keep[i] = !filter.test(cast(ListStore.resolve(store.read(store.entry(i), 0))));
                removed |= !keep[i];
            }
            if (removed)
            {
                store.retain(keep);
            }
            return removed;
        }
        finally
        {
            store.unlock();
        }
    }

    @Override
    public boolean removeAll(final Collection<?> elements)
    {
        Objects.requireNonNull(elements, "elements");
        return removeIf(elements::contains);
    }

    @Override
    public boolean retainAll(final Collection<?> elements)
    {
        Objects.requireNonNull(elements, "elements");
        return removeIf(element -> !elements.contains(element));
    }

    /**
     * Replaces every item with the operator's result, as one change. The operator runs under the lock,
     * with the same rules as {@link #removeIf(Predicate)}'s filter.
     *
     * @param operator what each item becomes.
     */
    @Override
    public void replaceAll(final UnaryOperator<V> operator)
    {
        Objects.requireNonNull(operator, "operator");
        store.lock();
        try
        {
            final int size = store.size();
            final byte[][] items = new byte[size][];
            for (int i = 0; i < size; i++)
            {
                items[i] = Codec.encode(operator.apply(cast(ListStore.resolve(store.read(store.entry(i), 0)))));
            }
            store.splice(0, size, items);
        }
        finally
        {
            store.unlock();
        }
    }

    /**
     * Sorts the list, stably, as one change: Python's {@code l.sort()}. The items are decoded and compared
     * under the lock (the comparator follows {@link #removeIf(Predicate)}'s rules); only their entries move.
     *
     * @param comparator the order, or null for the items' natural order.
     */
    @Override
    public void sort(final Comparator<? super V> comparator)
    {
        store.lock();
        try
        {
            final int size = store.size();
            final List<V> values = new ArrayList<>(size);
            final Integer[] order = new Integer[size];
            for (int i = 0; i < size; i++)
            {
                values.add(cast(ListStore.resolve(store.read(store.entry(i), 0))));
                order[i] = i;
            }
            @SuppressWarnings("unchecked")
            final Comparator<? super V> byValue = comparator != null ? comparator :
                (Comparator<? super V>)Comparator.naturalOrder();
            Arrays.sort(order, (a, b) -> byValue.compare(values.get(a), values.get(b)));
            final int[] permutation = new int[size];
            for (int i = 0; i < size; i++)
            {
                permutation[i] = order[i];
            }
            store.permute(permutation);
        }
        finally
        {
            store.unlock();
        }
    }

    /** Removes every item, as one change: Python's {@code l.clear()}. */
    @Override
    public void clear()
    {
        store.lock();
        try
        {
            store.splice(0, store.size(), NONE);
        }
        finally
        {
            store.unlock();
        }
    }

    @Override
    protected void removeRange(final int fromIndex, final int toIndex)
    {
        store.lock();
        try
        {
            Objects.checkFromToIndex(fromIndex, toIndex, store.size());
            store.splice(fromIndex, toIndex, NONE);
        }
        finally
        {
            store.unlock();
        }
    }

    /**
     * A copy of the items, taken under the lock: Python's {@code l[:]} or {@code list(l)}. The bytes are
     * copied while the lock is held and decoded after.
     *
     * @return a new modifiable {@link ArrayList}.
     */
    public List<V> snapshot()
    {
        final ListStore.Snapshot snapshot;
        store.lock();
        try
        {
            snapshot = store.snapshot();
        }
        finally
        {
            store.unlock();
        }
        final List<V> values = new ArrayList<>(snapshot.size());
        for (int i = 0; i < snapshot.size(); i++)
        {
            values.add(cast(snapshot.decode(i, 0)));
        }
        return values;
    }

    /**
     * A live iterator, as Python's proxy iterates: each step reads the item at its position then, so it
     * sees an item another process changed, appended or moved after the iterator was made (one lock per
     * step), and ends at the size the list has when it gets there. It never throws
     * {@link java.util.ConcurrentModificationException} and does not support {@code remove}.
     *
     * @return an iterator from the first item.
     */
    @Override
    public Iterator<V> iterator()
    {
        return new SharedListIterator<>(this, 0);
    }

    /**
     * A live list iterator, as {@link #iterator()}; it does not support {@code remove}, {@code set} or {@code add}.
     *
     * @return an iterator from the first item.
     */
    @Override
    public ListIterator<V> listIterator()
    {
        return new SharedListIterator<>(this, 0);
    }

    /**
     * A live list iterator from a position, as {@link #iterator()}.
     *
     * @param index the position of the first item {@code next()} returns, from 0 to the size.
     * @return the iterator.
     * @throws IndexOutOfBoundsException if the position is out of range now.
     */
    @Override
    public ListIterator<V> listIterator(final int index)
    {
        Objects.checkIndex(index, size() + 1);
        return new SharedListIterator<>(this, index);
    }

    /** {@inheritDoc} In one snapshot. */
    @Override
    public boolean contains(final Object element)
    {
        return snapshot().contains(element);
    }

    /** {@inheritDoc} In one snapshot. */
    @Override
    public boolean containsAll(final Collection<?> elements)
    {
        return snapshot().containsAll(elements);
    }

    /** {@inheritDoc} In one snapshot. */
    @Override
    public int indexOf(final Object element)
    {
        return snapshot().indexOf(element);
    }

    /** {@inheritDoc} In one snapshot. */
    @Override
    public int lastIndexOf(final Object element)
    {
        return snapshot().lastIndexOf(element);
    }

    /** {@inheritDoc} Compares one snapshot. */
    @Override
    public boolean equals(final Object other)
    {
        return other == this || other instanceof List && snapshot().equals(other);
    }

    /** {@inheritDoc} Of one snapshot. */
    @Override
    public int hashCode()
    {
        return snapshot().hashCode();
    }

    /** {@inheritDoc} Over a snapshot. */
    @Override
    public Spliterator<V> spliterator()
    {
        return Collections.unmodifiableList(snapshot()).spliterator();
    }

    @Override
    public Object[] toArray()
    {
        return snapshot().toArray();
    }

    @Override
    public <T> T[] toArray(final T[] array)
    {
        return snapshot().toArray(array);
    }

    /**
     * Whether {@link #close()} has been called in this JVM.
     *
     * @return true once closed.
     */
    public boolean isClosed()
    {
        return store.isClosed();
    }

    /**
     * Unmaps the list in this JVM; the items stay for the other processes, and the list goes when its
     * manager closes. Idempotent; calls after it throw {@link IllegalStateException}.
     */
    @Override
    public void close()
    {
        store.close();
    }

    /** {@inheritDoc} The items of one snapshot, e.g. {@code [Hello]}. */
    @Override
    public String toString()
    {
        return store.isClosed() ? "SharedList{name=" + store.name() + ", closed}" : snapshot().toString();
    }

    /** For tests that watch the lock. */
    ListStore store()
    {
        return store;
    }

    /**
     * The item at a position read under the lock, or {@link #END} if the list has no such position now.
     *
     * @param index the position.
     * @return the item, or {@link #END}.
     */
    Object itemOrEnd(final int index)
    {
        final Object read;
        store.lock();
        try
        {
            if (index < 0 || index >= store.size())
            {
                return END;
            }
            read = store.read(store.entry(index), 0);
        }
        finally
        {
            store.unlock();
        }
        return ListStore.resolve(read);
    }

    private static byte[][] encodeAll(final Collection<?> elements)
    {
        final Object[] values = elements.toArray();
        final byte[][] items = new byte[values.length][];
        for (int i = 0; i < values.length; i++)
        {
            items[i] = Codec.encode(values[i]);
        }
        return items;
    }

    @SuppressWarnings("unchecked")
    private static <T> T cast(final Object value)
    {
        return (T)value;
    }

    @Serial
    private Object writeReplace()
    {
        return new Handle(store.anchorFile().toString(), store.waitStrategy());
    }

    @Serial
    private void readObject(final ObjectInputStream in) throws InvalidObjectException
    {
        throw new InvalidObjectException("SharedList travels as a handle");
    }

    /**
     * What a list becomes when serialized: its anchor's file. Deserializing it maps the list.
     *
     * @param anchorFile   the anchor region's path.
     * @param waitStrategy how the lock waits.
     */
    private record Handle(String anchorFile, WaitStrategy waitStrategy) implements Serializable
    {
        @Serial
        private static final long serialVersionUID = 1L;

        @Serial
        private Object readResolve()
        {
            return new SharedList<>(ListStore.attach(Path.of(anchorFile), ListDescriptor.TYPE_LIST, waitStrategy));
        }
    }
}
