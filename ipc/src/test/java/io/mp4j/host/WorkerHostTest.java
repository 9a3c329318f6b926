package io.mp4j.host;

import io.mp4j.Mp4jException;
import io.mp4j.RemoteException;
import io.mp4j.host.internal.HostDescriptor;
import io.mp4j.pool.Pool;
import io.mp4j.pool.PoolContext;
import io.mp4j.pool.PoolFunction;
import io.mp4j.process.ParentMain;
import io.mp4j.process.ProcessContext;
import io.mp4j.test.HostMain;
import io.mp4j.test.NoLeaksExtension;
import io.mp4j.test.TestHosts;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
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

/** A worker host in its own JVM, started by its command line, serving pools of this and other JVMs. */
@ExtendWith(NoLeaksExtension.class)
public class WorkerHostTest
{
    private static final Duration TIMEOUT = Duration.ofSeconds(120);

    @TempDir
    Path root;

    private TestHosts hosts;
    private final String name = TestHosts.uniqueName();

    @BeforeEach
    void prepareHosts()
    {
        hosts = new TestHosts(root);
    }

    /** About 2 ms of work per item, so that a map lasts long enough to be interrupted. */
    public static int slowIdentity(final int x)
    {
        final long until = System.nanoTime() + 2_000_000;
        while (System.nanoTime() < until)
        {
            Thread.onSpinWait();
        }
        return x;
    }

    @AfterEach
    void stopHosts() throws Exception
    {
        hosts.stopAll();
        assertFalse(Files.exists(HostDescriptor.registrationOf(name)), "the host removed its registration");
    }

    private static List<Integer> range(final int n)
    {
        return IntStream.range(0, n).boxed().collect(Collectors.toList());
    }

    @Test
    void shouldServePoolsThatAttachAndDetachInTurn()
    {
        assertTimeoutPreemptively(TIMEOUT, () ->
        {
            hosts.start(name, 2);
            final List<Long> hostWorkers = WorkerHost.status(name).workers().stream()
                .map(WorkerHostStatus.Worker::pid).collect(Collectors.toList());

            for (int cycle = 0; cycle < 5; cycle++)
            {
                try (Pool pool = new Pool(new PoolContext().host(name)))
                {
                    assertEquals(java.util.Set.copyOf(hostWorkers), java.util.Set.copyOf(pool.workerPids()),
                        "the pool leased the host's warm workers");
                    assertEquals(range(100).stream().map(x -> x * x).collect(Collectors.toList()),
                        pool.map((Integer x) -> x * x, range(100), 10));
                }
            }

            final WorkerHostStatus status = WorkerHost.status(name);
            assertEquals(10, status.leasesGranted());
            assertEquals(50, status.tasksDone());
            assertTrue(status.workers().stream().allMatch(w -> w.state().equals("free")), status.toString());
            assertEquals(hostWorkers, status.workers().stream().map(WorkerHostStatus.Worker::pid).collect(Collectors.toList()),
                "the same warm JVMs served every pool");
        });
    }

    @Test
    void shouldRefuseSecondHostUnderTheSameName()
    {
        assertTimeoutPreemptively(TIMEOUT, () ->
        {
            hosts.start(name, 1);
            final Path log = root.resolve("second.log");
            final Process second = new ProcessBuilder(ProcessContext.defaultContext().javaCommand(
                HostMain.class.getName(), List.of(name, "1")))
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();

            assertEquals(1, second.waitFor());
            assertTrue(Files.readString(log).contains("a worker host of that name is already running: name=" + name),
                Files.readString(log));
        });
    }

    @Test
    void shouldKeepServingAfterClientIsKilledMidMapWithoutMixingItsWork()
    {
        assertTimeoutPreemptively(TIMEOUT, () ->
        {
            hosts.start(name, 2);
            final Path log = root.resolve("client.log");
            final List<String> options = new ArrayList<>(ProcessContext.defaultContext().jvmOptions());
            final Process client = new ProcessBuilder(new ProcessContext().jvmOptions(options).conclude()
                .javaCommand(ParentMain.class.getName(), List.of("host-map", name)))
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
            while (WorkerHost.status(name).tasksDone() < 10)
            {
                assertTrue(client.isAlive(), () -> TestHosts.readQuietly(log));
                Thread.sleep(10);
            }
            client.destroyForcibly().waitFor();

            // Each worker finishes the task in hand, sees its client is gone and goes back to the host.
            TestHosts.awaitAllWorkersFree(name);
            try (Pool pool = new Pool(new PoolContext().host(name)))
            {
                assertEquals(range(1_000).stream().map(x -> x + 1).collect(Collectors.toList()),
                    pool.map((Integer x) -> x + 1, range(1_000), 7));
            }
        });
    }

    @Test
    void shouldFailAttachedPoolClearlyWhenHostIsStopped()
    {
        assertTimeoutPreemptively(TIMEOUT, () ->
        {
            final Process host = hosts.start(name, 2);
            try (Pool pool = new Pool(new PoolContext().host(name)))
            {
                final CompletableFuture<List<Integer>> running =
                    pool.mapAsync((Integer x) -> slowIdentity(x), range(100_000), 10);
                while (WorkerHost.status(name).tasksDone() < 4)
                {
                    Thread.sleep(10);
                }
                host.destroy(); // SIGTERM: a graceful stop

                final ExecutionException ex = assertThrows(ExecutionException.class, running::get);
                assertInstanceOf(Mp4jException.class, ex.getCause());
                assertTrue(ex.getCause().getMessage().contains("worker host stopped"), ex.getCause().getMessage());
                assertEquals(128 + 15, host.waitFor(), "the host exits as SIGTERM asks");
            }
            final Mp4jException notRunning = assertThrows(Mp4jException.class,
                () -> new Pool(new PoolContext().host(name)));
            assertTrue(notRunning.getMessage().contains("no worker host of that name is running"), notRunning.getMessage());
        });
    }

    @Test
    void shouldTellClientWhoseClassesTheHostCannotLoad()
    {
        assertTimeoutPreemptively(TIMEOUT, () ->
        {
            hosts.start(name, 1);
            final PoolFunction<Integer, Integer> foreign = compileFunctionOutsideTheClasspath();
            try (Pool pool = new Pool(new PoolContext().host(name)))
            {
                final RemoteException ex = assertThrows(RemoteException.class, () -> pool.map(foreign, range(3)));
                assertTrue(ex.getMessage().contains("cannot load: class=ForeignFunction"), ex.getMessage());
                assertEquals(List.of(2, 3), pool.map((Integer x) -> x + 1, List.of(1, 2)), "the worker survived");
            }
        });
    }

    @SuppressWarnings("unchecked")
    private PoolFunction<Integer, Integer> compileFunctionOutsideTheClasspath() throws Exception
    {
        return (PoolFunction<Integer, Integer>)TestHosts.compileOutsideTheClasspath(root.resolve("foreign"),
            "ForeignFunction",
            "public class ForeignFunction implements io.mp4j.pool.PoolFunction<Integer, Integer> {\n" +
            "    public Integer apply(Integer x) { return x * 2; }\n" +
            "}\n");
    }
}
