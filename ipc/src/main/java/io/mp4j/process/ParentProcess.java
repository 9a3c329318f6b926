package io.mp4j.process;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The process that started this one, as a child sees it: Python's {@code multiprocessing.parent_process()}.
 * A child never outlives its parent (it exits within moments of the parent's death), so a child that
 * waits for its parent in {@link #join(Duration)} ends with it. Safe from any thread.
 */
public final class ParentProcess
{
    private final String name;
    private final long pid;
    /** Taken while the parent runs: a handle knows its process's start time, so a reused pid is not it. */
    private final ProcessHandle handle;

    ParentProcess(final String name, final long pid)
    {
        this.name = name;
        this.pid = pid;
        this.handle = ProcessHandle.of(pid).orElse(null);
    }

    /**
     * The parent's name, as {@link Multiprocessing#currentProcess()} named it when it started this child.
     *
     * @return e.g. {@code MainProcess} or {@code ChildProcess-1}.
     */
    public String name()
    {
        return name;
    }

    /**
     * The parent's process id (for a hosted child: the id of the process that started it, not the host's).
     *
     * @return the operating system's id of the parent.
     */
    public long pid()
    {
        return pid;
    }

    /**
     * Whether the parent still runs: Python's {@code parent_process().is_alive()}.
     *
     * @return true while the parent process runs.
     */
    public boolean isAlive()
    {
        return handle != null && handle.isAlive();
    }

    /**
     * Waits for the parent to end: Python's {@code parent_process().join()}.
     *
     * @throws InterruptedException if the calling thread is interrupted while waiting.
     */
    public void join() throws InterruptedException
    {
        try
        {
            onExit().get();
        }
        catch (final ExecutionException ex)
        {
            throw new IllegalStateException("process exit cannot fail", ex);
        }
    }

    /**
     * Waits at most {@code timeout} for the parent to end: Python's {@code parent_process().join(timeout)}.
     *
     * @param timeout how long to wait.
     * @return true if the parent has ended, false if the time ran out first.
     * @throws InterruptedException if the calling thread is interrupted while waiting.
     */
    public boolean join(final Duration timeout) throws InterruptedException
    {
        try
        {
            onExit().get(timeout.toNanos(), TimeUnit.NANOSECONDS);
            return true;
        }
        catch (final TimeoutException ex)
        {
            return false;
        }
        catch (final ExecutionException ex)
        {
            throw new IllegalStateException("process exit cannot fail", ex);
        }
    }

    @Override
    public String toString()
    {
        return "ParentProcess{name=" + name + " pid=" + pid + '}';
    }

    private CompletableFuture<?> onExit()
    {
        return handle != null ? handle.onExit() : CompletableFuture.completedFuture(null);
    }
}
