package io.mp4j.queue;

import io.mp4j.internal.channel.ManyToManySlotRing;
import io.mp4j.internal.channel.QueueDescriptor;
import io.mp4j.process.ChildProcess;

import java.io.Serial;
import java.io.Serializable;
import java.util.AbstractQueue;
import java.util.Collection;
import java.util.Iterator;
import java.util.Objects;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A bounded queue shared by any number of producer and consumer processes: Python's
 * {@code multiprocessing.Queue}, as a {@link BlockingQueue}.
 * <pre>{@code
 * try (SharedQueue<String> queue = SharedQueue.create())
 * {
 *     new ChildProcess(() -> queue.put("Hello from worker!")).start();
 *     System.out.println(queue.take());
 * }
 * }</pre>
 * Messages live in a ring of fixed slots in one shared region ({@link ManyToManySlotRing}); each is
 * encoded by mp4j's codec when it is put and decoded when it is taken, so what a consumer gets is a copy.
 * The queue holds exactly {@link #capacity()} messages (Python's {@code maxsize}) before {@code put}
 * waits. Every message is delivered exactly once, to one consumer: a producer killed mid-{@code put}
 * leaves no torn message and no lost room, and a message whose consumer was killed mid-{@code take} goes
 * to another consumer. A message whose encoding is larger than {@link #maxMessageLength()} goes whole to a
 * file of the session, its slot carrying the file's name. {@code put} returns as soon as the message is
 * in shared memory (or that file): a producer's exit never waits for a consumer.
 * <p>
 * The queue is {@link Serializable} as a handle: capture it in a child's target and the child attaches
 * the same queue. Any thread may use it. As with the JDK's queues, null elements are refused. Iteration is
 * not supported (other processes take messages at any time); use {@link #drainTo(Collection)}.
 *
 * @param <E> the type of the messages.
 */
public class SharedQueue<E> extends AbstractQueue<E> implements BlockingQueue<E>, AutoCloseable, Serializable
{
    @Serial
    private static final long serialVersionUID = 1L;

    final transient QueueEngine engine;

    SharedQueue(final QueueEngine engine)
    {
        this.engine = engine;
    }

    /**
     * Creates a queue with the default settings: Python's {@code Queue()}.
     *
     * @param <E> the type of the messages.
     * @return the queue, in the current session.
     */
    public static <E> SharedQueue<E> create()
    {
        return create(new QueueContext());
    }

    /**
     * Creates a queue that holds up to {@code capacity} messages: Python's {@code Queue(maxsize)}.
     *
     * @param capacity the bound, exactly: at least 1.
     * @param <E>      the type of the messages.
     * @return the queue, in the current session.
     */
    public static <E> SharedQueue<E> create(final int capacity)
    {
        return create(new QueueContext().capacity(capacity));
    }

    /**
     * Creates a queue with the given settings.
     *
     * @param context the settings; concluded here.
     * @param <E>     the type of the messages.
     * @return the queue.
     */
    public static <E> SharedQueue<E> create(final QueueContext context)
    {
        return QueueEngine.create(context, QueueDescriptor.FLAVOUR_QUEUE, SharedQueue::new);
    }

    /**
     * Puts a message if there is room now.
     *
     * @param message the message, not null.
     * @return false if the queue is full.
     * @throws io.mp4j.EncodingException if the message is not serializable.
     */
    @Override
    public boolean offer(final E message)
    {
        try
        {
            return engine.offer(Objects.requireNonNull(message, "message"), 0);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /**
     * Puts a message, waiting for room: Python's {@code put}.
     *
     * @param message the message, not null.
     * @throws InterruptedException      if interrupted while waiting.
     * @throws io.mp4j.EncodingException if the message is not serializable.
     */
    @Override
    public void put(final E message) throws InterruptedException
    {
        engine.offer(Objects.requireNonNull(message, "message"), -1);
    }

    /**
     * Puts a message, waiting at most the timeout for room: Python's {@code put(timeout=...)}.
     *
     * @param message the message, not null.
     * @param timeout how long to wait.
     * @param unit    the timeout's unit.
     * @return false if no room came in time.
     * @throws InterruptedException if interrupted while waiting.
     */
    @Override
    public boolean offer(final E message, final long timeout, final TimeUnit unit) throws InterruptedException
    {
        return engine.offer(Objects.requireNonNull(message, "message"), Math.max(0, unit.toNanos(timeout)));
    }

    /**
     * Takes a message, waiting for one: Python's {@code get}.
     *
     * @return the message.
     * @throws InterruptedException           if interrupted while waiting.
     * @throws io.mp4j.EncodingException if the message cannot be decoded here; it is consumed.
     */
    @Override
    public E take() throws InterruptedException
    {
        return cast(engine.poll(-1));
    }

    /**
     * Takes a message, waiting at most the timeout: Python's {@code get(timeout=...)}.
     *
     * @param timeout how long to wait.
     * @param unit    the timeout's unit.
     * @return the message, or null if none came in time.
     * @throws InterruptedException if interrupted while waiting.
     */
    @Override
    public E poll(final long timeout, final TimeUnit unit) throws InterruptedException
    {
        final Object value = engine.poll(Math.max(0, unit.toNanos(timeout)));
        return value == QueueEngine.NOTHING ? null : cast(value);
    }

    /**
     * Takes a message if one is ready: Python's {@code get_nowait}.
     *
     * @return the message, or null if none is ready.
     */
    @Override
    public E poll()
    {
        try
        {
            final Object value = engine.poll(0);
            return value == QueueEngine.NOTHING ? null : cast(value);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /**
     * A copy of the message at the head, left in the queue; another consumer may take it at any time.
     *
     * @return the message, or null if the queue is empty.
     */
    @Override
    public E peek()
    {
        return cast(engine.peek());
    }

    /**
     * Messages in the queue: Python's {@code qsize()}, as unreliable under concurrent use as Python says.
     *
     * @return 0 to the capacity; a position a producer died holding counts until a consumer skips it.
     */
    @Override
    public int size()
    {
        return engine.size();
    }

    /**
     * Whether no message is ready at the head now: Python's {@code empty()}.
     *
     * @return true if a {@link #poll()} now would return null.
     */
    @Override
    public boolean isEmpty()
    {
        return engine.isEmptyNow();
    }

    /**
     * Room left before {@link #put(Object)} waits.
     *
     * @return the capacity minus the size.
     */
    @Override
    public int remainingCapacity()
    {
        return engine.capacity() - engine.size();
    }

    /**
     * Whether the queue holds {@link #capacity()} messages, so that a {@link #put(Object)} now would wait:
     * Python's {@code full()}, as unreliable under concurrent use as Python says.
     *
     * @return true if {@link #remainingCapacity()} is 0.
     */
    public boolean isFull()
    {
        return remainingCapacity() <= 0;
    }

    /**
     * The bound given at creation, exactly: Python's {@code maxsize}.
     *
     * @return how many messages the queue holds.
     */
    public int capacity()
    {
        return engine.capacity();
    }

    /**
     * The largest message encoding a slot carries; a larger one goes through a file of the session.
     *
     * @return bytes.
     */
    public int maxMessageLength()
    {
        return engine.maxMessageLength();
    }

    /**
     * Takes every message ready now into a collection.
     *
     * @param target where to add them.
     * @return how many were added.
     */
    @Override
    public int drainTo(final Collection<? super E> target)
    {
        return drainTo(target, Integer.MAX_VALUE);
    }

    /**
     * Takes up to {@code maxElements} messages ready now into a collection.
     *
     * @param target      where to add them.
     * @param maxElements the most to take.
     * @return how many were added.
     */
    @Override
    public int drainTo(final Collection<? super E> target, final int maxElements)
    {
        if (target == this)
        {
            throw new IllegalArgumentException("cannot drain a queue into itself");
        }
        int drained = 0;
        E message;
        while (drained < maxElements && (message = poll()) != null)
        {
            target.add(message);
            drained++;
        }
        return drained;
    }

    /**
     * Not supported: other processes take messages at any time. Use {@link #drainTo(Collection)}.
     *
     * @return never.
     * @throws UnsupportedOperationException always.
     */
    @Override
    public Iterator<E> iterator()
    {
        throw new UnsupportedOperationException("a shared queue cannot be iterated: " + engine.description() +
            " (use drainTo)");
    }

    /**
     * Lets go of the queue in this JVM: Python's {@code close()}. Messages stay for other processes; the
     * memory is unmapped here, and the region is removed with the session. Idempotent.
     */
    @Override
    public void close()
    {
        engine.close();
    }

    /**
     * Whether {@link #close()} was called in this JVM.
     *
     * @return true once closed.
     */
    public boolean isClosed()
    {
        return engine.isClosed();
    }

    /**
     * What a Python user reads in a queue's repr: its kind, its region, how many messages it holds now
     * and its {@code maxsize}, e.g. {@code SharedQueue{queue=queue-4242-3 size=2 maxsize=6}}.
     *
     * @return the description.
     */
    @Override
    public String toString()
    {
        return getClass().getSimpleName() + '{' + engine.description() + details() + '}';
    }

    String details()
    {
        return engine.isClosed() ? " maxsize=" + engine.capacity() + " closed" :
            " size=" + engine.size() + " maxsize=" + engine.capacity();
    }

    @SuppressWarnings("unchecked")
    static <E> E cast(final Object value)
    {
        return (E)value;
    }

    @Serial
    Object writeReplace()
    {
        return engine.handle();
    }
}
