package io.mp4j.queue;

import java.time.Duration;
import java.util.concurrent.BlockingQueue;

/**
 * A queue whose consumers say when each task is done, so a producer can wait for all of them: Python's
 * {@code JoinableQueue}, whichever backend holds it ({@link JoinableQueue} in shared memory on one machine, a
 * cluster's queue otherwise).
 *
 * @param <E> the message type.
 */
public interface TaskQueue<E> extends BlockingQueue<E>
{
    /**
     * Marks one task taken from the queue finished: Python's {@code task_done()}.
     *
     * @throws IllegalStateException if called more times than messages were put (Python's {@code ValueError}).
     */
    void taskDone();

    /**
     * Waits until every task put so far is done: Python's {@code join()}.
     *
     * @throws InterruptedException if interrupted while waiting.
     */
    void join() throws InterruptedException;

    /**
     * Waits at most the timeout until every task put so far is done.
     *
     * @param timeout how long at most.
     * @throws InterruptedException             if interrupted while waiting.
     * @throws io.mp4j.Mp4jTimeoutException if tasks are still unfinished when the time runs out.
     */
    void join(Duration timeout) throws InterruptedException;
}
