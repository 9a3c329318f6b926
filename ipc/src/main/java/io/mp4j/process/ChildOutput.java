package io.mp4j.process;

import java.lang.System.Logger.Level;
import java.util.Objects;

/**
 * Where the standard output and error of child processes go, a line at a time: set it with
 * {@link ProcessContext#output(ChildOutput)}. By default ({@link #inherit()}) the lines are copied, as
 * bytes, to this JVM's {@code System.out} and {@code System.err}, as Python's children write to their
 * parent's streams. A pool's workers and hosted children follow the setting of their context too.
 * <pre>{@code
 * ProcessContext context = new ProcessContext()
 *     .output(ChildOutput.logger(System.getLogger("workers")));   // stdout at INFO, stderr at WARNING
 * new ChildProcess(context, () -> System.out.println("hello")).start().join();
 * }</pre>
 * A handler is called by one thread per stream of each child, so it must be safe from several threads;
 * it should be quick, since the child blocks when its pipe fills up.
 */
@FunctionalInterface
public interface ChildOutput
{
    /** Which of a child's streams a line comes from. */
    enum Stream
    {
        /** Standard output. */
        OUT,
        /** Standard error. */
        ERR
    }

    /**
     * Takes one line of a child's output.
     *
     * @param process the child's name, e.g. {@code ChildProcess-1} or {@code PoolWorker-2}.
     * @param stream  the stream the line was written to.
     * @param line    the line, decoded with the platform's charset, without its line end.
     */
    void line(String process, Stream stream, String line);

    /**
     * The default: lines copied as bytes to this JVM's {@code System.out} and {@code System.err} (as they
     * are when each line arrives), each line in one write so that lines of concurrent children never
     * interleave.
     *
     * @return the shared handler.
     */
    static ChildOutput inherit()
    {
        return InheritedOutput.INSTANCE;
    }

    /**
     * Lines logged to a {@link System.Logger} as {@code [name] line}: standard output at {@code INFO},
     * standard error at {@code WARNING}. With slf4j's {@code slf4j-jdk-platform-logging} bridge the
     * lines reach slf4j's backend.
     *
     * @param logger the logger.
     * @return a handler that logs.
     */
    static ChildOutput logger(final System.Logger logger)
    {
        Objects.requireNonNull(logger, "logger");
        return (process, stream, line) ->
            logger.log(stream == Stream.OUT ? Level.INFO : Level.WARNING, "[{0}] {1}", process, line);
    }

    /**
     * Lines thrown away, as Python's {@code subprocess.DEVNULL} would.
     *
     * @return a handler that does nothing.
     */
    static ChildOutput discard()
    {
        return (process, stream, line) ->
        {
        };
    }
}
