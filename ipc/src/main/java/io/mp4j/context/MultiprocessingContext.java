package io.mp4j.context;

import io.mp4j.pool.WorkerPool;
import io.mp4j.queue.TaskQueue;
import io.mp4j.shared.DoubleValue;
import io.mp4j.shared.LongValue;
import io.mp4j.sync.Barrier;
import io.mp4j.sync.CountingSemaphore;
import io.mp4j.sync.Event;

import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.Lock;

/**
 * Where user code gets every shared object from, whichever backend holds them: Python's {@code get_context()}
 * object, whose {@code Pool()}, {@code Queue()}, {@code Lock()} … all come from one place. {@link #local()} keeps
 * them in shared memory on this machine (mp4j's own classes, at their full speed); the {@code mp4j-cluster}
 * artifact gives a context whose objects live on a cluster. A method written against this interface runs
 * unchanged on either.
 * <pre>{@code
 * static long count(MultiprocessingContext context) throws InterruptedException
 * {
 *     LongValue hits = context.longValue("hits", 0);
 *     try (WorkerPool pool = context.pool(2))
 *     {
 *         pool.map(x -> { ... }, items);
 *     }
 *     return hits.get();
 * }
 * }</pre>
 * Objects are named by the caller, so that processes meet: every process asking a context for
 * {@code queue("jobs", 100)} gets the same queue, created by whichever asked first. Names are per kind (a lock
 * and an event may both be called {@code "jobs"}) and are letters, digits, {@code .}, {@code _} and {@code -},
 * at most {@value #MAX_NAME_LENGTH} characters. Asking again for a name with different settings (another
 * capacity, number of permits or parties) is an {@link IllegalStateException}; an initial value counts only
 * when the value is created. The objects belong to the context: closing it releases them in this process.
 * Which processes share a context's names, and how long the objects outlive the process that made them,
 * is each backend's to say. Any thread may use a context.
 */
public interface MultiprocessingContext extends AutoCloseable
{
    /** Longest name an object may have. */
    int MAX_NAME_LENGTH = 100;

    /**
     * The context of shared memory on this machine, in this process family's session: see {@link LocalContext}.
     *
     * @return a new local context; close it to remove its objects.
     */
    static MultiprocessingContext local()
    {
        return LocalContext.create();
    }

    /**
     * A new pool of workers: Python's {@code Pool(processes)}. Pools are not named: each call makes one, which
     * the context terminates when it closes if the caller has not closed it.
     *
     * @param processes how many workers, at least 1.
     * @return the pool.
     */
    WorkerPool pool(int processes);

    /**
     * The queue of that name, created with the capacity if it does not exist: Python's {@code Queue(maxsize)}.
     *
     * @param name     the queue's name.
     * @param capacity how many messages it holds before {@code put} waits; at least 1.
     * @param <E>      the type of the messages.
     * @return the queue.
     * @throws IllegalArgumentException if the capacity is below 1.
     * @throws IllegalStateException    if the queue exists with another capacity.
     */
    <E> BlockingQueue<E> queue(String name, int capacity);

    /**
     * The joinable queue of that name, created with the capacity if it does not exist: Python's
     * {@code JoinableQueue(maxsize)}.
     *
     * @param name     the queue's name.
     * @param capacity how many messages it holds before {@code put} waits; at least 1.
     * @param <E>      the type of the messages.
     * @return the queue.
     * @throws IllegalArgumentException if the capacity is below 1.
     * @throws IllegalStateException    if the queue exists with another capacity.
     */
    <E> TaskQueue<E> joinableQueue(String name, int capacity);

    /**
     * The lock of that name: Python's {@code Lock()}. A lock whose holder dies is released for the others.
     *
     * @param name the lock's name.
     * @return the lock; it is not re-entrant.
     */
    Lock lock(String name);

    /**
     * The re-entrant lock of that name: Python's {@code RLock()}.
     *
     * @param name the lock's name.
     * @return the lock.
     */
    Lock rlock(String name);

    /**
     * The condition of the lock {@link #lock(String)} of the same name: Python's {@code Condition(lock)}. As with
     * {@link Lock#newCondition()}, hold that lock around {@code await} and {@code signal}, and wait in a loop that
     * checks what you wait for.
     *
     * @param lockName the name of the lock the condition belongs to.
     * @return the condition.
     */
    Condition condition(String lockName);

    /**
     * The semaphore of that name, created with the permits if it does not exist: Python's {@code Semaphore(n)}.
     *
     * @param name    the semaphore's name.
     * @param permits its initial permits, at least 0.
     * @return the semaphore.
     */
    CountingSemaphore semaphore(String name, int permits);

    /**
     * The bounded semaphore of that name: Python's {@code BoundedSemaphore(n)}, which refuses a release past
     * its initial permits.
     *
     * @param name    the semaphore's name.
     * @param permits its initial (and largest) permits, at least 0.
     * @return the semaphore.
     */
    CountingSemaphore boundedSemaphore(String name, int permits);

    /**
     * The event of that name, clear when created: Python's {@code Event()}.
     *
     * @param name the event's name.
     * @return the event.
     */
    Event event(String name);

    /**
     * The barrier of that name for a number of parties: Python's {@code Barrier(parties)}.
     *
     * @param name    the barrier's name.
     * @param parties how many parties a round needs, at least 1.
     * @return the barrier.
     */
    Barrier barrier(String name, int parties);

    /**
     * The {@code long} of that name, created with the initial value if it does not exist: Python's
     * {@code Value('q', initial)}.
     *
     * @param name    the value's name.
     * @param initial its value when created.
     * @return the value.
     */
    LongValue longValue(String name, long initial);

    /**
     * The {@code double} of that name, created with the initial value if it does not exist: Python's
     * {@code Value('d', initial)}.
     *
     * @param name    the value's name.
     * @param initial its value when created.
     * @return the value.
     */
    DoubleValue doubleValue(String name, double initial);

    /**
     * The dict of that name: Python's {@code Manager().dict()}.
     *
     * @param name the dict's name.
     * @param <K>  the key type.
     * @param <V>  the value type.
     * @return the dict.
     */
    <K, V> ConcurrentMap<K, V> dict(String name);

    /**
     * The list of that name: Python's {@code Manager().list()}.
     *
     * @param name the list's name.
     * @param <E>  the type of the items.
     * @return the list.
     */
    <E> List<E> list(String name);

    /** Releases what this context holds in this process; what else goes is each backend's to say. Idempotent. */
    @Override
    void close();
}
