package io.mp4j.bench.compare;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.EOFException;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Function;

/**
 * The worker JVM a Java user would hand-roll without mp4j, for the plain-Java side of the comparison:
 * it reads {@link Request}s as serialized objects from stdin, runs each, and writes the result (or the
 * exception it threw) to stdout, until stdin ends; a {@link StreamRequest} writes any number of replies
 * itself, e.g. a producer's messages. Started as a {@link PlainChildJvm} by {@link PlainJavaPool} and
 * {@link Fixtures#plainWorker()}.
 */
public final class PlainWorkerMain
{
    private static final int BUFFER_BYTES = 64 * 1024;

    private PlainWorkerMain()
    {
    }

    /**
     * Serves requests until stdin ends.
     *
     * @param args unused.
     * @throws IOException            if stdin or stdout fail.
     * @throws ClassNotFoundException if a request names a class this JVM does not have.
     */
    public static void main(final String[] args) throws IOException, ClassNotFoundException
    {
        // The protocol owns stdout; anything else printed (a library, a task) goes to stderr.
        final FileOutputStream stdout = new FileOutputStream(FileDescriptor.out);
        System.setOut(System.err);

        final ObjectOutputStream out = new ObjectOutputStream(new BufferedOutputStream(stdout, BUFFER_BYTES));
        out.flush();
        final ObjectInputStream in =
            new ObjectInputStream(new BufferedInputStream(new FileInputStream(FileDescriptor.in), BUFFER_BYTES));
        final Replies replies = reply ->
        {
            out.writeObject(reply);
            // Without a reset the stream would keep every object it ever sent, to refer back to it.
            out.reset();
            out.flush();
        };
        while (true)
        {
            final Object request;
            try
            {
                request = in.readObject();
            }
            catch (final EOFException ex)
            {
                return;
            }

            if (request instanceof StreamRequest)
            {
                try
                {
                    ((StreamRequest)request).run(replies);
                }
                catch (final Exception ex)
                {
                    replies.send(ex);
                }
                continue;
            }
            Object reply;
            try
            {
                reply = ((Request)request).run();
            }
            catch (final Exception ex)
            {
                reply = ex;
            }
            replies.send(reply);
        }
    }

    /** Something for a worker to do: what the parent sends. */
    public interface Request extends Serializable
    {
        /**
         * Does it, in the worker.
         *
         * @return the result, sent back to the parent.
         * @throws Exception if the work fails; the exception is sent back instead.
         */
        Object run() throws Exception;
    }

    /**
     * Something for a worker to do that answers with many replies (a stream of messages, say), each
     * written to stdout as soon as it is made.
     */
    public interface StreamRequest extends Serializable
    {
        /**
         * Does it, in the worker.
         *
         * @param replies where each reply goes.
         * @throws Exception if the work fails; the exception is sent as the last reply.
         */
        void run(Replies replies) throws Exception;
    }

    /** Where a {@link StreamRequest}'s replies go: the worker's stdout, one object at a time. */
    @FunctionalInterface
    public interface Replies
    {
        /**
         * Writes one reply, resets the stream and flushes it, so that the parent can read it at once.
         *
         * @param reply the reply, serialized.
         * @throws IOException if stdout is closed.
         */
        void send(Object reply) throws IOException;
    }

    /**
     * A function the parent can send: serializable, as a lambda cast to it is.
     *
     * @param <T> the argument type.
     * @param <R> the result type.
     */
    public interface SerializableFunction<T, R> extends Function<T, R>, Serializable
    {
    }

    /**
     * A task the parent can send: serializable, as a lambda cast to it is.
     *
     * @param <R> the result type.
     */
    public interface SerializableCallable<R> extends Callable<R>, Serializable
    {
    }

    /** Apply a function to each item of a chunk; the reply is the list of results. */
    public static final class MapChunk implements Request
    {
        private static final long serialVersionUID = 1L;

        private final SerializableFunction<Object, Object> function;
        private final ArrayList<Object> items;

        /**
         * A chunk to map.
         *
         * @param function the function.
         * @param items    the chunk's items, copied.
         */
        @SuppressWarnings("unchecked")
        public MapChunk(final SerializableFunction<?, ?> function, final List<?> items)
        {
            this.function = (SerializableFunction<Object, Object>)function;
            this.items = new ArrayList<>(items);
        }

        /** {@inheritDoc} */
        @Override
        public Object run()
        {
            final ArrayList<Object> results = new ArrayList<>(items.size());
            for (final Object item : items)
            {
                results.add(function.apply(item));
            }
            return results;
        }
    }

    /** Call a task once; the reply is its result. */
    public static final class Call implements Request
    {
        private static final long serialVersionUID = 1L;

        private final SerializableCallable<?> task;

        /**
         * A task to call.
         *
         * @param task the task.
         */
        public Call(final SerializableCallable<?> task)
        {
            this.task = task;
        }

        /** {@inheritDoc} */
        @Override
        public Object run() throws Exception
        {
            return task.call();
        }
    }
}
