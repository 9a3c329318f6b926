package io.mp4j.internal.region;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * The regions of pipes and queues this JVM has mapped, each mapped once however many handles to it the
 * JVM holds, and unmapped when the last of them is closed.
 */
public final class SharedRegions
{
    private static final Map<Path, Entry> MAPPED = new HashMap<>();

    private static final class Entry
    {
        final Region region;
        int users;

        Entry(final Region region)
        {
            this.region = region;
        }
    }

    private SharedRegions()
    {
    }

    public static synchronized Region register(final Region created)
    {
        final Entry entry = new Entry(created);
        entry.users = 1;
        MAPPED.put(created.file(), entry);
        return created;
    }

    public static synchronized Region acquire(final Path file, final RegionKind kind)
    {
        Entry entry = MAPPED.get(file);
        if (entry == null || entry.region.isClosed())
        {
            entry = new Entry(Region.attach(file, kind));
            MAPPED.put(file, entry);
        }
        entry.users++;
        return entry.region;
    }

    public static synchronized void retain(final Region region)
    {
        final Entry entry = MAPPED.get(region.file());
        if (entry == null || entry.region != region)
        {
            throw new IllegalStateException("region is not mapped here: file=" + region.file());
        }
        entry.users++;
    }

    public static synchronized void release(final Region region)
    {
        final Entry entry = MAPPED.get(region.file());
        if (entry == null || entry.region != region)
        {
            region.close();
            return;
        }
        if (--entry.users <= 0)
        {
            MAPPED.remove(region.file());
            region.close();
        }
    }
}
