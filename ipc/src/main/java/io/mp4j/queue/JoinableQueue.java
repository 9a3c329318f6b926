package io.mp4j.queue;

import io.mp4j.Mp4jTimeoutException;
import io.mp4j.internal.channel.QueueDescriptor;

import java.io.Serial;
import java.time.Duration;

/**
 * A {@link SharedQueue} that also counts unfinished tasks: Python's {@code JoinableQueue}. Every message
 * put is a task; a consumer calls {@link #taskDone()} when it has finished one, and {@link #join()} waits
 * until every task put so far is done. The count lives in shared memory, so producers, consumers and
 * joiners may be in any processes.
 * <pre>{@code
 * queue.put(task);                       // producer
 * work(queue.take()); queue.taskDone();  // consumer
 * queue.join();                          // anyone
 * }</pre>
 * A put whose producer died before publishing it counts as done; a task whose consumer died without
 * calling {@code taskDone} stays unfinished, as in Python.
 *
 * @param <E> the type of the messages.
 */
public final class JoinableQueue<E> extends SharedQueue<E> implements TaskQueue<E>
{
    @Serial
    private static final long serialVersionUID = 1L;

    JoinableQueue(final QueueEngine engine)
    {
        super(engine);
    }

    /**
     * Creates a joinable queue with the default settings: Python's {@code JoinableQueue()}.
     *
     * @param <E> the type of the messages.
     * @return the queue, in the current session.
     */
    public static <E> JoinableQueue<E> create()
    {
        return create(new QueueContext());
    }

    /**
     * Creates a joinable queue with the given settings.
     *
     * @param context the settings; concluded here.
     * @param <E>     the type of the messages.
     * @return the queue.
     */
    public static <E> JoinableQueue<E> create(final QueueContext context)
    {
        return QueueEngine.create(context, QueueDescriptor.FLAVOUR_JOINABLE, JoinableQueue::new);
    }

    /**
     * Marks one task taken from the queue finished: Python's {@code task_done()}.
     *
     * @throws IllegalStateException if called more times than messages were put (Python's {@code ValueError}).
     */
    public void taskDone()
    {
        engine.taskDone();
    }

    /**
     * Tasks put and not yet marked done.
     *
     * @return the count, in any process.
     */
    public long unfinishedTasks()
    {
        return engine.unfinishedTasks();
    }

    @Override
    String details()
    {
        return isClosed() ? super.details() : super.details() + " unfinished=" + engine.unfinishedTasks();
    }

    /**
     * Waits until every task put so far is done: Python's {@code join()}.
     *
     * @throws InterruptedException if interrupted while waiting.
     */
    public void join() throws InterruptedException
    {
        engine.join(null);
    }

    /**
     * Waits at most {@code timeout} until every task put so far is done.
     *
     * @param timeout how long to wait.
     * @throws InterruptedException if interrupted while waiting.
     * @throws Mp4jTimeoutException if tasks are still unfinished at the deadline.
     */
    public void join(final Duration timeout) throws InterruptedException
    {
        if (!engine.join(timeout))
        {
            throw new Mp4jTimeoutException("join timed out: " + engine.description() + " timeout=" + timeout +
                " unfinished=" + engine.unfinishedTasks());
        }
    }
}
