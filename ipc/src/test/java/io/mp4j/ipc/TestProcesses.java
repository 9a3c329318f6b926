package io.mp4j.ipc;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Paths;

/** Waiting for processes in tests that kill them. */
final class TestProcesses
{
    private TestProcesses()
    {
    }

    /**
     * Waits until the process has exited. An orphan stays a zombie until the init process reaps it,
     * which some containers' init does only every second or so; a zombie has exited, so it counts.
     */
    static void awaitExit(final long pid) throws InterruptedException
    {
        while (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false) && !isZombie(pid))
        {
            Thread.sleep(5);
        }
    }

    private static boolean isZombie(final long pid)
    {
        try
        {
            final String stat = Files.readString(Paths.get("/proc", Long.toString(pid), "stat"));
            return stat.substring(stat.lastIndexOf(')') + 2).startsWith("Z");
        }
        catch (final IOException ex)
        {
            return true;
        }
    }
}
