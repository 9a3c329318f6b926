package io.mp4j;

/**
 * A blocking call that takes a {@code Duration} ran out of time. Calls that implement a JDK interface
 * follow that interface instead ({@code tryLock} returns false, {@code poll} returns null).
 */
public class Mp4jTimeoutException extends Mp4jException
{
    private static final long serialVersionUID = 1L;

    /**
     * An exception saying what timed out and after how long.
     *
     * @param message the facts as {@code key=value}, e.g. {@code "recv timed out: timeout=PT1S"}.
     */
    public Mp4jTimeoutException(final String message)
    {
        super(message);
    }
}
