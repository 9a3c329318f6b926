package io.mp4j.bench.compare;

import io.mp4j.queue.QueueContext;
import io.mp4j.queue.SharedQueue;
import io.mp4j.session.Session;

import java.io.IOException;
import java.io.Serial;
import java.util.concurrent.TimeUnit;

/**
 * Row 2: one producer process puts the numbers {@code 0 .. size-1} on a queue as fast as it can and the
 * parent takes them, in messages per second from the parent's command to the last message taken. The
 * producer is warm: it waits for the count, then produces. Each message is checked as it arrives (one
 * producer, so they come in order).
 */
final class QueueTrials
{
    private static final double NANOS_PER_SECOND = 1e9;
    private static final long TAKE_TIMEOUT_SECONDS = 60;

    private QueueTrials()
    {
    }

    /**
     * mp4j: a {@link SharedQueue} with the default settings, filled by a warm child.
     *
     * @param fixtures where the queue and its producer are kept.
     * @param size     how many messages.
     * @return messages per second.
     * @throws Exception if a message is missing or wrong.
     */
    static double mp4j(final Fixtures fixtures, final int size) throws Exception
    {
        final Mp4jProducer producer =
            fixtures.warm("mp4j producer", Mp4jProducer.class, () -> Mp4jProducer.start(fixtures.session()));
        final SharedQueue<Long> queue = producer.queue;
        final long start = System.nanoTime();
        producer.servant.send(size);
        for (long i = 0; i < size; i++)
        {
            checkMessage(i, queue.poll(TAKE_TIMEOUT_SECONDS, TimeUnit.SECONDS));
        }
        final long elapsed = System.nanoTime() - start;
        checkProduced(size, producer.servant.receive());
        return size * NANOS_PER_SECOND / elapsed;
    }

    /**
     * Plain Java: the hand-rolled worker JVM writes each message to its stdout as a serialized object,
     * flushed at once (a queue's message is there to be taken as soon as it is put).
     *
     * @param fixtures where the worker is kept.
     * @param size     how many messages.
     * @return messages per second.
     * @throws Exception if a message is missing or wrong.
     */
    static double plainJava(final Fixtures fixtures, final int size) throws Exception
    {
        final PlainChildJvm worker = fixtures.plainWorker();
        final long start = System.nanoTime();
        worker.send(new Produce(size));
        for (long i = 0; i < size; i++)
        {
            checkMessage(i, worker.receive());
        }
        final long elapsed = System.nanoTime() - start;
        return size * NANOS_PER_SECOND / elapsed;
    }

    private static void checkMessage(final long expected, final Object message)
    {
        if (!(message instanceof Long) || (Long)message != expected)
        {
            throw new IllegalStateException("wrong message: expected=" + expected + " received=" + message);
        }
    }

    private static void checkProduced(final int expected, final Object produced)
    {
        if (!Integer.valueOf(expected).equals(produced))
        {
            throw new IllegalStateException("producer's count differs: expected=" + expected + " reported=" + produced);
        }
    }

    /** mp4j's queue and the warm child that fills it on request. */
    static final class Mp4jProducer implements AutoCloseable
    {
        private final SharedQueue<Long> queue;
        private final Mp4jServant servant;

        private Mp4jProducer(final SharedQueue<Long> queue, final Mp4jServant servant)
        {
            this.queue = queue;
            this.servant = servant;
        }

        static Mp4jProducer start(final Session session)
        {
            final SharedQueue<Long> queue = SharedQueue.create(new QueueContext().session(session));
            try
            {
                return new Mp4jProducer(queue, Mp4jServant.start(session, "producer", count ->
                {
                    final int messages = (Integer)count;
                    for (long i = 0; i < messages; i++)
                    {
                        queue.put(i);
                    }
                    return messages;
                }));
            }
            catch (final RuntimeException ex)
            {
                queue.close();
                throw ex;
            }
        }

        @Override
        public void close()
        {
            servant.closeThen(queue::close);
        }
    }

    /** The plain worker's producer: writes {@code 0 .. count-1}, each as its own flushed message. */
    static final class Produce implements PlainWorkerMain.StreamRequest
    {
        @Serial
        private static final long serialVersionUID = 1L;

        private final int count;

        Produce(final int count)
        {
            this.count = count;
        }

        @Override
        public void run(final PlainWorkerMain.Replies replies) throws IOException
        {
            for (long i = 0; i < count; i++)
            {
                replies.send(i);
            }
        }
    }
}
