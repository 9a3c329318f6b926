package io.mp4j.shared;

import io.mp4j.RegionLayoutException;
import io.mp4j.WaitStrategy;
import io.mp4j.internal.region.Region;
import io.mp4j.internal.region.RegionCache;
import io.mp4j.internal.region.RegionKind;
import io.mp4j.sync.SharedMutex;

import java.io.Serial;
import java.io.Serializable;
import java.nio.file.Path;

/**
 * What a shared value or array becomes when serialized: its region file, kind and type, and how its
 * lock waits. Deserializing it attaches to the region (once per JVM) and rebuilds the handle there; until
 * then the region counts it as held by its sender.
 *
 * @param file         the region file's path.
 * @param kind         {@code VALUE} or {@code ARRAY}.
 * @param type         a {@code ValueDescriptor.TYPE_*} code.
 * @param waitStrategy how the lock waits.
 * @param lock         the lock the object shares with others (it travels as its own handle), or null.
 * @param sender       the {@code ProcessTag} of the process that serialized it.
 */
record SharedHandle(String file, RegionKind kind, int type, WaitStrategy waitStrategy, SharedMutex lock, long sender)
    implements Serializable
{
    @Serial
    private static final long serialVersionUID = 1L;

    @Serial
    private Object readResolve()
    {
        return RegionCache.attach(Path.of(file), kind, sender, this::handleOver);
    }

    private Object handleOver(final Region region)
    {
        if (kind == RegionKind.VALUE)
        {
            return switch (type)
            {
                case ValueDescriptor.TYPE_INT -> new SharedInt(region, waitStrategy, lock);
                case ValueDescriptor.TYPE_LONG -> new SharedLong(region, waitStrategy, lock);
                case ValueDescriptor.TYPE_DOUBLE -> new SharedDouble(region, waitStrategy, lock);
                case ValueDescriptor.TYPE_BYTE -> new SharedByte(region, waitStrategy, lock);
                default -> throw unknown();
            };
        }
        return switch (type)
        {
            case ValueDescriptor.TYPE_INT -> new SharedIntArray(region, waitStrategy, lock);
            case ValueDescriptor.TYPE_LONG -> new SharedLongArray(region, waitStrategy, lock);
            case ValueDescriptor.TYPE_DOUBLE -> new SharedDoubleArray(region, waitStrategy, lock);
            case ValueDescriptor.TYPE_BYTE -> new SharedByteArray(region, waitStrategy, lock);
            default -> throw unknown();
        };
    }

    private RegionLayoutException unknown()
    {
        return new RegionLayoutException("unknown shared type in handle: file=" + file + " type=" + type);
    }
}
