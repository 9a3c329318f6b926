package io.mp4j.pool;

import io.mp4j.test.NoLeaksExtension;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Python's {@code close()} then {@code join()} on a pool whose workers retire: every submitted call completes. */
@ExtendWith(NoLeaksExtension.class)
class MaxTasksPerChildTest
{
    private static final Duration TIMEOUT = Duration.ofSeconds(120);

    @RepeatedTest(2)
    void shouldCompleteEverySubmittedCallWhenShutDownAndJoinedWhileWorkersRetire()
    {
        assertTimeoutPreemptively(TIMEOUT, () ->
        {
            final Pool pool = new Pool(new PoolContext().processes(2).maxTasksPerChild(2));
            final CompletableFuture<List<Long>> mapped = pool.mapAsync((Integer x) ->
            {
                Thread.sleep(5);
                return ProcessHandle.current().pid();
            }, IntStream.range(0, 12).boxed().collect(Collectors.toList()), 1);
            final List<CompletableFuture<Integer>> applied = new ArrayList<>();
            for (int i = 0; i < 6; i++)
            {
                final int x = i;
                applied.add(pool.applyAsync(() -> x * x));
            }

            pool.shutdown();
            pool.join();

            final List<Long> pids = mapped.get();
            assertEquals(12, pids.size());
            for (int i = 0; i < applied.size(); i++)
            {
                assertEquals(i * i, applied.get(i).get());
            }
            assertTrue(pids.stream().distinct().count() >= 3, "workers retired after two tasks each: " + pids);
            assertTrue(pool.isTerminated());
        });
    }

    @Test
    void shouldStartAWorkerAgainWhenAnImapsInputGoesOnAfterEveryWorkerRetiredDuringShutdown()
    {
        assertTimeoutPreemptively(TIMEOUT, () ->
        {
            final Pool pool = new Pool(new PoolContext().processes(1).maxTasksPerChild(1));
            final CountDownLatch firstRead = new CountDownLatch(1);
            final CountDownLatch goOn = new CountDownLatch(1);
            // Item 0 is read at once; the input then waits before it has item 1.
            final Iterable<Integer> input = () -> new Iterator<>()
            {
                private int next;

                @Override
                public boolean hasNext()
                {
                    if (next == 1)
                    {
                        firstRead.countDown();
                        try
                        {
                            goOn.await();
                        }
                        catch (final InterruptedException ex)
                        {
                            throw new IllegalStateException(ex);
                        }
                    }
                    return next < 2;
                }

                @Override
                public Integer next()
                {
                    return next++;
                }
            };
            final CompletableFuture<List<Long>> consumed = CompletableFuture.supplyAsync(() ->
            {
                final List<Long> pids = new ArrayList<>();
                pool.imap((Integer x) -> ProcessHandle.current().pid(), input).forEachRemaining(pids::add);
                return pids;
            });
            firstRead.await();
            pool.shutdown();
            // The only worker runs item 0 and retires; with nothing pending during shutdown, none replaces it.
            while (pool.workerPids().get(0) != -1L)
            {
                Thread.sleep(10);
            }

            goOn.countDown();
            final List<Long> pids = consumed.get();
            pool.join();

            assertEquals(2, pids.size());
            assertEquals(2, pids.stream().distinct().count(), "item 1 ran in a fresh worker: " + pids);
            assertTrue(pool.isTerminated());
        });
    }
}
