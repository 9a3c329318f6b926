package io.mp4j.process;

import io.mp4j.Mp4jException;
import io.mp4j.pool.Pool;
import io.mp4j.pool.PoolContext;
import io.mp4j.process.internal.ChildClassPath;
import io.mp4j.process.internal.JvmFlags;
import io.mp4j.test.NoLeaksExtension;
import io.mp4j.test.TestProcesses;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Children start however the parent was launched, and a launch that cannot work says why, once: real
 * parent JVMs started as {@code mvn exec:java} and a manifest-only classpath jar start them.
 */
@ExtendWith(NoLeaksExtension.class)
class LaunchersTest
{
    private static final Duration LIMIT = Duration.ofSeconds(60);
    private static final String EXPECTED_MAP = "map=[2, 3, 4, 5, 6]";

    @TempDir
    Path temp;

    @Test
    void shouldStartChildrenOfAnApplicationOnAnIsolatedClassLoaderAsUnderMvnExecJava() throws Exception
    {
        // The launcher alone on java.class.path, as plexus-classworlds is under mvn exec:java.
        final String launcherClass = IsolatedLauncher.class.getName().replace('.', '/') + ".class";
        final Path launcherDirectory = temp.resolve("launcher");
        Files.createDirectories(launcherDirectory.resolve(launcherClass).getParent());
        try (var in = IsolatedLauncher.class.getClassLoader().getResourceAsStream(launcherClass))
        {
            Files.copy(in, launcherDirectory.resolve(launcherClass));
        }

        final String output = run(launcherDirectory.toString(),
            IsolatedLauncher.class.getName(), System.getProperty("java.class.path"), LaunchedMain.class.getName());

        assertTrue(output.contains(EXPECTED_MAP), output);
        assertTrue(output.contains("hello from the child"), output);
        assertTrue(output.contains("child exitCode=0"), output);
        // Its session is removed at exit although the launcher closed the class loader mp4j came from.
        assertFalse(output.contains("shutdown step failed"), output);
    }

    @Test
    void shouldStartChildrenOfAnApplicationOnAManifestOnlyClassPathJar() throws Exception
    {
        // As Surefire's booter jar and IDEs' classpath jars do: java.class.path is one jar naming the rest.
        final Path pathing = TestProcesses.manifestOnlyJar(temp.resolve("pathing.jar"),
            List.of(System.getProperty("java.class.path").split(File.pathSeparator)).stream()
                .map(entry -> Paths.get(entry).toUri().toString())
                .collect(Collectors.toList()));

        final String output = run(pathing.toString(), LaunchedMain.class.getName());

        assertTrue(output.contains(EXPECTED_MAP), output);
        assertTrue(output.contains("child exitCode=0"), output);
    }

    @Test
    void shouldRefuseToStartAChildWhoseClassPathLacksMp4jBeforeAnythingIsWritten() throws IOException
    {
        final Path classes = Files.createDirectories(temp.resolve("classes"));
        final ProcessContext context = new ProcessContext().classPath(classes.toString());
        final ChildProcess child = new ChildProcess(context, () -> System.out.println("never"));

        final Mp4jException refused = assertThrows(Mp4jException.class, child::start);

        assertTrue(refused.getMessage().contains(ChildClassPath.BOOTSTRAP_CLASS), refused.getMessage());
        assertTrue(refused.getMessage().contains("ProcessContext.classPath(...)"), refused.getMessage());
        assertTrue(refused.getMessage().endsWith("classPath=" + classes), refused.getMessage());
        assertThrows(IllegalStateException.class, child::pid, "not started");
        try (var files = Files.list(context.conclude().session().directory()))
        {
            assertTrue(files.noneMatch(file -> file.getFileName().toString().startsWith("child")), "no spec left");
        }
    }

    @Test
    void shouldReportAChildWhoseJvmCannotStartAsSuch()
    {
        assertTimeoutPreemptively(LIMIT, () ->
        {
            final ProcessContext context = new ProcessContext().jvmOptions(List.of("-XX:+NoSuchOptionAnywhere"));
            final ChildProcess child = new ChildProcess(context, () -> System.out.println("never")).start();
            child.join();

            assertEquals(1, child.exitCode().orElseThrow());
            final ChildStartException failure = assertInstanceOf(ChildStartException.class, child.failure().orElseThrow());
            assertTrue(failure.getMessage().startsWith("child JVM ended before mp4j's bootstrap ran: name=" + child.name()),
                failure.getMessage());
            assertTrue(failure.remoteMessage().contains("NoSuchOptionAnywhere"), failure.remoteMessage());
        });
    }

    @Test
    void shouldFailAPoolWhoseWorkersCannotStartOnceWithoutRetryingThem()
    {
        assertTimeoutPreemptively(LIMIT, () ->
        {
            final Queue<String> launcherErrors = new ConcurrentLinkedQueue<>();
            final ProcessContext processes = new ProcessContext()
                .jvmOptions(List.of("-XX:+NoSuchOptionAnywhere"))
                .output((process, stream, line) ->
                {
                    if (line.contains("Could not create the Java Virtual Machine"))
                    {
                        launcherErrors.add(process);
                    }
                });
            try (Pool pool = new Pool(new PoolContext().processes(2).processContext(processes)))
            {
                final ChildStartException failure = assertThrows(ChildStartException.class,
                    () -> pool.map((Integer x) -> x + 1, List.of(1, 2, 3)));

                assertTrue(failure.getMessage().contains("exitCode=1"), failure.getMessage());
                assertTrue(failure.remoteMessage().contains("NoSuchOptionAnywhere"), failure.remoteMessage());
                // Later calls fail at once with the same cause: no worker is started again.
                assertThrows(ChildStartException.class, () -> pool.apply(() -> 1));
            }
            while (launcherErrors.size() < 2)
            {
                Thread.sleep(10); // the launchers' last lines are on their way
            }
            Thread.sleep(500); // a retried launch would have printed by now
            assertEquals(2, launcherErrors.size(), "one launch per worker slot, no retries: " + launcherErrors);
        });
    }

    /** Runs a JVM with mp4j's flags and the tests' lean options, and returns its output once it ends. */
    private String run(final String classPath, final String... mainAndArgs) throws Exception
    {
        return assertTimeoutPreemptively(LIMIT, () ->
        {
            final List<String> command = new ArrayList<>();
            command.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
            command.addAll(JvmFlags.required());
            command.addAll(ProcessContext.defaultContext().jvmOptions());
            command.add("-cp");
            command.add(classPath);
            command.addAll(List.of(mainAndArgs));
            return TestProcesses.runToEnd(command, temp.resolve("output.log"), LIMIT);
        });
    }
}
