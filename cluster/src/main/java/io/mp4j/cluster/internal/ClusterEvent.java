package io.mp4j.cluster.internal;

import io.mp4j.sync.Event;
import org.apache.ignite.IgniteAtomicLong;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** Python's {@code Event} on an Ignite atomic long, 1 when set; waiters poll it (see {@link Polling}). */
public final class ClusterEvent implements Event
{
    private final IgniteAtomicLong flag;

    /**
     * An event over its flag.
     *
     * @param flag the atomic holding 0 or 1.
     */
    public ClusterEvent(final IgniteAtomicLong flag)
    {
        this.flag = flag;
    }

    @Override
    public void set()
    {
        flag.getAndSet(1);
    }

    @Override
    public void clear()
    {
        flag.getAndSet(0);
    }

    @Override
    public boolean isSet()
    {
        return flag.get() != 0;
    }

    @Override
    public void await() throws InterruptedException
    {
        Polling.await(this::isSet, Polling.FOREVER);
    }

    @Override
    public void await(final Duration timeout) throws InterruptedException
    {
        Polling.awaitOrThrow(this::isSet, timeout, "event wait: name=" + flag.name());
    }

    @Override
    public boolean await(final long time, final TimeUnit unit) throws InterruptedException
    {
        return Polling.await(this::isSet, Math.max(0, unit.toNanos(time)));
    }

    @Override
    public String toString()
    {
        return "ClusterEvent{name=" + flag.name() + (isSet() ? ", set" : "") + '}';
    }
}
