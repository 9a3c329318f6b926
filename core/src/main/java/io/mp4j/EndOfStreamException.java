package io.mp4j;

/**
 * Nothing more will arrive: the other end of a pipe was closed, or the process holding it died, and every
 * message it sent has been received. Python's {@code EOFError}.
 */
public class EndOfStreamException extends Mp4jException
{
    private static final long serialVersionUID = 1L;

    /**
     * An exception saying which channel ended and why.
     *
     * @param message the facts as {@code key=value}.
     */
    public EndOfStreamException(final String message)
    {
        super(message);
    }
}
