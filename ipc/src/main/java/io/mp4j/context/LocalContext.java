package io.mp4j.context;

import io.mp4j.context.internal.ContextNames;

import io.mp4j.Mp4jException;
import io.mp4j.WaitStrategy;
import io.mp4j.internal.JavaSerialization;
import io.mp4j.internal.Providers;
import io.mp4j.manager.SharedList;
import io.mp4j.manager.internal.DictProvider;
import io.mp4j.pool.Pool;
import io.mp4j.pool.WorkerPool;
import io.mp4j.queue.JoinableQueue;
import io.mp4j.queue.QueueContext;
import io.mp4j.queue.SharedQueue;
import io.mp4j.queue.TaskQueue;
import io.mp4j.session.Session;
import io.mp4j.shared.DoubleValue;
import io.mp4j.shared.LongValue;
import io.mp4j.shared.SharedDouble;
import io.mp4j.shared.SharedLong;
import io.mp4j.sync.Barrier;
import io.mp4j.sync.CountingSemaphore;
import io.mp4j.sync.Event;
import io.mp4j.sync.SharedBarrier;
import io.mp4j.sync.SharedCondition;
import io.mp4j.sync.SharedEvent;
import io.mp4j.sync.SharedLock;
import io.mp4j.sync.SharedRLock;
import io.mp4j.sync.SharedSemaphore;

import java.io.IOException;
import java.io.ObjectStreamException;
import java.io.Serial;
import java.io.Serializable;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.Lock;
import java.util.function.Supplier;

/**
 * The {@link MultiprocessingContext} of shared memory on this machine: its objects are mp4j's own
 * ({@link Pool}, {@link SharedQueue}, {@link SharedLock}, {@link SharedLong} …, at their full speed), kept in
 * a directory of the context's own inside this process family's session, as a {@link io.mp4j.manager.Manager}'s
 * are.
 * <pre>{@code
 * try (MultiprocessingContext context = MultiprocessingContext.local())
 * {
 *     BlockingQueue<String> jobs = context.queue("jobs", 100);
 *     new ChildProcess((MultiprocessingContext c) -> c.queue("jobs", 100).put("hi"), context).start().join();
 *     jobs.take();   // "hi"
 * }
 * }</pre>
 * The processes that share names are those the context reaches: it is {@link Serializable}, and a child
 * given it as an argument (or through a queue, a pipe or a pool task) attaches to the same directory and meets
 * the same objects by name. Each name is a small file there holding the object's handle, linked into place
 * atomically, so two processes asking for a new name at once agree on one object. The process that created the
 * context owns it: its {@link #close()} (or its exit) closes the objects and removes the directory, and a
 * process still using an object after that gets mp4j's error. A context attached from elsewhere closes only
 * its own mappings. The dict needs the {@code mp4j-chronicle} artifact on the classpath, as
 * {@link io.mp4j.manager.Manager#dict()} does.
 */
public final class LocalContext implements MultiprocessingContext, Serializable
{
    @Serial
    private static final long serialVersionUID = 1L;

    private static final String ENTRY_PREFIX = "named-";
    private static final int DICT_EXPECTED_ENTRIES = 100_000;
    private static final int LIST_EXPECTED_ITEMS = 1024;

    private final String directory;
    private transient Session session;
    private transient Map<String, Object> objects;
    private transient List<Runnable> releases;
    private transient List<Pool> pools;
    private transient boolean closed;

    private LocalContext(final Session session)
    {
        this.directory = session.directory().toString();
        this.session = session;
        this.objects = new LinkedHashMap<>();
        this.releases = new ArrayList<>();
        this.pools = new ArrayList<>();
    }

    /**
     * A new context in a directory of its own inside the current session; this JVM owns it.
     *
     * @return the context; close it to remove its objects.
     */
    public static LocalContext create()
    {
        final Session session = Session.create(Session.current().directory());
        // Its objects are found by name: one a child made must outlive the child, until this context closes.
        session.keepRegions();
        return new LocalContext(session);
    }

    /**
     * The directory holding this context's objects.
     *
     * @return the directory; removed when the owning process closes the context.
     */
    public Path directory()
    {
        return Paths.get(directory);
    }

    @Override
    public synchronized WorkerPool pool(final int processes)
    {
        checkOpen();
        final Pool pool = new Pool(processes);
        pools.add(pool);
        return pool;
    }

    @Override
    public <E> BlockingQueue<E> queue(final String name, final int capacity)
    {
        ContextNames.checkCapacity("queue", name, capacity);
        final SharedQueue<E> queue = named("queue", name,
            () -> SharedQueue.create(new QueueContext().capacity(capacity).session(session)),
            SharedQueue::close);
        return ContextNames.expect(queue, "queue", name, "capacity", queue.capacity(), capacity);
    }

    @Override
    public <E> TaskQueue<E> joinableQueue(final String name, final int capacity)
    {
        ContextNames.checkCapacity("joinable queue", name, capacity);
        final JoinableQueue<E> queue = named("joinable-queue", name,
            () -> JoinableQueue.create(new QueueContext().capacity(capacity).session(session)),
            JoinableQueue::close);
        return ContextNames.expect(queue, "joinable queue", name, "capacity", queue.capacity(), capacity);
    }

    @Override
    public Lock lock(final String name)
    {
        return named("lock", name, () -> SharedLock.create(session, WaitStrategy.defaultStrategy()), SharedLock::close);
    }

    @Override
    public Lock rlock(final String name)
    {
        return named("rlock", name, () -> SharedRLock.create(session, WaitStrategy.defaultStrategy()), SharedRLock::close);
    }

    @Override
    public Condition condition(final String lockName)
    {
        final SharedLock lock = (SharedLock)lock(lockName);
        return named("condition", lockName, () -> SharedCondition.create(session, lock, WaitStrategy.defaultStrategy()),
            SharedCondition::close);
    }

    @Override
    public CountingSemaphore semaphore(final String name, final int permits)
    {
        return semaphore("semaphore", name, permits, false);
    }

    @Override
    public CountingSemaphore boundedSemaphore(final String name, final int permits)
    {
        return semaphore("bounded-semaphore", name, permits, true);
    }

    private CountingSemaphore semaphore(final String kind, final String name, final int permits, final boolean bounded)
    {
        final SharedSemaphore semaphore = named(kind, name,
            () -> SharedSemaphore.create(session, permits, bounded, WaitStrategy.defaultStrategy()),
            SharedSemaphore::close);
        return ContextNames.expect(semaphore, kind, name, "permits", semaphore.initialPermits(), permits);
    }

    @Override
    public Event event(final String name)
    {
        return named("event", name, () -> SharedEvent.create(session, WaitStrategy.defaultStrategy()), SharedEvent::close);
    }

    @Override
    public Barrier barrier(final String name, final int parties)
    {
        final SharedBarrier barrier = named("barrier", name,
            () -> SharedBarrier.create(session, parties, null, WaitStrategy.defaultStrategy()), SharedBarrier::close);
        return ContextNames.expect(barrier, "barrier", name, "parties", barrier.parties(), parties);
    }

    @Override
    public LongValue longValue(final String name, final long initial)
    {
        return named("long", name,
            () -> SharedLong.create(session, initial, false, WaitStrategy.defaultStrategy()), SharedLong::close);
    }

    @Override
    public DoubleValue doubleValue(final String name, final double initial)
    {
        return named("double", name,
            () -> SharedDouble.create(session, initial, false, WaitStrategy.defaultStrategy()), SharedDouble::close);
    }

    @Override
    public <K, V> ConcurrentMap<K, V> dict(final String name)
    {
        final DictProvider provider = Providers.load(DictProvider.class, "MultiprocessingContext.dict()",
            DictProvider.ARTIFACT);
        return named("dict", name, () ->
            {
                final DictProvider.Dict<K, V> dict = provider.create(
                    session, "dict-" + UUID.randomUUID().toString().substring(0, 8), DICT_EXPECTED_ENTRIES);
                return dict.map();
            },
            map -> ((AutoCloseable)map).close());
    }

    @Override
    public <E> List<E> list(final String name)
    {
        return named("list", name,
            () -> SharedList.<E>create(session, LIST_EXPECTED_ITEMS, WaitStrategy.defaultStrategy()), SharedList::close);
    }

    /**
     * Closes this context's objects and pools in this JVM; the owner also removes the directory with every
     * object in it. Idempotent.
     */
    @Override
    public void close()
    {
        final List<Pool> toTerminate;
        final List<Runnable> toRelease;
        synchronized (this)
        {
            if (closed)
            {
                return;
            }
            closed = true;
            toTerminate = new ArrayList<>(pools);
            toRelease = new ArrayList<>(releases);
            pools.clear();
            releases.clear();
            objects.clear();
        }
        toTerminate.forEach(Pool::terminate);
        for (int i = toRelease.size() - 1; i >= 0; i--)
        {
            toRelease.get(i).run();
        }
        session.close();
    }

    @Override
    public String toString()
    {
        return "LocalContext{directory=" + directory + (session.isOwner() ? ", owner" : "") +
            (closed ? ", closed" : "") + '}';
    }

    /**
     * The object of that kind and name: this JVM's if it has it, else the one another process linked into the
     * directory, else a new one made here and linked in, unless another process linked its own first.
     */
    @SuppressWarnings("unchecked")
    private synchronized <T> T named(
        final String kind, final String name, final Supplier<T> create, final ThrowingConsumer<T> close)
    {
        checkOpen();
        ContextNames.check(kind, name);
        final String key = kind + '-' + name;
        final Object known = objects.get(key);
        if (known != null)
        {
            return (T)known;
        }
        final Path entry = directory().resolve(ENTRY_PREFIX + key);
        T object = (T)read(entry, kind, name);
        if (object == null)
        {
            final T created = create.get();
            if (link(entry, JavaSerialization.serialize(created, kind + " '" + name + "'")))
            {
                object = created;
            }
            else
            {
                release(created, close).run();
                object = (T)read(entry, kind, name);
            }
        }
        objects.put(key, object);
        releases.add(release(object, close));
        return object;
    }

    private Object read(final Path entry, final String kind, final String name)
    {
        try
        {
            return JavaSerialization.deserialize(Files.readAllBytes(entry), kind + " '" + name + "'");
        }
        catch (final NoSuchFileException ex)
        {
            return null;
        }
        catch (final IOException ex)
        {
            throw new Mp4jException("cannot read named " + kind + ": name=" + name + " file=" + entry, ex);
        }
    }

    /** Publishes a handle under its name: written whole to a file of its own, then hard-linked into place. */
    private boolean link(final Path entry, final byte[] handle)
    {
        final Path temporary = directory().resolve(session.uniqueName("new-entry"));
        try
        {
            Files.write(Files.createFile(temporary,
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"))), handle);
            Files.createLink(entry, temporary);
            return true;
        }
        catch (final FileAlreadyExistsException ex)
        {
            return false;
        }
        catch (final IOException ex)
        {
            throw new Mp4jException("cannot publish named object: file=" + entry, ex);
        }
        finally
        {
            try
            {
                Files.deleteIfExists(temporary);
            }
            catch (final IOException ignored)
            {
                // The directory goes with the context; a leftover temporary file goes with it.
            }
        }
    }

    private static <T> Runnable release(final T object, final ThrowingConsumer<T> close)
    {
        return () ->
        {
            try
            {
                close.accept(object);
            }
            catch (final Exception ex)
            {
                // Closing only unmaps; the owner's directory removal frees the memory either way.
            }
        };
    }

    private void checkOpen()
    {
        if (closed)
        {
            throw new IllegalStateException("context is closed: directory=" + directory);
        }
    }

    @Serial
    private Object readResolve() throws ObjectStreamException
    {
        return new LocalContext(Session.attach(Paths.get(directory)));
    }

    /** Closes an object; its exceptions are the caller's to ignore. */
    @FunctionalInterface
    private interface ThrowingConsumer<T>
    {
        void accept(T value) throws Exception;
    }
}
