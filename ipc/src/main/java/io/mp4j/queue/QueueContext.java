package io.mp4j.queue;

import io.mp4j.WaitStrategy;
import io.mp4j.internal.channel.QueueDescriptor;
import io.mp4j.session.Session;

/**
 * How a shared queue is made ({@link SharedQueue}, {@link JoinableQueue}, {@link SimpleQueue}): fluent
 * setters, then {@link #conclude()} fills defaults from the system properties named here. Not
 * thread-safe.
 */
public final class QueueContext
{
    /** System property: default number of messages a queue holds. */
    public static final String CAPACITY_PROPERTY = "mp4j.queue.capacity";

    /** System property: default largest message carried in a slot, in bytes of its encoding. */
    public static final String MAX_MESSAGE_LENGTH_PROPERTY = "mp4j.queue.maxMessageLength";

    /** Default number of messages a queue holds (Python's default {@code maxsize} is unbounded). */
    public static final int DEFAULT_CAPACITY = 1024;

    /** Default largest message carried in a slot: a slot is then 2 KiB; larger messages are spilled. */
    public static final int DEFAULT_MAX_MESSAGE_LENGTH = 2048 - QueueDescriptor.MESSAGE_OFFSET;

    private int capacity;
    private int maxMessageLength;
    private WaitStrategy waitStrategy;
    private Session session;

    /** A context with every setting at its default. */
    public QueueContext()
    {
    }

    /**
     * Sets how many messages the queue holds before {@code put} waits: Python's {@code maxsize}, exactly.
     * The ring underneath has a power-of-two number of slots, at least this many.
     *
     * @param capacity at least 1; default {@value #CAPACITY_PROPERTY} or {@value #DEFAULT_CAPACITY}.
     * @return this.
     */
    public QueueContext capacity(final int capacity)
    {
        this.capacity = capacity;
        return this;
    }

    /**
     * The capacity, once concluded.
     *
     * @return messages.
     */
    public int capacity()
    {
        return capacity;
    }

    /**
     * Sets the largest message (its encoding) a slot carries; a larger one is written to a file of the
     * session and its slot carries the file's name, which costs a file write and read per message. Every
     * slot reserves this much shared memory. Rounded up so that a slot (32 bytes of header, then the
     * message) is a whole number of 64-byte cache lines.
     *
     * @param maxMessageLength bytes; default {@value #MAX_MESSAGE_LENGTH_PROPERTY} or 2016.
     * @return this.
     */
    public QueueContext maxMessageLength(final int maxMessageLength)
    {
        this.maxMessageLength = maxMessageLength;
        return this;
    }

    /**
     * The largest message, once concluded.
     *
     * @return bytes.
     */
    public int maxMessageLength()
    {
        return maxMessageLength;
    }

    /**
     * Sets how blocked calls wait, in every process using the queue; default
     * {@link WaitStrategy#defaultStrategy()}.
     *
     * @param waitStrategy the strategy.
     * @return this.
     */
    public QueueContext waitStrategy(final WaitStrategy waitStrategy)
    {
        this.waitStrategy = waitStrategy;
        return this;
    }

    /**
     * The wait strategy, once concluded.
     *
     * @return the strategy.
     */
    public WaitStrategy waitStrategy()
    {
        return waitStrategy;
    }

    /**
     * Sets the session the queue lives in; default {@link Session#current()}.
     *
     * @param session an open session.
     * @return this.
     */
    public QueueContext session(final Session session)
    {
        this.session = session;
        return this;
    }

    /**
     * The session, once concluded.
     *
     * @return the session.
     */
    public Session session()
    {
        return session != null ? session : Session.current();
    }

    /**
     * Fills unset settings with defaults and checks them.
     *
     * @return this.
     * @throws IllegalArgumentException if a setting is out of range.
     */
    public QueueContext conclude()
    {
        if (capacity == 0)
        {
            capacity = Integer.getInteger(CAPACITY_PROPERTY, DEFAULT_CAPACITY);
        }
        if (capacity < 1 || capacity > (1 << 24))
        {
            throw new IllegalArgumentException("invalid queue capacity: capacity=" + capacity + " (1 to 2^24)");
        }
        if (maxMessageLength == 0)
        {
            maxMessageLength = Integer.getInteger(MAX_MESSAGE_LENGTH_PROPERTY, DEFAULT_MAX_MESSAGE_LENGTH);
        }
        if (maxMessageLength < 16 || maxMessageLength > (1 << 26))
        {
            throw new IllegalArgumentException("invalid queue maxMessageLength: maxMessageLength=" +
                maxMessageLength + " (16 to 2^26)");
        }
        maxMessageLength = QueueDescriptor.slotLength(maxMessageLength) - QueueDescriptor.MESSAGE_OFFSET;
        QueueDescriptor.bodyLength(QueueDescriptor.capacityFor(capacity), QueueDescriptor.slotLength(maxMessageLength));
        if (waitStrategy == null)
        {
            waitStrategy = WaitStrategy.defaultStrategy();
        }
        return this;
    }
}
