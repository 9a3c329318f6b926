package io.mp4j.context;

import io.mp4j.process.ChildProcess;
import io.mp4j.queue.TaskQueue;
import io.mp4j.shared.DoubleValue;
import io.mp4j.shared.LongValue;
import io.mp4j.sharedstate.Children;
import io.mp4j.sync.Barrier;
import io.mp4j.sync.CountingSemaphore;
import io.mp4j.sync.Event;
import io.mp4j.pool.WorkerPool;
import io.mp4j.test.NoLeaksExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Lock;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The local context: objects meet by name across a child JVM that was handed the context, the counts of two
 * JVMs' updates are exact, settings that disagree are refused, and the owner's close removes everything.
 */
@ExtendWith(NoLeaksExtension.class)
class LocalContextTest
{
    private static final Duration TIMEOUT = Duration.ofSeconds(120);
    private static final int INCREMENTS = 100_000;

    @Test
    void shouldMeetTheSameObjectsByNameInAChild()
    {
        assertTimeoutPreemptively(TIMEOUT, () ->
        {
            try (MultiprocessingContext context = MultiprocessingContext.local(); Children children = new Children())
            {
                final BlockingQueue<String> toParent = context.queue("to-parent", 8);
                final Event go = context.event("go");
                final ChildProcess child = children.start("incrementer", () ->
                {
                    toParent.put("ready");
                    go.await();
                    increment(context);
                    toParent.put("done");
                });
                assertEquals("ready", toParent.poll(60, TimeUnit.SECONDS));
                go.set();
                increment(context);
                assertEquals("done", toParent.poll(60, TimeUnit.SECONDS));
                Children.joinSucceeded(child, Duration.ofSeconds(60));

                // Read-then-write under the named lock loses no update; the atomics need no lock.
                assertEquals(2L * INCREMENTS, context.longValue("under-lock", 0).get());
                assertEquals(2L * INCREMENTS, context.longValue("atomic", 0).get());
                assertEquals(INCREMENTS, context.doubleValue("halves", 0).get());
            }
        });
    }

    /** The same user code in the parent and the child: every object comes from the context by name. */
    private static void increment(final MultiprocessingContext context)
    {
        final Lock lock = context.lock("counter");
        final Lock rlock = context.rlock("counter");
        final LongValue underLock = context.longValue("under-lock", 0);
        final LongValue atomic = context.longValue("atomic", 0);
        final DoubleValue halves = context.doubleValue("halves", 0);
        for (int i = 0; i < INCREMENTS; i++)
        {
            lock.lock();
            try
            {
                underLock.set(underLock.get() + 1);
            }
            finally
            {
                lock.unlock();
            }
            rlock.lock();
            rlock.lock();
            try
            {
                halves.set(halves.get() + 0.5);
            }
            finally
            {
                rlock.unlock();
                rlock.unlock();
            }
            atomic.incrementAndGet();
        }
    }

    @Test
    void shouldJoinAJoinableQueueConsumedByAChildAndMeetAtABarrier()
    {
        assertTimeoutPreemptively(TIMEOUT, () ->
        {
            try (MultiprocessingContext context = MultiprocessingContext.local(); Children children = new Children())
            {
                final ChildProcess child = children.start("consumer", () ->
                {
                    final TaskQueue<Integer> tasks = context.joinableQueue("tasks", 16);
                    final LongValue sum = context.longValue("sum", 0);
                    final Barrier barrier = context.barrier("start", 2);
                    barrier.await(Duration.ofSeconds(60));
                    for (int i = 0; i < 100; i++)
                    {
                        sum.addAndGet(tasks.take());
                        tasks.taskDone();
                    }
                });
                final TaskQueue<Integer> tasks = context.joinableQueue("tasks", 16);
                context.barrier("start", 2).await(Duration.ofSeconds(60));
                for (int i = 1; i <= 100; i++)
                {
                    tasks.put(i);
                }
                tasks.join(Duration.ofSeconds(60));
                assertEquals(5050, context.longValue("sum", 0).get());
                Children.joinSucceeded(child, Duration.ofSeconds(60));
            }
        });
    }

    @Test
    void shouldShareASemaphoreAndAListWithAChild()
    {
        assertTimeoutPreemptively(TIMEOUT, () ->
        {
            try (MultiprocessingContext context = MultiprocessingContext.local(); Children children = new Children())
            {
                final CountingSemaphore slots = context.boundedSemaphore("slots", 1);
                slots.acquire();
                final ChildProcess child = children.start("lister", () ->
                {
                    final CountingSemaphore childSlots = context.boundedSemaphore("slots", 1);
                    childSlots.acquire(Duration.ofSeconds(60));
                    context.<String>list("names").add("from the child");
                    childSlots.release();
                });
                context.<String>list("names").add("from the parent");
                slots.release();
                Children.joinSucceeded(child, Duration.ofSeconds(60));
                assertEquals(List.of("from the parent", "from the child"), new ArrayList<>(context.<String>list("names")));
                assertThrows(IllegalStateException.class, slots::release, "a bounded semaphore refuses a release past its permits");
            }
        });
    }

    @Test
    void shouldKeepWhatAChildMadeByNameAfterTheChildExits()
    {
        assertTimeoutPreemptively(TIMEOUT, () ->
        {
            try (MultiprocessingContext context = MultiprocessingContext.local(); Children children = new Children())
            {
                context.event("first");
                final ChildProcess child = children.start("maker", () ->
                {
                    context.longValue("made", 0).set(42);
                    context.<String>queue("left", 4).put("for the parent");
                    context.lock("held-by-nobody");
                });
                Children.joinSucceeded(child, Duration.ofSeconds(60));
                // Enough new objects for a look for regions whose holders all died: the child's must not be among them.
                for (int i = 0; i < 40; i++)
                {
                    context.event("filler-" + i);
                }
                assertEquals(42, context.longValue("made", 0).get());
                assertEquals("for the parent", context.<String>queue("left", 4).poll(10, TimeUnit.SECONDS));
                assertTrue(context.lock("held-by-nobody").tryLock());
            }
        });
    }

    @Test
    void shouldRunAPoolFromTheContext()
    {
        assertTimeoutPreemptively(TIMEOUT, () ->
        {
            try (MultiprocessingContext context = MultiprocessingContext.local())
            {
                final List<Integer> items = IntStream.range(0, 1000).boxed().collect(Collectors.toList());
                try (WorkerPool pool = context.pool(2))
                {
                    final List<Integer> results = pool.map((Integer x) -> x + 1, items);
                    assertEquals(items.stream().map(x -> x + 1).collect(Collectors.toList()), results);
                    assertEquals(42, (int)pool.apply(() -> 42));
                }
            }
        });
    }

    @Test
    void shouldHandTheSameObjectForANameAndRefuseOtherSettings()
    {
        try (MultiprocessingContext context = MultiprocessingContext.local())
        {
            assertSame(context.queue("jobs", 10), context.queue("jobs", 10));
            assertSame(context.longValue("n", 1), context.longValue("n", 99), "an initial value counts only at creation");
            assertEquals(1, context.longValue("n", 99).get());

            final IllegalStateException capacity = assertThrows(IllegalStateException.class, () -> context.queue("jobs", 20));
            assertTrue(capacity.getMessage().contains("capacity=10 asked=20"), capacity.getMessage());
            context.semaphore("s", 3);
            assertThrows(IllegalStateException.class, () -> context.semaphore("s", 4));
            context.barrier("b", 2);
            assertThrows(IllegalStateException.class, () -> context.barrier("b", 3));

            // Names are per kind.
            assertFalse(context.lock("x") == (Object)context.rlock("x"));

            final IllegalArgumentException bad = assertThrows(IllegalArgumentException.class, () -> context.event("../up"));
            assertTrue(bad.getMessage().contains("name=../up"), bad.getMessage());
            assertThrows(IllegalArgumentException.class, () -> context.event(""));
            assertThrows(IllegalArgumentException.class, () -> context.event("x".repeat(MultiprocessingContext.MAX_NAME_LENGTH + 1)));
        }
    }

    @Test
    void shouldAgreeOnOneObjectWhenTwoJvmsCreateANameAtOnce()
    {
        assertTimeoutPreemptively(TIMEOUT, () ->
        {
            try (MultiprocessingContext context = MultiprocessingContext.local(); Children children = new Children())
            {
                final Barrier ready = context.barrier("ready", 3);
                final List<ChildProcess> racers = new ArrayList<>();
                for (int c = 0; c < 2; c++)
                {
                    racers.add(children.start("racer-" + c, () ->
                    {
                        ready.await(Duration.ofSeconds(60));
                        for (int i = 0; i < 50; i++)
                        {
                            context.longValue("raced-" + i, 0).incrementAndGet();
                        }
                    }));
                }
                ready.await(Duration.ofSeconds(60));
                for (int i = 0; i < 50; i++)
                {
                    context.longValue("raced-" + i, 0).incrementAndGet();
                }
                for (final ChildProcess racer : racers)
                {
                    Children.joinSucceeded(racer, Duration.ofSeconds(60));
                }
                for (int i = 0; i < 50; i++)
                {
                    assertEquals(3, context.longValue("raced-" + i, 0).get(), "every racer incremented the one value: raced-" + i);
                }
            }
        });
    }

    @Test
    void shouldRemoveItsDirectoryAndCloseItsObjectsWhenTheOwnerCloses()
    {
        final LocalContext context = LocalContext.create();
        final LongValue value = context.longValue("v", 7);
        context.queue("q", 4).add("x");
        assertTrue(Files.isDirectory(context.directory()));
        context.close();

        assertFalse(Files.exists(context.directory()), "the context's directory and its objects are gone");
        assertThrows(RuntimeException.class, value::get);
        assertThrows(IllegalStateException.class, () -> context.event("late"));
        context.close();
    }
}
