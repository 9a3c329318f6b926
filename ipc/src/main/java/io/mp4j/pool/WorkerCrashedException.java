package io.mp4j.pool;

import io.mp4j.Mp4jException;

/**
 * A pool task could not be completed because the worker JVMs that ran it died, as many times as the
 * pool allows: the task itself most likely kills its worker. The message names the task.
 */
public class WorkerCrashedException extends Mp4jException
{
    private static final long serialVersionUID = 1L;

    /**
     * An exception naming the task and its attempts.
     *
     * @param message the facts as {@code key=value}.
     */
    public WorkerCrashedException(final String message)
    {
        super(message);
    }

    /**
     * An exception naming the task and its attempts, thrown again in the caller's thread.
     *
     * @param message the facts as {@code key=value}.
     * @param cause   the exception the pool's engine recorded.
     */
    public WorkerCrashedException(final String message, final Throwable cause)
    {
        super(message, cause);
    }
}
