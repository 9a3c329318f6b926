package io.mp4j;

/**
 * A message does not fit the caller's buffer: Python's {@code BufferTooShort}. As in Python, the message
 * has been taken out of the channel and travels here, in {@link #messageBytes()}.
 */
public class BufferTooShortException extends Mp4jException
{
    private static final long serialVersionUID = 1L;

    private final byte[] messageBytes;

    /**
     * An exception carrying the message that did not fit.
     *
     * @param message      the facts as {@code key=value}.
     * @param messageBytes the whole message; kept, not copied.
     */
    public BufferTooShortException(final String message, final byte[] messageBytes)
    {
        super(message);
        this.messageBytes = messageBytes;
    }

    /**
     * The length of the message that did not fit.
     *
     * @return bytes.
     */
    public int messageLength()
    {
        return messageBytes.length;
    }

    /**
     * The message that did not fit: Python's {@code e.args[0]}.
     *
     * @return the message's bytes (the array itself, not a copy).
     */
    public byte[] messageBytes()
    {
        return messageBytes;
    }
}
