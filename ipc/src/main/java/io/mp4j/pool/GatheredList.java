package io.mp4j.pool;

import java.io.Serializable;
import java.util.AbstractList;
import java.util.Arrays;
import java.util.Objects;
import java.util.RandomAccess;

/**
 * The list a gathering call returns: the array its results were decoded into, handed over without a
 * copy, and then an ordinary mutable list (it grows and shrinks as an {@code ArrayList} does).
 */
final class GatheredList extends AbstractList<Object> implements RandomAccess, Serializable
{
    private static final long serialVersionUID = 1L;

    private Object[] elements;
    private int size;

    GatheredList(final Object[] elements)
    {
        this.elements = elements;
        this.size = elements.length;
    }

    @Override
    public Object get(final int index)
    {
        Objects.checkIndex(index, size);
        return elements[index];
    }

    @Override
    public Object set(final int index, final Object element)
    {
        Objects.checkIndex(index, size);
        final Object previous = elements[index];
        elements[index] = element;
        return previous;
    }

    @Override
    public int size()
    {
        return size;
    }

    @Override
    public void add(final int index, final Object element)
    {
        Objects.checkIndex(index, size + 1);
        if (size == elements.length)
        {
            elements = Arrays.copyOf(elements, Math.max(8, size + (size >> 1)));
        }
        System.arraycopy(elements, index, elements, index + 1, size - index);
        elements[index] = element;
        size++;
        modCount++;
    }

    @Override
    public Object remove(final int index)
    {
        Objects.checkIndex(index, size);
        final Object previous = elements[index];
        System.arraycopy(elements, index + 1, elements, index, size - index - 1);
        elements[--size] = null;
        modCount++;
        return previous;
    }

    @Override
    public Object[] toArray()
    {
        return Arrays.copyOf(elements, size);
    }
}
