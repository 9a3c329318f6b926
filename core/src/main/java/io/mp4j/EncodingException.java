package io.mp4j;

/**
 * An object could not be encoded to cross to another process, or bytes from another process could not
 * be decoded: a class that is not {@code Serializable}, a class missing on this side, a corrupt message.
 */
public class EncodingException extends Mp4jException
{
    private static final long serialVersionUID = 1L;

    /**
     * An exception that says what could not be encoded or decoded.
     *
     * @param message the facts as {@code key=value}.
     * @param cause   the underlying failure.
     */
    public EncodingException(final String message, final Throwable cause)
    {
        super(message, cause);
    }
}
