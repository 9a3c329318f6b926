package io.mp4j.process.internal;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.util.function.Supplier;

/**
 * Copies a child's standard output or error to this JVM's stream a whole line at a time, each line in
 * one write under the stream's lock, so that lines of concurrent children never interleave. A line
 * longer than {@value #MAX_LINE_BYTES} bytes (a progress bar redrawn with {@code \r}, say) is written
 * in pieces of that size rather than held whole. A spawned child's bytes come from its pipe, a hosted
 * child's from its channel. Used by one thread at a time.
 */
public final class OutputLines
{
    static final int MAX_LINE_BYTES = 64 * 1024;

    private final Supplier<PrintStream> to;
    private final ByteArrayOutputStream line = new ByteArrayOutputStream(256);
    /** Part of the current line has been written already. */
    private boolean lineStarted;

    /**
     * @param to where the lines go, asked at every line so that a later {@code System.setOut} is seen.
     */
    public OutputLines(final Supplier<PrintStream> to)
    {
        this.to = to;
    }

    /** Copies a stream until its end (or until it breaks), then {@link #finish()}es. */
    public static void copyAll(final InputStream from, final Supplier<PrintStream> to)
    {
        final OutputLines lines = new OutputLines(to);
        final byte[] buffer = new byte[8192];
        try (from)
        {
            int read;
            while ((read = from.read(buffer)) != -1)
            {
                lines.copy(buffer, 0, read);
            }
        }
        catch (final IOException ex)
        {
            // The child's end closed abruptly: what was read so far is still written below.
        }
        lines.finish();
    }

    /** Writes the complete lines among these bytes and keeps the rest for the next call. */
    public void copy(final byte[] bytes, final int offset, final int length)
    {
        final int end = offset + length;
        int start = offset;
        for (int i = offset; i < end; i++)
        {
            if (bytes[i] == '\n')
            {
                line.write(bytes, start, i + 1 - start);
                writeLine();
                lineStarted = false;
                start = i + 1;
            }
        }
        line.write(bytes, start, end - start);
        if (line.size() >= MAX_LINE_BYTES)
        {
            writeLine();
            lineStarted = true;
        }
    }

    /** Writes what is left of an unterminated last line, ending it with a newline. */
    public void finish()
    {
        if (line.size() > 0 || lineStarted)
        {
            line.write('\n');
            writeLine();
        }
    }

    private void writeLine()
    {
        final PrintStream stream = to.get();
        synchronized (stream)
        {
            stream.write(line.toByteArray(), 0, line.size());
            stream.flush();
        }
        line.reset();
    }
}
