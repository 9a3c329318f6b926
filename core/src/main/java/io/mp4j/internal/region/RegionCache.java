package io.mp4j.internal.region;

import io.mp4j.RegionLayoutException;
import io.mp4j.RegionMissingException;
import io.mp4j.internal.ShutdownSequence;
import io.mp4j.internal.Threads;
import io.mp4j.session.Session;

import java.lang.ref.Cleaner;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The held regions this JVM has mapped, one {@link Region} per file: deserializing many handles to one
 * shared object maps its file once, and the JVM counts as one holder of it however many handles it has.
 * <p>
 * Every handle over a cached region takes a {@link Lease} when it is made. The region is let go of when
 * its last lease ends: closed through {@link Lease#close()} (the region is then closed and unmapped), or
 * found unreachable by the garbage collector (the region is {@link Region#release() released}: its file
 * goes if nobody else holds it, its mapping when the collector frees it). At JVM exit every region still
 * cached is released, and the region that a handle closed as a whole ({@link Region#close()}) leaves the
 * cache on the next lookup. {@link #create} and {@link #attach} keep the region for the handle about to be
 * made: the first lease taken afterwards is that one.
 * <p>
 * The collector sees the heap, not the shared memory behind a handle: a loop that drops its handles could
 * make files far faster than small heaps fill. So, as the JDK does for direct buffers, creating a region
 * asks for a collection once this JVM holds twice as many regions, or bytes, as when it last asked (at
 * least {@value #COLLECT_AT_LEAST_REGIONS} regions or 64 MiB); {@code -XX:+DisableExplicitGC} turns that off.
 * <p>
 * Any thread may call; lookups are synchronized, so keep them off hot paths (handles look their region
 * up once, when made).
 */
public final class RegionCache
{
    /** The fewest regions held at which creating one asks for a collection. */
    static final int COLLECT_AT_LEAST_REGIONS = 1024;

    private static final long COLLECT_AT_LEAST_BYTES = 64L << 20;
    private static final Map<Path, Entry> REGIONS = new HashMap<>();
    private static long cachedBytes;
    private static int collectAtRegions = COLLECT_AT_LEAST_REGIONS;
    private static long collectAtBytes = COLLECT_AT_LEAST_BYTES;
    private static final Cleaner CLEANER = Cleaner.create(runnable ->
    {
        final Thread thread = new Thread(Threads.rootGroup(), runnable, "mp4j-region-cleaner");
        thread.setDaemon(true);
        return thread;
    });
    private static final Lease NO_LEASE = new Lease(null, null);
    private static boolean shutdownStepAdded;

    private static final class Entry
    {
        final Region region;
        int leases;
        int promised;

        Entry(final Region region)
        {
            this.region = region;
        }
    }

    private RegionCache()
    {
    }

    /**
     * Creates a held region and caches it: {@link Region#createHeld(Session, String, RegionKind, int)}, or a pinned
     * one ({@link Region#create(Session, String, RegionKind, int)}) in a session that {@link Session#keepsRegions()}.
     * Now and then, as regions are made, looks for regions of the session whose holders have all died.
     *
     * @param session    the session to create it in.
     * @param name       the region's name, unique within the session.
     * @param kind       what the region holds.
     * @param bodyLength the body's length in bytes.
     * @return the new region, mapped, kept for the handle made next.
     */
    public static Region create(final Session session, final String name, final RegionKind kind, final int bodyLength)
    {
        RegionSweeper.regionCreated(session.directory());
        final Region region = session.keepsRegions() ? Region.create(session, name, kind, bodyLength) :
            Region.createHeld(session, name, kind, bodyLength);
        final boolean collect;
        synchronized (REGIONS)
        {
            addShutdownStep();
            final Entry entry = new Entry(region);
            entry.promised = 1;
            put(key(region.file()), entry);
            collect = REGIONS.size() >= collectAtRegions || cachedBytes >= collectAtBytes;
            if (collect)
            {
                collectAtRegions = Math.max(COLLECT_AT_LEAST_REGIONS, 2 * REGIONS.size());
                collectAtBytes = Math.max(COLLECT_AT_LEAST_BYTES, 2 * cachedBytes);
            }
        }
        if (collect)
        {
            // Handles nobody references hold their regions until collected; the cleaner then lets go of them.
            System.gc();
        }
        return region;
    }

    /**
     * The open region of this file, mapping it on first use: {@link Region#attach(Path, RegionKind)}.
     *
     * @param file     the region's file.
     * @param expected the kind it must be.
     * @return the region, shared by every caller in this JVM, kept for the handle made next.
     * @throws RegionMissingException if the file does not exist.
     * @throws RegionLayoutException  if the file is not a region of this layout version and kind.
     */
    public static Region attach(final Path file, final RegionKind expected)
    {
        final Path key = key(file);
        synchronized (REGIONS)
        {
            final Entry cached = REGIONS.get(key);
            if (cached != null && !cached.region.isClosed() && !cached.region.isReleased())
            {
                if (cached.region.kind() != expected)
                {
                    throw new RegionLayoutException("region of another kind: file=" + file +
                        " kind=" + cached.region.kind() + " expected=" + expected);
                }
                cached.promised++;
                return cached.region;
            }

            final Region region = Region.attach(file, expected);
            addShutdownStep();
            final Entry entry = new Entry(region);
            entry.promised = 1;
            put(key, entry);
            return region;
        }
    }

    /**
     * Rebuilds a deserialized handle over its region: attaches the region (once per JVM), makes the handle,
     * then marks the sender's transfer done; a handle that cannot be made gives the region back.
     *
     * @param file      the region's file.
     * @param expected  the kind it must be.
     * @param senderTag the {@code ProcessTag} of the process that serialized the handle.
     * @param make      makes the handle over the region, taking its lease.
     * @param <T>       the handle's type.
     * @return the handle.
     */
    public static <T> T attach(
        final Path file, final RegionKind expected, final long senderTag, final Function<Region, T> make)
    {
        final Region region = attach(file, expected);
        try
        {
            final T handle = make.apply(region);
            region.transferIn(senderTag);
            return handle;
        }
        catch (final RuntimeException ex)
        {
            abandon(region);
            throw ex;
        }
    }

    /**
     * Takes a lease on a region for a handle: the one {@link #create} or {@link #attach} kept for it, or a
     * new one. The lease ends when the handle is closed or becomes unreachable. A region not in this cache
     * (a pinned one, e.g. the lock inside a manager's list) gets a lease that does nothing.
     *
     * @param handle the object whose reachability keeps the region.
     * @param region its region.
     * @return the lease; {@link Lease#close() close} it when the handle is closed.
     */
    public static Lease lease(final Object handle, final Region region)
    {
        synchronized (REGIONS)
        {
            final Entry entry = REGIONS.get(key(region.file()));
            if (entry == null || entry.region != region)
            {
                return NO_LEASE;
            }
            if (entry.promised > 0)
            {
                entry.promised--;
            }
            entry.leases++;
        }
        final Lease lease = new Lease(region, new Ending(region));
        lease.cleanable = CLEANER.register(handle, lease.ending);
        return lease;
    }

    /**
     * Gives back what {@link #create} or {@link #attach} kept for a handle that could not be made, e.g. over
     * a region of another type: a region nothing else here uses is closed.
     *
     * @param region the region.
     */
    public static void abandon(final Region region)
    {
        synchronized (REGIONS)
        {
            final Path key = key(region.file());
            final Entry entry = REGIONS.get(key);
            if (entry == null || entry.region != region || entry.promised == 0 || --entry.promised > 0 ||
                entry.leases > 0)
            {
                return;
            }
            remove(key);
        }
        region.close();
    }

    /**
     * How many open regions this JVM has cached, for tests and diagnostics.
     *
     * @return the number of cached regions that are neither closed nor released.
     */
    public static int openCount()
    {
        synchronized (REGIONS)
        {
            final List<Path> gone = new ArrayList<>();
            REGIONS.forEach((key, entry) ->
            {
                if (entry.region.isClosed() || entry.region.isReleased())
                {
                    gone.add(key);
                }
            });
            gone.forEach(RegionCache::remove);
            return REGIONS.size();
        }
    }

    private static void end(final Region region, final boolean closing)
    {
        synchronized (REGIONS)
        {
            final Path key = key(region.file());
            final Entry entry = REGIONS.get(key);
            if (entry == null || entry.region != region)
            {
                // The region was closed as a whole, or released at exit, before this lease ended.
                return;
            }
            if (--entry.leases > 0 || entry.promised > 0)
            {
                return;
            }
            remove(key);
        }
        if (closing)
        {
            region.close();
        }
        else
        {
            // Unreachable handles may still be running a last access: leave the unmapping to the collector.
            region.release();
        }
    }

    private static void addShutdownStep()
    {
        if (!shutdownStepAdded)
        {
            shutdownStepAdded = true;
            ShutdownSequence.add(ShutdownSequence.REGIONS, "release regions", RegionCache::releaseAll);
        }
    }

    /** At exit: this JVM lets go of every region it holds, without unmapping what other threads may still use. */
    private static void releaseAll()
    {
        final List<Region> regions;
        synchronized (REGIONS)
        {
            regions = new ArrayList<>(REGIONS.size());
            REGIONS.values().forEach(entry -> regions.add(entry.region));
            REGIONS.clear();
            cachedBytes = 0;
        }
        for (final Region region : regions)
        {
            region.release();
        }
    }

    /** Caches an entry, with the lock held. */
    private static void put(final Path key, final Entry entry)
    {
        final Entry replaced = REGIONS.put(key, entry);
        cachedBytes += length(entry) - (replaced == null ? 0 : length(replaced));
    }

    /** Drops an entry, with the lock held, and lowers the collection marks once most regions have gone. */
    private static void remove(final Path key)
    {
        final Entry removed = REGIONS.remove(key);
        if (removed != null)
        {
            cachedBytes -= length(removed);
        }
        if (REGIONS.size() < collectAtRegions / 4)
        {
            collectAtRegions = Math.max(COLLECT_AT_LEAST_REGIONS, collectAtRegions / 2);
        }
        if (cachedBytes < collectAtBytes / 4)
        {
            collectAtBytes = Math.max(COLLECT_AT_LEAST_BYTES, collectAtBytes / 2);
        }
    }

    private static long length(final Entry entry)
    {
        return (long)RegionDescriptor.HEADER_LENGTH + entry.region.bodyLength();
    }

    private static Path key(final Path file)
    {
        return file.toAbsolutePath().normalize();
    }

    /**
     * One handle's claim on a cached region. Closing it (when the handle is closed) or the handle becoming
     * unreachable ends it, once.
     */
    public static final class Lease implements AutoCloseable
    {
        private final Region region;
        private final Ending ending;
        private Cleaner.Cleanable cleanable;

        private Lease(final Region region, final Ending ending)
        {
            this.region = region;
            this.ending = ending;
        }

        /**
         * Ends the lease because its handle was closed: the last one closes the region. Idempotent.
         */
        @Override
        public void close()
        {
            if (region != null)
            {
                ending.closing = true;
                cleanable.clean();
            }
        }
    }

    /** What ends a lease; it must not refer to the handle, or the handle would never become unreachable. */
    private static final class Ending implements Runnable
    {
        private final Region region;
        private volatile boolean closing;

        Ending(final Region region)
        {
            this.region = region;
        }

        @Override
        public void run()
        {
            end(region, closing);
        }
    }
}
