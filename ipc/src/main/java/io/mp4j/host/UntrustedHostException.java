package io.mp4j.host;

import io.mp4j.Mp4jException;

/**
 * A worker host's registration, session directory or control region is not this OS user's own with
 * owner-only permissions: a host of another user, or one whose files were opened up. The message names
 * the file, what was found there and its owner. Nothing was attached or leased.
 */
public class UntrustedHostException extends Mp4jException
{
    private static final long serialVersionUID = 1L;

    /**
     * An exception naming the host, the file and its owner.
     *
     * @param message the facts as {@code key=value}.
     */
    public UntrustedHostException(final String message)
    {
        super(message);
    }
}
