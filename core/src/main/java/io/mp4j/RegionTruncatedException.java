package io.mp4j;

/**
 * A region's file was made shorter than its mapping while this process used it (by another process of
 * the same user: mp4j's files are owner-only). Its memory is gone: the next access would fault, and a
 * compare-and-set there would kill the JVM with SIGBUS, so mp4j checks the file's length where it can
 * afford to (on attach, before a wait sleeps and after a sleep nobody ended) and fails with this instead.
 */
public class RegionTruncatedException extends RegionLayoutException
{
    private static final long serialVersionUID = 1L;

    /**
     * An exception naming the file and its lengths.
     *
     * @param message the facts as {@code key=value}, including {@code file=}, {@code length=} and {@code expected=}.
     */
    public RegionTruncatedException(final String message)
    {
        super(message);
    }
}
