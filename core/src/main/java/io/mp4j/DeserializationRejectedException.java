package io.mp4j;

/**
 * Bytes from another process were refused by the deserialization filter before any object of the
 * refused class was built: a class the filter does not allow, or a graph too deep, or an array longer
 * than its message could hold. The message names the class or the limit.
 */
public class DeserializationRejectedException extends EncodingException
{
    private static final long serialVersionUID = 1L;

    /**
     * An exception naming what the filter refused.
     *
     * @param message the facts as {@code key=value}, including {@code class=} or the limit crossed.
     * @param cause   the stream's own failure, or null.
     */
    public DeserializationRejectedException(final String message, final Throwable cause)
    {
        super(message, cause);
    }
}
