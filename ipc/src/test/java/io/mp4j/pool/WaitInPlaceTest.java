package io.mp4j.pool;

import io.mp4j.test.NoLeaksExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A synchronous apply or map waits in its caller's thread, which hands the tasks to workers and reads the
 * results itself: what it allocates, and that crashes, terminations, timeouts, interrupts and other callers
 * are handled as when the engine thread did the work.
 */
@ExtendWith(NoLeaksExtension.class)
class WaitInPlaceTest
{
    private static final Duration LIMIT = Duration.ofSeconds(120);
    private static final String SLEEPING = "sleeping";
    private static final String FIRST_RUN = "first-run";

    @BeforeEach
    @AfterEach
    void removeMarkers() throws IOException
    {
        Files.deleteIfExists(marker(ProcessHandle.current().pid(), SLEEPING));
        Files.deleteIfExists(marker(ProcessHandle.current().pid(), FIRST_RUN));
    }

    @Test
    void shouldAllocateOnlyTheCallsOwnFewObjectsPerApplyInTheCallersThread()
    {
        assertTimeoutPreemptively(LIMIT, () ->
        {
            final com.sun.management.ThreadMXBean threads =
                (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();
            final long thread = Thread.currentThread().getId();
            try (Pool pool = new Pool(1))
            {
                for (int i = 0; i < 2_000; i++)
                {
                    assertEquals(42, pool.apply(() -> 42));
                }
                final int calls = 2_000;
                final long before = threads.getThreadAllocatedBytes(thread);
                for (int i = 0; i < calls; i++)
                {
                    pool.apply(() -> 42);
                }
                final double perCall = (double)(threads.getThreadAllocatedBytes(thread) - before) / calls;

                // The call, its task, its result's holder and its entry among the live calls: about 232
                // bytes; through futures and the engine thread it was 920 bytes in this thread alone.
                assertTrue(perCall < 400, "bytes per apply in the caller's thread: " + perCall);
            }
        });
    }

    @Test
    void shouldRunAnApplyAgainWhenItsWorkerIsKilledWhileTheCallerWaits()
    {
        assertTimeoutPreemptively(LIMIT, () ->
        {
            try (Pool pool = new Pool(2))
            {
                final CompletableFuture<Integer> answer = inThread(() -> pool.apply(WaitInPlaceTest::answerOnSecondRun));
                final long pid = awaitMarker(FIRST_RUN);
                ProcessHandle.of(pid).orElseThrow().destroyForcibly();

                assertEquals(42, answer.get(), "run again elsewhere");
                while (pool.workerPids().contains(pid))
                {
                    Thread.sleep(10);
                }
            }
        });
    }

    @Test
    void shouldFailACallerWaitingInPlaceWhenThePoolIsTerminated()
    {
        assertTimeoutPreemptively(LIMIT, () ->
        {
            final Pool doomed = new Pool(1);
            final CompletableFuture<Integer> answer = inThread(() -> doomed.apply(WaitInPlaceTest::markThenSleep));
            awaitMarker(SLEEPING);

            doomed.terminate();
            doomed.join();

            // The future passes on the caller's CancellationException as it is.
            final CancellationException failed = assertThrows(CancellationException.class, answer::get);
            assertTrue(failed.getMessage().startsWith("pool terminated: pool="), failed.getMessage());
            assertThrows(IllegalStateException.class, () -> doomed.apply(() -> 1));
        });
    }

    @Test
    void shouldStopAnInterruptedTimedApplyAndGoOnServing()
    {
        assertTimeoutPreemptively(LIMIT, () ->
        {
            try (Pool pool = new Pool(1))
            {
                final List<Long> before = pool.workerPids();
                final CompletableFuture<Boolean> interrupted = new CompletableFuture<>();
                final Thread caller = new Thread(() ->
                {
                    try
                    {
                        pool.apply(WaitInPlaceTest::markThenSleep, Duration.ofMinutes(10));
                        interrupted.completeExceptionally(new AssertionError("returned"));
                    }
                    catch (final CancellationException ex)
                    {
                        interrupted.complete(Thread.currentThread().isInterrupted());
                    }
                    catch (final Throwable ex)
                    {
                        interrupted.completeExceptionally(ex);
                    }
                });
                caller.start();
                awaitMarker(SLEEPING);

                caller.interrupt();

                assertTrue(interrupted.get(), "the interrupt is kept");
                assertEquals(5, pool.apply(() -> 5), "the pool goes on serving");
                while (pool.workerPids().stream().filter(pid -> pid > 0).allMatch(before::contains))
                {
                    Thread.sleep(10); // the worker running the stopped task is replaced
                }
            }
        });
    }

    @Test
    void shouldAnswerManyCallersWaitingInPlaceAlongsideAsyncCalls()
    {
        assertTimeoutPreemptively(LIMIT, () ->
        {
            try (Pool pool = new Pool(2))
            {
                final List<CompletableFuture<Integer>> callers = new ArrayList<>();
                for (int t = 0; t < 4; t++)
                {
                    final int base = t * 1_000;
                    callers.add(inThread(() ->
                    {
                        int wrong = 0;
                        for (int i = 0; i < 300; i++)
                        {
                            final int item = base + i;
                            wrong += pool.apply(() -> 7) == 7 ? 0 : 1;
                            wrong += pool.apply(() -> item * 2) == item * 2 ? 0 : 1;
                        }
                        return wrong;
                    }));
                }
                final List<Integer> items = IntStream.range(0, 20_000).boxed().collect(Collectors.toList());
                final CompletableFuture<List<Integer>> mapped = pool.mapAsync((Integer x) -> x + 1, items, 100);
                final List<CompletableFuture<Integer>> async = new ArrayList<>();
                for (int i = 0; i < 200; i++)
                {
                    final int item = i;
                    async.add(pool.applyAsync(() -> item + 1));
                }

                for (final CompletableFuture<Integer> wrong : callers)
                {
                    assertEquals(0, wrong.get(), "wrong results");
                }
                assertEquals(items.stream().map(x -> x + 1).collect(Collectors.toList()), mapped.get());
                for (int i = 0; i < async.size(); i++)
                {
                    assertEquals(i + 1, async.get(i).get());
                }
            }
        });
    }

    @Test
    void shouldDecodeAMapsResultsInTheCallersThread()
    {
        assertTimeoutPreemptively(LIMIT, () ->
        {
            final com.sun.management.ThreadMXBean threads =
                (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();
            final long thread = Thread.currentThread().getId();
            final int size = 200_000;
            final List<Integer> items = IntStream.range(0, size).boxed().collect(Collectors.toList());
            try (Pool pool = new Pool(2))
            {
                assertEquals(items.stream().map(x -> x + 1).collect(Collectors.toList()),
                    pool.map((Integer x) -> x + 1, items));
                final long before = threads.getThreadAllocatedBytes(thread);
                final List<Integer> results = pool.map((Integer x) -> x + 1, items);
                final long allocated = threads.getThreadAllocatedBytes(thread) - before;

                // The results are kept as one int[]: decoded by this thread, it holds at least those 4 bytes
                // an item; decoded by the engine thread, this thread allocates a few hundred bytes.
                assertTrue(allocated >= 4L * size, "bytes allocated by the caller's thread: " + allocated);
                assertEquals(size, results.size());
                assertEquals(size, (int)results.get(size - 1));
            }
        });
    }

    @Test
    void shouldRunAMapsChunkAgainWhenItsWorkerIsKilledWhileTheCallerWaits()
    {
        assertTimeoutPreemptively(LIMIT, () ->
        {
            try (Pool pool = new Pool(2))
            {
                final List<Integer> items = IntStream.range(0, 40).boxed().collect(Collectors.toList());
                final CompletableFuture<List<Integer>> results = inThread(() -> pool.map(
                    (Integer x) -> x == 17 ? answerOnSecondRun() : x, items, 1));
                final long pid = awaitMarker(FIRST_RUN);
                ProcessHandle.of(pid).orElseThrow().destroyForcibly();

                final List<Integer> expected = new ArrayList<>(items);
                expected.set(17, 42);
                assertEquals(expected, results.get(), "the chunk ran again elsewhere, every result once");
            }
        });
    }

    @Test
    void shouldFailAMapWaitingInPlaceWhenThePoolIsTerminated()
    {
        assertTimeoutPreemptively(LIMIT, () ->
        {
            final Pool doomed = new Pool(2);
            final CompletableFuture<List<Integer>> results =
                inThread(() -> doomed.map((Integer x) -> x == 3 ? markThenSleep() : x, List.of(1, 2, 3, 4), 1));
            awaitMarker(SLEEPING);

            doomed.terminate();
            doomed.join();

            final CancellationException failed = assertThrows(CancellationException.class, results::get);
            assertTrue(failed.getMessage().startsWith("pool terminated: pool="), failed.getMessage());
        });
    }

    @Test
    void shouldStopATimedMapThatRunsOutAndGoOnServing()
    {
        assertTimeoutPreemptively(LIMIT, () ->
        {
            try (Pool pool = new Pool(2))
            {
                final List<Long> before = pool.workerPids();
                final io.mp4j.Mp4jTimeoutException timedOut = assertThrows(io.mp4j.Mp4jTimeoutException.class,
                    () -> pool.map((Integer x) -> x == 2 ? markThenSleep() : x, List.of(1, 2, 3), Duration.ofMillis(300)));
                assertTrue(timedOut.getMessage().startsWith("pool call timed out"), timedOut.getMessage());

                assertEquals(List.of(2, 3, 4), pool.map((Integer x) -> x + 1, List.of(1, 2, 3)), "the pool goes on serving");
                while (pool.workerPids().stream().filter(pid -> pid > 0).allMatch(before::contains))
                {
                    Thread.sleep(10); // the worker running the stopped chunk is replaced
                }
                assertNotEquals(before, pool.workerPids());
            }
        });
    }

    @Test
    void shouldAnswerMapsWaitingInPlaceInManyThreads()
    {
        assertTimeoutPreemptively(LIMIT, () ->
        {
            try (Pool pool = new Pool(2))
            {
                final List<CompletableFuture<Integer>> callers = new ArrayList<>();
                for (int t = 0; t < 4; t++)
                {
                    final int base = t * 100_000;
                    callers.add(inThread(() ->
                    {
                        int wrong = 0;
                        for (int i = 0; i < 100; i++)
                        {
                            final int offset = base + i;
                            final List<Integer> items = IntStream.range(0, 1 + i * 37).boxed().collect(Collectors.toList());
                            final List<Integer> results = i % 2 == 0
                                ? pool.map((Integer x) -> x + offset, items)
                                : pool.starmap((Integer x, Integer y) -> x + y,
                                    items.stream().map(x -> new Pair<>(x, offset)).collect(Collectors.toList()), 7);
                            for (int k = 0; k < items.size(); k++)
                            {
                                wrong += results.get(k) == k + offset ? 0 : 1;
                            }
                            wrong += pool.apply(() -> offset) == offset ? 0 : 1;
                        }
                        return wrong;
                    }));
                }
                final List<Integer> items = IntStream.range(0, 20_000).boxed().collect(Collectors.toList());
                final CompletableFuture<List<Integer>> mapped = pool.mapAsync((Integer x) -> x * 2, items, 100);

                for (final CompletableFuture<Integer> wrong : callers)
                {
                    assertEquals(0, wrong.get(), "wrong results");
                }
                assertEquals(items.stream().map(x -> x * 2).collect(Collectors.toList()), mapped.get());
            }
        });
    }

    /** Runs a call in a thread of its own, as a second caller would. */
    private static <T> CompletableFuture<T> inThread(final java.util.concurrent.Callable<T> call)
    {
        final CompletableFuture<T> result = new CompletableFuture<>();
        final Thread thread = new Thread(() ->
        {
            try
            {
                result.complete(call.call());
            }
            catch (final Throwable ex)
            {
                result.completeExceptionally(ex);
            }
        });
        thread.setDaemon(true);
        thread.start();
        return result;
    }

    /** Waits until a worker has written a marker; the worker's pid. */
    private static long awaitMarker(final String name) throws IOException, InterruptedException
    {
        final Path marker = marker(ProcessHandle.current().pid(), name);
        while (!Files.exists(marker))
        {
            Thread.sleep(10);
        }
        return Long.parseLong(Files.readString(marker));
    }

    /** In a worker: says so in a marker, then sleeps until stopped. */
    private static int markThenSleep() throws Exception
    {
        mark(SLEEPING);
        Thread.sleep(600_000);
        return 0;
    }

    /** In a worker: the first run says so in a marker and sleeps until its worker is killed; a second run answers. */
    private static int answerOnSecondRun() throws Exception
    {
        if (Files.exists(marker(ProcessHandle.current().parent().orElseThrow().pid(), FIRST_RUN)))
        {
            return 42;
        }
        mark(FIRST_RUN);
        Thread.sleep(600_000);
        return 0;
    }

    private static void mark(final String name) throws IOException
    {
        final Path marker = marker(ProcessHandle.current().parent().orElseThrow().pid(), name);
        final Path written = Files.writeString(Path.of(marker + ".tmp"), Long.toString(ProcessHandle.current().pid()));
        Files.move(written, marker, StandardCopyOption.ATOMIC_MOVE);
    }

    /** A marker of the test JVM's, which the pool's workers find from their parent's pid. */
    private static Path marker(final long testPid, final String name)
    {
        return Path.of(System.getProperty("java.io.tmpdir"), "mp4j-wait-in-place-" + testPid + '-' + name);
    }
}
