package io.mp4j;

/**
 * A file is not a region mp4j can use: it is foreign, of another layout version or kind, or
 * truncated. The message names the file and the mismatch.
 */
public class RegionLayoutException extends Mp4jException
{
    private static final long serialVersionUID = 1L;

    /**
     * An exception naming the file and the mismatch.
     *
     * @param message the facts as {@code key=value}, including {@code file=}.
     */
    public RegionLayoutException(final String message)
    {
        super(message);
    }
}
