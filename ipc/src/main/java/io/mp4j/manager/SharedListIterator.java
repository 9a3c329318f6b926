package io.mp4j.manager;

import java.util.ListIterator;
import java.util.NoSuchElementException;

/**
 * A {@link SharedList}'s live iterator, Python's sequence iteration: {@code hasNext} reads the item at the
 * cursor under the list's lock (so a {@code true} is always followed by an item), {@code next} hands it
 * over and moves on. Each step sees the list as it is then, changed by any process. One thread uses it.
 *
 * @param <V> the type of the items.
 */
final class SharedListIterator<V> implements ListIterator<V>
{
    private final SharedList<V> list;
    private int cursor;
    private Object fetched = SharedList.END;

    SharedListIterator(final SharedList<V> list, final int cursor)
    {
        this.list = list;
        this.cursor = cursor;
    }

    @Override
    public boolean hasNext()
    {
        if (fetched == SharedList.END)
        {
            fetched = list.itemOrEnd(cursor);
        }
        return fetched != SharedList.END;
    }

    @Override
    public V next()
    {
        if (!hasNext())
        {
            throw new NoSuchElementException("end of shared list: name=" + list.name() + " index=" + cursor);
        }
        final Object item = fetched;
        fetched = SharedList.END;
        cursor++;
        return cast(item);
    }

    @Override
    public boolean hasPrevious()
    {
        return cursor > 0;
    }

    @Override
    public V previous()
    {
        final Object item = list.itemOrEnd(cursor - 1);
        if (item == SharedList.END)
        {
            throw new NoSuchElementException("no previous item in shared list: name=" + list.name() +
                " index=" + (cursor - 1));
        }
        fetched = SharedList.END;
        cursor--;
        return cast(item);
    }

    @Override
    public int nextIndex()
    {
        return cursor;
    }

    @Override
    public int previousIndex()
    {
        return cursor - 1;
    }

    @Override
    public void remove()
    {
        throw new UnsupportedOperationException("remove through a shared list's iterator: name=" + list.name());
    }

    @Override
    public void set(final V element)
    {
        throw new UnsupportedOperationException("set through a shared list's iterator: name=" + list.name());
    }

    @Override
    public void add(final V element)
    {
        throw new UnsupportedOperationException("add through a shared list's iterator: name=" + list.name());
    }

    @SuppressWarnings("unchecked")
    private static <T> T cast(final Object value)
    {
        return (T)value;
    }
}
