package io.mp4j.connection;

import io.mp4j.WaitStrategy;
import io.mp4j.internal.channel.PipeDescriptor;
import io.mp4j.internal.region.Region;
import io.mp4j.internal.region.RegionCache;
import io.mp4j.internal.region.RegionKind;
import io.mp4j.process.ChildProcess;
import io.mp4j.session.Session;
import org.agrona.concurrent.AtomicBuffer;

/**
 * A pair of connected ends: Python's {@code Pipe(duplex)}. Both ends start in this JVM; hand one to a
 * child by capturing it in the child's target.
 * <pre>{@code
 * try (Pipe pipe = Pipe.open())
 * {
 *     Connection parentEnd = pipe.first();
 *     Connection childEnd = pipe.second();
 *     new ChildProcess(() -> childEnd.send("Data from the process")).start();
 *     System.out.println(parentEnd.recv());
 * }
 * }</pre>
 * The pipe is one {@link RegionKind#PIPE} region holding two Agrona one-to-one ring buffers, one per
 * direction (one only for a one-way pipe); see {@link PipeDescriptor}. A message larger than an eighth of
 * the ring's capacity travels through a spill file of the session, so messages have no size limit. As
 * with Python's file descriptors, the parent should close its copy of an end it handed to a child, or
 * the peer never sees end of stream. The region's file is removed once every copy of both ends, in every
 * process, is closed or its process has exited. Safe to create from any thread.
 */
public final class Pipe implements AutoCloseable
{
    /** System property: the default capacity of each ring, in bytes (a power of two). */
    public static final String CAPACITY_PROPERTY = "mp4j.pipe.capacity";

    /** The default capacity of each ring: 1 MiB, so messages of up to 128 KiB go through the ring itself. */
    public static final int DEFAULT_CAPACITY = 1 << 20;

    private final Connection first;
    private final Connection second;
    private final boolean duplex;

    private Pipe(final Connection first, final Connection second, final boolean duplex)
    {
        this.first = first;
        this.second = second;
        this.duplex = duplex;
    }

    /**
     * Opens a duplex pipe with the default settings: Python's {@code Pipe()}.
     *
     * @return the pipe.
     */
    public static Pipe open()
    {
        return open(new Context());
    }

    /**
     * Opens a pipe: Python's {@code Pipe(duplex)}.
     *
     * @param duplex true for two-way, false for a pipe whose first end only receives and second end only
     *               sends.
     * @return the pipe.
     */
    public static Pipe open(final boolean duplex)
    {
        return open(new Context().duplex(duplex));
    }

    /**
     * Opens a pipe with the given settings.
     *
     * @param context the settings; concluded here.
     * @return the pipe.
     */
    public static Pipe open(final Context context)
    {
        context.conclude();
        final int ringCount = context.duplex ? 2 : 1;
        final Session session = context.session();
        final Region region = RegionCache.create(session, session.uniqueName("pipe"), RegionKind.PIPE,
            PipeDescriptor.bodyLength(ringCount, context.capacity));
        final AtomicBuffer body = region.body();
        body.putInt(PipeDescriptor.RING_CAPACITY_OFFSET, context.capacity);
        body.putIntOrdered(PipeDescriptor.RING_COUNT_OFFSET, ringCount);
        final Connection first = Connection.created(region, 0, context.waitStrategy);
        final Connection second = Connection.created(region, 1, context.waitStrategy);
        return new Pipe(first, second, context.duplex);
    }

    /**
     * The first end: Python's {@code conn1}; the receiving end of a one-way pipe.
     *
     * @return the end.
     */
    public Connection first()
    {
        return first;
    }

    /**
     * The second end: Python's {@code conn2}; the sending end of a one-way pipe.
     *
     * @return the end.
     */
    public Connection second()
    {
        return second;
    }

    /**
     * Whether both ends may send and receive.
     *
     * @return true for a duplex pipe.
     */
    public boolean isDuplex()
    {
        return duplex;
    }

    /** Closes both ends in this JVM (an end handed to a child stays open there). Idempotent. */
    @Override
    public void close()
    {
        first.close();
        second.close();
    }

    @Override
    public String toString()
    {
        return "Pipe{" + first + ", " + second + '}';
    }

    /**
     * How a pipe is made: fluent setters, then {@link #conclude()} fills defaults. Not thread-safe.
     */
    public static final class Context
    {
        private boolean duplex = true;
        private int capacity;
        private WaitStrategy waitStrategy;
        private Session session;

        /** A context with every setting at its default. */
        public Context()
        {
        }

        /**
         * Sets whether the pipe is two-way; default true.
         *
         * @param duplex false for a one-way pipe.
         * @return this.
         */
        public Context duplex(final boolean duplex)
        {
            this.duplex = duplex;
            return this;
        }

        /**
         * Sets each ring's capacity; default {@value #CAPACITY_PROPERTY} or {@link #DEFAULT_CAPACITY}.
         * A message longer than an eighth of it goes through a spill file.
         *
         * @param capacity bytes, a power of two of at least {@link PipeDescriptor#MIN_RING_CAPACITY}.
         * @return this.
         */
        public Context capacity(final int capacity)
        {
            this.capacity = capacity;
            return this;
        }

        /**
         * Sets how both ends wait; default {@link WaitStrategy#defaultStrategy()}.
         *
         * @param waitStrategy the strategy.
         * @return this.
         */
        public Context waitStrategy(final WaitStrategy waitStrategy)
        {
            this.waitStrategy = waitStrategy;
            return this;
        }

        /**
         * Sets the session the pipe lives in; default {@link Session#current()}.
         *
         * @param session an open session.
         * @return this.
         */
        public Context session(final Session session)
        {
            this.session = session;
            return this;
        }

        Session session()
        {
            return session != null ? session : Session.current();
        }

        /**
         * Fills unset settings with their defaults and checks them.
         *
         * @return this.
         * @throws IllegalArgumentException if the capacity is not a power of two or too small.
         */
        public Context conclude()
        {
            if (capacity == 0)
            {
                capacity = Integer.getInteger(CAPACITY_PROPERTY, DEFAULT_CAPACITY);
            }
            PipeDescriptor.bodyLength(duplex ? 2 : 1, capacity);
            if (waitStrategy == null)
            {
                waitStrategy = WaitStrategy.defaultStrategy();
            }
            return this;
        }
    }
}
