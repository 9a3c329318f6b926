package io.mp4j.bench.compare;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * CPython's side of the comparison: one long-lived {@code python3 compare_workloads.py} process
 * (the script ships in this jar and is copied to a temporary directory), driven a line at a time over
 * its stdin/stdout so that its pool stays warm between repetitions, as the Java side's does.
 * <p>
 * When the interpreter cannot be started, every CPython entry is absent with the reason
 * ({@code "python3 not found"}) and the run goes on. Used from the comparison's one thread.
 */
public final class CPythonWorkloads implements AutoCloseable
{
    /** The script's name, in {@code bench/python/} and beside this class in the jar. */
    public static final String SCRIPT = "compare_workloads.py";

    private static final String END_OF_OUTPUT = "\u0000end";
    private static final Duration HELLO_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(20);

    private final Duration commandTimeout;
    private final Path directory;
    private final Process process;
    private final Writer commands;
    private final BlockingQueue<String> replies = new LinkedBlockingQueue<>();
    private Map<String, Object> facts = Map.of();
    private String unavailableReason;

    private CPythonWorkloads(
        final Duration commandTimeout, final Path directory, final Process process, final String unavailableReason)
    {
        this.commandTimeout = commandTimeout;
        this.directory = directory;
        this.process = process;
        this.commands = process == null ? null :
            new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
        this.unavailableReason = unavailableReason;
        if (process != null)
        {
            startReader(process.getInputStream());
        }
    }

    /**
     * Starts the interpreter and asks it for its facts; never throws for a missing or broken interpreter,
     * which makes every entry absent instead.
     *
     * @param executable     the interpreter, e.g. {@code "python3"} (looked up on the {@code PATH}).
     * @param commandTimeout how long one command may take before the interpreter is stopped.
     * @return the driver.
     */
    public static CPythonWorkloads start(final String executable, final Duration commandTimeout)
    {
        final Path script = extractScript(CPythonWorkloads.class, SCRIPT, "mp4j-compare-python-");
        final Path directory = script.getParent();

        final Process process;
        try
        {
            process = new ProcessBuilder(executable, "-u", script.toString())
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        }
        catch (final IOException ex)
        {
            return new CPythonWorkloads(commandTimeout, directory, null, executable + " not found");
        }

        final CPythonWorkloads workloads = new CPythonWorkloads(commandTimeout, directory, process, null);
        try
        {
            workloads.facts = workloads.send("hello", HELLO_TIMEOUT);
        }
        catch (final PythonException ex)
        {
            workloads.unavailableReason = executable + " failed to start: " + ex.getMessage();
            workloads.stop();
        }
        return workloads;
    }

    /**
     * Why CPython takes no part, e.g. {@code "python3 not found"}.
     *
     * @return the reason, or empty if the interpreter is running.
     */
    public Optional<String> unavailableReason()
    {
        return Optional.ofNullable(unavailableReason);
    }

    /**
     * A fact the interpreter reported at start: {@code implementation}, {@code python} (its version),
     * {@code start_method} (the default for a {@code Pool}), {@code numpy} (a version or {@code null}),
     * {@code cpu_count}.
     *
     * @param name the fact's name.
     * @return its value, or empty if unknown.
     */
    public Optional<Object> fact(final String name)
    {
        return Optional.ofNullable(facts.get(name));
    }

    /**
     * The start method CPython's {@code Pool} uses by default here.
     *
     * @return e.g. {@code "fork"}, or {@code "?"} if unknown.
     */
    public String defaultStartMethod()
    {
        return fact("start_method").map(Object::toString).orElse("?");
    }

    /**
     * Copies a Python script that travels in the jar beside {@code owner} to a new temporary directory,
     * where an interpreter can run it; the caller deletes both when done.
     *
     * @param owner           the class the script sits beside.
     * @param name            the script's file name.
     * @param directoryPrefix the temporary directory's name prefix.
     * @return the copied script's path; its parent is the new directory.
     * @throws UncheckedIOException  if the copy fails.
     * @throws IllegalStateException if the jar lacks the script.
     */
    public static Path extractScript(final Class<?> owner, final String name, final String directoryPrefix)
    {
        try
        {
            final Path script = Files.createTempDirectory(directoryPrefix).resolve(name);
            try (InputStream in = owner.getResourceAsStream(name))
            {
                if (in == null)
                {
                    throw new IllegalStateException("script missing from the jar: resource=" + name);
                }
                Files.copy(in, script, StandardCopyOption.REPLACE_EXISTING);
            }
            return script;
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot copy " + name + " to a temporary directory", ex);
        }
    }

    /**
     * CPython's entry for a workload of the script.
     *
     * @param command     the workload's name in the script, e.g. {@code "pool_map"}.
     * @param description how CPython runs it, e.g. {@code "Pool(2), fork"}.
     * @return an entry that runs {@code command size} in the interpreter, or an absent one.
     */
    public Contender contender(final String command, final String description)
    {
        if (unavailableReason != null)
        {
            return Contender.absent(unavailableReason);
        }
        return Contender.of(description, size -> run(command, size));
    }

    /**
     * CPython's entry for a workload of the script that needs numpy: absent when numpy is not importable.
     *
     * @param command     the workload's name in the script.
     * @param description how CPython runs it; numpy's version is added.
     * @return an entry that runs {@code command size} in the interpreter, or an absent one.
     */
    public Contender numpyContender(final String command, final String description)
    {
        if (unavailableReason == null && fact("numpy").isEmpty())
        {
            return Contender.absent("needs numpy, not importable");
        }
        return contender(command, description + ", numpy " + fact("numpy").orElse("?"));
    }

    /**
     * Runs one workload in the interpreter.
     *
     * @param command the workload's name in the script.
     * @param size    its size.
     * @return the figure the script measured.
     * @throws PythonException      if the interpreter is gone, answers with an error, or times out
     *                              (it is then stopped).
     * @throws InterruptedException if interrupted while waiting.
     */
    public double run(final String command, final int size) throws InterruptedException
    {
        if (unavailableReason != null)
        {
            throw new PythonException("CPython is not running: " + unavailableReason);
        }
        final Object value = send(command + ' ' + size, commandTimeout).get("value");
        if (!(value instanceof Double))
        {
            throw new PythonException("no value in the reply to " + command);
        }
        return (Double)value;
    }

    /** Asks the interpreter to close its pool and exit, then makes sure it has; removes the script. */
    @Override
    public void close()
    {
        if (process != null)
        {
            stop();
        }
        if (directory != null)
        {
            try
            {
                Files.deleteIfExists(directory.resolve(SCRIPT));
                Files.deleteIfExists(directory);
            }
            catch (final IOException ex)
            {
                throw new UncheckedIOException(ex);
            }
        }
    }

    private Map<String, Object> send(final String command, final Duration timeout)
    {
        final String line;
        try
        {
            commands.write(command + '\n');
            commands.flush();
            line = replies.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
        }
        catch (final IOException ex)
        {
            return fail("cannot write to the interpreter: " + ex.getMessage());
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            return fail("interrupted waiting for " + command);
        }
        if (line == null)
        {
            return fail("no reply within " + timeout.toSeconds() + " s to: " + command);
        }
        if (END_OF_OUTPUT.equals(line))
        {
            replies.add(END_OF_OUTPUT);
            return fail("the interpreter exited");
        }
        final Object reply;
        try
        {
            reply = Json.parse(line);
        }
        catch (final IllegalArgumentException ex)
        {
            return fail("not a JSON reply to " + command + ": " + line);
        }
        if (!(reply instanceof Map))
        {
            return fail("not a JSON object in reply to " + command + ": " + line);
        }
        @SuppressWarnings("unchecked")
        final Map<String, Object> object = (Map<String, Object>)reply;
        if (!Boolean.TRUE.equals(object.get("ok")))
        {
            throw new PythonException(command + ": " + object.get("error"));
        }
        return object;
    }

    private Map<String, Object> fail(final String message)
    {
        if (unavailableReason == null)
        {
            unavailableReason = "CPython stopped: " + message;
        }
        stop();
        throw new PythonException(message);
    }

    private void startReader(final InputStream stdout)
    {
        final Thread reader = new Thread(() ->
        {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(stdout, StandardCharsets.UTF_8)))
            {
                String line;
                while ((line = in.readLine()) != null)
                {
                    replies.add(line);
                }
            }
            catch (final IOException ignored)
            {
                // The interpreter is gone; the end marker below says so.
            }
            replies.add(END_OF_OUTPUT);
        }, "cpython-reader");
        reader.setDaemon(true);
        reader.start();
    }

    private void stop()
    {
        if (process == null || !process.isAlive())
        {
            return;
        }
        final List<ProcessHandle> descendants = process.descendants().collect(java.util.stream.Collectors.toList());
        try
        {
            try
            {
                commands.write("quit\n");
                commands.close();
            }
            catch (final IOException ignored)
            {
                // Already gone or not listening: stopped below.
            }
            if (!process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS))
            {
                process.destroy();
                if (!process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS))
                {
                    process.destroyForcibly().waitFor();
                }
            }
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
        finally
        {
            descendants.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
        }
    }

    /** The interpreter failed a command, or stopped answering. */
    public static final class PythonException extends RuntimeException
    {
        private static final long serialVersionUID = 1L;

        /**
         * An exception with the interpreter's message.
         *
         * @param message what went wrong, with the interpreter's own error where there is one.
         */
        public PythonException(final String message)
        {
            super(message);
        }
    }
}
