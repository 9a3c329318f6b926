package io.mp4j.test;

import io.mp4j.Mp4jException;
import io.mp4j.host.WorkerHost;
import io.mp4j.host.WorkerHostStatus;
import io.mp4j.process.ProcessContext;

import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import javax.tools.ToolProvider;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Worker hosts in JVMs of their own, started by {@link HostMain} as the command line starts them, each
 * logging to a file; {@link #stopAll()} stops them gracefully (SIGTERM), then forcibly.
 */
public final class TestHosts
{
    private static final AtomicInteger NAMES = new AtomicInteger();

    private final Path logs;
    private final List<Process> hosts = new ArrayList<>();

    public TestHosts(final Path logs)
    {
        this.logs = logs;
    }

    /** A host name no other test of this JVM uses. */
    public static String uniqueName()
    {
        return "test-" + ProcessHandle.current().pid() + '-' + NAMES.incrementAndGet();
    }

    /** Starts a host and waits until all its workers are free. */
    public Process start(final String name, final int workers) throws IOException, InterruptedException
    {
        return start(name, workers, List.of());
    }

    /** Starts a host whose workers run a classpath of their own, and waits until all its workers are free. */
    public Process start(final String name, final int workers, final String workerClassPath)
        throws IOException, InterruptedException
    {
        return start(name, workers, List.of(workerClassPath));
    }

    private Process start(final String name, final int workers, final List<String> more)
        throws IOException, InterruptedException
    {
        final Path log = logs.resolve("host-" + name + ".log");
        final List<String> arguments = new ArrayList<>(List.of(name, Integer.toString(workers)));
        arguments.addAll(more);
        final Process host = new ProcessBuilder(ProcessContext.defaultContext().javaCommand(
            HostMain.class.getName(), arguments))
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
        hosts.add(host);
        while (!Files.readString(log).contains(HostMain.STARTED) || !allWorkersFree(name))
        {
            assertTrue(host.isAlive(), () -> "host died: " + readQuietly(log));
            Thread.sleep(20);
        }
        return host;
    }

    /** The pids of a running host's workers. */
    public static Set<Long> workerPids(final String name)
    {
        return WorkerHost.status(name).workers().stream().map(WorkerHostStatus.Worker::pid).collect(Collectors.toSet());
    }

    /** Whether a host of that name runs and none of its workers is leased, claimed or starting. */
    public static boolean allWorkersFree(final String name)
    {
        try
        {
            return WorkerHost.status(name).workers().stream().allMatch(w -> w.state().equals("free"));
        }
        catch (final Mp4jException ex)
        {
            return false;
        }
    }

    /** Waits until a host of that name runs with all its workers free. */
    public static void awaitAllWorkersFree(final String name) throws InterruptedException
    {
        while (!allWorkersFree(name))
        {
            Thread.sleep(10);
        }
    }

    /**
     * Compiles a public class with a no-argument constructor into a directory of its own and makes one,
     * through a class loader of its own: an object whose class a host's workers cannot load.
     */
    public static Object compileOutsideTheClasspath(final Path directory, final String className, final String source)
        throws Exception
    {
        final Path sources = Files.createDirectories(directory);
        final Path file = sources.resolve(className + ".java");
        Files.writeString(file, source);
        final int compiled = ToolProvider.getSystemJavaCompiler().run(null, null, null,
            "-cp", System.getProperty("java.class.path"), "-d", sources.toString(), file.toString());
        assertEquals(0, compiled);
        final URLClassLoader loader = new URLClassLoader(new URL[]{sources.toUri().toURL()}, TestHosts.class.getClassLoader());
        return loader.loadClass(className).getDeclaredConstructor().newInstance();
    }

    public static String readQuietly(final Path log)
    {
        try
        {
            return Files.readString(log);
        }
        catch (final IOException ex)
        {
            return ex.toString();
        }
    }

    public void stopAll() throws InterruptedException
    {
        for (final Process host : hosts)
        {
            host.destroy();
            if (!host.waitFor(30, TimeUnit.SECONDS))
            {
                host.destroyForcibly().waitFor();
            }
        }
        hosts.clear();
    }
}
