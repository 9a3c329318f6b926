package io.mp4j.ipc;

import io.mp4j.core.Session;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Python's {@code multiprocessing.Manager()}, without a server process: the shared objects it hands
 * out live in the session's memory and files, and every process that receives one uses it directly.
 * <pre>{@code
 * try (Manager manager = new Manager())
 * {
 *     SharedDict<String, Integer> dict = manager.dict();
 *     new ChildProcess((SharedDict<String, Integer> d) -> d.put("answer", 42), dict).start().join();
 *     dict.get("answer");   // 42
 * }
 * }</pre>
 * Closing the manager closes and removes what it created, as Python's manager shutdown does. Any thread
 * may use it.
 */
public final class Manager implements AutoCloseable
{
    /** Entries a dict expects when none is given. */
    public static final long DEFAULT_EXPECTED_ENTRIES = 100_000;

    private final Session session;
    private final List<SharedDict<?, ?>> dicts = new ArrayList<>();
    private boolean closed;

    /** A manager whose objects live in the current session. */
    public Manager()
    {
        this(Session.current());
    }

    /**
     * A manager whose objects live in a given session.
     *
     * @param session the session.
     */
    public Manager(final Session session)
    {
        this.session = session;
    }

    /**
     * A new shared dict sized for {@value #DEFAULT_EXPECTED_ENTRIES} entries: Python's {@code manager.dict()}.
     *
     * @param <K> the key type.
     * @param <V> the value type.
     * @return the dict.
     */
    public <K, V> SharedDict<K, V> dict()
    {
        return dict(DEFAULT_EXPECTED_ENTRIES);
    }

    /**
     * A new shared dict sized for an expected number of entries; it grows to
     * {@value SharedDict#MAX_GROWTH} times that before puts fail.
     *
     * @param expectedEntries how many entries the dict should hold.
     * @param <K>             the key type.
     * @param <V>             the value type.
     * @return the dict.
     */
    public synchronized <K, V> SharedDict<K, V> dict(final long expectedEntries)
    {
        checkOpen();
        final String name = "dict-" + UUID.randomUUID().toString().substring(0, 8);
        final SharedDict<K, V> dict = SharedDict.create(name, session.file(name + ".cmap"), expectedEntries);
        dicts.add(dict);
        return dict;
    }

    /** Closes and removes the dicts this manager created. Idempotent. */
    @Override
    public synchronized void close()
    {
        if (closed)
        {
            return;
        }
        closed = true;
        for (final SharedDict<?, ?> dict : dicts)
        {
            dict.delete();
        }
        dicts.clear();
    }

    private void checkOpen()
    {
        if (closed)
        {
            throw new IllegalStateException("manager is closed: session=" + session.directory());
        }
    }
}
