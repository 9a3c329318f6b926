package io.mp4j.sync;

import io.mp4j.Mp4jTimeoutException;
import io.mp4j.WaitStrategy;
import io.mp4j.internal.JavaSerialization;
import io.mp4j.session.Session;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

@SuppressWarnings("try") // try (var held = lock.acquire()) marks a held section, as Python's "with lock:"
class SharedPrimitivesTest
{
    private static final Duration BOUND = Duration.ofSeconds(30);
    private static Session session;

    @BeforeAll
    static void createSession()
    {
        session = Session.create();
    }

    @AfterAll
    static void closeSession()
    {
        session.close();
    }

    @Test
    void shouldRefuseBoundedReleasePastInitialCount() throws Exception
    {
        final SharedSemaphore semaphore = SharedSemaphore.create(session, 2, true, WaitStrategy.DEFAULT);
        assertTrue(semaphore.isBounded());
        semaphore.acquire();
        semaphore.release();
        final IllegalStateException ex = assertThrows(IllegalStateException.class, semaphore::release);
        assertTrue(ex.getMessage().contains("initial=2"), ex.getMessage());
        assertEquals(2, semaphore.availablePermits());
    }

    @Test
    void shouldLetUnboundedSemaphoreGrowAndTimeOut() throws Exception
    {
        final SharedSemaphore semaphore = SharedSemaphore.create(session, 0, false, WaitStrategy.DEFAULT);
        assertFalse(semaphore.tryAcquire());
        assertFalse(semaphore.tryAcquire(50, TimeUnit.MILLISECONDS));
        assertThrows(Mp4jTimeoutException.class, () -> semaphore.acquire(Duration.ofMillis(50)));
        semaphore.release(3);
        assertEquals(3, semaphore.availablePermits());
        try (var permit = semaphore.enter())
        {
            assertEquals(2, semaphore.availablePermits());
        }
        assertEquals(3, semaphore.availablePermits());
    }

    @Test
    void shouldWakeEventWaitersAndTimeOutWhenClear() throws Exception
    {
        final SharedEvent event = SharedEvent.create(session, WaitStrategy.DEFAULT);
        assertThrows(Mp4jTimeoutException.class, () -> event.await(Duration.ofMillis(50)));
        assertFalse(event.await(10, TimeUnit.MILLISECONDS));
        final SharedEvent copy = (SharedEvent)JavaSerialization.deserialize(JavaSerialization.serialize(event, "e"), "e");
        assertTimeoutPreemptively(BOUND, () ->
        {
            final CompletableFuture<Void> waiter = CompletableFuture.runAsync(() -> awaitQuietly(copy));
            Thread.sleep(50);
            event.set();
            waiter.get();
        });
        assertTrue(copy.isSet());
        event.clear();
        assertFalse(copy.isSet());
    }

    @Test
    void shouldHandOverThroughConditionBetweenThreads()
    {
        final SharedCondition condition = SharedCondition.create(session, WaitStrategy.DEFAULT);
        final AtomicInteger box = new AtomicInteger();
        assertTimeoutPreemptively(BOUND, () ->
        {
            final CompletableFuture<Integer> consumer = CompletableFuture.supplyAsync(() ->
            {
                int sum = 0;
                for (int i = 1; i <= 100; i++)
                {
                    try (var held = condition.getLock().acquire())
                    {
                        condition.waitFor(() -> box.get() != 0);
                        sum += box.getAndSet(0);
                        condition.signalAll();
                    }
                    catch (final InterruptedException ex)
                    {
                        throw new IllegalStateException(ex);
                    }
                }
                return sum;
            });
            for (int i = 1; i <= 100; i++)
            {
                try (var held = condition.getLock().acquire())
                {
                    condition.waitFor(() -> box.get() == 0);
                    box.set(i);
                    condition.signal();
                }
            }
            assertEquals(5050, consumer.get());
        });
    }

    @Test
    void shouldTimeOutConditionAndRequireItsLock() throws Exception
    {
        final SharedLock lock = SharedLock.create(session, WaitStrategy.DEFAULT);
        final SharedCondition condition = lock.newCondition();
        assertThrows(IllegalMonitorStateException.class, condition::signal);
        assertThrows(IllegalMonitorStateException.class, condition::await);
        lock.lock();
        assertFalse(condition.await(50, TimeUnit.MILLISECONDS));
        assertTrue(lock.isHeldByCurrentThread());
        assertThrows(Mp4jTimeoutException.class, () -> condition.waitFor(() -> false, Duration.ofMillis(50)));
        // A timed-out waiter withdraws: a later signal with nobody waiting is not stored for later.
        condition.signal();
        assertFalse(condition.await(20, TimeUnit.MILLISECONDS));
        lock.unlock();
    }

    @Test
    void shouldPassBarrierGenerationsAndRunActionOncePerGeneration()
    {
        final SharedLongCounter counter = new SharedLongCounter();
        final SharedBarrier barrier = SharedBarrier.create(session, 3, counter, WaitStrategy.DEFAULT);
        assertTimeoutPreemptively(BOUND, () ->
        {
            final List<CompletableFuture<Integer>> parties = new ArrayList<>();
            for (int p = 0; p < 3; p++)
            {
                parties.add(CompletableFuture.supplyAsync(() ->
                {
                    int indexSum = 0;
                    for (int g = 0; g < 200; g++)
                    {
                        try
                        {
                            indexSum += barrier.await();
                        }
                        catch (final InterruptedException ex)
                        {
                            throw new IllegalStateException(ex);
                        }
                    }
                    return indexSum;
                }));
            }
            int total = 0;
            for (final CompletableFuture<Integer> party : parties)
            {
                total += party.get();
            }
            assertEquals(200 * (0 + 1 + 2), total);
        });
        assertEquals(200, SharedLongCounter.COUNT.get());
        assertFalse(barrier.isBroken());
    }

    @Test
    void shouldBreakBarrierOnAbortTimeoutAndResetIt() throws Exception
    {
        final SharedBarrier barrier = SharedBarrier.create(session, 2, null, WaitStrategy.DEFAULT);
        assertThrows(Mp4jTimeoutException.class, () -> barrier.await(Duration.ofMillis(50)));
        assertTrue(barrier.isBroken());
        assertThrows(BarrierBrokenException.class, barrier::await);
        barrier.reset();
        assertFalse(barrier.isBroken());

        final CompletableFuture<Throwable> waiter = CompletableFuture.supplyAsync(() ->
        {
            try
            {
                barrier.await();
                return null;
            }
            catch (final Throwable ex)
            {
                return ex;
            }
        });
        while (barrier.numberWaiting() == 0)
        {
            Thread.sleep(5);
        }
        barrier.abort();
        assertInstanceOf(BarrierBrokenException.class, waiter.get(10, TimeUnit.SECONDS));
        barrier.reset();
        assertEquals(0, barrier.numberWaiting());
    }

    @Test
    void shouldBreakBarrierWhenActionFails()
    {
        final SharedBarrier barrier = SharedBarrier.create(session, 1, () ->
        {
            throw new IllegalStateException("boom");
        }, WaitStrategy.DEFAULT);
        final BarrierBrokenException ex = assertThrows(BarrierBrokenException.class, barrier::await);
        assertInstanceOf(IllegalStateException.class, ex.getCause());
        assertTrue(barrier.isBroken());
    }

    private static void awaitQuietly(final SharedEvent event)
    {
        try
        {
            event.await();
        }
        catch (final InterruptedException ex)
        {
            throw new IllegalStateException(ex);
        }
    }

    /** A barrier action that counts generations in this JVM. */
    static final class SharedLongCounter implements BarrierAction
    {
        private static final long serialVersionUID = 1L;
        static final AtomicInteger COUNT = new AtomicInteger();

        @Override
        public void run()
        {
            COUNT.incrementAndGet();
        }
    }
}
