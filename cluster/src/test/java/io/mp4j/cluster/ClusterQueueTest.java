package io.mp4j.cluster;

import io.mp4j.cluster.internal.ClusterQueue;
import io.mp4j.queue.TaskQueue;
import io.mp4j.test.NoLeaksExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.lang.reflect.Field;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A cluster queue's blocking calls when this node's view of the queue is stale. Ignite's waits sleep on semaphores of
 * this node that the header's update events keep; a lost event (its primary killed before it sent it) is made here by
 * draining or replacing such a semaphore, and the waits must still find the items and the room.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(NoLeaksExtension.class)
class ClusterQueueTest
{
    private static final Duration TIMEOUT = Duration.ofSeconds(120);

    private TestClusters cluster;
    private ClusterContext context;

    @BeforeAll
    void startCluster(@TempDir final Path logs) throws Exception
    {
        cluster = new TestClusters(logs);
        cluster.start(1);
        context = ClusterContext.connect(cluster.options());
    }

    @AfterAll
    void stopCluster() throws Exception
    {
        if (context != null)
        {
            context.close();
        }
        if (cluster != null)
        {
            cluster.close();
        }
    }

    @Test
    void shouldTakeItemsWhoseArrivalThisNodeNeverHeardOf()
    {
        assertTimeoutPreemptively(TIMEOUT, () ->
        {
            final BlockingQueue<String> jobs = context.queue("unheard-items", 10);
            jobs.put("a");
            jobs.put("b");
            jobs.put("c");
            semaphore(jobs, "readSem").drainPermits();

            assertEquals("a", jobs.poll(30, TimeUnit.SECONDS));
            assertEquals("b", jobs.take());
            final TaskQueue<String> tasks = context.joinableQueue("unheard-tasks", 10);
            tasks.put("d");
            semaphore(tasks, "readSem").drainPermits();
            assertEquals("d", tasks.poll(30, TimeUnit.SECONDS));
            assertEquals("c", jobs.poll(30, TimeUnit.SECONDS));
            assertNull(jobs.poll(50, TimeUnit.MILLISECONDS));
        });
    }

    @Test
    void shouldPutIntoRoomThisNodeNeverHeardOf()
    {
        assertTimeoutPreemptively(TIMEOUT, () ->
        {
            final BlockingQueue<Integer> jobs = context.queue("unheard-room", 2);
            jobs.put(1);
            jobs.put(2);
            assertFalse(jobs.offer(3, 50, TimeUnit.MILLISECONDS), "full");
            assertEquals(1, jobs.poll());
            semaphore(jobs, "writeSem").drainPermits();

            assertTrue(jobs.offer(3, 30, TimeUnit.SECONDS));
            assertEquals(2, jobs.poll());
            semaphore(jobs, "writeSem").drainPermits();
            jobs.put(4);
            assertEquals(3, jobs.poll());
            assertEquals(4, jobs.poll());
        });
    }

    @Test
    void shouldWakeAWaiterThatSleepsOnASemaphoreNoEventWillRelease()
    {
        assertTimeoutPreemptively(TIMEOUT, () ->
        {
            final BlockingQueue<String> jobs = context.queue("unheard-while-asleep", 10);
            final CompletableFuture<String> taken = new CompletableFuture<>();
            final Thread taker = new Thread(() ->
            {
                try
                {
                    taken.complete(jobs.poll(90, TimeUnit.SECONDS));
                }
                catch (final InterruptedException | RuntimeException ex)
                {
                    taken.completeExceptionally(ex);
                }
            });
            taker.start();
            while (!sleepsOnASemaphore(taker))
            {
                Thread.sleep(1);
            }
            // The waiter sleeps on the old semaphore; the header's events now release a new one, as if every event
            // meant for the waiter's were lost.
            replaceSemaphore(jobs, "readSem");
            jobs.put("late");

            assertEquals("late", taken.get(30, TimeUnit.SECONDS));
            taker.join();
        });
    }

    @Test
    void shouldRefuseANullMessageWithoutTouchingTheQueue()
    {
        assertTimeoutPreemptively(TIMEOUT, () ->
        {
            final BlockingQueue<String> jobs = context.queue("nulls", 4);
            assertThrows(NullPointerException.class, () -> jobs.put(null));
            assertThrows(NullPointerException.class, () -> jobs.offer(null));
            assertThrows(NullPointerException.class, () -> jobs.offer(null, 1, TimeUnit.SECONDS));
            assertThrows(NullPointerException.class, () -> jobs.add(null));
            assertEquals(0, jobs.size(), "no slot was taken for a null");

            final TaskQueue<String> tasks = context.joinableQueue("nulls", 4);
            assertThrows(NullPointerException.class, () -> tasks.put(null));
            assertThrows(NullPointerException.class, () -> tasks.add(null));
            assertEquals(0, tasks.size());
            tasks.join(Duration.ofSeconds(30));
        });
    }

    @Test
    void shouldThrowInterruptedExceptionFromAnInterruptedWait()
    {
        assertTimeoutPreemptively(TIMEOUT, () ->
        {
            final BlockingQueue<Integer> empty = context.queue("interrupted", 1);
            final CompletableFuture<Thread> waiting = new CompletableFuture<>();
            final CompletableFuture<Boolean> flagAfter = new CompletableFuture<>();
            final Thread taker = new Thread(() ->
            {
                waiting.complete(Thread.currentThread());
                try
                {
                    empty.take();
                    flagAfter.completeExceptionally(new AssertionError("took from an empty queue"));
                }
                catch (final InterruptedException ex)
                {
                    flagAfter.complete(Thread.currentThread().isInterrupted());
                }
                catch (final RuntimeException ex)
                {
                    flagAfter.completeExceptionally(ex);
                }
            });
            taker.start();
            waiting.get().interrupt();
            assertFalse(flagAfter.get(), "the flag is cleared when InterruptedException is thrown");
            taker.join();

            empty.put(1);
            Thread.currentThread().interrupt();
            assertThrows(InterruptedException.class, () -> empty.offer(2, 10, TimeUnit.SECONDS));
            assertFalse(Thread.interrupted());
            assertEquals(1, empty.poll());
        });
    }

    private static boolean sleepsOnASemaphore(final Thread thread)
    {
        return thread.getState() == Thread.State.TIMED_WAITING && Arrays.stream(thread.getStackTrace())
            .anyMatch(frame -> frame.getClassName().equals(Semaphore.class.getName()));
    }

    /** The semaphore of this node behind the queue's waits, as Ignite keeps it. */
    private static Semaphore semaphore(final BlockingQueue<?> queue, final String name) throws ReflectiveOperationException
    {
        return (Semaphore)semaphoreField(queue, name).get(adapter(queue));
    }

    /** Puts a new, empty semaphore where Ignite keeps the queue's, leaving whoever waits on the old one there. */
    private static void replaceSemaphore(final BlockingQueue<?> queue, final String name)
        throws ReflectiveOperationException
    {
        semaphoreField(queue, name).set(adapter(queue), new Semaphore(0, true));
    }

    private static Field semaphoreField(final BlockingQueue<?> queue, final String name) throws ReflectiveOperationException
    {
        Class<?> type = adapter(queue).getClass();
        while (!type.getSimpleName().equals("GridCacheQueueAdapter"))
        {
            type = type.getSuperclass();
        }
        final Field semaphore = type.getDeclaredField(name);
        semaphore.setAccessible(true);
        return semaphore;
    }

    private static Object adapter(final BlockingQueue<?> queue) throws ReflectiveOperationException
    {
        final Field inner = ClusterQueue.class.getDeclaredField("queue");
        inner.setAccessible(true);
        final Object wrapped = inner.get(queue);
        return wrapped.getClass().getMethod("delegate").invoke(wrapped);
    }
}
