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
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A synchronous apply waits in its caller's thread, which hands the task to a worker and reads the result
 * itself: what it allocates, and that crashes, terminations, interrupts and other callers are handled as
 * when the engine thread did the work.
 */
@ExtendWith(NoLeaksExtension.class)
class ApplyInPlaceTest
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
                final CompletableFuture<Integer> answer = inThread(() -> pool.apply(ApplyInPlaceTest::answerOnSecondRun));
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
            final CompletableFuture<Integer> answer = inThread(() -> doomed.apply(ApplyInPlaceTest::markThenSleep));
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
                        pool.apply(ApplyInPlaceTest::markThenSleep, Duration.ofMinutes(10));
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
        return Path.of(System.getProperty("java.io.tmpdir"), "mp4j-apply-in-place-" + testPid + '-' + name);
    }
}
