package io.mp4j.ipc;

import io.mp4j.core.Mp4jException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Worker hosts in JVMs of their own, started by their command line as a user would start them, each
 * logging to a file; {@link #stopAll()} stops them gracefully (SIGTERM), then forcibly.
 */
final class TestHosts
{
    private static final AtomicInteger NAMES = new AtomicInteger();

    private final Path logs;
    private final List<Process> hosts = new ArrayList<>();

    TestHosts(final Path logs)
    {
        this.logs = logs;
    }

    /** A host name no other test of this JVM uses. */
    static String uniqueName()
    {
        return "test-" + ProcessHandle.current().pid() + '-' + NAMES.incrementAndGet();
    }

    /** Starts a host and waits until all its workers are free. */
    Process start(final String name, final int workers) throws IOException, InterruptedException
    {
        final Path log = logs.resolve("host-" + name + ".log");
        final Process host = new ProcessBuilder(ProcessContext.defaultContext().javaCommand(
            WorkerHostCommand.class.getName(), List.of("start", "--name", name, "--workers", Integer.toString(workers))))
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
        hosts.add(host);
        while (!Files.readString(log).contains("worker host started") || !allWorkersFree(name))
        {
            assertTrue(host.isAlive(), () -> "host died: " + readQuietly(log));
            Thread.sleep(20);
        }
        return host;
    }

    /** Whether a host of that name runs and none of its workers is leased, claimed or starting. */
    static boolean allWorkersFree(final String name)
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
    static void awaitAllWorkersFree(final String name) throws InterruptedException
    {
        while (!allWorkersFree(name))
        {
            Thread.sleep(10);
        }
    }

    static String readQuietly(final Path log)
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

    void stopAll() throws InterruptedException
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
