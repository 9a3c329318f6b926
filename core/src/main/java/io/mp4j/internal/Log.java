package io.mp4j.internal;

import java.lang.System.Logger.Level;
import java.util.function.Supplier;

/**
 * mp4j's own loggers, on {@link System.Logger} so that the application's backend receives them. A logger
 * is looked up at its first use: a child JVM that never logs never loads a logging backend. mp4j logs
 * events (workers started, replaced and retired, host leases, sessions swept, regions refused), never
 * on a hot path.
 */
public enum Log
{
    /** Pools: workers started, replaced, retired; pools broken. */
    POOL("io.mp4j.pool"),
    /** Worker hosts: started, stopped, workers leased and released, replaced. */
    HOST("io.mp4j.host"),
    /** Sessions: created, removed, stale ones swept. */
    SESSION("io.mp4j.session"),
    /** Shared regions: files refused as foreign, truncated or of another layout. */
    REGION("io.mp4j.region");

    private final String name;
    private volatile System.Logger logger;

    Log(final String name)
    {
        this.name = name;
    }

    /**
     * Whether a message at this level would be logged.
     *
     * @param level the level.
     * @return true if the backend takes it.
     */
    public boolean isLoggable(final Level level)
    {
        return logger().isLoggable(level);
    }

    /**
     * Logs a message.
     *
     * @param level   the level.
     * @param message the message.
     */
    public void log(final Level level, final String message)
    {
        logger().log(level, message);
    }

    /**
     * Logs a message made only if the level is on.
     *
     * @param level   the level.
     * @param message makes the message.
     */
    public void log(final Level level, final Supplier<String> message)
    {
        logger().log(level, message);
    }

    /**
     * Logs a message with an exception.
     *
     * @param level   the level.
     * @param message the message.
     * @param thrown  the exception.
     */
    public void log(final Level level, final String message, final Throwable thrown)
    {
        logger().log(level, message, thrown);
    }

    private System.Logger logger()
    {
        System.Logger current = logger;
        if (current == null)
        {
            current = System.getLogger(name);
            logger = current;
        }
        return current;
    }
}
