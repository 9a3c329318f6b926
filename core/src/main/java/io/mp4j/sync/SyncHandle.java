package io.mp4j.sync;

import io.mp4j.RegionLayoutException;
import io.mp4j.WaitStrategy;
import io.mp4j.internal.channel.ProcessTag;
import io.mp4j.internal.region.Region;
import io.mp4j.internal.region.RegionCache;
import io.mp4j.internal.region.RegionKind;
import io.mp4j.session.Session;

import java.io.Serial;
import java.io.Serializable;
import java.nio.file.Path;

/**
 * What a shared primitive's handle becomes when serialized: where its memory is (file, kind, offset),
 * what it is, and how it waits. Deserializing it attaches to the region (once per JVM) and rebuilds
 * the handle there; until then the region counts it as held by its sender.
 *
 * @param file   the region file's path.
 * @param kind   the region's kind: {@code SYNC}, or {@code VALUE}/{@code ARRAY} for a value's own lock.
 * @param offset where the primitive starts in the region's body.
 * @param type   a {@code SyncDescriptor.TYPE_*} code.
 * @param waitStrategy the wait strategy.
 * @param extra  the condition's lock, the barrier's action, or null.
 * @param sender the {@code ProcessTag} of the process that serialized it.
 */
record SyncHandle(
    String file, RegionKind kind, int offset, int type, WaitStrategy waitStrategy, Serializable extra, long sender)
    implements Serializable
{
    @Serial
    private static final long serialVersionUID = 1L;

    /**
     * The handle that a primitive travels as, counted in its region as held by this process until it arrives.
     *
     * @param region       the primitive's region, open in this JVM.
     * @param offset       where the primitive starts in the region's body.
     * @param type         a {@code SyncDescriptor.TYPE_*} code.
     * @param waitStrategy the wait strategy.
     * @param extra        the condition's lock, the barrier's action, or null.
     * @return the handle.
     */
    static SyncHandle of(
        final Region region, final int offset, final int type, final WaitStrategy waitStrategy,
        final Serializable extra)
    {
        region.transferOut();
        return new SyncHandle(region.file().toString(), region.kind(), offset, type, waitStrategy, extra,
            ProcessTag.current());
    }

    @Serial
    private Object readResolve()
    {
        return RegionCache.attach(Path.of(file), kind, sender, this::handleOver);
    }

    private Object handleOver(final Region region)
    {
        return switch (type)
        {
            case SyncDescriptor.TYPE_LOCK -> new SharedLock(region, offset, waitStrategy);
            case SyncDescriptor.TYPE_RLOCK -> new SharedRLock(region, offset, waitStrategy);
            case SyncDescriptor.TYPE_SEMAPHORE -> new SharedSemaphore(region, offset, waitStrategy);
            case SyncDescriptor.TYPE_CONDITION -> new SharedCondition(region, offset, (SharedMutex)extra, waitStrategy);
            case SyncDescriptor.TYPE_EVENT -> new SharedEvent(region, offset, waitStrategy);
            case SyncDescriptor.TYPE_BARRIER -> new SharedBarrier(region, offset, waitStrategy, (BarrierAction)extra);
            default -> throw new RegionLayoutException("unknown sync type in handle: file=" + file + " type=" + type);
        };
    }

    /**
     * Creates a tagged SYNC region for one primitive.
     *
     * @param session the session to create it in.
     * @param type    a {@code SyncDescriptor.TYPE_*} code.
     * @return the region, cached in this JVM.
     */
    static Region createRegion(final Session session, final int type)
    {
        final String prefix = SyncDescriptor.typeName(type).substring("Shared".length()).toLowerCase(java.util.Locale.ROOT);
        final Region region = RegionCache.create(
            session, session.uniqueName(prefix), RegionKind.SYNC, SyncDescriptor.typeLength(type));
        region.body().putIntOrdered(SyncDescriptor.TYPE_OFFSET, type);
        return region;
    }

    /**
     * Checks that a region holds the expected primitive at the offset; a value's or array's own lock,
     * which lives in a region of another kind, is checked by its owner instead.
     *
     * @param region the region.
     * @param offset where the primitive starts.
     * @param type   what it must be.
     * @throws RegionLayoutException if the region holds something else.
     */
    static void verify(final Region region, final int offset, final int type)
    {
        if (region.kind() != RegionKind.SYNC)
        {
            return;
        }
        final int actual = region.body().getIntVolatile(SyncDescriptor.TYPE_OFFSET);
        final boolean conditionLock = actual == SyncDescriptor.TYPE_CONDITION && offset == SyncDescriptor.PRIMITIVE_OFFSET &&
            (type == SyncDescriptor.TYPE_RLOCK || type == SyncDescriptor.TYPE_LOCK);
        if (actual != type && !conditionLock)
        {
            throw new RegionLayoutException("region holds another primitive: file=" + region.file() +
                " type=" + SyncDescriptor.typeName(actual) + " expected=" + SyncDescriptor.typeName(type));
        }
        if (offset < 0 || offset > region.bodyLength() - Long.BYTES)
        {
            throw new RegionLayoutException("primitive outside its region: file=" + region.file() +
                " offset=" + offset + " bodyLength=" + region.bodyLength());
        }
    }

    /**
     * The session a region belongs to, attached (closing it does nothing), for making related regions.
     *
     * @param region a region.
     * @return its session.
     */
    static Session sessionOf(final Region region)
    {
        return Session.attach(region.file().getParent());
    }
}
