package io.mp4j.pool;

import io.mp4j.RemoteException;
import io.mp4j.test.NoLeaksExtension;
import io.mp4j.test.TestProcesses;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Workers killed with SIGKILL, or retiring after an error that may have corrupted them: only the chunk a
 * dead worker was running is charged, the chunks queued behind it run again uncharged, and every result
 * comes back exactly once.
 */
@ExtendWith(NoLeaksExtension.class)
class WorkerCrashTest
{
    private static final Duration TIMEOUT = Duration.ofSeconds(120);

    private static List<Integer> range(final int n)
    {
        return IntStream.range(0, n).boxed().collect(Collectors.toList());
    }

    private static List<Integer> plusOne(final int n)
    {
        return IntStream.range(0, n).mapToObj(x -> x + 1).collect(Collectors.toList());
    }

    @Test
    void shouldReturnEveryResultOnceInOrderWhileWorkersAreKilledDuringADefaultChunksizeMap()
    {
        assertTimeoutPreemptively(TIMEOUT, () ->
        {
            try (Pool pool = new Pool(2))
            {
                assertEquals(plusOne(10), pool.map((Integer x) -> x + 1, range(10)), "the workers are up");
                // Eight chunks of 12,500 items, each sleeping 5 × 40 ms, four queued on each worker.
                final CompletableFuture<List<Integer>> results = pool.mapAsync((Integer x) ->
                {
                    if (x % 2_500 == 0)
                    {
                        Thread.sleep(40);
                    }
                    return x + 1;
                }, range(100_000));

                Thread.sleep(150);
                kill(pool, 0, 0); // running a chunk, most likely: that chunk is charged
                // Killed while their JVMs start, before they run anything: nothing is charged. Charging the
                // chunks queued on them, as for a running chunk, would fail the map after three kills.
                kill(pool, 0, 0);
                kill(pool, 0, 0);
                kill(pool, 1, 300);
                kill(pool, 0, 300);

                assertEquals(plusOne(100_000), results.get(), "every result once and in order");
                assertEquals(plusOne(100), pool.map((Integer x) -> x + 1, range(100)), "the pool goes on serving");
            }
        });
    }

    /**
     * SIGKILLs the worker of a slot, once it has been up for a while (0: as soon as it has a pid), and
     * waits for its exit; does nothing if the map is over by then.
     */
    private static void kill(final Pool pool, final int slot, final long upMillis) throws InterruptedException
    {
        long pid;
        while ((pid = pool.workerPids().get(slot)) <= 0)
        {
            Thread.onSpinWait();
        }
        Thread.sleep(upMillis);
        ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
        TestProcesses.awaitExit(pid);
        while (pool.workerPids().get(slot) == pid)
        {
            Thread.onSpinWait();
        }
    }

    @Test
    void shouldChargeOnlyTheRunningCallWhenItsWorkerIsKilledAndRunTheCallQueuedBehind(@TempDir final Path dir)
    {
        assertTimeoutPreemptively(TIMEOUT, () ->
        {
            try (Pool pool = new Pool(new PoolContext().processes(1).maxAttempts(1)))
            {
                final String started = dir.resolve("started").toString();
                final CompletableFuture<Integer> stuck = pool.applyAsync(() ->
                {
                    Files.createFile(Paths.get(started));
                    Thread.sleep(600_000);
                    return 1;
                });
                final CompletableFuture<List<Integer>> queued = pool.mapAsync((Integer x) -> x + 1, range(100), 10);
                awaitFile(started);
                final long pid = pool.workerPids().get(0);
                ProcessHandle.of(pid).orElseThrow().destroyForcibly();

                final ExecutionException crash = assertThrows(ExecutionException.class, stuck::get);
                assertInstanceOf(WorkerCrashedException.class, crash.getCause());
                assertTrue(crash.getCause().getMessage().contains("attempts=1"), crash.getCause().getMessage());
                assertEquals(plusOne(100), queued.get(), "the call queued behind was not charged");
                TestProcesses.awaitExit(pid);
            }
        });
    }

    @Test
    void shouldSkipQueuedChunksOfACancelledCallWithoutKillingTheWorkerThatRunsAnother(@TempDir final Path dir)
    {
        assertTimeoutPreemptively(TIMEOUT, () ->
        {
            try (Pool pool = new Pool(1))
            {
                final String started = dir.resolve("started").toString();
                final String ran = dir.resolve("ran").toString();
                final CompletableFuture<Integer> running = pool.applyAsync(() ->
                {
                    Files.createFile(Paths.get(started));
                    Thread.sleep(1_000);
                    return 7;
                });
                final CompletableFuture<List<Integer>> cancelled = pool.mapAsync((Integer x) ->
                {
                    Files.writeString(Paths.get(ran), "ran");
                    return x;
                }, range(4), 1);
                awaitFile(started);
                final long pid = pool.workerPids().get(0);
                assertTrue(cancelled.cancel(true));

                assertEquals(7, running.get(), "the running call finished on its worker");
                assertEquals(List.of(1, 2), pool.map((Integer x) -> x + 1, range(2)), "the pool goes on serving");
                assertEquals(List.of(pid), pool.workerPids(), "the worker was not killed");
                assertFalse(Files.exists(Paths.get(ran)), "no chunk of the cancelled call ran");
            }
        });
    }

    @Test
    void shouldReplaceWorkerWhoseTaskThrewOutOfMemoryErrorAndRunWhatWasQueuedBehind()
    {
        assertTimeoutPreemptively(TIMEOUT, () ->
        {
            try (Pool pool = new Pool(1))
            {
                assertEquals(plusOne(10), pool.map((Integer x) -> x + 1, range(10)), "the worker is up");
                final long pid = pool.workerPids().get(0);

                final RemoteException overflow = assertThrows(RemoteException.class, () -> pool.apply(() ->
                {
                    throw new StackOverflowError("deep");
                }));
                assertEquals(StackOverflowError.class.getName(), overflow.remoteClassName());
                assertEquals(List.of(pid), pool.workerPids(), "a stack overflow is an ordinary error");

                final CompletableFuture<Integer> oom = pool.applyAsync(() ->
                {
                    throw new OutOfMemoryError("heap exhausted on purpose");
                });
                final CompletableFuture<List<Integer>> queued = pool.mapAsync((Integer x) -> x + 1, range(100), 10);

                final ExecutionException failure = assertThrows(ExecutionException.class, oom::get);
                final RemoteException remote = assertInstanceOf(RemoteException.class, failure.getCause());
                assertEquals(OutOfMemoryError.class.getName(), remote.remoteClassName());
                assertEquals("heap exhausted on purpose", remote.remoteMessage());
                assertEquals(plusOne(100), queued.get(), "the chunks queued behind ran on the replacement");
                TestProcesses.awaitExit(pid);
                assertFalse(pool.workerPids().contains(pid), "the worker was replaced");
                assertEquals(plusOne(10), pool.map((Integer x) -> x + 1, range(10)), "the pool goes on serving");
            }
        });
    }

    private static void awaitFile(final String file) throws InterruptedException
    {
        while (!Files.exists(Paths.get(file)))
        {
            Thread.sleep(5);
        }
    }
}
