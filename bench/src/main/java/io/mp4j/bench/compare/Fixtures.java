package io.mp4j.bench.compare;

import io.mp4j.pool.Pool;
import io.mp4j.session.Session;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * What the competitors keep warm between repetitions, as a long-running program would: mp4j's pool,
 * the hand-rolled plain-Java pool and worker, the CPython interpreter (whose script keeps its own pool
 * and children), the input lists, and whatever else a row needs kept ({@link #warm}: a child that echoes,
 * a filled shared array...). Everything is started on first use, and ready before it is handed out.
 * mp4j's shared objects live in a session of the fixtures' own, removed with everything in it by
 * {@link #close()}.
 * <p>
 * Used from the comparison's one thread; {@link #close()} stops everything it started.
 */
public final class Fixtures implements AutoCloseable
{
    /** How many worker processes every pool has, on every side. */
    public static final int POOL_PROCESSES = 2;

    private final CPythonWorkloads python;
    private final Map<String, AutoCloseable> kept = new LinkedHashMap<>();
    private Session session;
    private Pool mp4jPool;
    private PlainJavaPool plainPool;
    private List<Integer> integers = List.of();

    /**
     * Fixtures around a CPython driver, which they close with the rest.
     *
     * @param python the CPython side, running or not.
     */
    public Fixtures(final CPythonWorkloads python)
    {
        this.python = python;
    }

    /**
     * The CPython side.
     *
     * @return the driver.
     */
    public CPythonWorkloads python()
    {
        return python;
    }

    /**
     * The session mp4j's shared objects of the rows live in (pipes, queues, values, arrays, dicts): the
     * fixtures' own, so that closing it removes every file they made.
     *
     * @return the session, created on first use.
     */
    public Session session()
    {
        if (session == null)
        {
            session = Session.create();
        }
        return session;
    }

    /**
     * mp4j's warm pool of {@value #POOL_PROCESSES} workers.
     *
     * @return the pool, ready.
     */
    public Pool mp4jPool()
    {
        if (mp4jPool == null)
        {
            mp4jPool = new Pool(POOL_PROCESSES);
            mp4jPool.apply(() -> 0);
        }
        return mp4jPool;
    }

    /**
     * The hand-rolled pool of {@value #POOL_PROCESSES} worker JVMs.
     *
     * @return the pool, ready.
     * @throws Exception if a worker cannot be started or does not answer.
     */
    public PlainJavaPool plainPool() throws Exception
    {
        if (plainPool == null)
        {
            plainPool = new PlainJavaPool(POOL_PROCESSES);
            plainPool.map(x -> x, List.of(0, 1, 2, 3), 1);
        }
        return plainPool;
    }

    /**
     * One hand-rolled worker JVM ({@link PlainWorkerMain}) for the plain-Java rows that talk to a single
     * child: it echoes, produces a stream of messages, holds a dict, reads a mapped file.
     *
     * @return the worker, ready.
     * @throws Exception if it cannot be started or does not answer.
     */
    public PlainChildJvm plainWorker() throws Exception
    {
        return warm("plain worker", PlainChildJvm.class, () ->
        {
            final PlainChildJvm worker = PlainChildJvm.start(PlainWorkerMain.class);
            try
            {
                worker.exchange(new PlainWorkerMain.Call(() -> 0));
                return worker;
            }
            catch (final Exception ex)
            {
                worker.close();
                throw ex;
            }
        });
    }

    /**
     * Something a row keeps between repetitions, opened on its first use and closed by {@link #close()}
     * (in the reverse order of opening): a warm child, a filled array, a thread pool.
     *
     * @param name   what it is, unique among the fixtures, e.g. {@code "mp4j echo"}; include the size when
     *               it depends on it.
     * @param type   its class.
     * @param opener how to open it.
     * @param <T>    its type.
     * @return the one kept under that name.
     * @throws Exception if opening fails; nothing is kept then.
     */
    public <T extends AutoCloseable> T warm(final String name, final Class<T> type, final Opener<T> opener)
        throws Exception
    {
        final AutoCloseable existing = kept.get(name);
        if (existing != null)
        {
            return type.cast(existing);
        }
        final T opened = opener.open();
        kept.put(name, opened);
        return opened;
    }

    /**
     * The integers {@code 0 .. size-1}, boxed, built once per size and shared by the Java competitors.
     *
     * @param size how many.
     * @return an unmodifiable list.
     */
    public List<Integer> integers(final int size)
    {
        if (integers.size() != size)
        {
            integers = IntStream.range(0, size).boxed().collect(Collectors.toUnmodifiableList());
        }
        return integers;
    }

    /**
     * Stops and closes everything: what the rows kept (newest first), both pools, the session with its
     * files, and the interpreter. Goes on after a failure and throws the first one at the end.
     */
    @Override
    public void close()
    {
        final List<AutoCloseable> closing = new ArrayList<>(kept.values());
        kept.clear();
        Collections.reverse(closing);
        if (mp4jPool != null)
        {
            closing.add(mp4jPool);
        }
        if (plainPool != null)
        {
            closing.add(plainPool);
        }
        if (session != null)
        {
            closing.add(session);
        }
        closing.add(python);

        RuntimeException failure = null;
        for (final AutoCloseable closeable : closing)
        {
            try
            {
                closeable.close();
            }
            catch (final Exception ex)
            {
                if (failure == null)
                {
                    failure = ex instanceof RuntimeException ? (RuntimeException)ex :
                        new IllegalStateException("cannot close " + closeable, ex);
                }
                else
                {
                    failure.addSuppressed(ex);
                }
            }
        }
        if (failure != null)
        {
            throw failure;
        }
    }

    /**
     * Checks the result of mapping {@code x + 1} over {@code 0 .. size-1}.
     *
     * @param results the results.
     * @param size    how many items were mapped.
     * @throws IllegalStateException if the results are not right.
     */
    static void checkIncremented(final List<Integer> results, final int size)
    {
        if (results.size() != size || results.get(0) != 1 || results.get(size - 1) != size)
        {
            throw new IllegalStateException("wrong map results: size=" + results.size() + " expected=" + size);
        }
    }

    /**
     * How to open something a row keeps warm.
     *
     * @param <T> what it opens.
     */
    @FunctionalInterface
    public interface Opener<T>
    {
        /**
         * Opens it, cleaning up after itself if it fails half-way.
         *
         * @return the opened thing, ready.
         * @throws Exception if it cannot be opened.
         */
        T open() throws Exception;
    }
}
