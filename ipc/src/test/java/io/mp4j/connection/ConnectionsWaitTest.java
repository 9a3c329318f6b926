package io.mp4j.connection;

import io.mp4j.internal.Waiter;
import io.mp4j.process.ChildProcess;
import io.mp4j.queue.JoinableQueue;
import io.mp4j.queue.SharedQueue;
import io.mp4j.queue.SimpleQueue;
import io.mp4j.test.NoLeaksExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Python's {@code multiprocessing.connection.wait} over children, a pipe and a queue that real child JVMs
 * make ready in a random order.
 */
@ExtendWith(NoLeaksExtension.class)
class ConnectionsWaitTest
{
    private static final Duration TEST_TIMEOUT = Duration.ofSeconds(90);
    private static final Duration LONG = Duration.ofSeconds(30);

    @Test
    void shouldReturnWhatBecameReadyInArgumentOrderAsChildrenProduceInRandomOrder()
    {
        final long seed = System.nanoTime();
        assertTimeoutPreemptively(TEST_TIMEOUT, () ->
        {
            try (Pipe data = Pipe.open(false); Pipe firstOrders = Pipe.open(false); Pipe secondOrders = Pipe.open(false);
                SharedQueue<String> queue = SharedQueue.create())
            {
                final Connection reader = data.first();
                final Connection writer = data.second();
                final Connection firstInbox = firstOrders.first();
                final Connection secondInbox = secondOrders.first();
                // Each child waits for an order, sleeps a little so that the parent is already asleep in wait,
                // then acts: the first writes to the pipe or exits, the second puts on the queue or exits.
                final ChildProcess first = new ChildProcess(() ->
                {
                    while (!"exit".equals(firstInbox.recv()))
                    {
                        Thread.sleep(300);
                        writer.send("piped");
                    }
                    Thread.sleep(300);
                }).start();
                final ChildProcess second = new ChildProcess(() ->
                {
                    while (!"exit".equals(secondInbox.recv()))
                    {
                        Thread.sleep(300);
                        queue.put("queued");
                    }
                    Thread.sleep(300);
                }).start();
                writer.close();

                final List<Object> all = List.of(first, second, reader, queue);
                assertEquals(List.of(), Connections.wait(all, Duration.ZERO), "timeout zero polls");
                final long start = System.nanoTime();
                assertEquals(List.of(), Connections.wait(all, Duration.ofMillis(200)), "nothing is ready in time");
                assertTrue(System.nanoTime() - start >= Duration.ofMillis(200).toNanos());

                final List<Object> pending = new ArrayList<>(all);
                for (final String step : randomOrder(new Random(seed)))
                {
                    final Object expected;
                    switch (step)
                    {
                        case "pipe" -> { firstOrders.second().send("send"); expected = reader; }
                        case "queue" -> { secondOrders.second().send("put"); expected = queue; }
                        case "first exit" -> { firstOrders.second().send("exit"); expected = first; }
                        default -> { secondOrders.second().send("exit"); expected = second; }
                    }
                    final boolean boardsWatched = pending.contains(reader) || pending.contains(queue);
                    final long sleepsBefore = Waiter.doorbellSleeps();
                    final List<Object> ready = Connections.wait(pending, LONG);
                    assertEquals(List.of(expected), ready, "step=" + step + " seed=" + seed);
                    if (boardsWatched)
                    {
                        // With only children left there is no board: the wait parks until a child's exit wakes it.
                        assertTrue(Waiter.doorbellSleeps() > sleepsBefore, "the wait slept on a doorbell: " + step);
                    }
                    pending.remove(expected);
                }

                assertEquals(all, Connections.wait(all, Duration.ZERO), "all ready, in argument order");
                assertEquals("piped", reader.recv());
                assertEquals("queued", queue.take());
                // The pipe's only other writer has exited: end of stream is ready too, as recv would not block.
                assertEquals(List.of(reader), Connections.wait(List.of(reader, queue), LONG));
                assertTrue(queue.isEmpty());
            }
        });
    }

    @Test
    void shouldWaitForEveryKindOfQueueAndRefuseWhatCannotBeWaitedFor() throws InterruptedException
    {
        try (SimpleQueue<Integer> simple = SimpleQueue.create(); JoinableQueue<Integer> joinable = JoinableQueue.create();
            Pipe pipe = Pipe.open(false))
        {
            assertEquals(List.of(), Connections.wait(List.of(simple, joinable), Duration.ofMillis(50)));
            joinable.put(1);
            assertEquals(List.of(joinable), Connections.wait(List.of(simple, joinable), Duration.ZERO));
            simple.put(null);
            assertEquals(List.of(simple, joinable), Connections.wait(List.of(simple, joinable), null));

            assertThrows(IllegalArgumentException.class, () -> Connections.wait(List.of("text"), Duration.ZERO));
            assertThrows(IllegalStateException.class, () -> Connections.wait(List.of(pipe.second()), Duration.ZERO));
            pipe.first().close();
            assertThrows(IllegalStateException.class, () -> Connections.wait(List.of(pipe.first()), Duration.ZERO));
        }
    }

    @Test
    void shouldWakeOnAChildsExitWithoutAnyBoardToSleepOn()
    {
        assertTimeoutPreemptively(TEST_TIMEOUT, () ->
        {
            final ChildProcess child = new ChildProcess(() -> Thread.sleep(500)).start();
            final List<ChildProcess> ready = Connections.wait(List.of(child), LONG);
            assertEquals(1, ready.size());
            assertSame(child, ready.get(0));
            assertFalse(child.isAlive());
        });
    }

    /** The four events in a random order in which each child acts before it exits. */
    private static List<String> randomOrder(final Random random)
    {
        final List<String> order = new ArrayList<>(List.of("pipe", "queue", "first exit", "second exit"));
        Collections.shuffle(order, random);
        swapIfAfter(order, "pipe", "first exit");
        swapIfAfter(order, "queue", "second exit");
        return order;
    }

    private static void swapIfAfter(final List<String> order, final String action, final String exit)
    {
        final int actionIndex = order.indexOf(action);
        final int exitIndex = order.indexOf(exit);
        if (actionIndex > exitIndex)
        {
            Collections.swap(order, actionIndex, exitIndex);
        }
    }
}
