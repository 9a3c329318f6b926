package io.mp4j.host;

import io.mp4j.host.internal.HostDescriptor;
import io.mp4j.pool.Pool;
import io.mp4j.pool.PoolContext;
import io.mp4j.pool.PoolFunction;
import io.mp4j.process.ChildProcess;
import io.mp4j.process.ProcessContext;
import io.mp4j.process.ProcessContext.HostClassPathMismatch;
import io.mp4j.process.ProcessTarget;
import io.mp4j.test.CapturedOutput;
import io.mp4j.test.NoLeaksExtension;
import io.mp4j.test.TestHosts;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.OptionalInt;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A worker host whose application classes are rebuilt under it: a host started on a class that answers
 * "old", the class file rebuilt in place to answer "new" (same size), and clients on the new classes.
 * The host, its workers and the clients' hosted children are real JVMs.
 */
@ExtendWith(NoLeaksExtension.class)
class HostClassPathTest
{
    private static final Duration TIMEOUT = Duration.ofSeconds(120);
    /** Longer than a client JVM reuses the fingerprint of its classpath. */
    private static final long FINGERPRINT_REUSE_MILLIS = 1_100;
    private static final String ANSWER =
        "public class Answer implements io.mp4j.pool.PoolFunction<Integer, String>, io.mp4j.process.ProcessTarget {\n" +
        "    public String apply(Integer x) { return \"%1$s-\" + x; }\n" +
        "    public void run() { System.out.println(\"answer=%1$s\"); }\n" +
        "}\n";

    @TempDir
    Path root;

    @RegisterExtension
    final CapturedOutput output = new CapturedOutput();

    private final String name = TestHosts.uniqueName();
    private TestHosts hosts;
    private Path classes;
    private String classPath;

    @BeforeEach
    void prepare()
    {
        hosts = new TestHosts(root);
        classes = root.resolve("classes");
        classPath = System.getProperty("java.class.path") + File.pathSeparator + classes;
    }

    @AfterEach
    void stopHosts() throws Exception
    {
        hosts.stopAll();
        assertFalse(Files.exists(HostDescriptor.registrationOf(name)), "the host removed its registration");
    }

    @Test
    void shouldKeepTheWarmWorkersWhenTheClassPathIsUnchanged()
    {
        assertTimeoutPreemptively(TIMEOUT, () ->
        {
            final Object answer = build("old");
            hosts.start(name, 2, classPath);
            final Set<Long> warm = TestHosts.workerPids(name);

            final long started = System.nanoTime();
            try (Pool pool = new Pool(new PoolContext().host(name).processContext(client())))
            {
                measured("pool of 2, unchanged classpath, first result", started);
                assertEquals(warm, new HashSet<>(pool.workerPids()), "the pool leased the warm workers");
                assertEquals(List.of("old-1", "old-2"), pool.map(function(answer), List.of(1, 2)));
            }
            final ChildProcess child = new ChildProcess(client(name), target(answer)).start();
            child.join();
            assertEquals(OptionalInt.of(0), child.exitCode());
            assertTrue(output.outLines().contains("answer=old"), () -> String.join("\n", output.outLines()));

            assertEquals(warm, TestHosts.workerPids(name), "no worker was restarted");
            assertEquals(3, WorkerHost.status(name).leasesGranted());
        });
    }

    @Test
    void shouldRestartTheLeasedWorkersOnTheClientsClassesAfterARebuild()
    {
        assertTimeoutPreemptively(TIMEOUT, () ->
        {
            build("old");
            hosts.start(name, 2, classPath);
            final Set<Long> old = TestHosts.workerPids(name);
            final String oldClassPath = classPathIds().iterator().next();
            final long oldSize = Files.size(classes.resolve("Answer.class"));

            final Object answer = build("new");
            assertEquals(oldSize, Files.size(classes.resolve("Answer.class")), "rebuilt in place, same size");
            final long started = System.nanoTime();
            try (Pool pool = new Pool(new PoolContext().host(name).processContext(client())))
            {
                measured("pool of 2, both workers restarted, first result", started);
                assertEquals(List.of("new-1", "new-2"), pool.map(function(answer), List.of(1, 2)));
                final Set<Long> leased = new HashSet<>(pool.workerPids());
                assertEquals(2, leased.size());
                assertTrue(leased.stream().noneMatch(old::contains), "fresh workers: " + leased + " old: " + old);
            }
            final Set<String> ids = classPathIds();
            assertEquals(1, ids.size(), ids::toString);
            assertFalse(ids.contains(oldClassPath), "the workers run the new classpath");

            // The restarted workers stay on the new classes: a hosted child finds them warm.
            final Set<Long> fresh = TestHosts.workerPids(name);
            final long childStarted = System.nanoTime();
            final ChildProcess child = new ChildProcess(client(name), target(answer)).start();
            child.join();
            measured("hosted child, start to join, restarted workers", childStarted);
            assertTrue(output.outLines().contains("answer=new"), () -> String.join("\n", output.outLines()));
            assertEquals(fresh, TestHosts.workerPids(name), "no further restart");
        });
    }

    @Test
    void shouldRestartTheWorkerOfAHostedChildOnTheClientsClasses()
    {
        assertTimeoutPreemptively(TIMEOUT, () ->
        {
            build("old");
            hosts.start(name, 1, classPath);
            final Set<Long> old = TestHosts.workerPids(name);

            final Object answer = build("new");
            final long started = System.nanoTime();
            final ChildProcess child = new ChildProcess(client(name), target(answer)).start();
            child.join();
            measured("hosted child, start to join, worker restarted", started);
            assertEquals(OptionalInt.of(0), child.exitCode());
            assertTrue(output.outLines().contains("answer=new"), () -> String.join("\n", output.outLines()));
            assertFalse(old.contains(child.pid()), "a fresh worker ran the child");
        });
    }

    @Test
    void shouldRefuseWhenTheClientSaysSoAndLeaveTheWorkersAlone()
    {
        assertTimeoutPreemptively(TIMEOUT, () ->
        {
            build("old");
            hosts.start(name, 2, classPath);
            final Set<Long> old = TestHosts.workerPids(name);

            final Object answer = build("new");
            final ProcessContext refusing =
                new ProcessContext().classPath(classPath).hostClassPathMismatch(HostClassPathMismatch.REFUSE).conclude();
            final ClassPathMismatchException ex = assertThrows(ClassPathMismatchException.class,
                () -> new Pool(new PoolContext().host(name).processContext(refusing)));
            assertTrue(ex.getMessage().startsWith("worker host runs another classpath than this client's: host=" + name),
                ex.getMessage());
            assertTrue(ex.getMessage().contains("policy=REFUSE"), ex.getMessage());
            assertTrue(ex.getMessage().endsWith("; changed: " + classes), ex.getMessage());

            final ProcessContext refusingChild = new ProcessContext().host(name).classPath(classPath)
                .hostClassPathMismatch(HostClassPathMismatch.REFUSE).conclude();
            final ChildProcess child = new ChildProcess(refusingChild, target(answer));
            assertThrows(ClassPathMismatchException.class, child::start);

            TestHosts.awaitAllWorkersFree(name);
            assertEquals(old, TestHosts.workerPids(name), "the workers were left as they were");
            assertEquals(0, WorkerHost.status(name).leasesGranted());
        });
    }

    @Test
    void shouldLeaveAnotherClientsWorkerAloneUntilItIsGivenBack()
    {
        assertTimeoutPreemptively(TIMEOUT, () ->
        {
            final Object oldAnswer = build("old");
            hosts.start(name, 2, classPath);
            final Object newAnswer;

            try (Pool before = new Pool(new PoolContext().host(name).processes(1).processContext(client())))
            {
                final long heldByBefore = before.workerPids().get(0);
                assertEquals(List.of("old-1"), before.map(function(oldAnswer), List.of(1)));

                newAnswer = build("new");
                Thread.sleep(FINGERPRINT_REUSE_MILLIS);
                final long restarted;
                try (Pool after = new Pool(new PoolContext().host(name).processes(1).processContext(client())))
                {
                    assertEquals(List.of("new-1"), after.map(function(newAnswer), List.of(1)));
                    restarted = after.workerPids().get(0);
                }
                assertEquals(List.of("old-2"), before.map(function(oldAnswer), List.of(2)),
                    "the earlier client keeps its worker, and its classes, until it gives it back");
                assertEquals(List.of(heldByBefore), before.workerPids());
                assertTrue(TestHosts.workerPids(name).contains(restarted));
            }

            // Both given back: a client on the new classes finds one worker warm, and has the other restarted.
            TestHosts.awaitAllWorkersFree(name);
            assertEquals(2, classPathIds().size(), "two classpaths side by side");
            try (Pool pool = new Pool(new PoolContext().host(name).processContext(client())))
            {
                assertEquals(List.of("new-1", "new-2", "new-3"), pool.map(function(newAnswer), List.of(1, 2, 3)));
            }
            assertEquals(1, classPathIds().size());
        });
    }

    /** Compiles the answer class into the classes directory, and makes one through a class loader of its own. */
    private Object build(final String version) throws Exception
    {
        return TestHosts.compileOutsideTheClasspath(classes, "Answer", String.format(ANSWER, version));
    }

    private ProcessContext client()
    {
        return new ProcessContext().classPath(classPath).conclude();
    }

    private ProcessContext client(final String host)
    {
        return new ProcessContext().host(host).classPath(classPath).conclude();
    }

    private Set<String> classPathIds()
    {
        return WorkerHost.status(name).workers().stream().map(WorkerHostStatus.Worker::classPath)
            .collect(Collectors.toSet());
    }

    @SuppressWarnings("unchecked")
    private static PoolFunction<Integer, String> function(final Object answer)
    {
        return (PoolFunction<Integer, String>)answer;
    }

    private static ProcessTarget target(final Object answer)
    {
        return (ProcessTarget)answer;
    }

    private static void measured(final String what, final long startedNanos)
    {
        System.err.printf("measured: %s: %.1f ms%n", what, (System.nanoTime() - startedNanos) / 1e6);
    }
}
