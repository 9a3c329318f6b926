package io.mp4j.host;

import io.mp4j.Mp4jException;

/**
 * A worker host's workers run another classpath than the client's, by the contents of its jars and
 * class directories, and none could be given to the client: the client's context says to refuse rather
 * than have workers restarted on its classpath, or the host could not restart them on it (it cannot read
 * the client's entries, or sees other contents there). The message names the host, both classpaths'
 * short digests and the entries by which they differ. Nothing was leased; the client may try again.
 */
public class ClassPathMismatchException extends Mp4jException
{
    private static final long serialVersionUID = 1L;

    /**
     * An exception naming the host and the differing entries.
     *
     * @param message the facts as {@code key=value}, then the differing entries.
     */
    public ClassPathMismatchException(final String message)
    {
        super(message);
    }
}
