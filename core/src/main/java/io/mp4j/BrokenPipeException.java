package io.mp4j;

/**
 * A send found nobody to receive it: the other end of the pipe was closed, or the process holding it
 * died. Python's {@code BrokenPipeError}. Nothing of the refused message was written.
 */
public class BrokenPipeException extends Mp4jException
{
    private static final long serialVersionUID = 1L;

    /**
     * An exception saying which channel broke and why.
     *
     * @param message the facts as {@code key=value}.
     */
    public BrokenPipeException(final String message)
    {
        super(message);
    }
}
