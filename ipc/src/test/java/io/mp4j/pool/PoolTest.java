package io.mp4j.pool;

import io.mp4j.EncodingException;
import io.mp4j.RemoteException;
import io.mp4j.process.ProcessContext;
import io.mp4j.test.NoLeaksExtension;
import io.mp4j.test.TestProcesses;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.Serializable;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

@ExtendWith(NoLeaksExtension.class)
class PoolTest
{
    private static final Duration TIMEOUT = Duration.ofSeconds(90);
    private static Pool pool;

    @BeforeAll
    static void startPool()
    {
        pool = new Pool(2);
    }

    @AfterAll
    static void closePool()
    {
        assertTimeoutPreemptively(TIMEOUT, () -> pool.close());
        assertTrue(pool.isTerminated());
    }

    private static List<Integer> range(final int n)
    {
        return IntStream.range(0, n).boxed().collect(Collectors.toList());
    }

    private static List<Integer> squares(final int n)
    {
        return IntStream.range(0, n).mapToObj(x -> x * x).collect(Collectors.toList());
    }

    @Test
    void shouldMapInItemOrder()
    {
        assertTimeoutPreemptively(TIMEOUT, () ->
        {
            assertEquals(List.of(1, 4, 9, 16, 25), pool.map((Integer x) -> x * x, List.of(1, 2, 3, 4, 5)));
            assertEquals(squares(10_000), pool.map((Integer x) -> x * x, range(10_000)));
            assertEquals(squares(1_000), pool.map((Integer x) -> x * x, range(1_000), 1));
            assertEquals(List.of(), pool.map((Integer x) -> x * x, List.of()));
        });
    }

    @Test
    void shouldRunEveryChunkOnTheWorkers()
    {
        assertTimeoutPreemptively(TIMEOUT, () ->
        {
            final List<Long> pids = pool.map((Integer x) -> ProcessHandle.current().pid(), range(200), 1);
            assertTrue(pool.workerPids().containsAll(pids.stream().distinct().collect(Collectors.toList())),
                "every result was computed in a worker JVM: " + pids.stream().distinct().collect(Collectors.toList()));
            assertFalse(pids.contains(ProcessHandle.current().pid()));
        });
    }

    @Test
    void shouldStreamResultsInOrderWithImapAndAsTheyComeWithImapUnordered()
    {
        assertTimeoutPreemptively(TIMEOUT, () ->
        {
            final List<Integer> ordered = new ArrayList<>();
            pool.imap((Integer x) -> x * x, range(300)).forEachRemaining(ordered::add);
            assertEquals(squares(300), ordered);

            final List<Integer> unordered = new ArrayList<>();
            final Iterator<Integer> results = pool.imapUnordered((Integer x) ->
            {
                Thread.sleep(x % 3);
                return x * x;
            }, range(300), 7);
            results.forEachRemaining(unordered::add);
            Collections.sort(unordered);
            assertEquals(squares(300), unordered);
        });
    }

    @Test
    void shouldStarmapPairsAndApplySingleTasks()
    {
        assertTimeoutPreemptively(TIMEOUT, () ->
        {
            assertEquals(List.of(3, 12, 30),
                pool.starmap((Integer a, Integer b) -> a * b, List.of(Pair.of(1, 3), Pair.of(3, 4), Pair.of(5, 6))));
            assertEquals("worker says hi", pool.apply(() -> "worker says " + "hi"));
            final CompletableFuture<Integer> async = pool.applyAsync(() -> 6 * 7);
            assertEquals(42, async.get());
            final CompletableFuture<List<Integer>> mapped = pool.mapAsync((Integer x) -> x + 1, List.of(1, 2));
            assertEquals(List.of(2, 3), mapped.get());
        });
    }

    @Test
    void shouldStarmapInChunksOfTheGivenSizeAndAsynchronously()
    {
        assertTimeoutPreemptively(TIMEOUT, () ->
        {
            final List<Pair<Integer, Integer>> pairs = IntStream.range(0, 10).mapToObj(i -> Pair.of(i, i + 1)).toList();
            final List<Integer> products = IntStream.range(0, 10).mapToObj(i -> i * (i + 1)).toList();

            assertEquals(products, pool.starmap((Integer a, Integer b) -> a * b, pairs, 3));
            assertEquals(products, pool.starmapAsync((Integer a, Integer b) -> a * b, pairs).get());
            assertEquals(products, pool.starmapAsync((Integer a, Integer b) -> a * b, pairs, 4).get());

            // The failing pair (7, 8) is in the second chunk of five: the message names the call and the chunk.
            final RemoteException failed = assertThrows(RemoteException.class, () -> pool.starmap((Integer a, Integer b) ->
                failOnSeven(a) * b, pairs, 5));
            assertTrue(failed.getMessage().startsWith("pool task failed: call=starmap(items=10, chunksize=5) task=1 "),
                failed.getMessage());
            final ExecutionException async = assertThrows(ExecutionException.class, () -> pool.starmapAsync(
                (Integer a, Integer b) -> failOnSeven(a) * b, pairs, 2).get());
            final RemoteException cause = assertInstanceOf(RemoteException.class, async.getCause());
            assertTrue(cause.getMessage().startsWith("pool task failed: call=starmap(items=10, chunksize=2) task=3 "),
                cause.getMessage());
            assertThrows(IllegalArgumentException.class, () -> pool.starmapAsync((Integer a, Integer b) -> a, pairs, 0));
        });
    }

    @Test
    void shouldThrowWorkersExceptionWithItsStackTraceAndStayUsable()
    {
        assertTimeoutPreemptively(TIMEOUT, () ->
        {
            final RemoteException failure = assertThrows(RemoteException.class,
                () -> pool.map(PoolTest::failOnSeven, range(20)));
            assertEquals(IllegalArgumentException.class.getName(), failure.remoteClassName());
            assertEquals("seven is not allowed", failure.remoteMessage());
            assertTrue(failure.remoteStackTrace().contains("failOnSeven"), failure.remoteStackTrace());

            final ExecutionException async = assertThrows(ExecutionException.class,
                () -> pool.applyAsync(() -> failOnSeven(7)).get());
            assertInstanceOf(RemoteException.class, async.getCause());

            assertEquals(squares(50), pool.map((Integer x) -> x * x, range(50)), "the pool is still usable");
        });
    }

    /** An exception whose class cannot be initialized in the parent JVM, as if it were missing there. */
    static final class UnloadableInParentException extends RuntimeException
    {
        private static final long serialVersionUID = 1L;

        static
        {
            if (Boolean.getBoolean("mp4j.test.refuseClassInit"))
            {
                throw new IllegalStateException("this JVM must never build this exception");
            }
        }

        UnloadableInParentException(final String message)
        {
            super(message);
        }
    }

    @Test
    void shouldReportWorkerExceptionThatTheParentCannotRebuild()
    {
        assertTimeoutPreemptively(TIMEOUT, () ->
        {
            // Set in this JVM only: the workers were started before and never see it.
            System.setProperty("mp4j.test.refuseClassInit", "true");
            try
            {
                final RemoteException failure = assertThrows(RemoteException.class, () -> pool.apply(() ->
                {
                    throw new UnloadableInParentException("thrown where the class is fine");
                }));
                assertEquals("io.mp4j.pool.PoolTest$UnloadableInParentException", failure.remoteClassName());
                assertEquals("thrown where the class is fine", failure.remoteMessage());
                assertEquals(squares(10), pool.map((Integer x) -> x * x, range(10)), "the pool stays usable");
            }
            finally
            {
                System.clearProperty("mp4j.test.refuseClassInit");
            }
        });
    }

    private static int failOnSeven(final int x)
    {
        if (x == 7)
        {
            throw new IllegalArgumentException("seven is not allowed");
        }
        return x;
    }

    @Test
    void shouldRefuseNonSerializableFunctionOrItemsAtTheCall()
    {
        final Object notSerializable = new Object();
        final EncodingException function = assertThrows(EncodingException.class,
            () -> pool.map((Integer x) -> notSerializable.hashCode() + x, List.of(1)));
        assertTrue(function.getMessage().contains("java.lang.Object"), function.getMessage());

        final EncodingException items = assertThrows(EncodingException.class,
            () -> pool.map((Object x) -> 1, List.of(new Object())));
        assertTrue(items.getMessage().contains("java.lang.Object"), items.getMessage());

        final Callable<Integer> plainLambda = () -> 1;
        assertThrows(EncodingException.class, () -> pool.submit(plainLambda));
    }

    @Test
    void shouldServeAsExecutorService()
    {
        assertTimeoutPreemptively(TIMEOUT, () ->
        {
            final Callable<Integer> task = (Callable<Integer> & Serializable)() -> 21 * 2;
            assertEquals(42, pool.submit(task).get());
            assertEquals(List.of(42, 42), pool.invokeAll(List.of(task, task)).stream().map(f ->
            {
                try
                {
                    return f.get();
                }
                catch (final Exception ex)
                {
                    throw new AssertionError(ex);
                }
            }).collect(Collectors.toList()));
            assertEquals(42, pool.invokeAny(List.of(task, task)));
            assertEquals("done", pool.submit((Runnable & Serializable)() -> { }, "done").get());
        });
    }

    @Test
    void shouldRerunWorkOfAWorkerKilledMidMapAndReturnEveryResultOnce()
    {
        assertTimeoutPreemptively(TIMEOUT, () ->
        {
            final List<Long> before = pool.workerPids();
            final CompletableFuture<List<Integer>> results = pool.mapAsync((Integer x) ->
            {
                // About 200 µs of work per task (Thread.sleep cannot sleep less than a millisecond).
                final long until = System.nanoTime() + 200_000;
                while (System.nanoTime() < until)
                {
                    Thread.onSpinWait();
                }
                return x * x;
            }, range(10_000), 1);
            Thread.sleep(300);
            assertFalse(results.isDone(), "the map must still be running when its worker is killed");
            ProcessHandle.of(before.get(0)).orElseThrow().destroyForcibly();

            assertEquals(squares(10_000), results.get());
            assertNotEquals(before.get(0), pool.workerPids().get(0), "the killed worker was replaced");
            assertEquals(squares(100), pool.map((Integer x) -> x * x, range(100)));
        });
    }

    @Test
    void shouldFailTaskThatKillsEveryWorkerAndNameIt()
    {
        assertTimeoutPreemptively(TIMEOUT, () ->
        {
            final WorkerCrashedException crash = assertThrows(WorkerCrashedException.class,
                () -> pool.map(PoolTest::haltOnThirteen, range(40), 4));
            assertTrue(crash.getMessage().contains("task=3"), crash.getMessage());
            assertTrue(crash.getMessage().contains("attempts=3"), crash.getMessage());
            assertEquals(squares(20), pool.map((Integer x) -> x * x, range(20)), "the pool is still usable");
        });
    }

    private static int haltOnThirteen(final int x)
    {
        if (x == 13)
        {
            Runtime.getRuntime().halt(99);
        }
        return x;
    }

    @Test
    void shouldStopStuckTaskAtTimeoutAndReplaceItsWorker()
    {
        assertTimeoutPreemptively(TIMEOUT, () ->
        {
            final List<Long> before = pool.workerPids();
            assertThrows(io.mp4j.Mp4jTimeoutException.class, () -> pool.apply(() ->
            {
                Thread.sleep(600_000);
                return 1;
            }, Duration.ofMillis(300)));

            assertEquals(squares(50), pool.map((Integer x) -> x * x, range(50)), "the pool goes on serving");
            awaitReplacement(before);
        });
    }

    @Test
    void shouldStopCancelledTaskAndReplaceItsWorker()
    {
        assertTimeoutPreemptively(TIMEOUT, () ->
        {
            final List<Long> before = pool.workerPids();
            final CompletableFuture<Integer> stuck = pool.applyAsync(() ->
            {
                Thread.sleep(600_000);
                return 1;
            });
            Thread.sleep(300);
            assertTrue(stuck.cancel(true));

            assertEquals(squares(50), pool.map((Integer x) -> x * x, range(50)), "the pool goes on serving");
            awaitReplacement(before);
        });
    }

    @Test
    void shouldStopMapWhoseFutureTimesOut()
    {
        assertTimeoutPreemptively(TIMEOUT, () ->
        {
            final List<Long> before = pool.workerPids();
            final CompletableFuture<List<Integer>> stuck = pool.mapAsync((Integer x) ->
            {
                Thread.sleep(600_000);
                return x;
            }, range(4)).orTimeout(300, java.util.concurrent.TimeUnit.MILLISECONDS);

            final ExecutionException ex = assertThrows(ExecutionException.class, stuck::get);
            assertInstanceOf(java.util.concurrent.TimeoutException.class, ex.getCause());
            assertEquals(squares(50), pool.map((Integer x) -> x * x, range(50)), "the pool goes on serving");
            awaitReplacement(before);
        });
    }

    /** Waits until at least one worker of the given generation has been replaced by a new JVM. */
    private static void awaitReplacement(final List<Long> before) throws InterruptedException
    {
        while (pool.workerPids().stream().filter(pid -> pid > 0).allMatch(before::contains))
        {
            Thread.sleep(10);
        }
        for (final long pid : before)
        {
            if (!pool.workerPids().contains(pid))
            {
                TestProcesses.awaitExit(pid);
            }
        }
    }

    @Test
    void shouldRunInitializerOnceInEachWorker()
    {
        assertTimeoutPreemptively(TIMEOUT, () ->
        {
            try (Pool initialized = new Pool(new PoolContext().processes(2)
                .initializer(() -> System.setProperty("pool.greeting", "initialized"))))
            {
                final List<String> seen = initialized.map((Integer x) -> System.getProperty("pool.greeting"), range(20), 1);
                assertEquals(Collections.nCopies(20, "initialized"), seen);
            }
        });
    }

    @Test
    void shouldFailFastWithTheErrorOfAnInitializerThatThrows()
    {
        assertTimeoutPreemptively(TIMEOUT, () ->
        {
            try (Pool broken = new Pool(new PoolContext().processes(2).initializer(() ->
            {
                throw new IllegalStateException("no database");
            })))
            {
                final RemoteException failure = assertThrows(RemoteException.class,
                    () -> broken.map((Integer x) -> x, range(10)));
                assertEquals(IllegalStateException.class.getName(), failure.remoteClassName());
                assertEquals("no database", failure.remoteMessage());
                assertTrue(failure.getMessage().contains("initializer"), failure.getMessage());
                assertThrows(RemoteException.class, () -> broken.apply(() -> 1), "later calls fail the same way");
            }
        });
    }

    @Test
    void shouldReplaceWorkersAfterMaxTasksPerChild()
    {
        assertTimeoutPreemptively(TIMEOUT, () ->
        {
            try (Pool recycling = new Pool(new PoolContext().processes(1).maxTasksPerChild(2)))
            {
                final List<Long> pids = recycling.map((Integer x) -> ProcessHandle.current().pid(), range(6), 1);
                assertEquals(3, pids.stream().distinct().count(), "a new worker every 2 tasks: " + pids);
                assertEquals(pids.get(0), pids.get(1));
                assertNotEquals(pids.get(1), pids.get(2));
            }
        });
    }

    @Test
    void shouldFailPendingCallsWhenTerminatedAndRefuseNewOnes()
    {
        assertTimeoutPreemptively(TIMEOUT, () ->
        {
            final Pool doomed = new Pool(1);
            final CompletableFuture<List<Integer>> running = doomed.mapAsync((Integer x) ->
            {
                Thread.sleep(60_000);
                return x;
            }, range(4));
            Thread.sleep(300);
            doomed.terminate();
            doomed.join();

            assertThrows(CancellationException.class, running::get);
            assertTrue(doomed.isTerminated());
            assertThrows(IllegalStateException.class, () -> doomed.map((Integer x) -> x, range(1)));
        });
    }

    @Test
    void shouldFinishSubmittedWorkThenRefuseCallsAfterShutdown()
    {
        assertTimeoutPreemptively(TIMEOUT, () ->
        {
            final Pool closing = new Pool(1);
            final CompletableFuture<List<Integer>> submitted = closing.mapAsync((Integer x) -> x * x, range(100));
            closing.shutdown();
            assertThrows(IllegalStateException.class, () -> closing.apply(() -> 1));
            closing.join();
            assertEquals(squares(100), submitted.get());
            assertTrue(closing.isTerminated());
        });
    }

    @Test
    void shouldRunKernelOnSharedArrayInPlace()
    {
        assertTimeoutPreemptively(TIMEOUT, () ->
        {
            try (io.mp4j.shared.SharedLongArray array = io.mp4j.shared.SharedLongArray.createRaw(100_000))
            {
                for (int i = 0; i < array.length(); i++)
                {
                    array.set(i, i);
                }
                // Each worker squares its chunks where they lie and returns the chunk's pid and bounds.
                final List<String> chunks = pool.mapChunks(array, array.length(), 7_000, (a, from, to) ->
                {
                    for (int i = from; i < to; i++)
                    {
                        a.set(i, a.get(i) * a.get(i));
                    }
                    return ProcessHandle.current().pid() + ":" + from + '-' + to;
                });

                assertEquals(15, chunks.size());
                assertTrue(chunks.get(14).endsWith(":98000-100000"), chunks.get(14));
                assertFalse(chunks.stream().anyMatch(c -> c.startsWith(ProcessHandle.current().pid() + ":")));
                for (int i = 0; i < array.length(); i++)
                {
                    assertEquals((long)i * i, array.get(i));
                }
            }
        });
    }

    @Test
    void shouldCarryChunksLargerThanTheRing()
    {
        assertTimeoutPreemptively(TIMEOUT, () ->
        {
            final byte[] big = new byte[2 * 1024 * 1024];
            big[big.length - 1] = 7;
            final List<Integer> lengths = pool.map((byte[] bytes) -> bytes.length + bytes[bytes.length - 1], List.of(big));
            assertEquals(List.of(big.length + 7), lengths);
            final List<byte[]> echoed = pool.map((Integer n) -> new byte[n], List.of(3 * 1024 * 1024));
            assertEquals(3 * 1024 * 1024, echoed.get(0).length);
        });
    }

    @Test
    void shouldStartWorkerAndRunPlainFunctionsWithoutStartingJavaSerialization(@TempDir final Path temp)
    {
        assertTimeoutPreemptively(TIMEOUT, () ->
        {
            final Path log = temp.resolve("worker.log");
            final ProcessContext logging = TestProcesses.loggingClassLoads(log);
            final int offset = Integer.parseInt("10"); // captured, not a constant
            try (Pool logged = new Pool(new PoolContext().processes(1).processContext(logging)))
            {
                assertEquals(42, logged.apply(() -> 42));
                assertEquals(List.of(10, 11, 12), logged.map(x -> x + offset, range(3)));
            }
            // The worker's target and both functions are lambdas of plain values: no Java serialization starts.
            assertWorkerStartedNoJavaSerialization(log);
        });
    }

    private static void assertWorkerStartedNoJavaSerialization(final Path classLoadLog) throws IOException
    {
        final String loaded = Files.readString(classLoadLog);
        assertTrue(loaded.contains("io.mp4j.worker.internal.PoolWorkerMain "), "the log is the worker's");
        assertFalse(loaded.contains("java.io.ObjectInputFilter$Config "), "Java serialization started");
    }

    @Test
    void shouldRunAPlainInitializerWithoutStartingJavaSerialization(@TempDir final Path temp)
    {
        assertTimeoutPreemptively(TIMEOUT, () ->
        {
            final Path log = temp.resolve("worker.log");
            final ProcessContext logging = TestProcesses.loggingClassLoads(log);
            final String greeting = "hello-" + ProcessHandle.current().pid(); // captured, not a constant
            try (Pool logged = new Pool(new PoolContext().processes(1).processContext(logging)
                .initializer(() -> System.setProperty("pool.greeting", greeting))))
            {
                assertEquals(greeting, logged.apply(() -> System.getProperty("pool.greeting")));
            }
            // The initializer a pool wraps around the user's is a lambda too, and so is the user's.
            assertWorkerStartedNoJavaSerialization(log);
        });
    }

    @Test
    void shouldStartWorkersOnTheSerialCollectorWithACappedYoungGenerationWhereNothingNamesOne()
    {
        assertTimeoutPreemptively(TIMEOUT, () ->
        {
            // Neither this test JVM's options nor the lean ones of its children: each names a collector.
            final ProcessContext plain = new ProcessContext().inheritJvmOptions(false).jvmOptions(List.of()).conclude();
            try (Pool pool = new Pool(new PoolContext().processes(1).processContext(plain)))
            {
                assertEquals(WorkerJvmOptions.SERIAL, pool.apply(() -> youngGenerationAndCollector()));
                assertEquals(List.of("Copy", "MarkSweepCompact"), pool.apply(() -> collectors()), "the serial collector");
            }
        });
    }

    @Test
    void shouldCapWorkersYoungGenerationOnG1UnlessItsSizeIsGiven()
    {
        assertTimeoutPreemptively(TIMEOUT, () ->
        {
            final String cap = WorkerJvmOptions.G1.get(0);
            final ProcessContext g1 = new ProcessContext().inheritJvmOptions(false)
                .jvmOptions(List.of("-XX:+UseG1GC")).conclude();
            try (Pool capped = new Pool(new PoolContext().processes(1).processContext(g1)))
            {
                assertEquals(List.of(cap, "-XX:+UseG1GC"), capped.apply(() -> youngGenerationAndCollector()));
            }
            final ProcessContext sized = new ProcessContext().inheritJvmOptions(false)
                .jvmOptions(List.of("-XX:+UseG1GC", "-Xmn48m")).conclude();
            try (Pool own = new Pool(new PoolContext().processes(1).processContext(sized)))
            {
                assertEquals(List.of("-XX:+UseG1GC", "-Xmn48m"), own.apply(() -> youngGenerationAndCollector()));
            }
        });
    }

    private static List<String> youngGenerationAndCollector()
    {
        return ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
            .filter(option -> option.startsWith("-Xmn") || option.contains("NewSize") || option.endsWith("GC"))
            .collect(Collectors.toList());
    }

    private static List<String> collectors()
    {
        return ManagementFactory.getGarbageCollectorMXBeans().stream()
            .map(java.lang.management.GarbageCollectorMXBean::getName).collect(Collectors.toList());
    }
}
