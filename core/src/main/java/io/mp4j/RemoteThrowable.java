package io.mp4j;

/**
 * Stands in for an exception thrown in another process: it prints as the original did (its class
 * name, message and stack frames) without the original class being loaded here.
 */
public final class RemoteThrowable extends Throwable
{
    private static final long serialVersionUID = 1L;

    private final String className;

    /**
     * A stand-in for a remote exception.
     *
     * @param className the original exception's class name.
     * @param message   the original exception's message, or null.
     * @param frames    the original exception's stack frames.
     */
    public RemoteThrowable(final String className, final String message, final StackTraceElement[] frames)
    {
        super(message);
        this.className = className;
        setStackTrace(frames);
    }

    /**
     * The original exception's class name.
     *
     * @return e.g. {@code java.lang.IllegalStateException}.
     */
    public String className()
    {
        return className;
    }

    @Override
    public String toString()
    {
        final String message = getLocalizedMessage();
        return message != null ? className + ": " + message : className;
    }
}
