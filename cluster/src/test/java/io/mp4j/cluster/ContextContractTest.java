package io.mp4j.cluster;

import io.mp4j.Mp4jTimeoutException;
import io.mp4j.RemoteException;
import io.mp4j.context.LocalContext;
import io.mp4j.context.MultiprocessingContext;
import io.mp4j.pool.WorkerPool;
import io.mp4j.process.ChildProcess;
import io.mp4j.queue.TaskQueue;
import io.mp4j.shared.LongValue;
import io.mp4j.shared.SharedDoubleArray;
import io.mp4j.sync.Barrier;
import io.mp4j.sync.CountingSemaphore;
import io.mp4j.sync.Event;
import io.mp4j.test.NoLeaksExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.Lock;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One contract, two backends: each behaviour runs against the local context (shared memory) and a cluster context
 * (two server nodes in JVMs of their own on loopback), with a child JVM handed the context as the second process.
 * The user code in {@link #increment}, {@link #produce} … is the same for both.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(NoLeaksExtension.class)
class ContextContractTest
{
    private static final Duration TIMEOUT = Duration.ofSeconds(150);
    private static final int INCREMENTS = 500;

    private TestClusters cluster;
    private final Map<String, MultiprocessingContext> contexts = new java.util.HashMap<>();

    @BeforeAll
    void startCluster(@TempDir final Path logs) throws Exception
    {
        cluster = new TestClusters(logs);
        cluster.start(2);
        contexts.put("local", LocalContext.create());
        contexts.put("cluster", ClusterContext.connect(cluster.options()));
    }

    @AfterAll
    void stopCluster() throws Exception
    {
        contexts.values().forEach(MultiprocessingContext::close);
        if (cluster != null)
        {
            cluster.close();
        }
    }

    private MultiprocessingContext context(final String backend)
    {
        return contexts.get(backend);
    }

    private static void joinSucceeded(final ChildProcess child) throws InterruptedException
    {
        assertTrue(child.join(Duration.ofSeconds(120)), () -> "child did not end: " + child);
        assertEquals(0, child.exitCode().orElseThrow(),
            () -> "child failed: " + child.failure().map(Throwable::toString).orElse("none"));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"local", "cluster"})
    void shouldCountExactlyWhenTwoJvmsIncrementUnderTheNamedLock(final String backend)
    {
        assertTimeoutPreemptively(TIMEOUT, () ->
        {
            final MultiprocessingContext context = context(backend);
            final ChildProcess child = TestClusters.child(context, ContextContractTest::increment);
            increment(context);
            joinSucceeded(child);
            assertEquals(2L * INCREMENTS, context.longValue("counted", 0).get());
            assertEquals(2L * INCREMENTS, context.longValue("atomic", 0).get());
            assertEquals(INCREMENTS, context.doubleValue("halves", 0).get());
        });
    }

    static void increment(final MultiprocessingContext context)
    {
        final Lock lock = context.lock("counter");
        final LongValue counted = context.longValue("counted", 0);
        final LongValue atomic = context.longValue("atomic", 0);
        for (int i = 0; i < INCREMENTS; i++)
        {
            lock.lock();
            try
            {
                counted.set(counted.get() + 1);
            }
            finally
            {
                lock.unlock();
            }
            atomic.incrementAndGet();
            context.doubleValue("halves", 0).addAndGet(0.5);
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"local", "cluster"})
    void shouldPassMessagesInOrderAndJoinTheTasksAChildDid(final String backend)
    {
        assertTimeoutPreemptively(TIMEOUT, () ->
        {
            final MultiprocessingContext context = context(backend);
            final ChildProcess child = TestClusters.child(context, ContextContractTest::produce);
            final BlockingQueue<Integer> results = context.queue("results", 64);
            final TaskQueue<Integer> tasks = context.joinableQueue("tasks", 16);
            for (int i = 0; i < 50; i++)
            {
                tasks.put(i);
            }
            tasks.join(Duration.ofSeconds(90));
            final List<Integer> received = new ArrayList<>();
            for (int i = 0; i < 50; i++)
            {
                received.add(results.poll(60, TimeUnit.SECONDS));
            }
            assertEquals(IntStream.range(0, 50).map(i -> i * i).boxed().collect(Collectors.toList()), received);
            joinSucceeded(child);
        });
    }

    static void produce(final MultiprocessingContext context) throws InterruptedException
    {
        final TaskQueue<Integer> tasks = context.joinableQueue("tasks", 16);
        final BlockingQueue<Integer> results = context.queue("results", 64);
        for (int i = 0; i < 50; i++)
        {
            final int task = tasks.take();
            results.put(task * task);
            tasks.taskDone();
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"local", "cluster"})
    void shouldMeetAtABarrierAndWakeOnAnEvent(final String backend)
    {
        assertTimeoutPreemptively(TIMEOUT, () ->
        {
            final MultiprocessingContext context = context(backend);
            final ChildProcess child = TestClusters.child(context, c ->
            {
                c.barrier("meet", 2).await(Duration.ofSeconds(90));
                c.event("done").set();
            });
            final Barrier meet = context.barrier("meet", 2);
            final Event done = context.event("done");
            assertTrue(meet.await(Duration.ofSeconds(90)) >= 0);
            done.await(Duration.ofSeconds(60));
            assertTrue(done.isSet());
            joinSucceeded(child);
            assertThrows(IllegalStateException.class, () -> context.barrier("meet", 3), "parties differ");
        });
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"local", "cluster"})
    void shouldWakeAWaiterOfAnotherProcessThroughTheLocksCondition(final String backend)
    {
        assertTimeoutPreemptively(TIMEOUT, () ->
        {
            final MultiprocessingContext context = context(backend);
            final ChildProcess child = TestClusters.child(context, c -> awaitState(c, 1, 2));
            final Lock lock = context.lock("guard");
            final Condition changed = context.condition("guard");
            lock.lock();
            try
            {
                context.longValue("state", 0).set(1);
                changed.signalAll();
            }
            finally
            {
                lock.unlock();
            }
            awaitState(context, 2, 3);
            joinSucceeded(child);
            assertEquals(3, context.longValue("state", 0).get());
        });
    }

    /** Waits under the lock until the state is {@code expected}, then sets it to {@code next} and signals. */
    static void awaitState(final MultiprocessingContext context, final long expected, final long next)
        throws InterruptedException
    {
        final Lock lock = context.lock("guard");
        final Condition changed = context.condition("guard");
        final LongValue state = context.longValue("state", 0);
        lock.lock();
        try
        {
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
            while (state.get() != expected)
            {
                if (!changed.await(deadline - System.nanoTime(), TimeUnit.NANOSECONDS) && state.get() != expected)
                {
                    throw new IllegalStateException("state stayed " + state.get() + ", expected " + expected);
                }
            }
            state.set(next);
            changed.signalAll();
        }
        finally
        {
            lock.unlock();
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"local", "cluster"})
    void shouldShareADictAndAListWithAChild(final String backend)
    {
        assertTimeoutPreemptively(TIMEOUT, () ->
        {
            final MultiprocessingContext context = context(backend);
            context.<String>list("names").add("parent");
            final ChildProcess child = TestClusters.child(context, c ->
            {
                final ConcurrentMap<String, Integer> scores = c.dict("scores");
                for (int i = 0; i < 100; i++)
                {
                    scores.put("k" + i, i);
                }
                c.<String>list("names").add("child");
            });
            joinSucceeded(child);
            final ConcurrentMap<String, Integer> scores = context.dict("scores");
            assertEquals(100, scores.size());
            assertEquals(42, scores.get("k42"));
            assertEquals(null, scores.putIfAbsent("new", 1));
            assertEquals(1, scores.putIfAbsent("new", 2));
            assertEquals(List.of("parent", "child"), new ArrayList<>(context.<String>list("names")));
        });
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"local", "cluster"})
    void shouldRunAChunkKernelOverAPlainArrayAndKeepSharedArraysLocal(final String backend)
    {
        assertTimeoutPreemptively(TIMEOUT, () ->
        {
            final MultiprocessingContext context = context(backend);
            final double[] values = IntStream.range(0, 1_000).asDoubleStream().toArray();
            try (WorkerPool pool = context.pool(2);
                SharedDoubleArray shared = SharedDoubleArray.create(1_000))
            {
                final List<Double> sums = pool.mapChunks(values, values.length, 250, ContextContractTest::sum);
                assertEquals(499_500.0, sums.stream().mapToDouble(Double::doubleValue).sum());
                if (backend.equals("cluster"))
                {
                    final UnsupportedOperationException refused = assertThrows(UnsupportedOperationException.class,
                        () -> pool.mapChunks(shared, 1_000, 250, (a, from, to) -> to - from));
                    assertTrue(refused.getMessage().contains("SharedDoubleArray"), refused.getMessage());
                }
                else
                {
                    assertEquals(List.of(250, 250, 250, 250), pool.mapChunks(shared, 1_000, 250, (a, from, to) -> to - from));
                }
            }
        });
    }

    private static double sum(final double[] values, final int from, final int to)
    {
        double sum = 0;
        for (int i = from; i < to; i++)
        {
            sum += values[i];
        }
        return sum;
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"local", "cluster"})
    void shouldBoundASemaphoreAndRefuseOtherSettings(final String backend)
    {
        final MultiprocessingContext context = context(backend);
        final CountingSemaphore slots = context.boundedSemaphore("slots", 2);
        assertTrue(slots.tryAcquire());
        slots.release();
        assertThrows(IllegalStateException.class, slots::release, "past the bound");
        assertThrows(IllegalStateException.class, () -> context.boundedSemaphore("slots", 3));
        context.queue("sized", 10);
        final IllegalStateException other = assertThrows(IllegalStateException.class, () -> context.queue("sized", 20));
        assertTrue(other.getMessage().contains("capacity=10 asked=20"), other.getMessage());
        context.joinableQueue("sized", 10);
        assertThrows(IllegalStateException.class, () -> context.joinableQueue("sized", 20));
        final IllegalArgumentException roomless =
            assertThrows(IllegalArgumentException.class, () -> context.queue("roomless", 0));
        assertTrue(roomless.getMessage().contains("capacity=0"), roomless.getMessage());
        assertThrows(IllegalArgumentException.class, () -> context.joinableQueue("roomless", -1));
        assertEquals(5, context.<Integer>queue("roomless", 5).remainingCapacity(), "no queue was made with a capacity refused");
        assertThrows(IllegalArgumentException.class, () -> context.lock("no/slashes"));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"local", "cluster"})
    void shouldMapApplyAndReportRemoteFailures(final String backend)
    {
        assertTimeoutPreemptively(TIMEOUT, () ->
        {
            final MultiprocessingContext context = context(backend);
            final List<Integer> items = IntStream.range(0, 20_000).boxed().collect(Collectors.toList());
            try (WorkerPool pool = context.pool(2))
            {
                assertEquals(items.stream().map(x -> x * 2).collect(Collectors.toList()), pool.map((Integer x) -> x * 2, items));
                assertEquals("ok", pool.apply(() -> "ok"));
                final RemoteException failure = assertThrows(RemoteException.class,
                    () -> pool.apply(() -> { throw new IllegalArgumentException("bad task"); }));
                assertEquals(IllegalArgumentException.class.getName(), failure.remoteClassName());
                assertThrows(Mp4jTimeoutException.class, () -> pool.apply(() ->
                {
                    Thread.sleep(30_000);
                    return 1;
                }, Duration.ofMillis(500)));
                final CompletableFuture<List<Integer>> endless = pool.mapAsync((Integer x) ->
                {
                    Thread.sleep(60_000);
                    return x;
                }, List.of(1, 2, 3, 4), 1);
                assertTrue(endless.cancel(true));
                assertThrows(CancellationException.class, endless::join);
                assertEquals(List.of(2, 3), pool.map((Integer x) -> x + 1, List.of(1, 2)), "usable after a cancel");
                final List<Integer> imapped = new ArrayList<>();
                pool.imap((Integer x) -> x * 3, List.of(1, 2, 3, 4, 5), 2).forEachRemaining(imapped::add);
                assertEquals(List.of(3, 6, 9, 12, 15), imapped, "imap keeps the order");
                final List<Integer> unordered = new ArrayList<>();
                pool.imapUnordered((Integer x) -> x * 3, List.of(1, 2, 3, 4, 5), 2).forEachRemaining(unordered::add);
                unordered.sort(null);
                assertEquals(List.of(3, 6, 9, 12, 15), unordered, "imapUnordered gives every result once");
                assertEquals(List.of(1, 4, 9), pool.starmap((Integer a, Integer b) -> a * b,
                    List.of(io.mp4j.pool.Pair.of(1, 1), io.mp4j.pool.Pair.of(2, 2), io.mp4j.pool.Pair.of(3, 3))));
            }
        });
    }
}
