package io.mp4j.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.RandomAccess;

/** The items of a pool call, local or on a cluster, as the list its chunks are cut from. */
public final class Lists
{
    private Lists()
    {
    }

    /**
     * The items as a list: a list with random access as it is (Python's map, too, reads its list as the call
     * goes), anything else copied.
     *
     * @param items the items.
     * @return the list to read them from.
     */
    @SuppressWarnings("unchecked")
    public static List<Object> of(final Iterable<?> items)
    {
        if (items instanceof List<?> list && items instanceof RandomAccess)
        {
            return (List<Object>)list;
        }
        final List<Object> all = new ArrayList<>();
        items.forEach(all::add);
        return all;
    }
}
