package io.mp4j.bench.compare;

import io.mp4j.EndOfStreamException;
import io.mp4j.Mp4jTimeoutException;
import io.mp4j.connection.Connection;
import io.mp4j.connection.Pipe;
import io.mp4j.process.ChildProcess;
import io.mp4j.process.ProcessContext;
import io.mp4j.session.Session;

import java.io.PrintWriter;
import java.io.Serial;
import java.io.Serializable;
import java.io.StringWriter;
import java.time.Duration;

/**
 * A warm mp4j child that answers requests through an mp4j {@link Pipe} with a handler fixed when it
 * starts: what mp4j's side of a row keeps running between repetitions (a child that echoes, a queue
 * producer, a process that takes a lock, one that holds a manager dict open, one that reads a shared
 * array). The handler travels once, with what it captures (shared objects travel as handles and are
 * attached once, in the child); each request is then a small value through the pipe, whose ends wait
 * with the JVM's default wait strategy. A handler's exception comes back as a failed reply.
 * <p>
 * Used from the comparison's one thread; {@link #close()} ends the child.
 */
public final class Mp4jServant implements AutoCloseable
{
    private static final Duration REPLY_TIMEOUT = Duration.ofMinutes(5);
    private static final Duration LIVENESS_CHECK_INTERVAL = Duration.ofSeconds(1);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);

    private final String name;
    private final Pipe pipe;
    private final ChildProcess child;

    private Mp4jServant(final String name, final Pipe pipe, final ChildProcess child)
    {
        this.name = name;
        this.pipe = pipe;
        this.child = child;
    }

    /**
     * Opens a pipe in the session and starts the child that serves its far end.
     *
     * @param session where the pipe lives.
     * @param name    the child's name, e.g. {@code "echo"}.
     * @param handler what the child does with each request; runs in the child.
     * @return the servant; its first request waits for the child to be up.
     */
    public static Mp4jServant start(final Session session, final String name, final Handler handler)
    {
        return start(ProcessContext.defaultContext(), session, name, handler);
    }

    /**
     * Opens a pipe in the session and starts the child that serves its far end, launched as a process context
     * says (e.g. with a system property of its own).
     *
     * @param launch  how the child is launched.
     * @param session where the pipe lives.
     * @param name    the child's name, e.g. {@code "echo"}.
     * @param handler what the child does with each request; runs in the child.
     * @return the servant; its first request waits for the child to be up.
     */
    public static Mp4jServant start(
        final ProcessContext launch, final Session session, final String name, final Handler handler)
    {
        final Pipe pipe = Pipe.open(new Pipe.Context().session(session));
        try
        {
            final Connection childEnd = pipe.second();
            final ChildProcess child = new ChildProcess(launch, () -> serve(childEnd, handler))
                .name("compare-" + name).daemon(true).start();
            return new Mp4jServant(name, pipe, child);
        }
        catch (final RuntimeException ex)
        {
            pipe.close();
            throw ex;
        }
    }

    /**
     * This side's end of the pipe, for a row that times the pipe itself.
     *
     * @return the parent's end.
     */
    public Connection connection()
    {
        return pipe.first();
    }

    /**
     * Sends a request without waiting for its reply.
     *
     * @param request the request.
     */
    public void send(final Object request)
    {
        pipe.first().send(request);
    }

    /**
     * Waits for the next reply.
     *
     * @return the reply.
     * @throws IllegalStateException if the handler failed, with the child's stack trace, or the child died.
     * @throws Mp4jTimeoutException  if no reply came within minutes.
     * @throws EndOfStreamException  if the child closed its end.
     */
    public Object receive()
    {
        final long deadline = System.nanoTime() + REPLY_TIMEOUT.toNanos();
        Object reply;
        while (true)
        {
            try
            {
                reply = pipe.first().recv(LIVENESS_CHECK_INTERVAL);
                break;
            }
            catch (final Mp4jTimeoutException ex)
            {
                // A child that died before it attached its end never closes it: look at the process.
                if (!child.isAlive())
                {
                    throw new IllegalStateException("mp4j child " + name + " died: " +
                        child.failure().map(Throwable::toString).orElse("no failure reported"), ex);
                }
                if (System.nanoTime() - deadline > 0)
                {
                    throw ex;
                }
            }
        }
        if (reply instanceof Failure)
        {
            throw new IllegalStateException("mp4j child " + name + " failed: " + ((Failure)reply).stackTrace());
        }
        return reply;
    }

    /**
     * Sends a request and waits for its reply.
     *
     * @param request the request.
     * @return the reply.
     * @throws IllegalStateException if the handler failed.
     */
    public Object call(final Object request)
    {
        send(request);
        return receive();
    }

    /** Closes the pipe, which ends the child's loop, and waits for the child; kills it if it lingers. */
    @Override
    public void close()
    {
        pipe.close();
        try
        {
            if (!child.join(STOP_TIMEOUT))
            {
                child.kill();
                child.join();
            }
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            child.kill();
        }
    }

    /**
     * Closes this servant, then releases what it worked on, even if closing failed.
     *
     * @param release e.g. the queue or value the child used.
     */
    public void closeThen(final Runnable release)
    {
        try
        {
            close();
        }
        finally
        {
            release.run();
        }
    }

    private static void serve(final Connection end, final Handler handler)
    {
        while (true)
        {
            final Object request;
            try
            {
                request = end.recv();
            }
            catch (final EndOfStreamException ex)
            {
                return;
            }
            Object reply;
            try
            {
                reply = handler.handle(request);
            }
            catch (final Exception ex)
            {
                final StringWriter trace = new StringWriter();
                ex.printStackTrace(new PrintWriter(trace));
                reply = new Failure(trace.toString());
            }
            end.send(reply);
        }
    }

    /** What a servant does with each request, in the child: serializable, with what it captures. */
    @FunctionalInterface
    public interface Handler extends Serializable
    {
        /**
         * Answers one request.
         *
         * @param request the request, as sent.
         * @return the reply, sent back.
         * @throws Exception if the request fails; the parent's {@link #receive()} then throws.
         */
        Object handle(Object request) throws Exception;
    }

    /** A failed request's reply: the handler's exception, as text. */
    private record Failure(String stackTrace) implements Serializable
    {
        @Serial
        private static final long serialVersionUID = 1L;
    }
}
