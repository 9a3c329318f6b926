package io.mp4j.ipc;

import io.mp4j.core.Session;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Waiting for processes in tests that kill them. */
final class TestProcesses
{
    private TestProcesses()
    {
    }

    /**
     * Starts a {@link ParentMain} JVM that owns its own session under {@code root/sessions}, its output
     * going to {@code root/parent.log}.
     */
    static Process startParent(final Path root, final String... args) throws IOException
    {
        final List<String> options = new ArrayList<>(ProcessContext.defaultContext().jvmOptions());
        options.add("-D" + Session.ROOT_PROPERTY + '=' + root.resolve("sessions"));
        final ProcessContext context = new ProcessContext().jvmOptions(options).conclude();
        return new ProcessBuilder(context.javaCommand(ParentMain.class.getName(), List.of(args)))
            .redirectErrorStream(true)
            .redirectOutput(root.resolve("parent.log").toFile())
            .start();
    }

    /** Waits for the parent of {@link #startParent} to print a line starting with the prefix; returns the rest. */
    static String awaitParentLine(final Path root, final String prefix) throws InterruptedException, IOException
    {
        final Path log = root.resolve("parent.log");
        while (true)
        {
            if (Files.exists(log))
            {
                final Optional<String> line = Files.readAllLines(log).stream().filter(l -> l.startsWith(prefix)).findFirst();
                if (line.isPresent())
                {
                    return line.get().substring(prefix.length());
                }
            }
            Thread.sleep(10);
        }
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
