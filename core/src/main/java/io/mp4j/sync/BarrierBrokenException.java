package io.mp4j.sync;

import io.mp4j.Mp4jException;

/**
 * A {@link SharedBarrier} was broken while, or before, the caller waited on it: aborted, reset, timed
 * out by a party, or its action failed. Python's {@code BrokenBarrierError}; unchecked, unlike the JDK's
 * {@link java.util.concurrent.BrokenBarrierException}.
 */
public class BarrierBrokenException extends Mp4jException
{
    private static final long serialVersionUID = 1L;

    /**
     * An exception saying why the barrier is broken.
     *
     * @param message the facts as {@code key=value}.
     */
    public BarrierBrokenException(final String message)
    {
        super(message);
    }

    /**
     * An exception saying why the barrier is broken, with the failure that broke it.
     *
     * @param message the facts as {@code key=value}.
     * @param cause   e.g. the action's exception.
     */
    public BarrierBrokenException(final String message, final Throwable cause)
    {
        super(message, cause);
    }
}
