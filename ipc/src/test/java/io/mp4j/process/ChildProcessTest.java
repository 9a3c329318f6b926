package io.mp4j.process;

import io.mp4j.EncodingException;
import io.mp4j.RemoteException;
import io.mp4j.test.CapturedOutput;
import io.mp4j.test.NoLeaksExtension;
import io.mp4j.test.TestProcesses;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

@ExtendWith(NoLeaksExtension.class)
class ChildProcessTest
{
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    @RegisterExtension
    final CapturedOutput output = new CapturedOutput();

    @Test
    void shouldExitWithZeroAndCopyOutputWhenTargetReturns()
    {
        assertTimeoutPreemptively(TIMEOUT, () ->
        {
            final ChildProcess child = new ChildProcess(() -> System.out.println("hello from child")).start();
            child.join();

            assertEquals(0, child.exitCode().orElseThrow());
            assertTrue(child.failure().isEmpty());
            assertFalse(child.isAlive());
            assertEquals(List.of("hello from child"), output.outLines());
        });
    }

    @Test
    void shouldReportCodePassedToSystemExit()
    {
        assertTimeoutPreemptively(TIMEOUT, () ->
        {
            final ChildProcess child = new ChildProcess(() -> System.exit(3)).start();
            child.join();

            assertEquals(3, child.exitCode().orElseThrow());
            assertTrue(child.failure().isEmpty());
        });
    }

    @Test
    void shouldReturnChildExceptionWithItsStackTrace()
    {
        assertTimeoutPreemptively(TIMEOUT, () ->
        {
            final ChildProcess child = new ChildProcess(ChildProcessTest::failDeepInside).start();
            child.join();

            assertEquals(ChildProcess.FAILED_EXIT_CODE, child.exitCode().orElseThrow());
            final RemoteException failure = child.failure().orElseThrow();
            assertEquals(IllegalStateException.class.getName(), failure.remoteClassName());
            assertEquals("boom in the child", failure.remoteMessage());
            assertTrue(failure.remoteStackTrace().contains("failDeepInside"), failure.remoteStackTrace());
            assertTrue(failure.getMessage().contains("pid=" + child.pid()), failure.getMessage());
        });
    }

    private static void failDeepInside()
    {
        throw new IllegalStateException("boom in the child");
    }

    @Test
    void shouldPassArgumentsToTargetByValue()
    {
        assertTimeoutPreemptively(TIMEOUT, () ->
        {
            final ChildProcess one = new ChildProcess((Integer code) -> System.exit(code), 7).start();
            final ChildProcess two = new ChildProcess((String a, Integer b) -> System.exit(a.length() + b), "abc", 4)
                .start();
            one.join();
            two.join();

            assertEquals(7, one.exitCode().orElseThrow());
            assertEquals(7, two.exitCode().orElseThrow());
        });
    }

    @Test
    void shouldTerminateSleepingChildGracefully()
    {
        assertTimeoutPreemptively(TIMEOUT, () ->
        {
            final ChildProcess child = new ChildProcess(() -> Thread.sleep(600_000)).start();
            assertTrue(child.isAlive());
            child.terminate();
            child.join();

            assertEquals(128 + 15, child.exitCode().orElseThrow());
            assertFalse(child.isAlive());
        });
    }

    @Test
    void shouldKillSleepingChildAtOnce()
    {
        assertTimeoutPreemptively(TIMEOUT, () ->
        {
            final ChildProcess child = new ChildProcess(() -> Thread.sleep(600_000)).start();
            child.kill();
            child.join();

            assertEquals(128 + 9, child.exitCode().orElseThrow());
        });
    }

    @Test
    void shouldReturnFalseWhenJoinTimesOut()
    {
        assertTimeoutPreemptively(TIMEOUT, () ->
        {
            final ChildProcess child = new ChildProcess(() -> Thread.sleep(600_000)).start();
            try
            {
                final long start = System.nanoTime();
                assertFalse(child.join(Duration.ofMillis(300)));
                assertTrue(System.nanoTime() - start >= Duration.ofMillis(300).toNanos());
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

    @Test
    void shouldCompleteExitFutureWithTheChild()
    {
        assertTimeoutPreemptively(TIMEOUT, () ->
        {
            final ChildProcess child = new ChildProcess(() -> { }).start();
            assertEquals(child, child.onExit().get());
            assertEquals(0, child.exitCode().orElseThrow());
        });
    }

    @Test
    void shouldRunTwentyChildrenAtOnce()
    {
        assertTimeoutPreemptively(Duration.ofSeconds(120), () ->
        {
            final List<ChildProcess> children = new ArrayList<>();
            for (int i = 0; i < 20; i++)
            {
                children.add(new ChildProcess((Integer n) -> System.out.println("child " + n), i).start());
            }
            final Set<Long> pids = new HashSet<>();
            for (final ChildProcess child : children)
            {
                child.join();
                assertEquals(0, child.exitCode().orElseThrow(), child.toString());
                pids.add(child.pid());
            }

            assertEquals(20, pids.size());
            final Set<String> expected = IntStream.range(0, 20).mapToObj(n -> "child " + n).collect(Collectors.toSet());
            assertEquals(expected, new HashSet<>(output.outLines()));
            assertEquals(20, output.outLines().size());
        });
    }

    @Test
    void shouldNameChildrenLikePythonAndTellThemWhoTheyAre()
    {
        assertTimeoutPreemptively(TIMEOUT, () ->
        {
            final ChildProcess unnamed = new ChildProcess(ChildProcessTest::printWhoAmI);
            assertTrue(unnamed.name().matches("ChildProcess-\\d+"), unnamed.name());
            final ChildProcess named = new ChildProcess(ChildProcessTest::printWhoAmI).name("worker").daemon(true);
            unnamed.start().join();
            named.start().join();

            final long parent = ProcessHandle.current().pid();
            assertEquals(List.of(
                unnamed.name() + ' ' + unnamed.pid() + ' ' + parent + " false",
                "worker " + named.pid() + ' ' + parent + " true"), output.outLines());
            assertThrows(IllegalStateException.class, () -> named.name("late"));
            assertThrows(IllegalStateException.class, named::start);
        });
    }

    private static void printWhoAmI()
    {
        final CurrentProcess me = Multiprocessing.currentProcess();
        System.out.println(me.name() + ' ' + me.pid() + ' ' + me.parentPid() + ' ' + me.daemon());
    }

    @Test
    void shouldRefuseToCloseRunningChildAndEverythingButItsNameOnceClosed()
    {
        assertTimeoutPreemptively(TIMEOUT, () ->
        {
            final ChildProcess child = new ChildProcess(() -> Thread.sleep(600_000)).start();
            final IllegalStateException running = assertThrows(IllegalStateException.class, child::close);
            assertTrue(running.getMessage().contains("running"), running.getMessage());
            assertTrue(child.isAlive(), "a refused close leaves the handle working");

            child.terminate();
            child.join();
            child.close();

            final List<org.junit.jupiter.api.function.Executable> refused = List.of(
                child::isAlive, child::join, () -> child.join(Duration.ofMillis(1)), child::terminate, child::kill,
                child::exitCode, child::exitSignal, child::failure, child::pid, child::onExit, child::start);
            for (final org.junit.jupiter.api.function.Executable call : refused)
            {
                final IllegalStateException ex = assertThrows(IllegalStateException.class, call);
                assertTrue(ex.getMessage().contains("closed") && ex.getMessage().contains(child.name()), ex.getMessage());
            }
            child.close();
            assertTrue(child.name().startsWith("ChildProcess-"));
            assertTrue(child.toString().contains("closed"), child.toString());
            assertTrue(Thread.getAllStackTraces().keySet().stream().noneMatch(t -> t.getName().endsWith('-' + child.name())),
                "the handle's threads have ended");

            final ChildProcess closedOnExit = new ChildProcess(() -> { }).start();
            closedOnExit.onExit().thenRun(closedOnExit::close).get();
            assertTrue(closedOnExit.toString().contains("closed"), closedOnExit.toString());
        });
    }

    @Test
    void shouldCloseChildThatNeverStartedAndNotStartItAfterwards()
    {
        final ChildProcess child = new ChildProcess(() -> { });
        child.close();
        assertThrows(IllegalStateException.class, child::start);
        assertThrows(IllegalStateException.class, child::isAlive);
    }

    @Test
    void shouldTellChildAndGrandchildTheirParentAndNoParentToTheMainProcess()
    {
        assertTimeoutPreemptively(TIMEOUT, () ->
        {
            assertTrue(Multiprocessing.parentProcess().isEmpty(), "the main process has no parent");
            final ChildProcess child = new ChildProcess(() ->
            {
                printParent("child");
                new ChildProcess(() -> printParent("grandchild")).name("grandchild").start().join();
            }).name("middle").start();
            child.join();

            assertEquals(0, child.exitCode().orElseThrow(), output::errText);
            assertEquals(List.of(
                "child MainProcess " + ProcessHandle.current().pid() + " alive=true joined=false",
                "grandchild middle " + child.pid() + " alive=true joined=false"), output.outLines());
        });
    }

    private static void printParent(final String who) throws InterruptedException
    {
        final ParentProcess parent = Multiprocessing.parentProcess().orElseThrow();
        assertEquals(Multiprocessing.currentProcess().parentPid(), parent.pid());
        System.out.println(who + ' ' + parent.name() + ' ' + parent.pid() + " alive=" + parent.isAlive() +
            " joined=" + parent.join(Duration.ofMillis(100)));
    }

    @Test
    void shouldRefuseNonSerializableTargetBeforeStartingJvm() throws Exception
    {
        final Object notSerializable = new Object();
        final ChildProcess child = new ChildProcess(() -> System.out.println(notSerializable));
        final long childrenBefore = ProcessHandle.current().children().count();

        final EncodingException ex = assertThrows(EncodingException.class, child::start);

        assertTrue(ex.getMessage().contains("java.lang.Object"), ex.getMessage());
        assertTrue(ex.getMessage().contains(child.name()), ex.getMessage());
        assertThrows(IllegalStateException.class, child::pid, "no JVM was started");
        assertEquals(childrenBefore, ProcessHandle.current().children().count());
        try (var files = Files.list(io.mp4j.session.Session.current().directory()))
        {
            assertEquals(0, files.filter(p -> p.getFileName().toString().startsWith("child-")).count());
        }
    }

    @Test
    void shouldGiveChildAnEmptyStandardInput()
    {
        assertTimeoutPreemptively(TIMEOUT, () ->
        {
            final ChildProcess child = new ChildProcess(() -> System.exit(System.in.read() == -1 ? 0 : 9)).start();
            child.join();
            assertEquals(0, child.exitCode().orElseThrow());
        });
    }

    @Test
    void shouldReportCpuCountAndMainProcess()
    {
        assertEquals(Runtime.getRuntime().availableProcessors(), Multiprocessing.cpuCount());
        assertEquals(CurrentProcess.MAIN_PROCESS_NAME, Multiprocessing.currentProcess().name());
        assertEquals(ProcessHandle.current().pid(), Multiprocessing.currentProcess().pid());
    }

    @Test
    void shouldRebuildTargetOfPlainCapturesWithoutStartingJavaSerialization(@TempDir final Path temp)
    {
        assertTimeoutPreemptively(TIMEOUT, () ->
        {
            final Path plainLog = temp.resolve("plain.log");
            final Path listLog = temp.resolve("list.log");
            final String text = String.valueOf(new char[] {'a', 'b', 'c'}); // not a constant: captured
            final long number = Long.parseLong("30");
            final TimeUnit unit = TimeUnit.SECONDS; // ordinal 3
            final char letter = text.charAt(0) == 'a' ? 'z' : 'y';
            final ProcessTarget1<String> inner = suffix -> System.exit(
                (int)number + text.length() + unit.ordinal() + (letter == 'z' ? 1 : 0) + suffix.length());
            final ChildProcess plain = new ChildProcess(TestProcesses.loggingClassLoads(plainLog), inner, "de").start();
            final List<Integer> list = List.of(5, 6);
            final ChildProcess captured = new ChildProcess(TestProcesses.loggingClassLoads(listLog),
                () -> System.exit(list.get(0) + list.get(1))).start();
            plain.join();
            captured.join();

            assertEquals(30 + 3 + 3 + 1 + 2, plain.exitCode().orElseThrow());
            assertEquals(11, captured.exitCode().orElseThrow());
            // Java serialization's start (its JVM-wide filter's configuration) is what the short form spares.
            final String configuration = "java.io.ObjectInputFilter$Config ";
            assertTrue(Files.readString(plainLog).contains(ChildProcessTest.class.getName() + ' '), "the log is the child's");
            assertFalse(Files.readString(plainLog).contains(configuration), "plain captures need no Java serialization");
            assertTrue(Files.readString(listLog).contains(configuration), "a captured list does");
        });
    }

    @Test
    void shouldCheckTargetOfPlainCapturesAgainstTheJvmWideFilterItsPropertyNames()
    {
        assertTimeoutPreemptively(TIMEOUT, () ->
        {
            final ProcessContext refusingLambdas = new ProcessContext()
                .jvmOptions(List.of("-Djdk.serialFilter=!java.lang.invoke.SerializedLambda")).conclude();
            final ChildProcess child = new ChildProcess(refusingLambdas, () -> System.exit(5)).start();
            child.join();

            assertEquals(ChildProcess.FAILED_EXIT_CODE, child.exitCode().orElseThrow());
            final RemoteException failure = child.failure().orElseThrow();
            assertEquals("io.mp4j.DeserializationRejectedException", failure.remoteClassName());
            assertTrue(failure.remoteMessage().contains("class=java.lang.invoke.SerializedLambda"), failure.remoteMessage());
        });
    }
}
