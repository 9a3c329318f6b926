package io.mp4j.manager;

import io.mp4j.process.ChildProcess;
import io.mp4j.queue.SharedQueue;
import io.mp4j.shared.SharedDouble;
import io.mp4j.shared.SharedInt;
import io.mp4j.shared.SharedLong;
import io.mp4j.sharedstate.Children;
import io.mp4j.sync.SharedLock;
import io.mp4j.sync.SharedRLock;
import io.mp4j.test.NoLeaksExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.file.Files;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The locks, queues and values a manager hands out work across a child, and go when it closes. */
@ExtendWith(NoLeaksExtension.class)
@SuppressWarnings("try") // try (var held = lock.acquire()) marks a held section, as Python's "with lock:"
class ManagerHandoutsTest
{
    private static final Duration TIMEOUT = Duration.ofSeconds(120);
    private static final int INCREMENTS = 100_000;

    @Test
    void shouldShareLocksQueuesAndValuesWithAChild()
    {
        assertTimeoutPreemptively(TIMEOUT, () ->
        {
            try (Manager manager = new Manager(); Children children = new Children())
            {
                final SharedLock lock = manager.lock();
                final SharedRLock rlock = manager.rlock();
                final SharedLong total = manager.value(0);
                final SharedDouble halves = manager.doubleValue(0);
                final SharedInt atomic = manager.intValue(0);
                final SharedQueue<String> toChild = manager.queue();
                final SharedQueue<String> toParent = manager.queue(4);

                final ChildProcess child = children.start("incrementer", () ->
                {
                    toParent.put("ready");
                    final String go = toChild.take();
                    incrementUnderLocks(lock, rlock, total, halves, atomic);
                    toParent.put("child got: " + go);
                });
                assertEquals("ready", toParent.poll(60, TimeUnit.SECONDS));
                // Both start at once, so that the increments overlap.
                toChild.put("go");
                incrementUnderLocks(lock, rlock, total, halves, atomic);
                assertEquals("child got: go", toParent.poll(60, TimeUnit.SECONDS));
                Children.joinSucceeded(child, Duration.ofSeconds(60));

                // Read-then-write increments lose updates unless the manager's locks exclude the child.
                assertEquals(2 * INCREMENTS, total.get());
                assertEquals(INCREMENTS, halves.get());
                assertEquals(2 * INCREMENTS, atomic.get());
                assertFalse(lock.isLocked());
                assertFalse(rlock.isLocked());
            }
        });
    }

    private static void incrementUnderLocks(
        final SharedLock lock, final SharedRLock rlock, final SharedLong total, final SharedDouble halves,
        final SharedInt atomic)
    {
        for (int i = 0; i < INCREMENTS; i++)
        {
            try (var held = lock.acquire())
            {
                total.set(total.get() + 1);
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
    void shouldRemoveEverythingItHandedOutWhenClosed()
    {
        final Manager manager = new Manager();
        final SharedLock lock = manager.lock();
        final SharedRLock rlock = manager.rlock();
        final SharedQueue<Integer> queue = manager.queue();
        final SharedLong value = manager.value(1);
        final SharedList<Integer> list = manager.list();
        final SharedNamespace ns = manager.namespace();
        queue.add(1);
        list.add(1);
        ns.set("a", 1);
        assertTrue(Files.isDirectory(manager.directory()));
        manager.close();

        assertFalse(Files.exists(manager.directory()), "the manager's directory and everything in it are gone");
        assertTrue(lock.isClosed());
        assertTrue(rlock.isClosed());
        assertTrue(queue.isClosed());
        assertTrue(value.isClosed());
        assertTrue(list.isClosed());
        assertTrue(ns.isClosed());
        manager.close();
    }
}
