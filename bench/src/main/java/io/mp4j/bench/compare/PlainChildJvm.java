package io.mp4j.bench.compare;

import io.mp4j.process.ProcessContext;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A child JVM as a Java user would hand-roll it without mp4j: started with a {@link ProcessBuilder} from
 * the same command line mp4j uses for its children (same {@code java}, classpath and flags), exchanging
 * serialized objects with this JVM over its stdin and stdout. Each message is written, the stream reset
 * (so that it does not keep every object it ever sent) and flushed. Not mp4j; the building block of the
 * plain-Java side of the comparison ({@link PlainJavaPool}, {@link Fixtures#plainWorker()}).
 * <p>
 * One thread at a time may send, and one receive.
 */
public final class PlainChildJvm implements AutoCloseable
{
    private static final int BUFFER_BYTES = 64 * 1024;
    private static final long STOP_TIMEOUT_MILLIS = 10_000;

    private final Process process;
    private final ObjectOutputStream out;
    private ObjectInputStream in;

    private PlainChildJvm(final Process process) throws IOException
    {
        this.process = process;
        this.out = new ObjectOutputStream(new BufferedOutputStream(process.getOutputStream(), BUFFER_BYTES));
        out.flush();
    }

    /**
     * Starts a JVM running a main class, without waiting for it to be up; the first {@link #receive()}
     * waits.
     *
     * @param mainClass the class whose {@code main} runs, e.g. {@link PlainWorkerMain}.
     * @return the child.
     * @throws IOException if the JVM cannot be started.
     */
    public static PlainChildJvm start(final Class<?> mainClass) throws IOException
    {
        final List<String> command = ProcessContext.defaultContext().javaCommand(mainClass.getName(), List.of());
        final Process process = new ProcessBuilder(command)
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start();
        try
        {
            return new PlainChildJvm(process);
        }
        catch (final IOException | RuntimeException ex)
        {
            process.destroyForcibly();
            throw ex;
        }
    }

    /**
     * Sends one object to the child's stdin.
     *
     * @param message the object, serialized.
     * @throws IOException if the child's stdin is closed or the object cannot be serialized.
     */
    public void send(final Object message) throws IOException
    {
        out.writeObject(message);
        out.reset();
        out.flush();
    }

    /**
     * Receives the next object from the child's stdout, waiting for it.
     *
     * @return the object.
     * @throws Exception the object itself when the child sent an exception (a request that failed there),
     *                   or an I/O or class failure reading it.
     */
    public Object receive() throws Exception
    {
        if (in == null)
        {
            // Reads the child's stream header, so it waits for the JVM to be up.
            in = new ObjectInputStream(new BufferedInputStream(process.getInputStream(), BUFFER_BYTES));
        }
        final Object reply = in.readObject();
        if (reply instanceof Exception)
        {
            throw (Exception)reply;
        }
        return reply;
    }

    /**
     * Sends a request and receives its reply.
     *
     * @param request the request.
     * @return the reply.
     * @throws Exception the child's exception, or an I/O failure.
     */
    public Object exchange(final Object request) throws Exception
    {
        send(request);
        return receive();
    }

    /** Closes the child's stdin so that it exits, waits for it, and kills it if it does not exit. */
    @Override
    public void close()
    {
        closeInput();
        awaitExit();
    }

    /** Closes the child's stdin, which tells a well-behaved child to exit; does not wait. */
    void closeInput()
    {
        try
        {
            out.close();
        }
        catch (final IOException ignored)
        {
            // The child is already gone; awaitExit sees to it.
        }
    }

    /** Waits for the child to exit, then stops it, gracefully and then forcibly. */
    void awaitExit()
    {
        try
        {
            if (!process.waitFor(STOP_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS))
            {
                process.destroy();
                if (!process.waitFor(STOP_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS))
                {
                    process.destroyForcibly().waitFor();
                }
            }
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }
}
