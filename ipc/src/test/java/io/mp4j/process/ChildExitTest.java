package io.mp4j.process;

import io.mp4j.RemoteException;
import io.mp4j.test.CapturedOutput;
import io.mp4j.test.Jdks;
import io.mp4j.test.NoLeaksExtension;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.tools.ToolProvider;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** When a child JVM exits, and how its end is told: exit code, signal, failure. */
@ExtendWith(NoLeaksExtension.class)
class ChildExitTest
{
    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final int LOGGING_EXIT_MIN_FEATURE = 21;
    private static final String FINDER_MADE = "logger finder made";

    @RegisterExtension
    final CapturedOutput output = new CapturedOutput();

    @Test
    void shouldExitOnlyAfterNonDaemonThreadsEndButNotWaitForDaemonThreads()
    {
        assertTimeoutPreemptively(TIMEOUT, () ->
        {
            final ChildProcess child = new ChildProcess(() ->
            {
                startThread(true, () -> sleep(600_000));
                startThread(false, () ->
                {
                    sleep(500);
                    // A thread started by a thread that has ended is waited for too.
                    startThread(false, () ->
                    {
                        sleep(200);
                        System.out.println("second non-daemon thread done");
                    });
                    System.out.println("first non-daemon thread done");
                });
            }).start();
            child.join();

            assertEquals(0, child.exitCode().orElseThrow());
            assertEquals(List.of("first non-daemon thread done", "second non-daemon thread done"), output.outLines());
        });
    }

    @Test
    void shouldReportFailureAndWaitForNonDaemonThreadsWhenTargetThrows()
    {
        assertTimeoutPreemptively(TIMEOUT, () ->
        {
            final ChildProcess child = new ChildProcess(() ->
            {
                startThread(false, () ->
                {
                    sleep(500);
                    System.out.println("non-daemon thread done");
                });
                throw new IllegalStateException("boom beside a thread");
            }).start();
            child.join();

            assertEquals(ChildProcess.FAILED_EXIT_CODE, child.exitCode().orElseThrow());
            assertEquals("boom beside a thread", child.failure().orElseThrow().remoteMessage());
            assertEquals(List.of("non-daemon thread done"), output.outLines());
        });
    }

    @Test
    void shouldRunTheShutdownHooksOfATargetThatReturns()
    {
        assertTimeoutPreemptively(TIMEOUT, () ->
        {
            final ChildProcess child = new ChildProcess(() ->
                Runtime.getRuntime().addShutdownHook(new Thread(() -> System.out.println("hook ran")))).start();
            child.join();

            assertEquals(0, child.exitCode().orElseThrow());
            assertEquals(List.of("hook ran"), output.outLines());
        });
    }

    @Test
    void shouldEndAChildWhoseTargetReturnsWithoutSystemExitsLoggerLookup(@TempDir final Path temp)
    {
        // On JDK 21 or later, System.exit asks for the logger of java.lang.Runtime first: a search of every jar
        // of the classpath for a logger finder service, which this jar offers and which says when it is made.
        final Optional<Path> java = Jdks.atLeast(LOGGING_EXIT_MIN_FEATURE);
        Assumptions.assumeTrue(java.isPresent(), "no JDK " + LOGGING_EXIT_MIN_FEATURE + "+ installed: not tested");
        assertTimeoutPreemptively(TIMEOUT, () ->
        {
            final Path finderJar = loggerFinderJar(temp);
            final ProcessContext context = new ProcessContext().javaExecutable(java.get()).classDataSharing(false)
                .classPath(ProcessContext.defaultContext().classPath() + File.pathSeparator + finderJar).conclude();

            final ChildProcess returning = new ChildProcess(context, () -> System.out.println("returned")).start();
            returning.join();
            final ChildProcess exiting = new ChildProcess(context, () -> System.exit(0)).start();
            exiting.join();

            assertEquals(0, returning.exitCode().orElseThrow());
            assertEquals(0, exiting.exitCode().orElseThrow());
            assertEquals(List.of("returned"), output.outLines());
            assertEquals(List.of(FINDER_MADE), output.errLines(), "made once: for the child that called System.exit");
        });
    }

    /** A jar that offers a logger finder, which prints a line to standard error when it is made. */
    private static Path loggerFinderJar(final Path temp) throws IOException
    {
        final Path sources = Files.createDirectories(temp.resolve("sources").resolve("exitlog"));
        final Path classes = Files.createDirectories(temp.resolve("classes"));
        final Path source = sources.resolve("RecordingFinder.java");
        Files.writeString(source, "package exitlog;\n" +
            "public class RecordingFinder extends System.LoggerFinder {\n" +
            "    public RecordingFinder() { System.err.println(\"" + FINDER_MADE + "\"); }\n" +
            "    @Override public System.Logger getLogger(String name, Module module) {\n" +
            "        return new System.Logger() {\n" +
            "            public String getName() { return name; }\n" +
            "            public boolean isLoggable(System.Logger.Level level) { return false; }\n" +
            "            public void log(System.Logger.Level level, java.util.ResourceBundle bundle, String message,\n" +
            "                Throwable thrown) { }\n" +
            "            public void log(System.Logger.Level level, java.util.ResourceBundle bundle, String format,\n" +
            "                Object... parameters) { }\n" +
            "        };\n" +
            "    }\n" +
            "}\n");
        assertEquals(0, ToolProvider.getSystemJavaCompiler().run(
            null, null, null, "--release", "17", "-d", classes.toString(), source.toString()));
        final Path jar = temp.resolve("finder.jar");
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar)))
        {
            out.putNextEntry(new JarEntry("META-INF/services/java.lang.System$LoggerFinder"));
            out.write("exitlog.RecordingFinder\n".getBytes(StandardCharsets.UTF_8));
            out.closeEntry();
            try (Stream<Path> files = Files.walk(classes))
            {
                for (final Path file : files.filter(Files::isRegularFile).collect(Collectors.toList()))
                {
                    out.putNextEntry(new JarEntry(classes.relativize(file).toString().replace(File.separatorChar, '/')));
                    out.write(Files.readAllBytes(file));
                    out.closeEntry();
                }
            }
        }
        return jar;
    }

    @Test
    void shouldReportExitCodeOfNonDaemonThreadThatCallsSystemExitAfterTargetReturned()
    {
        assertTimeoutPreemptively(TIMEOUT, () ->
        {
            final ChildProcess child = new ChildProcess(() -> startThread(false, () ->
            {
                sleep(300);
                System.exit(137);
            })).start();
            child.join();

            assertEquals(137, child.exitCode().orElseThrow());
            assertEquals(OptionalInt.empty(), child.exitSignal(), "System.exit(137) is not a SIGKILL");
        });
    }

    @ParameterizedTest(name = "{0} {1}, target throws: {2}")
    @CsvSource({
        "out, close, false",
        "out, null, false",
        "err, close, false",
        "err, null, false",
        "out, null, true",
        "err, close, true",
        "err, null, true"})
    void shouldExitNormallyWhenTargetBreaksStandardStreams(final String stream, final String action, final boolean fail)
    {
        assertTimeoutPreemptively(TIMEOUT, () ->
        {
            final ChildProcess child = new ChildProcess(ChildExitTest::breakStream, stream + ' ' + action, fail).start();
            child.join();

            if (fail)
            {
                assertEquals(ChildProcess.FAILED_EXIT_CODE, child.exitCode().orElseThrow());
                final RemoteException failure = child.failure().orElseThrow();
                assertEquals("boom after breaking a stream", failure.remoteMessage());
            }
            else
            {
                assertEquals(0, child.exitCode().orElseThrow(), () -> output.errText());
                assertTrue(child.failure().isEmpty());
            }
            assertEquals(OptionalInt.empty(), child.exitSignal());
        });
    }

    private static void breakStream(final String what, final Boolean fail)
    {
        final boolean out = what.startsWith("out");
        final PrintStream stream = out ? System.out : System.err;
        stream.print("unterminated ");
        if (what.endsWith("close"))
        {
            stream.close();
        }
        else if (out)
        {
            System.setOut(null);
        }
        else
        {
            System.setErr(null);
        }
        if (fail)
        {
            throw new IllegalStateException("boom after breaking a stream");
        }
    }

    @Test
    void shouldDropChildOutputButKeepReadingItWhenParentStreamsAreNull()
    {
        assertTimeoutPreemptively(TIMEOUT, () ->
        {
            final PrintStream out = System.out;
            final PrintStream err = System.err;
            final ChildProcess child;
            System.setOut(null);
            System.setErr(null);
            try
            {
                // A copier that stopped would close its pipe, and the child's next writes would fail.
                child = new ChildProcess(() ->
                {
                    final String line = "x".repeat(1000);
                    for (int i = 0; i < 1000; i++)
                    {
                        System.out.println(line);
                        System.err.println(line);
                    }
                    System.exit(System.out.checkError() || System.err.checkError() ? 5 : 0);
                }).start();
                child.join();
            }
            finally
            {
                System.setOut(out);
                System.setErr(err);
            }

            assertEquals(0, child.exitCode().orElseThrow());
            assertEquals(List.of(), output.outLines());
        });
    }

    @Test
    void shouldTellSystemExitWithSignalLikeCodeFromSignal()
    {
        assertTimeoutPreemptively(TIMEOUT, () ->
        {
            final ChildProcess exited = new ChildProcess(() -> System.exit(143)).start();
            final ChildProcess halted = new ChildProcess(() -> Runtime.getRuntime().halt(3)).start();
            final ChildProcess returned = new ChildProcess(() -> { }).start();
            final ChildProcess terminated = sleeper();
            final ChildProcess killed = sleeper();
            terminated.terminate();
            killed.kill();
            for (final ChildProcess child : List.of(exited, halted, returned, terminated, killed))
            {
                child.join();
            }

            assertEquals(143, exited.exitCode().orElseThrow());
            assertEquals(OptionalInt.empty(), exited.exitSignal(), "a child's own System.exit(143) is no SIGTERM");
            assertEquals(3, halted.exitCode().orElseThrow());
            assertEquals(OptionalInt.empty(), halted.exitSignal());
            assertEquals(0, returned.exitCode().orElseThrow());
            assertEquals(OptionalInt.empty(), returned.exitSignal());
            assertEquals(143, terminated.exitCode().orElseThrow());
            assertEquals(OptionalInt.of(15), terminated.exitSignal());
            assertTrue(terminated.toString().contains("signal=15"), terminated.toString());
            assertEquals(137, killed.exitCode().orElseThrow());
            assertEquals(OptionalInt.of(9), killed.exitSignal());
        });
    }

    @Test
    void shouldReportSignalOfChildSignalledWhileItsNonDaemonThreadRuns()
    {
        assertTimeoutPreemptively(TIMEOUT, () ->
        {
            final ChildProcess child = new ChildProcess(() ->
            {
                startThread(false, () -> sleep(600_000));
                System.out.println("target returned");
            }).start();
            while (!output.outLines().contains("target returned"))
            {
                Thread.sleep(5);
            }
            assertTrue(child.isAlive(), "a non-daemon thread holds the child");
            assertTrue(child.exitSignal().isEmpty());
            child.terminate();
            child.join();

            assertEquals(OptionalInt.of(15), child.exitSignal());
        });
    }

    private ChildProcess sleeper() throws InterruptedException
    {
        final ChildProcess child = new ChildProcess(() ->
        {
            System.out.println("sleeping");
            Thread.sleep(600_000);
        }).start();
        // Signalled once its target runs, so the signal meets mp4j's exit record in place.
        final long before = output.outLines().size();
        while (output.outLines().size() == before)
        {
            Thread.sleep(5);
        }
        return child;
    }

    private static void startThread(final boolean daemon, final Runnable body)
    {
        final Thread thread = new Thread(body);
        thread.setDaemon(daemon);
        thread.start();
    }

    private static void sleep(final long millis)
    {
        try
        {
            Thread.sleep(millis);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }
}
