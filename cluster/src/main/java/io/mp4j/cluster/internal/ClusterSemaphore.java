package io.mp4j.cluster.internal;

import io.mp4j.Mp4jTimeoutException;
import io.mp4j.sync.CountingSemaphore;
import org.apache.ignite.IgniteSemaphore;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Python's {@code Semaphore} and {@code BoundedSemaphore} on a failover-safe Ignite semaphore: permits a dead node
 * held come back. Ignite's semaphore has no bound, so a bounded one checks the free permits before each release;
 * two releases racing past the bound at once can both pass, which the cluster documentation says.
 */
public final class ClusterSemaphore implements CountingSemaphore
{
    private final IgniteSemaphore semaphore;
    private final int initialPermits;
    private final boolean bounded;

    /**
     * A semaphore over Ignite's.
     *
     * @param semaphore      Ignite's semaphore.
     * @param initialPermits its permits when created.
     * @param bounded        whether a release past {@code initialPermits} is refused.
     */
    public ClusterSemaphore(final IgniteSemaphore semaphore, final int initialPermits, final boolean bounded)
    {
        this.semaphore = semaphore;
        this.initialPermits = initialPermits;
        this.bounded = bounded;
    }

    @Override
    public void acquire() throws InterruptedException
    {
        semaphore.acquire();
    }

    @Override
    public void acquire(final Duration timeout) throws InterruptedException
    {
        if (!tryAcquire(timeout.toNanos(), TimeUnit.NANOSECONDS))
        {
            throw new Mp4jTimeoutException("semaphore acquire timed out: name=" + semaphore.name() + " timeout=" + timeout);
        }
    }

    @Override
    public boolean tryAcquire()
    {
        return semaphore.tryAcquire();
    }

    @Override
    public boolean tryAcquire(final long time, final TimeUnit unit) throws InterruptedException
    {
        return semaphore.tryAcquire(Math.max(0, time), unit);
    }

    @Override
    public void release()
    {
        release(1);
    }

    @Override
    public void release(final int permits)
    {
        if (permits < 1)
        {
            throw new IllegalArgumentException("must release at least one permit: permits=" + permits);
        }
        if (bounded)
        {
            final int available = semaphore.availablePermits();
            if (available + permits > initialPermits)
            {
                throw new IllegalStateException("bounded semaphore released too many times: permits=" + available +
                    " release=" + permits + " maxValue=" + initialPermits);
            }
        }
        semaphore.release(permits);
    }

    @Override
    public int availablePermits()
    {
        return semaphore.availablePermits();
    }

    @Override
    public String toString()
    {
        return "ClusterSemaphore{name=" + semaphore.name() + ", permits=" + semaphore.availablePermits() +
            (bounded ? ", maxValue=" + initialPermits : "") + '}';
    }
}
