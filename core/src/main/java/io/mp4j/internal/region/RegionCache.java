package io.mp4j.internal.region;

import io.mp4j.RegionLayoutException;
import io.mp4j.RegionMissingException;
import io.mp4j.session.Session;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * The regions this JVM has mapped, one {@link Region} per file: deserializing many handles to one
 * shared object maps its file once, not once per handle. Regions created through here are cached too,
 * so a handle that comes back to the JVM that made it uses the creator's mapping.
 * <p>
 * A region closed by its user is dropped from the cache on the next lookup, and the lookup maps the
 * file afresh. Any thread may call; lookups are synchronized, so keep them off hot paths (handles look
 * their region up once, when made).
 */
public final class RegionCache
{
    private static final Map<Path, Region> REGIONS = new HashMap<>();

    private RegionCache()
    {
    }

    /**
     * Creates a region and caches it: {@link Region#create(Session, String, RegionKind, int)}.
     *
     * @param session    the session to create it in.
     * @param name       the region's name, unique within the session.
     * @param kind       what the region holds.
     * @param bodyLength the body's length in bytes.
     * @return the new region, mapped.
     */
    public static Region create(final Session session, final String name, final RegionKind kind, final int bodyLength)
    {
        final Region region = Region.create(session, name, kind, bodyLength);
        synchronized (REGIONS)
        {
            REGIONS.put(key(region.file()), region);
        }
        return region;
    }

    /**
     * The open region of this file, mapping it on first use: {@link Region#attach(Path, RegionKind)}.
     *
     * @param file     the region's file.
     * @param expected the kind it must be.
     * @return the region, shared by every caller in this JVM.
     * @throws RegionMissingException if the file does not exist.
     * @throws RegionLayoutException  if the file is not a region of this layout version and kind.
     */
    public static Region attach(final Path file, final RegionKind expected)
    {
        final Path key = key(file);
        synchronized (REGIONS)
        {
            final Region cached = REGIONS.get(key);
            if (cached != null && !cached.isClosed())
            {
                if (cached.kind() != expected)
                {
                    throw new RegionLayoutException("region of another kind: file=" + file + " kind=" + cached.kind() +
                        " expected=" + expected);
                }
                return cached;
            }

            final Region region = Region.attach(file, expected);
            REGIONS.put(key, region);
            return region;
        }
    }

    /**
     * How many open regions this JVM has cached, for tests and diagnostics.
     *
     * @return the number of cached regions that are not closed.
     */
    public static int openCount()
    {
        synchronized (REGIONS)
        {
            REGIONS.values().removeIf(Region::isClosed);
            return REGIONS.size();
        }
    }

    private static Path key(final Path file)
    {
        return file.toAbsolutePath().normalize();
    }
}
