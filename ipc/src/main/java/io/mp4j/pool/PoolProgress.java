package io.mp4j.pool;

import java.time.Duration;

/**
 * How far one pool call has come, as a {@link ProgressListener} sees it: the items whose results are in,
 * out of all the call's items, and the rate since the call started.
 */
public final class PoolProgress
{
    private final String call;
    private final long done;
    private final long total;
    private final Duration elapsed;

    /**
     * A report.
     *
     * @param call    what the call is, e.g. {@code map(items=1000000, chunksize=4)}.
     * @param done    items whose results are in.
     * @param total   all the call's items.
     * @param elapsed time since the call was submitted.
     */
    public PoolProgress(final String call, final long done, final long total, final Duration elapsed)
    {
        this.call = call;
        this.done = done;
        this.total = total;
        this.elapsed = elapsed;
    }

    /**
     * What the call is.
     *
     * @return e.g. {@code map(items=1000000, chunksize=4)} or {@code apply}.
     */
    public String call()
    {
        return call;
    }

    /**
     * Items whose results are in.
     *
     * @return a count from 0 to {@link #total()}.
     */
    public long done()
    {
        return done;
    }

    /**
     * All the call's items.
     *
     * @return the count.
     */
    public long total()
    {
        return total;
    }

    /**
     * Time since the call was submitted.
     *
     * @return the duration.
     */
    public Duration elapsed()
    {
        return elapsed;
    }

    /**
     * Items per second since the call was submitted.
     *
     * @return the rate; 0 before any time has passed.
     */
    public double rate()
    {
        final long nanos = elapsed.toNanos();
        return nanos <= 0 ? 0 : done * 1e9 / nanos;
    }

    /**
     * Whether every result is in.
     *
     * @return true for the call's last report.
     */
    public boolean finished()
    {
        return done == total;
    }

    @Override
    public String toString()
    {
        return "PoolProgress{call=" + call + " done=" + done + " total=" + total + " elapsed=" + elapsed + '}';
    }
}
