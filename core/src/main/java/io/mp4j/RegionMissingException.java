package io.mp4j;

/** A region's file does not exist: it was never created, or its session removed it. */
public class RegionMissingException extends Mp4jException
{
    private static final long serialVersionUID = 1L;

    /**
     * An exception naming the missing file.
     *
     * @param message the facts as {@code key=value}, including {@code file=}.
     */
    public RegionMissingException(final String message)
    {
        super(message);
    }
}
