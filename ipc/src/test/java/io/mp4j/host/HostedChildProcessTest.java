package io.mp4j.host;

import io.mp4j.Mp4jException;
import io.mp4j.Mp4jTimeoutException;
import io.mp4j.RemoteException;
import io.mp4j.host.internal.HostDescriptor;
import io.mp4j.pool.Pool;
import io.mp4j.pool.PoolContext;
import io.mp4j.process.ChildProcess;
import io.mp4j.process.CurrentProcess;
import io.mp4j.process.Multiprocessing;
import io.mp4j.process.ParentMain;
import io.mp4j.process.ParentProcess;
import io.mp4j.process.ProcessContext;
import io.mp4j.process.ProcessTarget;
import io.mp4j.process.internal.ChildMain;
import io.mp4j.session.Session;
import io.mp4j.test.CapturedOutput;
import io.mp4j.test.HostForClass;
import io.mp4j.test.NoLeaksExtension;
import io.mp4j.test.TestHosts;
import io.mp4j.test.TestProcesses;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A child process whose target runs in a warm worker of a real worker host (a JVM of its own, started by
 * its command line), held to the contract of a spawned child, and what happens to it when its client,
 * its worker or its host goes.
 */
@ExtendWith(NoLeaksExtension.class)
class HostedChildProcessTest
{
    private static final Duration TIMEOUT = Duration.ofSeconds(120);

    @RegisterExtension
    static final HostForClass HOSTS = new HostForClass(2);
    private static final String HOST = HOSTS.name();

    @TempDir
    static Path root;

    @RegisterExtension
    final CapturedOutput output = new CapturedOutput();

    static Stream<Arguments> kinds()
    {
        return Stream.of(
            Arguments.of("spawned", ProcessContext.defaultContext()),
            Arguments.of("hosted", new ProcessContext().host(HOST).conclude()));
    }


    // ------------------------------------------------------------------ the contract of every child

    @ParameterizedTest(name = "{0}")
    @MethodSource("kinds")
    void shouldExitWithZeroAndCopyOutputLineByLine(final String kind, final ProcessContext context)
    {
        assertTimeoutPreemptively(TIMEOUT, () ->
        {
            final ChildProcess child = new ChildProcess(context, () ->
            {
                System.out.println("hello from child");
                System.err.println("to standard error");
                System.out.print("an unfinished line");
            }).start();
            child.join();

            assertEquals(0, child.exitCode().orElseThrow());
            assertTrue(child.failure().isEmpty());
            assertFalse(child.isAlive());
            assertEquals(List.of("hello from child", "an unfinished line"), output.outLines());
            assertTrue(output.errLines().contains("to standard error"), output.errText());
        });
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kinds")
    void shouldReturnTargetsExceptionWithItsStackTrace(final String kind, final ProcessContext context)
    {
        assertTimeoutPreemptively(TIMEOUT, () ->
        {
            final ChildProcess child = new ChildProcess(context, HostedChildProcessTest::failDeepInside).start();
            child.join();

            assertEquals(ChildProcess.FAILED_EXIT_CODE, child.exitCode().orElseThrow());
            final RemoteException failure = child.failure().orElseThrow();
            assertEquals(IllegalStateException.class.getName(), failure.remoteClassName());
            assertEquals("boom in the child", failure.remoteMessage());
            assertTrue(failure.remoteStackTrace().contains("failDeepInside"), failure.remoteStackTrace());
            assertTrue(failure.getMessage().contains("pid=" + child.pid()), failure.getMessage());
            final String err = output.errText();
            assertTrue(err.contains("Exception in " + child.name() + ':'), "the child prints its traceback: " + err);
        });
    }

    private static void failDeepInside()
    {
        throw new IllegalStateException("boom in the child");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kinds")
    void shouldReportCodePassedToSystemExit(final String kind, final ProcessContext context)
    {
        assertTimeoutPreemptively(TIMEOUT, () ->
        {
            final ChildProcess child = new ChildProcess(context, () -> System.exit(3)).start();
            child.join();

            assertEquals(3, child.exitCode().orElseThrow());
            assertTrue(child.failure().isEmpty());
        });
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kinds")
    void shouldTerminateSleepingChildGracefully(final String kind, final ProcessContext context)
    {
        assertTimeoutPreemptively(TIMEOUT, () ->
        {
            final ChildProcess child = new ChildProcess(context, () -> Thread.sleep(600_000)).start();
            assertTrue(child.isAlive());
            child.terminate();
            child.join();

            assertEquals(128 + 15, child.exitCode().orElseThrow());
            assertEquals(OptionalInt.of(15), child.exitSignal());
            assertFalse(child.isAlive());
            assertTrue(child.failure().isEmpty());
            TestProcesses.awaitExit(child.pid()); // a hosted child's worker JVM really stopped
        });
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kinds")
    void shouldKillSleepingChildAtOnce(final String kind, final ProcessContext context)
    {
        assertTimeoutPreemptively(TIMEOUT, () ->
        {
            final ChildProcess child = new ChildProcess(context, () -> Thread.sleep(600_000)).start();
            child.kill();
            child.join();

            assertEquals(128 + 9, child.exitCode().orElseThrow());
            assertEquals(OptionalInt.of(9), child.exitSignal());
            TestProcesses.awaitExit(child.pid());
        });
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kinds")
    void shouldReturnFalseWhenJoinTimesOut(final String kind, final ProcessContext context)
    {
        assertTimeoutPreemptively(TIMEOUT, () ->
        {
            final ChildProcess child = new ChildProcess(context, () -> Thread.sleep(600_000)).start();
            try
            {
                assertFalse(child.join(Duration.ofMillis(300)));
                assertTrue(child.isAlive());
                assertTrue(child.exitCode().isEmpty());
                assertTrue(Multiprocessing.activeChildren().contains(child));
            }
            finally
            {
                child.kill();
            }
            assertTrue(child.join(TIMEOUT));
            assertFalse(Multiprocessing.activeChildren().contains(child));
        });
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kinds")
    void shouldCompleteExitFutureWithTheChild(final String kind, final ProcessContext context)
    {
        assertTimeoutPreemptively(TIMEOUT, () ->
        {
            final ChildProcess child = new ChildProcess(context, () -> { }).start();
            assertEquals(child, child.onExit().get());
            assertEquals(0, child.exitCode().orElseThrow());
            child.kill(); // the child has ended: nothing to signal, whoever the worker serves now
            assertEquals(0, child.exitCode().orElseThrow());
            assertTrue(child.exitSignal().isEmpty());
            child.close();
            assertThrows(IllegalStateException.class, child::pid);
        });
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kinds")
    void shouldTellTargetWhoItIs(final String kind, final ProcessContext context)
    {
        assertTimeoutPreemptively(TIMEOUT, () ->
        {
            final ChildProcess unnamed = new ChildProcess(context, HostedChildProcessTest::printWhoAmI);
            final ChildProcess named = new ChildProcess(context, HostedChildProcessTest::printWhoAmI)
                .name("worker").daemon(true);
            unnamed.start().join();
            named.start().join();

            final long parent = ProcessHandle.current().pid();
            assertEquals(List.of(
                unnamed.name() + ' ' + unnamed.pid() + ' ' + parent + " false MainProcess " + parent + " true",
                "worker " + named.pid() + ' ' + parent + " true MainProcess " + parent + " true"), output.outLines());
            assertThrows(IllegalStateException.class, named::start);
        });
    }

    private static void printWhoAmI()
    {
        final CurrentProcess me = Multiprocessing.currentProcess();
        final ParentProcess parent = Multiprocessing.parentProcess().orElseThrow();
        System.out.println(me.name() + ' ' + me.pid() + ' ' + me.parentPid() + ' ' + me.daemon() + ' ' +
            parent.name() + ' ' + parent.pid() + ' ' + parent.isAlive());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kinds")
    void shouldCopyMoreOutputThanTheChannelHolds(final String kind, final ProcessContext context)
    {
        assertTimeoutPreemptively(TIMEOUT, () ->
        {
            final int lines = 20_000; // about 300 KB, several times a hosted child's ring
            final ChildProcess child = new ChildProcess(context, (Integer count) ->
            {
                for (int i = 0; i < count; i++)
                {
                    System.out.println("line " + i + " of the child's output");
                }
            }, lines).start();
            child.join();

            assertEquals(0, child.exitCode().orElseThrow());
            assertEquals(IntStream.range(0, lines).mapToObj(i -> "line " + i + " of the child's output")
                .collect(Collectors.toList()), output.outLines());
        });
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kinds")
    void shouldPassTargetLargerThanARingRecord(final String kind, final ProcessContext context)
    {
        assertTimeoutPreemptively(TIMEOUT, () ->
        {
            final byte[] data = new byte[1 << 20];
            Arrays.fill(data, (byte)1);
            final ChildProcess child = new ChildProcess(context, (byte[] bytes) ->
            {
                long sum = 0;
                for (final byte b : bytes)
                {
                    sum += b;
                }
                System.out.println("sum " + sum);
            }, data).start();
            child.join();

            assertEquals(0, child.exitCode().orElseThrow());
            assertEquals(List.of("sum " + data.length), output.outLines());
        });
    }

    // ------------------------------------------------------------------ hosted only

    @Test
    void shouldReuseTheHostsWarmWorkersForChildAfterChild()
    {
        assertTimeoutPreemptively(TIMEOUT, () ->
        {
            final Set<Long> warm = TestHosts.workerPids(HOST);
            final long leasesBefore = WorkerHost.status(HOST).leasesGranted();
            final ProcessContext hosted = new ProcessContext().host(HOST);
            final Set<Long> used = new HashSet<>();
            for (int i = 0; i < 20; i++)
            {
                final ChildProcess child = new ChildProcess(hosted, (Integer n) -> System.out.println("child " + n), i)
                    .start();
                child.join();
                assertEquals(0, child.exitCode().orElseThrow(), child.toString());
                used.add(child.pid());
            }
            final ChildProcess first = new ChildProcess(hosted, () -> Thread.sleep(2_000)).start();
            final ChildProcess second = new ChildProcess(hosted, () -> Thread.sleep(2_000)).start();
            assertNotEquals(first.pid(), second.pid(), "children at once get workers of their own");
            first.join();
            second.join();

            assertTrue(warm.containsAll(used), "every child ran in one of the host's warm JVMs: " + used + " " + warm);
            assertEquals(IntStream.range(0, 20).mapToObj(n -> "child " + n).collect(Collectors.toList()), output.outLines());
            TestHosts.awaitAllWorkersFree(HOST);
            final WorkerHostStatus status = WorkerHost.status(HOST);
            assertEquals(leasesBefore + 22, status.leasesGranted());
            assertEquals(warm, TestHosts.workerPids(HOST), "the same warm JVMs are still there");
            try (Stream<Path> files = Files.list(Session.current().directory()))
            {
                assertEquals(List.of(), files.filter(p -> p.getFileName().toString().startsWith("child-"))
                    .collect(Collectors.toList()), "each child removed its channel");
            }
        });
    }

    @Test
    void shouldFailAtStartWhenNoHostHasThatName()
    {
        final ChildProcess child = new ChildProcess(new ProcessContext().host(TestHosts.uniqueName()), () -> { });

        final Mp4jException ex = assertThrows(Mp4jException.class, child::start);

        assertTrue(ex.getMessage().contains("no worker host of that name is running"), ex.getMessage());
        assertThrows(IllegalStateException.class, child::pid, "the child did not start");
        assertFalse(child.isAlive());
    }

    @Test
    void shouldWaitForAFreeWorkerUpToTheLeaseTimeout()
    {
        assertTimeoutPreemptively(TIMEOUT, () ->
        {
            final String name = TestHosts.uniqueName();
            HOSTS.hosts().start(name, 1);
            final ChildProcess busy = new ChildProcess(new ProcessContext().host(name), () -> Thread.sleep(3_000))
                .start();

            final ChildProcess impatient =
                new ChildProcess(new ProcessContext().host(name).leaseTimeout(Duration.ofMillis(100)), () -> { });
            final Mp4jTimeoutException ex = assertThrows(Mp4jTimeoutException.class, impatient::start);
            assertTrue(ex.getMessage().contains("no free worker on host: name=" + name), ex.getMessage());
            assertThrows(IllegalStateException.class, impatient::pid, "the child did not start");

            // The default timeout (10 s) outlasts the busy child: this one gets its worker after it.
            final ChildProcess patient = new ChildProcess(new ProcessContext().host(name), () -> { }).start();
            assertEquals(busy.pid(), patient.pid(), "the same warm worker, once it was free");
            patient.join();
            busy.join();
            assertEquals(0, busy.exitCode().orElseThrow());
            assertEquals(0, patient.exitCode().orElseThrow());
        });
    }

    @Test
    void shouldStopTargetAndFreeTheHostWhenClientIsKilled()
    {
        assertTimeoutPreemptively(TIMEOUT, () ->
        {
            final String name = TestHosts.uniqueName();
            HOSTS.hosts().start(name, 1);
            final Path log = root.resolve("client-" + name + ".log");
            final Process client = new ProcessBuilder(ProcessContext.defaultContext()
                .javaCommand(ParentMain.class.getName(), List.of("host-child", name)))
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
            final long worker = awaitLineValue(log, "child ", client);
            awaitLineValue(log, "ready", client); // the hosted child's output reached its client

            client.destroyForcibly().waitFor();
            // The worker halts, as a spawned child whose parent died; the host replaces it.
            TestProcesses.awaitExit(worker);
            TestHosts.awaitAllWorkersFree(name);
            assertFalse(TestHosts.workerPids(name).contains(worker));

            final ChildProcess next = new ChildProcess(new ProcessContext().host(name), () -> System.out.println("next"))
                .start();
            next.join();
            assertEquals(0, next.exitCode().orElseThrow());
            assertEquals(List.of("next"), output.outLines());
            Session.sweepStale(Session.defaultRoot()); // the killed client's session
        });
    }

    private static long awaitLineValue(final Path log, final String prefix, final Process client) throws Exception
    {
        while (true)
        {
            for (final String line : Files.readAllLines(log))
            {
                if (line.startsWith(prefix))
                {
                    final String value = line.substring(prefix.length()).trim();
                    return value.isEmpty() ? 0 : Long.parseLong(value);
                }
            }
            assertTrue(client.isAlive(), () -> "client died: " + TestHosts.readQuietly(log));
            Thread.sleep(10);
        }
    }

    @Test
    void shouldEndChildWithClearFailureWhenHostStops()
    {
        assertTimeoutPreemptively(TIMEOUT, () ->
        {
            final String name = TestHosts.uniqueName();
            final Process host = HOSTS.hosts().start(name, 2);
            final ChildProcess child = new ChildProcess(new ProcessContext().host(name), () ->
            {
                System.out.println("running");
                Thread.sleep(600_000);
            }).start();
            while (!output.outLines().contains("running"))
            {
                Thread.sleep(10);
            }

            host.destroy(); // SIGTERM: a graceful stop
            child.join();

            final RemoteException failure = child.failure().orElseThrow();
            assertTrue(failure.getMessage().contains("worker host stopped: host=" + name), failure.getMessage());
            assertEquals(128 + 15, child.exitCode().orElseThrow(), "the host stopped the worker with SIGTERM");
            assertEquals(128 + 15, host.waitFor());

            final Mp4jException notRunning = assertThrows(Mp4jException.class,
                () -> new ChildProcess(new ProcessContext().host(name), () -> { }).start());
            assertTrue(notRunning.getMessage().contains("no worker host of that name is running"),
                notRunning.getMessage());
        });
    }

    @Test
    void shouldEndChildWithClearFailureWhenHostIsKilled()
    {
        assertTimeoutPreemptively(TIMEOUT, () ->
        {
            final String name = TestHosts.uniqueName();
            final Process host = HOSTS.hosts().start(name, 1);
            final ChildProcess child = new ChildProcess(new ProcessContext().host(name), () -> Thread.sleep(600_000))
                .start();

            host.destroyForcibly().waitFor();
            child.join();

            final RemoteException failure = child.failure().orElseThrow();
            assertTrue(failure.getMessage().contains("worker host stopped: host=" + name), failure.getMessage());
            assertEquals(ChildMain.PARENT_DIED_EXIT_CODE, child.exitCode().orElseThrow(),
                "the worker ended with its host");
            TestProcesses.awaitExit(child.pid());
            // A SIGKILLed host cannot clean up: its registration and session are left for the next one.
            Files.deleteIfExists(HostDescriptor.registrationOf(name));
            Session.sweepStale(Session.defaultRoot());
        });
    }

    @Test
    void shouldReportTargetWhoseClassTheHostCannotLoad()
    {
        assertTimeoutPreemptively(TIMEOUT, () ->
        {
            final ProcessTarget foreign = (ProcessTarget)TestHosts.compileOutsideTheClasspath(
                root.resolve("foreign-target"), "ForeignTarget",
                "public class ForeignTarget implements io.mp4j.process.ProcessTarget {\n" +
                "    public void run() { System.out.println(\"ran\"); }\n" +
                "}\n");
            final ChildProcess child = new ChildProcess(new ProcessContext().host(HOST), foreign).start();
            child.join();

            assertEquals(ChildProcess.FAILED_EXIT_CODE, child.exitCode().orElseThrow());
            final RemoteException failure = child.failure().orElseThrow();
            assertTrue(failure.getMessage().contains("cannot load: class=ForeignTarget"), failure.getMessage());
            final ChildProcess next = new ChildProcess(new ProcessContext().host(HOST), () -> System.out.println("next"))
                .start();
            next.join();
            assertEquals(List.of("next"), output.outLines(), "the worker went on serving");
        });
    }

    @Test
    void shouldLeaseHostsWorkersForPoolWhoseProcessContextNamesTheHost()
    {
        assertTimeoutPreemptively(TIMEOUT, () ->
        {
            try (Pool pool = new Pool(new PoolContext().processContext(new ProcessContext().host(HOST))))
            {
                assertEquals(TestHosts.workerPids(HOST), new HashSet<>(pool.workerPids()));
                assertEquals(List.of(2, 3, 4), pool.map((Integer x) -> x + 1, List.of(1, 2, 3)));
            }
        });
    }

    @Test
    void shouldRefuseHostWhoseWorkersWouldBeHostedThemselves()
    {
        final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
            () -> WorkerHost.start(TestHosts.uniqueName(), 1, new ProcessContext().host(HOST)));
        assertTrue(ex.getMessage().contains("cannot name another host"), ex.getMessage());
    }

    @Test
    void shouldKeepChildrenOfAHostedTargetInItsWorkerAndCopyTheirOutput()
    {
        assertTimeoutPreemptively(TIMEOUT, () ->
        {
            final ChildProcess child = new ChildProcess(new ProcessContext().host(HOST), () ->
            {
                final ChildProcess grandchild = new ChildProcess(() ->
                    System.out.println("grandchild of " + Multiprocessing.currentProcess().parentPid())).start();
                grandchild.join();
                if (grandchild.exitCode().orElseThrow() != 0)
                {
                    throw new IllegalStateException("grandchild failed: " + grandchild);
                }
            }).start();
            child.join();

            assertEquals(0, child.exitCode().orElseThrow());
            assertEquals(List.of("grandchild of " + child.pid()), output.outLines());
            TestHosts.awaitAllWorkersFree(HOST);
            assertTrue(TestHosts.workerPids(HOST).contains(child.pid()), "a joined grandchild leaves nothing behind: the worker stays");
        });
    }

    @Test
    void shouldKeepOutputOfDaemonThreadsATargetLeftFromTheNextChildren()
    {
        assertTimeoutPreemptively(TIMEOUT, () ->
        {
            final ProcessContext hosted = new ProcessContext().host(HOST);
            final ChildProcess leaver = new ChildProcess(hosted, () ->
            {
                final Thread chatter = new Thread(() ->
                {
                    for (int i = 0; i < 3_000; i++)
                    {
                        System.out.println("leftover");
                        LockSupport.parkNanos(1_000_000);
                    }
                });
                chatter.setDaemon(true);
                chatter.start();
            }).start();
            leaver.join();
            assertEquals(0, leaver.exitCode().orElseThrow());
            output.resetOut();

            final Set<Long> used = new HashSet<>();
            for (int i = 0; i < 6; i++)
            {
                final ChildProcess next = new ChildProcess(hosted, (Integer n) -> System.out.println("next " + n), i)
                    .start();
                next.join();
                assertEquals(0, next.exitCode().orElseThrow());
                used.add(next.pid());
            }
            assertTrue(used.contains(leaver.pid()), "the chatter's worker served again: " + used);
            assertEquals(IntStream.range(0, 6).mapToObj(n -> "next " + n).collect(Collectors.toList()), output.outLines());
            assertTrue(TestHosts.workerPids(HOST).contains(leaver.pid()), "a daemon thread left behind does not retire the worker");
        });
    }

    @Test
    void shouldRetireWorkerWhoseTargetLeftNonDaemonThreadsRunning()
    {
        assertTimeoutPreemptively(TIMEOUT, () ->
        {
            final ProcessContext hosted = new ProcessContext().host(HOST);
            final ChildProcess leaver = new ChildProcess(hosted, () ->
                new Thread(() -> LockSupport.parkNanos(Long.MAX_VALUE), "still-working").start()).start();
            leaver.join();
            assertEquals(0, leaver.exitCode().orElseThrow());

            TestHosts.awaitAllWorkersFree(HOST);
            assertFalse(TestHosts.workerPids(HOST).contains(leaver.pid()), "the host replaced the worker");
            assertFalse(ProcessHandle.of(leaver.pid()).map(ProcessHandle::isAlive).orElse(false));
            final ChildProcess next = new ChildProcess(hosted, () -> System.out.println("next")).start();
            next.join();
            assertEquals(0, next.exitCode().orElseThrow());
        });
    }

    @Test
    void shouldRetireWorkerWhoseTargetLeftAChildProcessRunningAndStopThatChild()
    {
        assertTimeoutPreemptively(TIMEOUT, () ->
        {
            final ChildProcess leaver = new ChildProcess(new ProcessContext().host(HOST), () ->
            {
                final ChildProcess grandchild = new ChildProcess(() -> Thread.sleep(600_000)).daemon(true).start();
                System.out.println(grandchild.pid());
            }).start();
            leaver.join();
            assertEquals(0, leaver.exitCode().orElseThrow());
            final long grandchild = Long.parseLong(output.outLines().get(0));

            TestHosts.awaitAllWorkersFree(HOST);
            assertFalse(TestHosts.workerPids(HOST).contains(leaver.pid()), "the host replaced the worker");
            while (ProcessHandle.of(grandchild).map(ProcessHandle::isAlive).orElse(false))
            {
                Thread.sleep(10); // the retired worker's exit stops its daemon child
            }
        });
    }
}
