package io.mp4j.worker.internal;

import java.util.Arrays;

/**
 * The functions a worker keeps for the life of its channel, by id, at most {@value #CAPACITY} of them, the
 * oldest dropped first. The pool keeps a copy of the ids alone: both sides add the same ids in the same
 * order ({@link PoolChannel#KEEP} messages are read in the order written), so the pool knows, without
 * asking, which functions the worker still has. Not thread-safe; no allocation after construction.
 *
 * @param <T> what is kept under an id.
 */
public final class KeptFunctions<T>
{
    /** How many functions a worker keeps. */
    public static final int CAPACITY = 64;

    private final int[] ids = new int[CAPACITY];
    private final Object[] values = new Object[CAPACITY];
    private int count;
    /** Where the next id goes: the oldest one's place once the table is full. */
    private int next;

    /**
     * Whether an id is kept.
     *
     * @param id a function's id.
     * @return true if it is.
     */
    public boolean contains(final int id)
    {
        return indexOf(id) >= 0;
    }

    /**
     * What is kept under an id.
     *
     * @param id a function's id.
     * @return the value, or null if the id is not kept.
     */
    @SuppressWarnings("unchecked")
    public T get(final int id)
    {
        final int index = indexOf(id);
        return index < 0 ? null : (T)values[index];
    }

    /**
     * Keeps a value under an id that is not kept yet, dropping the oldest one when full.
     *
     * @param id    the function's id.
     * @param value what to keep.
     */
    public void keep(final int id, final T value)
    {
        ids[next] = id;
        values[next] = value;
        next = (next + 1) % CAPACITY;
        count = Math.min(count + 1, CAPACITY);
    }

    /** Forgets every id, e.g. for a worker's new channel. */
    public void clear()
    {
        Arrays.fill(values, null);
        count = 0;
        next = 0;
    }

    private int indexOf(final int id)
    {
        for (int i = 0; i < count; i++)
        {
            if (ids[i] == id)
            {
                return i;
            }
        }
        return -1;
    }
}
