package io.mp4j.manager;

import io.mp4j.WaitStrategy;
import io.mp4j.internal.Providers;
import io.mp4j.manager.internal.DictProvider;
import io.mp4j.process.ChildProcess;
import io.mp4j.queue.QueueContext;
import io.mp4j.queue.SharedQueue;
import io.mp4j.session.Session;
import io.mp4j.shared.SharedDouble;
import io.mp4j.shared.SharedInt;
import io.mp4j.shared.SharedLong;
import io.mp4j.sync.SharedLock;
import io.mp4j.sync.SharedRLock;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ConcurrentMap;

/**
 * Python's {@code multiprocessing.Manager()}, without a server process: the shared objects it hands
 * out live in the session's memory and files, and every process that receives one uses it directly.
 * <pre>{@code
 * try (Manager manager = new Manager())
 * {
 *     ConcurrentMap<String, Integer> dict = manager.dict();
 *     new ChildProcess((ConcurrentMap<String, Integer> d) -> d.put("answer", 42), dict).start().join();
 *     dict.get("answer");   // 42
 * }
 * }</pre>
 * It hands out a dict, a list and a namespace (Python's {@code dict()}, {@code list()},
 * {@code Namespace()}), and mp4j's own locks, queues and values ({@code Lock()}, {@code RLock()},
 * {@code Queue()}, {@code Value()}). Everything it creates lives in a directory of its own inside the
 * session (a nested session this JVM owns), so closing the manager removes all of it at once, as
 * Python's manager shutdown does; so does the end of the JVM that created the manager. Handles used after
 * that fail. Any thread may use a manager.
 */
public final class Manager implements AutoCloseable
{
    /** Entries a dict expects when none is given. */
    public static final long DEFAULT_EXPECTED_ENTRIES = 100_000;

    /** Items a list has room for before it first grows, when no number is given. */
    public static final int DEFAULT_EXPECTED_ITEMS = 1024;

    private final Session session;
    private final List<DictProvider.Dict<?, ?>> dicts = new ArrayList<>();
    private final List<AutoCloseable> handedOut = new ArrayList<>();
    private boolean closed;

    /** A manager whose objects live in the current session. */
    public Manager()
    {
        this(Session.current());
    }

    /**
     * A manager whose objects live in a directory of their own inside a given session.
     *
     * @param session the session.
     */
    public Manager(final Session session)
    {
        this.session = Session.create(session.directory());
    }

    /**
     * The directory holding what this manager created; it is removed when the manager closes.
     *
     * @return the manager's own session directory.
     */
    public Path directory()
    {
        return session.directory();
    }

    /**
     * A new shared dict sized for {@value #DEFAULT_EXPECTED_ENTRIES} entries: Python's {@code manager.dict()}.
     * The dict is a {@code SharedDict} on a Chronicle Map, from the {@code io.mp4j:mp4j-chronicle} artifact,
     * which must be on the classpath.
     *
     * @param <K> the key type.
     * @param <V> the value type.
     * @return the dict.
     * @throws io.mp4j.Mp4jException if {@code mp4j-chronicle} is not on the classpath.
     */
    public <K, V> ConcurrentMap<K, V> dict()
    {
        return dict(DEFAULT_EXPECTED_ENTRIES);
    }

    /**
     * A new shared dict sized for an expected number of entries; it grows to
     * four times that before puts fail. Needs {@code io.mp4j:mp4j-chronicle} on the classpath.
     *
     * @param expectedEntries how many entries the dict should hold.
     * @param <K>             the key type.
     * @param <V>             the value type.
     * @return the dict.
     * @throws io.mp4j.Mp4jException if {@code mp4j-chronicle} is not on the classpath.
     */
    public synchronized <K, V> ConcurrentMap<K, V> dict(final long expectedEntries)
    {
        checkOpen();
        final DictProvider provider = Providers.load(DictProvider.class, "Manager.dict()", DictProvider.ARTIFACT);
        final String name = "dict-" + UUID.randomUUID().toString().substring(0, 8);
        final DictProvider.Dict<K, V> dict = provider.create(session, name, expectedEntries);
        dicts.add(dict);
        return dict.map();
    }

    /**
     * A new, empty shared list with room for {@value #DEFAULT_EXPECTED_ITEMS} items before it first grows:
     * Python's {@code manager.list()}.
     *
     * @param <V> the type of the items.
     * @return the list.
     */
    public <V> SharedList<V> list()
    {
        return list(DEFAULT_EXPECTED_ITEMS);
    }

    /**
     * A new, empty shared list with room for an expected number of items (and 64 bytes of encoding each)
     * before it first grows; past that it doubles, up to about 2 GiB (see {@link SharedList}).
     *
     * @param expectedItems how many items it should hold without growing, at least 1.
     * @param <V>           the type of the items.
     * @return the list.
     */
    public synchronized <V> SharedList<V> list(final int expectedItems)
    {
        checkOpen();
        return track(SharedList.create(session, expectedItems, WaitStrategy.defaultStrategy()));
    }

    /**
     * A new, empty shared namespace: Python's {@code manager.Namespace()}.
     *
     * @return the namespace.
     */
    public synchronized SharedNamespace namespace()
    {
        checkOpen();
        return track(SharedNamespace.create(session, WaitStrategy.defaultStrategy()));
    }

    /**
     * A new shared lock: Python's {@code manager.Lock()}, here {@link SharedLock#create(Session, WaitStrategy)}
     * in the manager's session. It is mp4j's own lock: recovered if its holder dies.
     *
     * @return the lock.
     */
    public synchronized SharedLock lock()
    {
        checkOpen();
        return track(SharedLock.create(session, WaitStrategy.defaultStrategy()));
    }

    /**
     * A new shared re-entrant lock: Python's {@code manager.RLock()}, here
     * {@link SharedRLock#create(Session, WaitStrategy)} in the manager's session.
     *
     * @return the lock.
     */
    public synchronized SharedRLock rlock()
    {
        checkOpen();
        return track(SharedRLock.create(session, WaitStrategy.defaultStrategy()));
    }

    /**
     * A new shared queue with the default capacity: Python's {@code manager.Queue()}, here
     * {@link SharedQueue#create(QueueContext)} in the manager's session.
     *
     * @param <E> the type of the messages.
     * @return the queue.
     */
    public <E> SharedQueue<E> queue()
    {
        return queue(new QueueContext());
    }

    /**
     * A new shared queue of a given capacity: Python's {@code manager.Queue(maxsize)}.
     *
     * @param capacity how many messages it holds before {@code put} waits, exactly.
     * @param <E>      the type of the messages.
     * @return the queue.
     */
    public <E> SharedQueue<E> queue(final int capacity)
    {
        return queue(new QueueContext().capacity(capacity));
    }

    /**
     * A new shared queue with the given settings, in the manager's session whatever the context says.
     *
     * @param context the settings; concluded here.
     * @param <E>     the type of the messages.
     * @return the queue.
     */
    public synchronized <E> SharedQueue<E> queue(final QueueContext context)
    {
        checkOpen();
        return track(SharedQueue.create(context.session(session)));
    }

    /**
     * A new shared {@code long} with its own lock: Python's {@code manager.Value('q', initial)}, here
     * {@link SharedLong#create(Session, long, boolean, WaitStrategy)} in the manager's session. Unlike
     * Python's value proxy, it has atomic operations and {@code getLock()}.
     *
     * @param initial the first value.
     * @return the value.
     */
    public synchronized SharedLong value(final long initial)
    {
        checkOpen();
        return track(SharedLong.create(session, initial, true, WaitStrategy.defaultStrategy()));
    }

    /**
     * A new shared {@code int} with its own lock: Python's {@code manager.Value('i', initial)}.
     *
     * @param initial the first value.
     * @return the value.
     */
    public synchronized SharedInt intValue(final int initial)
    {
        checkOpen();
        return track(SharedInt.create(session, initial, true, WaitStrategy.defaultStrategy()));
    }

    /**
     * A new shared {@code double} with its own lock: Python's {@code manager.Value('d', initial)}.
     *
     * @param initial the first value.
     * @return the value.
     */
    public synchronized SharedDouble doubleValue(final double initial)
    {
        checkOpen();
        return track(SharedDouble.create(session, initial, true, WaitStrategy.defaultStrategy()));
    }

    /**
     * Closes what this manager created in this JVM and removes its directory, with everything in it.
     * Children that still map an object keep their mapping until they close it or exit; new attaches
     * fail. Idempotent.
     */
    @Override
    public synchronized void close()
    {
        if (closed)
        {
            return;
        }
        closed = true;
        for (final DictProvider.Dict<?, ?> dict : dicts)
        {
            dict.delete().run();
        }
        dicts.clear();
        for (final AutoCloseable object : handedOut)
        {
            try
            {
                object.close();
            }
            catch (final Exception ex)
            {
                // Unmapping is all close does here; the directory goes below either way.
            }
        }
        handedOut.clear();
        session.close();
    }

    private <T extends AutoCloseable> T track(final T object)
    {
        handedOut.add(object);
        return object;
    }

    private void checkOpen()
    {
        if (closed)
        {
            throw new IllegalStateException("manager is closed: directory=" + session.directory());
        }
    }
}
