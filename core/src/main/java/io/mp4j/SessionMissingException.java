package io.mp4j;

/**
 * A session, or the directory behind it, is not there: it was closed, its owner removed it, or the
 * path never named a session.
 */
public class SessionMissingException extends Mp4jException
{
    private static final long serialVersionUID = 1L;

    /**
     * An exception naming the missing session.
     *
     * @param message what is missing, with the path as {@code path=...}.
     */
    public SessionMissingException(final String message)
    {
        super(message);
    }
}
