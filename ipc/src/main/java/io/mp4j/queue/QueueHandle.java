package io.mp4j.queue;

import io.mp4j.WaitStrategy;
import io.mp4j.internal.channel.QueueDescriptor;
import io.mp4j.internal.region.Region;

import java.io.Serial;
import java.io.Serializable;
import java.nio.file.Paths;

/**
 * What a shared queue becomes when serialized: where its region lives and which flavour it is. Resolving
 * it attaches the region, once per JVM.
 *
 * @param sessionDirectory the session directory of the queue's region.
 * @param regionName       the region's name.
 * @param flavour          one of the {@code FLAVOUR_} codes of {@link QueueDescriptor}.
 * @param waitStrategy     how the queue's blocked calls wait.
 * @param senderTag        the {@code ProcessTag} of the process that serialized it.
 */
record QueueHandle(String sessionDirectory, String regionName, int flavour, WaitStrategy waitStrategy, long senderTag)
    implements Serializable
{
    @Serial
    private Object readResolve()
    {
        return QueueEngine.attach(Paths.get(sessionDirectory, regionName + Region.FILE_SUFFIX), flavour, waitStrategy,
            engine -> switch (flavour)
            {
                case QueueDescriptor.FLAVOUR_JOINABLE -> new JoinableQueue<>(engine);
                case QueueDescriptor.FLAVOUR_SIMPLE -> new SimpleQueue<>(engine);
                default -> new SharedQueue<>(engine);
            }, senderTag);
    }
}
