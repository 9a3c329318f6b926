package io.mp4j.cluster;

import io.mp4j.Mp4jException;
import io.mp4j.pool.WorkerPool;
import io.mp4j.process.ChildProcess;
import io.mp4j.test.NoLeaksExtension;
import org.apache.ignite.IgniteClientDisconnectedException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Lock;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What a cluster does when its processes die: server nodes and a lock holder are killed as SIGKILL would, and the
 * cluster's callers keep their results, their items and their locks, or get a clear error without hanging.
 */
@ExtendWith(NoLeaksExtension.class)
class ClusterFailureTest
{
    private static final Duration TIMEOUT = Duration.ofSeconds(150);

    @TempDir
    Path logs;

    @Test
    void shouldDeliverEveryResultExactlyOnceWhenAServerNodeIsKilledMidMap()
    {
        assertTimeoutPreemptively(TIMEOUT, () ->
        {
            try (TestClusters cluster = new TestClusters(logs))
            {
                final List<Process> nodes = cluster.start(2);
                try (ClusterContext context = ClusterContext.connect(cluster.options());
                    WorkerPool pool = context.pool(2))
                {
                    final List<Integer> items = IntStream.range(0, 3_000).boxed().collect(Collectors.toList());
                    final CompletableFuture<List<Integer>> squares = pool.mapAsync(ClusterFailureTest::slowSquare, items, 10);
                    Thread.sleep(1_000);
                    assertFalse(squares.isDone(), "the map ran before the kill");
                    TestClusters.kill(nodes.get(1));

                    final List<Integer> expected = items.stream().map(x -> x * x).collect(Collectors.toList());
                    assertEquals(expected, squares.get(120, TimeUnit.SECONDS));
                    assertEquals(List.of(4, 9), pool.map(ClusterFailureTest::slowSquare, List.of(2, 3)), "the survivor works on");
                }
            }
        });
    }

    private static int slowSquare(final int x) throws InterruptedException
    {
        Thread.sleep(20);
        return x * x;
    }

    @Test
    void shouldGiveALockToAnotherProcessWhenItsHolderIsKilled()
    {
        assertTimeoutPreemptively(TIMEOUT, () ->
        {
            try (TestClusters cluster = new TestClusters(logs))
            {
                cluster.start(2);
                try (ClusterContext context = ClusterContext.connect(cluster.options()))
                {
                    final ChildProcess holder = TestClusters.child(context, c ->
                    {
                        c.lock("held").lock();
                        c.event("locked").set();
                        Thread.sleep(Long.MAX_VALUE);
                    });
                    try
                    {
                        context.event("locked").await(Duration.ofSeconds(120));
                        final Lock lock = context.lock("held");
                        assertFalse(lock.tryLock(), "held by the child");

                        holder.kill();
                        assertTrue(holder.join(Duration.ofSeconds(30)));
                        final long killed = System.nanoTime();
                        assertTrue(lock.tryLock(30, TimeUnit.SECONDS), "the lock came back");
                        final long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killed);
                        System.out.println("lock of a killed holder taken after " + millis + " ms");
                        lock.unlock();
                    }
                    finally
                    {
                        holder.close();
                    }
                }
            }
        });
    }

    @Test
    void shouldKeepAQueuesItemsWhenAServerNodeDies()
    {
        assertTimeoutPreemptively(TIMEOUT, () ->
        {
            try (TestClusters cluster = new TestClusters(logs))
            {
                final List<Process> nodes = cluster.start(2);
                try (ClusterContext context = ClusterContext.connect(cluster.options()))
                {
                    final BlockingQueue<String> jobs = context.queue("jobs", 1_000);
                    for (int i = 0; i < 200; i++)
                    {
                        jobs.put("job-" + i);
                    }
                    TestClusters.kill(nodes.get(0));

                    final List<String> taken = new ArrayList<>();
                    for (int i = 0; i < 200; i++)
                    {
                        final String job = jobs.poll(30, TimeUnit.SECONDS);
                        final int polled = i;
                        assertNotNull(job, () -> "poll " + polled + " found nothing in 30 s; the queue holds " + jobs.size());
                        taken.add(job);
                    }
                    assertEquals(IntStream.range(0, 200).mapToObj(i -> "job-" + i).collect(Collectors.toList()), taken);
                    assertEquals(null, jobs.poll());
                }
            }
        });
    }

    @Test
    void shouldFailClearlyWhenTheClusterVanishes()
    {
        assertTimeoutPreemptively(TIMEOUT, () ->
        {
            try (TestClusters cluster = new TestClusters(logs))
            {
                final List<Process> nodes = cluster.start(1);
                try (ClusterContext context = ClusterContext.connect(cluster.options());
                    WorkerPool pool = context.pool(2))
                {
                    final BlockingQueue<String> jobs = context.queue("jobs", 10);
                    final CompletableFuture<String> waiting = CompletableFuture.supplyAsync(() -> poll(jobs));
                    final CompletableFuture<List<Integer>> mapping =
                        pool.mapAsync(ClusterFailureTest::slowSquare, IntStream.range(0, 100_000).boxed().toList(), 10);
                    Thread.sleep(500);
                    TestClusters.kill(nodes.get(0));
                    final long killed = System.nanoTime();

                    final ExecutionException map = assertThrows(ExecutionException.class, () -> mapping.get(60, TimeUnit.SECONDS));
                    assertInstanceOf(Mp4jException.class, map.getCause());
                    assertTrue(map.getCause().getMessage().contains("disconnected"), map.getCause().getMessage());
                    final ExecutionException poll = assertThrows(ExecutionException.class, () -> waiting.get(60, TimeUnit.SECONDS));
                    assertInstanceOf(IgniteClientDisconnectedException.class, poll.getCause());
                    System.out.println("the map and a waiting poll failed " +
                        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killed) + " ms after the last node died");
                    assertThrows(IgniteClientDisconnectedException.class, () -> context.longValue("after", 0).get());
                }
            }
        });
    }

    @Test
    void shouldFailClearlyWhenNoClusterAnswers()
    {
        assertTimeoutPreemptively(TIMEOUT, () ->
        {
            try (TestClusters nobody = new TestClusters(logs))
            {
                final ClusterOptions options = nobody.options().joinTimeout(Duration.ofSeconds(3));
                final Mp4jException refused = assertThrows(Mp4jException.class, () -> ClusterContext.connect(options));
                System.out.println("connect: " + refused.getMessage());
            }
        });
    }

    private static String poll(final BlockingQueue<String> queue)
    {
        try
        {
            return queue.poll(90, TimeUnit.SECONDS);
        }
        catch (final InterruptedException ex)
        {
            throw new IllegalStateException(ex);
        }
    }
}
