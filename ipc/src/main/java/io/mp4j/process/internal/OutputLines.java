package io.mp4j.process.internal;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.Charset;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Copies a child's standard output or error to this JVM's stream a whole line at a time, each line in
 * one write under the stream's lock, so that lines of concurrent children never interleave. A line
 * longer than {@value #MAX_LINE_BYTES} bytes (a progress bar redrawn with {@code \r}, say) is written
 * in pieces of that size rather than held whole. Or each line, decoded and without its line end, goes to
 * a handler (a logger, say). A spawned child's bytes come from its pipe, a hosted child's from its
 * channel. The first {@value #HEAD_BYTES} bytes are kept, to explain a child that died at its start.
 * Used by one thread at a time.
 */
public final class OutputLines
{
    static final int MAX_LINE_BYTES = 64 * 1024;
    static final int HEAD_BYTES = 4096;

    private final Supplier<PrintStream> to;
    private final Consumer<String> handler;
    private final ByteArrayOutputStream line = new ByteArrayOutputStream(256);
    /** Written by the copying thread, read by another: a ByteArrayOutputStream synchronizes both. */
    private final ByteArrayOutputStream head = new ByteArrayOutputStream(256);
    /** Part of the current line has been written already. */
    private boolean lineStarted;

    /**
     * Lines copied as bytes to a stream.
     *
     * @param to where the lines go, asked at every line so that a later {@code System.setOut} is seen.
     */
    public OutputLines(final Supplier<PrintStream> to)
    {
        this.to = to;
        this.handler = null;
    }

    /**
     * Lines decoded with the platform's charset, as the child wrote them, and handed to a handler
     * without their line end. An exception the handler throws loses that line only.
     *
     * @param handler takes each line.
     */
    public OutputLines(final Consumer<String> handler)
    {
        this.to = null;
        this.handler = handler;
    }

    /**
     * The first bytes the child wrote, decoded.
     *
     * @return up to {@value #HEAD_BYTES} bytes of text; empty if the child wrote nothing.
     */
    public String head()
    {
        return head.toString(Charset.defaultCharset());
    }

    /** Copies a stream until its end (or until it breaks), then {@link #finish()}es. */
    public void copyAll(final InputStream from)
    {
        final byte[] buffer = new byte[8192];
        try (from)
        {
            int read;
            while ((read = from.read(buffer)) != -1)
            {
                copy(buffer, 0, read);
            }
        }
        catch (final IOException ex)
        {
            // The child's end closed abruptly: what was read so far is still written below.
        }
        finish();
    }

    /** Writes the complete lines among these bytes and keeps the rest for the next call. */
    public void copy(final byte[] bytes, final int offset, final int length)
    {
        keepHead(bytes, offset, length);
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

    private void keepHead(final byte[] bytes, final int offset, final int length)
    {
        final int room = HEAD_BYTES - head.size();
        if (room > 0)
        {
            head.write(bytes, offset, Math.min(room, length));
        }
    }

    private void writeLine()
    {
        if (handler != null)
        {
            int end = line.size();
            final byte[] bytes = line.toByteArray();
            while (end > 0 && (bytes[end - 1] == '\n' || bytes[end - 1] == '\r'))
            {
                end--;
            }
            line.reset();
            try
            {
                handler.accept(new String(bytes, 0, end, Charset.defaultCharset()));
            }
            catch (final RuntimeException ex)
            {
                // The handler's own failure: the line is lost, the copying goes on.
            }
            return;
        }
        final PrintStream stream = to.get();
        if (stream == null)
        {
            line.reset(); // this JVM's stream was set to null: the line goes nowhere, the copying goes on
            return;
        }
        synchronized (stream)
        {
            stream.write(line.toByteArray(), 0, line.size());
            stream.flush();
        }
        line.reset();
    }
}
