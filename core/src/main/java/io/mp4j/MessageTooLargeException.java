package io.mp4j;

/**
 * A message does not fit the channel it was offered to (a pipe's ring or a queue's slot). It is thrown
 * before anything is written, so the channel is left exactly as it was and the sender may go on.
 */
public class MessageTooLargeException extends Mp4jException
{
    private static final long serialVersionUID = 1L;

    private final int length;
    private final int maxLength;

    /**
     * An exception that says how large the message was and what fits.
     *
     * @param channel   which channel refused it, e.g. {@code "pipe=pipe-42-1"}.
     * @param length    the message's encoded length in bytes.
     * @param maxLength the largest encoded length the channel takes.
     */
    public MessageTooLargeException(final String channel, final int length, final int maxLength)
    {
        super("message too large: " + channel + " length=" + length + " maxLength=" + maxLength);
        this.length = length;
        this.maxLength = maxLength;
    }

    /**
     * The refused message's encoded length.
     *
     * @return bytes, including the codec's tag.
     */
    public int length()
    {
        return length;
    }

    /**
     * The largest encoded length the channel takes.
     *
     * @return bytes, including the codec's tag.
     */
    public int maxLength()
    {
        return maxLength;
    }
}
