package io.mp4j.test;

import io.mp4j.process.ParentMain;
import io.mp4j.process.ProcessContext;
import io.mp4j.session.Session;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

/** Waiting for processes in tests that kill them. */
public final class TestProcesses
{
    private TestProcesses()
    {
    }

    /**
     * A process context whose children log every class they load, and where from, to a file.
     *
     * @param log the file.
     * @return the concluded context.
     */
    public static ProcessContext loggingClassLoads(final Path log)
    {
        return new ProcessContext().jvmOptions(List.of("-Xlog:class+load=info:file=" + log)).conclude();
    }

    /**
     * Starts a {@link ParentMain} JVM that owns its own session under {@code root/sessions}, its output
     * going to {@code root/parent.log}.
     */
    public static Process startParent(final Path root, final String... args) throws IOException
    {
        return startParent(ParentMain.class, root, args);
    }

    /**
     * Starts a JVM running another parent main class the way {@link #startParent(Path, String...)} starts
     * {@link ParentMain}: it owns its own session under {@code root/sessions}, its output going to
     * {@code root/parent.log}.
     */
    public static Process startParent(final Class<?> mainClass, final Path root, final String... args) throws IOException
    {
        final List<String> options = new ArrayList<>(ProcessContext.defaultContext().jvmOptions());
        options.add("-D" + Session.ROOT_PROPERTY + '=' + root.resolve("sessions"));
        final ProcessContext context = new ProcessContext().jvmOptions(options).conclude();
        return new ProcessBuilder(context.javaCommand(mainClass.getName(), List.of(args)))
            .redirectErrorStream(true)
            .redirectOutput(root.resolve("parent.log").toFile())
            .start();
    }

    /** Waits for the parent of {@link #startParent} to print a line starting with the prefix; returns the rest. */
    public static String awaitParentLine(final Path root, final String prefix) throws InterruptedException, IOException
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
    public static void awaitExit(final long pid) throws InterruptedException
    {
        while (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false) && !isZombie(pid))
        {
            Thread.sleep(5);
        }
    }

    /**
     * Sends a signal by name ({@code STOP}, {@code CONT}) to processes with the {@code kill} command, for
     * what the JDK's {@link ProcessHandle} cannot send.
     */
    public static void signal(final String signal, final long... pids) throws IOException, InterruptedException
    {
        final List<String> command = new ArrayList<>(List.of("kill", "-" + signal));
        for (final long pid : pids)
        {
            command.add(Long.toString(pid));
        }
        final Process kill = new ProcessBuilder(command).redirectErrorStream(true).start();
        final String output = new String(kill.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (kill.waitFor() != 0)
        {
            throw new IllegalStateException(String.join(" ", command) + " failed: " + output.strip());
        }
    }

    /** Stops the process with SIGSTOP; SIGKILLs it if it is caught doing what is asked for, else lets it go on. */
    public static boolean killIfCaught(final long pid, final BooleanSupplier caught) throws IOException, InterruptedException
    {
        signal("STOP", pid);
        awaitStopped(pid);
        if (caught.getAsBoolean())
        {
            ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
            return true;
        }
        signal("CONT", pid);
        return false;
    }

    /**
     * Waits until every thread of a process sent {@code SIGSTOP} has stopped, so that what it holds in
     * shared memory stays as it is until it is continued or killed.
     */
    public static void awaitStopped(final long pid) throws IOException, InterruptedException
    {
        final Path tasks = Paths.get("/proc", Long.toString(pid), "task");
        while (true)
        {
            boolean stopped = true;
            try (Stream<Path> threads = Files.list(tasks))
            {
                for (final Path thread : (Iterable<Path>)threads::iterator)
                {
                    final char state = state(thread.resolve("stat"));
                    stopped &= state == 'T' || state == 'X' || state == 'Z';
                }
            }
            if (stopped)
            {
                return;
            }
            Thread.sleep(1);
        }
    }

    private static boolean isZombie(final long pid)
    {
        final char state = state(Paths.get("/proc", Long.toString(pid), "stat"));
        return state == 'Z' || state == 'X';
    }

    /** The state letter of a {@code /proc/.../stat} file; a process or thread that is gone counts as 'X' (dead). */
    private static char state(final Path stat)
    {
        try
        {
            final String line = Files.readString(stat);
            return line.charAt(line.lastIndexOf(')') + 2);
        }
        catch (final IOException ex)
        {
            return 'X';
        }
    }

    /**
     * Runs a command to its end, its output and error going to a log, and returns what it printed; fails
     * if it does not end within the timeout (it is killed then) or ends with another code than 0.
     */
    public static String runToEnd(final List<String> command, final Path log, final java.time.Duration timeout)
        throws IOException, InterruptedException
    {
        final Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try
        {
            org.junit.jupiter.api.Assertions.assertTrue(
                process.waitFor(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS), "the JVM ended");
        }
        finally
        {
            process.destroyForcibly();
        }
        final String output = Files.readString(log, StandardCharsets.UTF_8);
        org.junit.jupiter.api.Assertions.assertEquals(0, process.exitValue(), output);
        return output;
    }

    /** Writes a jar that holds only a manifest whose {@code Class-Path} names the given URLs. */
    public static Path manifestOnlyJar(final Path jar, final List<String> classPathUrls) throws IOException
    {
        final java.util.jar.Manifest manifest = new java.util.jar.Manifest();
        manifest.getMainAttributes().put(java.util.jar.Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().put(java.util.jar.Attributes.Name.CLASS_PATH, String.join(" ", classPathUrls));
        try (java.io.OutputStream out = Files.newOutputStream(jar);
             java.util.jar.JarOutputStream written = new java.util.jar.JarOutputStream(out, manifest))
        {
            written.flush();
        }
        return jar;
    }
}
