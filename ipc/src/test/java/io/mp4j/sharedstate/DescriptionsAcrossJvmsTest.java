package io.mp4j.sharedstate;

import io.mp4j.process.ChildProcess;
import io.mp4j.shared.SharedByteArray;
import io.mp4j.shared.SharedDouble;
import io.mp4j.shared.SharedDoubleArray;
import io.mp4j.shared.SharedInt;
import io.mp4j.shared.SharedIntArray;
import io.mp4j.shared.SharedLongArray;
import io.mp4j.sync.SharedBarrier;
import io.mp4j.sync.SharedCondition;
import io.mp4j.sync.SharedEvent;
import io.mp4j.sync.SharedLock;
import io.mp4j.sync.SharedRLock;
import io.mp4j.sync.SharedSemaphore;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * Every shared object's {@code toString()} says what Python's {@code repr} says (owner, value, set or not,
 * waiting parties, length and first items), read from shared memory by another JVM than the one that
 * changed the state.
 */
@SuppressWarnings("try") // try (var locked = lock.acquire()) marks a held section, as Python's "with lock:"
class DescriptionsAcrossJvmsTest
{
    private static final Duration BOUND = Duration.ofSeconds(120);
    private static final Duration JOIN = Duration.ofSeconds(60);

    @Test
    void shouldDescribeStateSetInThisJvmWhenAChildPrintsIt()
    {
        assertTimeoutPreemptively(BOUND, () ->
        {
            final long pid = ProcessHandle.current().pid();
            final long thread = Thread.currentThread().getId();
            final String owner = "owner=pid:" + pid + "/thread:" + thread;

            final SharedLock heldLock = SharedLock.create();
            heldLock.lock();
            final SharedRLock heldTwice = SharedRLock.create();
            heldTwice.lock();
            heldTwice.lock();
            final SharedSemaphore bounded = SharedSemaphore.createBounded(2);
            bounded.acquire();
            final SharedEvent set = SharedEvent.create();
            set.set();
            final SharedBarrier aborted = SharedBarrier.create(2);
            aborted.abort();
            final SharedBarrier oneWaiting = SharedBarrier.create(3);
            final CompletableFuture<Integer> party = CompletableFuture.supplyAsync(() -> awaitQuietly(oneWaiting));
            while (oneWaiting.numberWaiting() < 1)
            {
                Thread.sleep(5);
            }

            final List<Object> objects = new ArrayList<>();
            final List<String> expected = new ArrayList<>();
            describe(objects, expected, heldLock, "SharedLock{" + owner + "}");
            describe(objects, expected, SharedLock.create(), "SharedLock{unlocked}");
            describe(objects, expected, heldTwice, "SharedRLock{" + owner + ", holds=2}");
            describe(objects, expected, SharedRLock.create(), "SharedRLock{unlocked}");
            describe(objects, expected, SharedSemaphore.create(3), "SharedSemaphore{value=3}");
            describe(objects, expected, bounded, "SharedSemaphore{value=1, maxValue=2}");
            describe(objects, expected, set, "SharedEvent{set}");
            describe(objects, expected, SharedEvent.create(), "SharedEvent{unset}");
            describe(objects, expected, oneWaiting, "SharedBarrier{waiting=1/3}");
            describe(objects, expected, aborted, "SharedBarrier{broken, parties=2}");
            describe(objects, expected, SharedCondition.create(),
                "SharedCondition{lock=SharedRLock{unlocked}, waiting=0}");
            describe(objects, expected, SharedInt.create(42), "42");
            describe(objects, expected, SharedDouble.createRaw(1.5), "1.5");
            describe(objects, expected, SharedIntArray.of(1, 2, 3, 4, 5, 6, 7, 8, 9, 10),
                "SharedIntArray{length=10, [1, 2, 3, 4, 5, 6, 7, 8, ...]}");
            describe(objects, expected, SharedLongArray.of(1, 2, 3, 4, 5, 6, 7, 8),
                "SharedLongArray{length=8, [1, 2, 3, 4, 5, 6, 7, 8]}");
            describe(objects, expected, SharedDoubleArray.of(0.5, -2.0), "SharedDoubleArray{length=2, [0.5, -2.0]}");
            describe(objects, expected, SharedByteArray.create(0), "SharedByteArray{length=0, []}");

            try (Children children = new Children())
            {
                // The child throws, naming what it printed, if any description differs from Python's repr.
                children.start("describer", () ->
                {
                    final List<String> differences = new ArrayList<>();
                    for (int i = 0; i < objects.size(); i++)
                    {
                        final String actual = objects.get(i).toString();
                        if (!actual.equals(expected.get(i)))
                        {
                            differences.add("expected=" + expected.get(i) + " actual=" + actual);
                        }
                    }
                    if (!differences.isEmpty())
                    {
                        throw new IllegalStateException("descriptions differ:" + differences);
                    }
                });
                children.joinAllSucceeded(JOIN);
            }
            oneWaiting.abort();
            assertEquals(-1, party.get());
            heldLock.unlock();
            heldTwice.unlock();
            heldTwice.unlock();
        });
    }

    @Test
    void shouldNameTheChildAsOwnerWhenAChildHoldsTheLock()
    {
        assertTimeoutPreemptively(BOUND, () ->
        {
            final SharedLock lock = SharedLock.create();
            final SharedEvent held = SharedEvent.create();
            final SharedEvent release = SharedEvent.create();
            try (Children children = new Children())
            {
                final ChildProcess holder = children.start("holder", () ->
                {
                    try (var locked = lock.acquire())
                    {
                        held.set();
                        release.await(Duration.ofSeconds(60));
                    }
                });
                held.await(Duration.ofSeconds(30));
                final String description = lock.toString();
                assertEquals("SharedLock{owner=pid:" + holder.pid(),
                    description.substring(0, Math.max(0, description.indexOf("/thread:"))), description);
                assertEquals("SharedEvent{set}", held.toString());
                assertEquals("SharedEvent{unset}", release.toString());
                release.set();
                children.joinAllSucceeded(JOIN);
            }
            assertEquals("SharedLock{unlocked}", lock.toString());
            lock.close();
            assertEquals("SharedLock{closed}", lock.toString());
        });
    }

    private static void describe(
        final List<Object> objects, final List<String> expected, final Object object, final String text)
    {
        objects.add(object);
        expected.add(text);
        assertEquals(text, object.toString(), "in the JVM that made it");
    }

    private static int awaitQuietly(final SharedBarrier barrier)
    {
        try
        {
            return barrier.await(Duration.ofSeconds(60));
        }
        catch (final RuntimeException | InterruptedException ex)
        {
            return -1;
        }
    }
}
