package io.mp4j.bench.compare;

import io.mp4j.manager.Manager;
import io.mp4j.session.Session;

import java.io.Serial;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentMap;

/**
 * Row 7: a manager's dict used from another process than the one that made it, in operations per
 * second: {@code size / 2} times {@code d[i % 1000] = i} then {@code d[i % 1000]}, each read checked
 * against the write before it. The client is warm (for mp4j, a child that has opened the dict, which
 * costs it seconds once) and times only the operations.
 */
final class DictTrials
{
    /** How many distinct keys the operations cycle through. */
    static final int KEYS = 1_000;

    private static final double NANOS_PER_SECOND = 1e9;

    private DictTrials()
    {
    }

    /**
     * mp4j: {@link Manager#dict()} (a Chronicle Map in the session) made here and used by a warm child,
     * which times its own operations; afterwards this JVM reads the child's last write.
     *
     * @param fixtures where the dict and the child are kept.
     * @param size     how many operations, half sets and half gets.
     * @return operations per second.
     * @throws Exception if a read is wrong.
     */
    static double mp4j(final Fixtures fixtures, final int size) throws Exception
    {
        final Mp4jDict dict = fixtures.warm("mp4j dict", Mp4jDict.class, () -> Mp4jDict.start(fixtures.session()));
        final int pairs = size / 2;
        final long elapsed = (Long)dict.servant.call(pairs);
        final int last = pairs - 1;
        checkRead(last, dict.dict.get(last % KEYS));
        return 2 * pairs * NANOS_PER_SECOND / elapsed;
    }

    /**
     * Plain Java: a hand-rolled manager, a {@link HashMap} in the worker JVM, each operation a request over
     * its stdin and stdout; this JVM is the client and times the operations.
     *
     * @param fixtures where the worker is kept.
     * @param size     how many operations, half sets and half gets.
     * @return operations per second.
     * @throws Exception if a read is wrong.
     */
    static double plainJava(final Fixtures fixtures, final int size) throws Exception
    {
        final PlainChildJvm worker = fixtures.plainWorker();
        final int pairs = size / 2;
        final long start = System.nanoTime();
        for (int i = 0; i < pairs; i++)
        {
            final Integer key = i % KEYS;
            worker.exchange(new Put(key, i));
            checkRead(i, worker.exchange(new Get(key)));
        }
        final long elapsed = System.nanoTime() - start;
        return 2 * pairs * NANOS_PER_SECOND / elapsed;
    }

    /**
     * The client's loop: sets then gets, checking each read; runs in mp4j's child.
     *
     * @param dict  the dict.
     * @param pairs how many set-get pairs.
     * @return the nanoseconds the operations took.
     */
    static long setAndGet(final Map<Integer, Integer> dict, final int pairs)
    {
        final long start = System.nanoTime();
        for (int i = 0; i < pairs; i++)
        {
            final Integer key = i % KEYS;
            dict.put(key, i);
            checkRead(i, dict.get(key));
        }
        return System.nanoTime() - start;
    }

    private static void checkRead(final int expected, final Object read)
    {
        if (!Integer.valueOf(expected).equals(read))
        {
            throw new IllegalStateException("wrong read: expected=" + expected + " read=" + read);
        }
    }

    /** mp4j's manager and dict, and the warm child that uses the dict. */
    static final class Mp4jDict implements AutoCloseable
    {
        private final Manager manager;
        private final ConcurrentMap<Integer, Integer> dict;
        private final Mp4jServant servant;

        private Mp4jDict(final Manager manager, final ConcurrentMap<Integer, Integer> dict, final Mp4jServant servant)
        {
            this.manager = manager;
            this.dict = dict;
            this.servant = servant;
        }

        static Mp4jDict start(final Session session)
        {
            final Manager manager = new Manager(session);
            try
            {
                final ConcurrentMap<Integer, Integer> dict = manager.dict();
                final Mp4jServant servant =
                    Mp4jServant.start(session, "dict", pairs -> setAndGet(dict, (Integer)pairs));
                try
                {
                    // Waits for the child to have opened the dict, which costs it seconds.
                    servant.call(1);
                    return new Mp4jDict(manager, dict, servant);
                }
                catch (final RuntimeException ex)
                {
                    servant.close();
                    throw ex;
                }
            }
            catch (final RuntimeException ex)
            {
                manager.close();
                throw ex;
            }
        }

        @Override
        public void close()
        {
            servant.closeThen(manager::close);
        }
    }

    /** The hand-rolled manager's dict, in the worker JVM; only its one request thread touches it. */
    private static final Map<Integer, Integer> PLAIN_ENTRIES = new HashMap<>();

    /** A set, to the hand-rolled manager: the reply is the previous value, as {@link Map#put} returns. */
    static final class Put implements PlainWorkerMain.Request
    {
        @Serial
        private static final long serialVersionUID = 1L;

        private final Integer key;
        private final Integer value;

        Put(final Integer key, final Integer value)
        {
            this.key = key;
            this.value = value;
        }

        @Override
        public Object run()
        {
            return PLAIN_ENTRIES.put(key, value);
        }
    }

    /** A get, to the hand-rolled manager. */
    static final class Get implements PlainWorkerMain.Request
    {
        @Serial
        private static final long serialVersionUID = 1L;

        private final Integer key;

        Get(final Integer key)
        {
            this.key = key;
        }

        @Override
        public Object run()
        {
            return PLAIN_ENTRIES.get(key);
        }
    }
}
