package io.mp4j.sharedstate;

import io.mp4j.shared.SharedInt;
import io.mp4j.shared.SharedLong;
import io.mp4j.shared.SharedLongArray;
import io.mp4j.sync.BarrierBrokenException;
import io.mp4j.sync.SharedBarrier;
import io.mp4j.sync.SharedCondition;
import io.mp4j.sync.SharedEvent;
import io.mp4j.sync.SharedSemaphore;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Barrier, semaphore, condition and event between child JVMs. */
@SuppressWarnings("try") // try (var held = lock.acquire()) marks a held section, as Python's "with lock:"
class SharedPrimitivesAcrossJvmsTest
{
    private static final Duration BOUND = Duration.ofSeconds(120);
    private static final Duration JOIN = Duration.ofSeconds(90);

    @Test
    void shouldPassThousandBarrierGenerationsAcrossThreeJvms()
    {
        assertTimeoutPreemptively(BOUND, () ->
        {
            final int generations = 1_000;
            final SharedLong actions = SharedLong.createRaw(0);
            final SharedBarrier barrier = SharedBarrier.create(3, actions::incrementAndGet);
            final SharedLongArray indexSums = SharedLongArray.createRaw(3);
            try (Children children = new Children())
            {
                for (int p = 0; p < 3; p++)
                {
                    final int party = p;
                    children.start("party-" + p, () ->
                    {
                        long sum = 0;
                        for (int g = 0; g < generations; g++)
                        {
                            sum += barrier.await(Duration.ofSeconds(30));
                        }
                        indexSums.set(party, sum);
                    });
                }
                children.joinAllSucceeded(JOIN);
            }
            // Each generation hands out the arrival indexes 0, 1 and 2 once, and runs the action once.
            assertEquals(generations * 3L, indexSums.get(0) + indexSums.get(1) + indexSums.get(2));
            assertEquals(generations, actions.get());
            assertFalse(barrier.isBroken());
        });
    }

    @Test
    void shouldLetPartiesArrivingDuringResetWaitForTheNextGenerationAcrossJvms()
    {
        assertTimeoutPreemptively(BOUND, () ->
        {
            // Python's test_reset, over rounds: the middle arrival resets while the others wait, they get
            // BrokenBarrierError and at once wait again, which must start the next generation, not fail.
            final int jvms = 2;
            final int threadsPerJvm = 3;
            final int parties = jvms * threadsPerJvm;
            final int rounds = 10;
            final SharedBarrier barrier = SharedBarrier.create(parties);
            final SharedInt passedEarly = SharedInt.createRaw(0);
            final SharedInt broken = SharedInt.createRaw(0);
            final SharedInt passed = SharedInt.createRaw(0);
            try (Children children = new Children())
            {
                for (int c = 0; c < jvms; c++)
                {
                    children.start("barrier-parties-" + c, () ->
                    {
                        final ExecutorService threads = Executors.newFixedThreadPool(threadsPerJvm);
                        final List<Future<?>> done = new ArrayList<>();
                        for (int t = 0; t < threadsPerJvm; t++)
                        {
                            done.add(threads.submit(() ->
                            {
                                for (int round = 0; round < rounds; round++)
                                {
                                    final int index = barrier.await(Duration.ofSeconds(30));
                                    if (index == parties / 2)
                                    {
                                        while (barrier.numberWaiting() < parties - 1)
                                        {
                                            Thread.sleep(1);
                                        }
                                        barrier.reset();
                                    }
                                    else
                                    {
                                        try
                                        {
                                            barrier.await(Duration.ofSeconds(30));
                                            passedEarly.incrementAndGet();
                                        }
                                        catch (final BarrierBrokenException expected)
                                        {
                                            broken.incrementAndGet();
                                        }
                                    }
                                    barrier.await(Duration.ofSeconds(30));
                                    passed.incrementAndGet();
                                }
                                return null;
                            }));
                        }
                        for (final Future<?> future : done)
                        {
                            future.get();
                        }
                        threads.shutdown();
                    });
                }
                children.joinAllSucceeded(JOIN);
            }
            assertEquals(0, passedEarly.get());
            assertEquals(rounds * (parties - 1), broken.get());
            assertEquals(rounds * parties, passed.get());
            assertFalse(barrier.isBroken());
        });
    }

    @Test
    void shouldNeverAdmitMoreHoldersThanPermits()
    {
        assertTimeoutPreemptively(BOUND, () ->
        {
            final SharedSemaphore semaphore = SharedSemaphore.createBounded(2);
            final SharedInt inside = SharedInt.createRaw(0);
            final SharedInt mostInside = SharedInt.createRaw(0);
            final SharedLong entries = SharedLong.createRaw(0);
            try (Children children = new Children())
            {
                for (int c = 0; c < 3; c++)
                {
                    children.start("holder-" + c, () ->
                    {
                        for (int i = 0; i < 300; i++)
                        {
                            try (var permit = semaphore.enter())
                            {
                                final int now = inside.incrementAndGet();
                                int most;
                                while (now > (most = mostInside.get()) && !mostInside.compareAndSet(most, now))
                                {
                                    Thread.onSpinWait();
                                }
                                entries.incrementAndGet();
                                for (int spin = 0; spin < 2_000; spin++)
                                {
                                    Thread.onSpinWait();
                                }
                                inside.decrementAndGet();
                            }
                        }
                    });
                }
                children.joinAllSucceeded(JOIN);
            }
            System.out.println("semaphore(2) across 3 JVMs: entries=" + entries.get() + " mostInside=" + mostInside.get());
            assertEquals(900, entries.get());
            assertTrue(mostInside.get() <= 2, "mostInside=" + mostInside.get());
            assertEquals(2, semaphore.availablePermits());
        });
    }

    @Test
    void shouldCarryProducerConsumerHandshakeThroughCondition()
    {
        assertTimeoutPreemptively(BOUND, () ->
        {
            final int items = 300;
            final SharedCondition condition = SharedCondition.create();
            final SharedLong box = SharedLong.createRaw(0);
            final SharedLong consumed = SharedLong.createRaw(0);
            final SharedLong received = SharedLong.createRaw(0);
            try (Children children = new Children())
            {
                children.start("producer", () ->
                {
                    for (long item = 1; item <= items; item++)
                    {
                        try (var held = condition.getLock().acquire())
                        {
                            condition.waitFor(() -> box.get() == 0, Duration.ofSeconds(30));
                            box.set(item);
                            condition.signalAll();
                        }
                    }
                });
                children.start("consumer", () ->
                {
                    for (int i = 0; i < items; i++)
                    {
                        try (var held = condition.getLock().acquire())
                        {
                            condition.waitFor(() -> box.get() != 0, Duration.ofSeconds(30));
                            consumed.addAndGet(box.getAndSet(0));
                            received.incrementAndGet();
                            condition.signalAll();
                        }
                    }
                });
                children.joinAllSucceeded(JOIN);
            }
            assertEquals(items, received.get());
            assertEquals((long)items * (items + 1) / 2, consumed.get());
        });
    }

    @Test
    void shouldWakeExactlyNWaitersAcrossJvmsWhenSignalledN()
    {
        assertTimeoutPreemptively(BOUND, () ->
        {
            final int jvms = 3;
            final int threadsPerJvm = 2;
            final int waiters = jvms * threadsPerJvm;
            final SharedCondition condition = SharedCondition.create();
            final SharedInt ready = SharedInt.createRaw(0);
            final SharedInt woken = SharedInt.createRaw(0);
            final SharedInt timedOut = SharedInt.createRaw(0);
            try (Children children = new Children())
            {
                for (int c = 0; c < jvms; c++)
                {
                    children.start("condition-waiters-" + c, () ->
                    {
                        final ExecutorService threads = Executors.newFixedThreadPool(threadsPerJvm);
                        final List<Future<?>> done = new ArrayList<>();
                        for (int t = 0; t < threadsPerJvm; t++)
                        {
                            done.add(threads.submit(() ->
                            {
                                try (var held = condition.getLock().acquire())
                                {
                                    ready.incrementAndGet();
                                    // Python: with cond: cond.wait(timeout); only a signal ends this wait early.
                                    if (condition.await(60, TimeUnit.SECONDS))
                                    {
                                        woken.incrementAndGet();
                                    }
                                    else
                                    {
                                        timedOut.incrementAndGet();
                                    }
                                }
                                return null;
                            }));
                        }
                        for (final Future<?> future : done)
                        {
                            future.get();
                        }
                        threads.shutdown();
                    });
                }
                // A waiter counts itself in under the lock and releases it only inside await: once this thread
                // holds the lock and sees every waiter counted, all of them wait.
                while (true)
                {
                    try (var held = condition.getLock().acquire())
                    {
                        if (ready.get() == waiters)
                        {
                            break;
                        }
                    }
                    Thread.sleep(10);
                }

                signalAndSettle(condition, woken, 2, () -> condition.signal(2));     // Python: cond.notify(2)
                signalAndSettle(condition, woken, 0, () -> condition.signal(0));     // Python: cond.notify(0)
                signalAndSettle(condition, woken, 3, () -> condition.signal(3));     // Python: cond.notify(3)
                signalAndSettle(condition, woken, 1, condition::signal);             // Python: cond.notify()
                children.joinAllSucceeded(JOIN);
            }
            assertEquals(waiters, woken.get());
            assertEquals(0, timedOut.get());
        });
    }

    @Test
    void shouldWakeEveryWaiterAcrossJvmsWhenSignalledAll()
    {
        assertTimeoutPreemptively(BOUND, () ->
        {
            final int jvms = 3;
            final SharedCondition condition = SharedCondition.create();
            final SharedInt ready = SharedInt.createRaw(0);
            final SharedInt woken = SharedInt.createRaw(0);
            try (Children children = new Children())
            {
                for (int c = 0; c < jvms; c++)
                {
                    children.start("condition-waiter-" + c, () ->
                    {
                        try (var held = condition.getLock().acquire())
                        {
                            ready.incrementAndGet();
                            if (condition.await(60, TimeUnit.SECONDS))
                            {
                                woken.incrementAndGet();
                            }
                        }
                    });
                }
                while (true)
                {
                    try (var held = condition.getLock().acquire())
                    {
                        if (ready.get() == jvms)
                        {
                            condition.signalAll();          // Python: cond.notify_all()
                            break;
                        }
                    }
                    Thread.sleep(10);
                }
                children.joinAllSucceeded(JOIN);
            }
            assertEquals(jvms, woken.get());
        });
    }

    /**
     * Signals under the lock, waits until the woken count has grown by the expected number, then gives any
     * extra waiter time to wake wrongly before checking that the count grew by exactly that much.
     */
    private static void signalAndSettle(
        final SharedCondition condition, final SharedInt woken, final int expected, final Runnable signal)
        throws InterruptedException
    {
        final int before = woken.get();
        try (var held = condition.getLock().acquire())
        {
            signal.run();
        }
        while (woken.get() < before + expected)
        {
            Thread.sleep(5);
        }
        Thread.sleep(500);
        assertEquals(before + expected, woken.get(), "woken after signalling " + expected);
    }

    @Test
    void shouldWakeEventWaitersInTwoOtherJvms()
    {
        assertTimeoutPreemptively(BOUND, () ->
        {
            final SharedEvent event = SharedEvent.create();
            final SharedInt ready = SharedInt.createRaw(0);
            final SharedInt woken = SharedInt.createRaw(0);
            try (Children children = new Children())
            {
                for (int c = 0; c < 2; c++)
                {
                    children.start("event-waiter-" + c, () ->
                    {
                        ready.incrementAndGet();
                        event.await(Duration.ofSeconds(60));
                        woken.incrementAndGet();
                    });
                }
                while (ready.get() < 2)
                {
                    Thread.sleep(10);
                }
                Thread.sleep(200);
                assertEquals(0, woken.get(), "nobody passes a clear event");
                event.set();
                children.joinAllSucceeded(JOIN);
            }
            assertEquals(2, woken.get());
        });
    }
}
