package io.mp4j;

/**
 * Base of every exception mp4j throws. Unchecked, like the JDK's concurrency exceptions; messages
 * carry the facts as {@code key=value} pairs so that a log line alone says what went wrong.
 */
public class Mp4jException extends RuntimeException
{
    private static final long serialVersionUID = 1L;

    /**
     * An exception with a message.
     *
     * @param message what went wrong, with the facts as {@code key=value}.
     */
    public Mp4jException(final String message)
    {
        super(message);
    }

    /**
     * An exception with a message and the cause that led to it.
     *
     * @param message what went wrong, with the facts as {@code key=value}.
     * @param cause   the underlying failure.
     */
    public Mp4jException(final String message, final Throwable cause)
    {
        super(message, cause);
    }
}
