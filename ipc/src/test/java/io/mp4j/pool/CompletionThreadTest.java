package io.mp4j.pool;

import io.mp4j.test.NoLeaksExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What a caller chains to a pool's future runs in the pool's completion thread, not in its engine's: it may
 * call the pool again and wait, or block, without stalling the pool or waiting for itself.
 */
@ExtendWith(NoLeaksExtension.class)
class CompletionThreadTest
{
    private static final Duration LIMIT = Duration.ofSeconds(120);

    @Test
    void shouldServeAPoolCallMadeFromWhatIsChainedToAFuture()
    {
        assertTimeoutPreemptively(LIMIT, () ->
        {
            try (Pool pool = new Pool(2))
            {
                final CompletableFuture<List<Integer>> mapped = pool.mapAsync((Integer x) -> x + 1, List.of(1, 2, 3))
                    .thenApply(results -> pool.map((Integer x) -> x * 10, results));
                final CompletableFuture<Integer> applied = pool.applyAsync(() -> 5)
                    .thenApply(five -> pool.apply(() -> five * 3));

                assertEquals(List.of(20, 30, 40), mapped.get(60, TimeUnit.SECONDS));
                assertEquals(15, applied.get(60, TimeUnit.SECONDS));
            }
        });
    }

    @Test
    void shouldServeAPoolCallMadeFromAChainedFunctionWhenTheEngineThreadServesEveryCall()
    {
        assertTimeoutPreemptively(LIMIT, () ->
        {
            // With a progress listener, synchronous calls go through the engine thread and a future too.
            try (Pool pool = new Pool(new PoolContext().processes(2).progress(progress -> { })))
            {
                final CompletableFuture<Integer> applied = pool.applyAsync(() -> 5)
                    .thenApply(five -> pool.apply(() -> five * 3))
                    .thenApply(fifteen -> pool.map((Integer x) -> x + fifteen, List.of(1)).get(0));

                assertEquals(16, applied.get(60, TimeUnit.SECONDS));
            }
        });
    }

    @Test
    void shouldGoOnServingWhileAChainedCallbackBlocks()
    {
        assertTimeoutPreemptively(LIMIT, () ->
        {
            try (Pool pool = new Pool(2))
            {
                final CountDownLatch blocking = new CountDownLatch(1);
                final CountDownLatch release = new CountDownLatch(1);
                final AtomicReference<Thread> callbackThread = new AtomicReference<>();
                final CompletableFuture<Void> blocked = pool.applyAsync(() -> 1).thenAccept(one ->
                {
                    callbackThread.set(Thread.currentThread());
                    blocking.countDown();
                    try
                    {
                        release.await();
                    }
                    catch (final InterruptedException ex)
                    {
                        Thread.currentThread().interrupt();
                    }
                });
                assertTrue(blocking.await(60, TimeUnit.SECONDS), "the callback runs");

                assertEquals(List.of(2, 3, 4), pool.map((Integer x) -> x + 1, List.of(1, 2, 3)), "the pool serves");
                assertEquals(7, pool.apply(() -> 7));
                final CompletableFuture<Integer> queued = pool.applyAsync(() -> 8);
                assertTrue(callbackThread.get().getName().endsWith("-completions"), callbackThread.get().getName());
                assertFalse(blocked.isDone());

                release.countDown();
                blocked.get(60, TimeUnit.SECONDS);
                assertEquals(8, queued.get(60, TimeUnit.SECONDS), "completions wait for the callback before them");
            }
        });
    }

    @Test
    void shouldRunActionsInOrderInOneDaemonThreadThenInTheCallersOnceEnded()
    {
        assertTimeoutPreemptively(LIMIT, () ->
        {
            final CompletionThread completions = new CompletionThread("test-completions");
            final CountDownLatch release = new CountDownLatch(1);
            final List<String> ran = new CopyOnWriteArrayList<>();
            final AtomicReference<Thread> first = new AtomicReference<>();
            completions.execute(() ->
            {
                first.set(Thread.currentThread());
                awaitQuietly(release);
                ran.add("first");
            });
            final CountDownLatch secondRan = new CountDownLatch(1);
            completions.execute(() ->
            {
                ran.add("second " + (Thread.currentThread() == first.get()));
                secondRan.countDown();
            });
            completions.end();
            assertEquals(List.of(), ran, "ending waits for nothing");
            release.countDown();
            assertTrue(secondRan.await(60, TimeUnit.SECONDS), "what was given before the end still runs");
            assertEquals(List.of("first", "second true"), ran);
            assertEquals("test-completions", first.get().getName());
            assertTrue(first.get().isDaemon());

            final AtomicReference<Thread> late = new AtomicReference<>();
            completions.execute(() -> late.set(Thread.currentThread()));
            assertEquals(Thread.currentThread(), late.get(), "after the end, in the caller's thread");
            first.get().join(60_000);
            assertFalse(first.get().isAlive(), "the thread ends");
        });
    }

    private static void awaitQuietly(final CountDownLatch latch)
    {
        try
        {
            latch.await();
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }
}
