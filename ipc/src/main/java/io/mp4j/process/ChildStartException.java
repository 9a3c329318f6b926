package io.mp4j.process;

import io.mp4j.RemoteException;
import io.mp4j.RemoteThrowable;

/**
 * A child JVM that ended before mp4j's bootstrap ran in it: the {@code java} launcher could not create
 * the JVM (a bad option) or load the bootstrap class (a classpath without mp4j, a {@code java} older
 * than the classes). Nothing of the target ran, so a pool does not retry it as a crash of the task; it
 * fails its calls with this at once. The cause holds what the launcher printed.
 */
public class ChildStartException extends RemoteException
{
    private static final long serialVersionUID = 1L;
    private static final String CAUSED_BY = "Caused by: ";

    /**
     * An exception for a child whose JVM never ran mp4j's code.
     *
     * @param name      the child's name.
     * @param exitCode  the launcher's exit code.
     * @param output    the start of what the launcher printed on standard error.
     * @param classPath the classpath the child was started with.
     */
    public ChildStartException(final String name, final int exitCode, final String output, final String classPath)
    {
        super("child JVM ended before mp4j's bootstrap ran: name=" + name + " exitCode=" + exitCode +
            " classPath=" + classPath, launcherError(output));
    }

    private ChildStartException(final ChildStartException original)
    {
        super(original);
    }

    @Override
    public ChildStartException rethrownHere()
    {
        return new ChildStartException(this);
    }

    /** What the launcher printed, as the exception it names ({@code Caused by: …}) when it names one. */
    private static RemoteThrowable launcherError(final String output)
    {
        final String text = output.strip();
        String className = "java";
        for (final String line : text.split("\\R"))
        {
            if (line.startsWith(CAUSED_BY))
            {
                final String named = line.substring(CAUSED_BY.length());
                final int colon = named.indexOf(':');
                className = colon < 0 ? named.strip() : named.substring(0, colon).strip();
            }
        }
        return new RemoteThrowable(className, text.isEmpty() ? "(the launcher printed nothing)" : text,
            new StackTraceElement[0]);
    }
}
