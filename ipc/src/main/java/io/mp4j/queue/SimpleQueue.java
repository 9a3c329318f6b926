package io.mp4j.queue;

import io.mp4j.Mp4jTimeoutException;
import io.mp4j.internal.channel.QueueDescriptor;

import java.io.Serial;
import java.io.Serializable;
import java.time.Duration;

/**
 * The minimal shared queue: Python's {@code SimpleQueue}, with {@link #put(Object)}, {@link #get()} and
 * {@link #isEmpty()}. Same ring and guarantees as {@link SharedQueue}; unlike it, null is a message.
 * Python's is unbounded; this one holds {@link QueueContext#capacity()} messages, and {@code put} waits for
 * room beyond that. A message of any size is carried (see {@link SharedQueue}). Any thread of any process
 * may use it.
 *
 * @param <E> the type of the messages.
 */
public final class SimpleQueue<E> implements AutoCloseable, Serializable
{
    @Serial
    private static final long serialVersionUID = 1L;

    private final transient QueueEngine engine;

    SimpleQueue(final QueueEngine engine)
    {
        this.engine = engine;
    }

    /**
     * Creates a simple queue with the default settings: Python's {@code SimpleQueue()}.
     *
     * @param <E> the type of the messages.
     * @return the queue, in the current session.
     */
    public static <E> SimpleQueue<E> create()
    {
        return create(new QueueContext());
    }

    /**
     * Creates a simple queue with the given settings.
     *
     * @param context the settings; concluded here.
     * @param <E>     the type of the messages.
     * @return the queue.
     */
    public static <E> SimpleQueue<E> create(final QueueContext context)
    {
        return QueueEngine.create(context, QueueDescriptor.FLAVOUR_SIMPLE, SimpleQueue::new);
    }

    /**
     * Puts a message, waiting for room: Python's {@code put}.
     *
     * @param message the message, null allowed.
     * @throws InterruptedException      if interrupted while waiting.
     * @throws io.mp4j.EncodingException if the message is not serializable.
     */
    public void put(final E message) throws InterruptedException
    {
        engine.offer(message, -1);
    }

    /**
     * Takes a message, waiting for one: Python's {@code get}.
     *
     * @return the message.
     * @throws InterruptedException if interrupted while waiting.
     */
    public E get() throws InterruptedException
    {
        return SharedQueue.cast(engine.poll(-1));
    }

    /**
     * Takes a message, waiting at most {@code timeout}.
     *
     * @param timeout how long to wait.
     * @return the message.
     * @throws InterruptedException if interrupted while waiting.
     * @throws Mp4jTimeoutException if no message came in time.
     */
    public E get(final Duration timeout) throws InterruptedException
    {
        final Object value = engine.poll(timeout.toNanos());
        if (value == QueueEngine.NOTHING)
        {
            throw new Mp4jTimeoutException("get timed out: " + engine.description() + " timeout=" + timeout);
        }
        return SharedQueue.cast(value);
    }

    /**
     * Whether no message is ready now: Python's {@code empty()}.
     *
     * @return true if a get now would wait.
     */
    public boolean isEmpty()
    {
        return engine.isEmptyNow();
    }

    /** Lets go of the queue in this JVM: Python's {@code close()}. Idempotent. */
    @Override
    public void close()
    {
        engine.close();
    }

    /**
     * Its kind, region, how many messages it holds now and how many it may hold, e.g.
     * {@code SimpleQueue{queue=queue-4242-5 size=0 maxsize=1024}}.
     *
     * @return the description.
     */
    @Override
    public String toString()
    {
        return "SimpleQueue{" + engine.description() +
            (engine.isClosed() ? " maxsize=" + engine.capacity() + " closed" :
            " size=" + engine.size() + " maxsize=" + engine.capacity()) + '}';
    }

    @Serial
    private Object writeReplace()
    {
        return engine.handle();
    }

    /** The engine, for {@link QueueWaitable}. */
    QueueEngine engine()
    {
        return engine;
    }
}
