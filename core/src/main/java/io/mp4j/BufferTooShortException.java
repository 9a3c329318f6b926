package io.mp4j;

/**
 * A message does not fit the caller's buffer. Python's {@code BufferTooShort}; unlike Python, the message
 * stays in the channel, so the caller may receive it again into a larger buffer.
 */
public class BufferTooShortException extends Mp4jException
{
    private static final long serialVersionUID = 1L;

    private final int messageLength;

    /**
     * An exception that says how much room the message needs.
     *
     * @param message       the facts as {@code key=value}.
     * @param messageLength the message's length in bytes.
     */
    public BufferTooShortException(final String message, final int messageLength)
    {
        super(message);
        this.messageLength = messageLength;
    }

    /**
     * The length of the message that did not fit.
     *
     * @return bytes.
     */
    public int messageLength()
    {
        return messageLength;
    }
}
