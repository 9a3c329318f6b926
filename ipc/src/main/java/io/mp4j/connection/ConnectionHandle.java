package io.mp4j.connection;

import io.mp4j.WaitStrategy;
import io.mp4j.internal.channel.ProcessTag;
import io.mp4j.internal.region.Region;

import java.io.Serial;
import java.io.Serializable;
import java.nio.file.Paths;

/**
 * What a {@link Connection} becomes when serialized: where its pipe lives, which end it is and who sent it.
 *
 * @param sessionDirectory the session directory of the pipe's region.
 * @param regionName       the region's name.
 * @param end              0 or 1.
 * @param waitStrategy     how the end waits.
 * @param senderTag        the {@link ProcessTag} of the process that serialized it.
 */
record ConnectionHandle(String sessionDirectory, String regionName, int end, WaitStrategy waitStrategy, long senderTag)
    implements Serializable
{
    @Serial
    private Object readResolve()
    {
        return Connection.attach(Paths.get(sessionDirectory, regionName + Region.FILE_SUFFIX), end, waitStrategy, senderTag);
    }
}
