package io.mp4j.cluster;

import io.mp4j.cluster.internal.CacheMap;
import io.mp4j.cluster.internal.ClusterBarrier;
import io.mp4j.cluster.internal.ClusterEvent;
import io.mp4j.cluster.internal.ClusterList;
import io.mp4j.cluster.internal.ClusterPool;
import io.mp4j.cluster.internal.ClusterQueue;
import io.mp4j.cluster.internal.ClusterSemaphore;
import io.mp4j.cluster.internal.ClusterTaskQueue;
import io.mp4j.cluster.internal.ClusterValues;
import io.mp4j.cluster.internal.IgniteNodes;
import io.mp4j.context.MultiprocessingContext;
import io.mp4j.context.internal.ContextNames;
import io.mp4j.pool.WorkerPool;
import io.mp4j.process.internal.ProcessState;
import io.mp4j.queue.TaskQueue;
import io.mp4j.shared.DoubleValue;
import io.mp4j.shared.LongValue;
import io.mp4j.sync.Barrier;
import io.mp4j.sync.CountingSemaphore;
import io.mp4j.sync.Event;
import org.apache.ignite.Ignite;
import org.apache.ignite.IgniteAtomicLong;
import org.apache.ignite.IgniteLock;
import org.apache.ignite.IgniteQueue;
import org.apache.ignite.cache.CacheAtomicityMode;
import org.apache.ignite.cache.CacheMode;
import org.apache.ignite.configuration.CacheConfiguration;
import org.apache.ignite.configuration.CollectionConfiguration;

import java.io.ObjectStreamException;
import java.io.Serial;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.Lock;
import java.util.function.Function;

/**
 * The {@link MultiprocessingContext} of an Apache Ignite 2.x cluster: the pool runs chunks on the server nodes'
 * compute grid, the queues are Ignite queues, the locks Ignite's failover-safe re-entrant locks, the semaphores
 * Ignite's failover-safe semaphores, the values Ignite atomics, the dict an Ignite cache and the list a cache of
 * items by index; all with {@link ClusterOptions#backups(int) backups}. Every program that reaches the same cluster
 * meets the same objects by name.
 * <pre>{@code
 * try (MultiprocessingContext context = ClusterContext.connect(new ClusterOptions().discovery("127.0.0.1:47500..47510")))
 * {
 *     context.queue("jobs", 1000).put("hello");   // any program of the cluster can take it
 * }
 * }</pre>
 * What differs from the local context is listed in the cluster documentation: the locks are re-entrant, events,
 * barriers and joins poll (a change is seen within about 10 ms), latency is a network round trip, and a pool task
 * may execute more than once when its node dies (its result still reaches the caller exactly once). The context is
 * {@link Serializable}: a JVM that receives it connects to the same cluster as a client of its own. Closing the
 * context stops its client node, if it started one; the cluster's objects stay for the other programs.
 */
public final class ClusterContext implements MultiprocessingContext, Serializable
{
    @Serial
    private static final long serialVersionUID = 1L;

    /** The connections this JVM opened for contexts it received, by the received context's id: one per context. */
    private static final Map<String, ClusterContext> RECEIVED = new ConcurrentHashMap<>();

    private final String id = UUID.randomUUID().toString();

    private final ClusterOptions options;
    private transient Ignite ignite;
    private transient IgniteNodes.Started client;
    private transient Map<String, Object> objects;
    private transient List<ClusterPool> pools;
    private transient volatile boolean closed;
    private transient String receivedAs;

    private ClusterContext(final ClusterOptions options, final Ignite ignite, final IgniteNodes.Started client)
    {
        this.options = options;
        this.ignite = ignite;
        this.client = client;
        this.objects = new ConcurrentHashMap<>();
        this.pools = new ArrayList<>();
    }

    /**
     * Connects to a running cluster as a client node (it runs no task and holds no data); closing the context
     * disconnects it.
     *
     * @param options where the cluster is.
     * @return the context.
     * @throws io.mp4j.Mp4jException if a JVM flag is missing, or no server node answers within the join timeout.
     */
    public static ClusterContext connect(final ClusterOptions options)
    {
        final IgniteNodes.Started started = IgniteNodes.start(options, true, null);
        return new ClusterContext(options, started.ignite(), started);
    }

    /**
     * A context over a server node embedded in this JVM; closing the context leaves the node running.
     *
     * @param node the node.
     * @return the context.
     */
    public static ClusterContext of(final ClusterNode node)
    {
        return new ClusterContext(node.options(), node.ignite(), null);
    }

    /**
     * The options this context reached its cluster with.
     *
     * @return the options.
     */
    public ClusterOptions options()
    {
        return options;
    }

    @Override
    public synchronized WorkerPool pool(final int processes)
    {
        checkOpen();
        final ClusterPool pool = new ClusterPool(ignite, processes);
        pools.add(pool);
        return pool;
    }

    @Override
    public <E> BlockingQueue<E> queue(final String name, final int capacity)
    {
        ContextNames.checkCapacity("queue", name, capacity);
        final ClusterQueue<E> queue =
            named("queue", name, structure -> new ClusterQueue<E>(igniteQueue(structure, capacity)));
        return ContextNames.expect(queue, "queue", name, "capacity", queue.capacity(), capacity);
    }

    @Override
    public <E> TaskQueue<E> joinableQueue(final String name, final int capacity)
    {
        ContextNames.checkCapacity("joinable queue", name, capacity);
        final ClusterTaskQueue<E> queue = named("joinable-queue", name, structure -> new ClusterTaskQueue<E>(
            igniteQueue(structure, capacity), ignite.atomicLong(structure + ".unfinished", 0, true)));
        return ContextNames.expect(queue, "joinable queue", name, "capacity", queue.capacity(), capacity);
    }

    @Override
    public Lock lock(final String name)
    {
        return named("lock", name, structure -> ignite.reentrantLock(structure, true, false, true));
    }

    @Override
    public Lock rlock(final String name)
    {
        return named("rlock", name, structure -> ignite.reentrantLock(structure, true, false, true));
    }

    @Override
    public Condition condition(final String lockName)
    {
        final IgniteLock lock = (IgniteLock)lock(lockName);
        return named("condition", lockName, structure -> lock.getOrCreateCondition("mp4j.condition"));
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
        if (permits < 0)
        {
            throw new IllegalArgumentException("semaphore permits must be at least 0: permits=" + permits);
        }
        final int initial = setting(kind, name, "permits", permits);
        return named(kind, name, structure ->
            new ClusterSemaphore(ignite.semaphore(structure, initial, true, true), initial, bounded));
    }

    @Override
    public Event event(final String name)
    {
        return named("event", name, structure -> new ClusterEvent(ignite.atomicLong(structure, 0, true)));
    }

    @Override
    public Barrier barrier(final String name, final int parties)
    {
        if (parties < 1)
        {
            throw new IllegalArgumentException("barrier needs at least one party: parties=" + parties);
        }
        final int agreed = setting("barrier", name, "parties", parties);
        return named("barrier", name, structure -> new ClusterBarrier(ignite.atomicLong(structure, 0, true), agreed));
    }

    @Override
    public LongValue longValue(final String name, final long initial)
    {
        return named("long", name, structure -> ClusterValues.longValue(ignite.atomicLong(structure, initial, true)));
    }

    @Override
    public DoubleValue doubleValue(final String name, final double initial)
    {
        return named("double", name, structure ->
            ClusterValues.doubleValue(ignite.atomicLong(structure, Double.doubleToRawLongBits(initial), true)));
    }

    @Override
    public <K, V> ConcurrentMap<K, V> dict(final String name)
    {
        return named("dict", name, structure -> new CacheMap<K, V>(ignite.getOrCreateCache(
            new CacheConfiguration<K, V>(structure)
                .setCacheMode(CacheMode.PARTITIONED)
                .setAtomicityMode(CacheAtomicityMode.ATOMIC)
                .setBackups(options.backups()))));
    }

    @Override
    public <E> List<E> list(final String name)
    {
        return named("list", name, structure -> new ClusterList<E>(
            ignite.getOrCreateCache(new CacheConfiguration<Integer, E>(structure)
                .setCacheMode(CacheMode.PARTITIONED)
                .setAtomicityMode(CacheAtomicityMode.ATOMIC)
                .setBackups(options.backups())),
            ignite.atomicLong(structure + ".length", 0, true),
            ignite.reentrantLock(structure + ".lock", true, false, true)));
    }

    /**
     * Terminates the pools this context made and, if the context started a client node, stops it; the cluster's
     * objects stay for the other programs. Idempotent.
     */
    @Override
    public void close()
    {
        final List<ClusterPool> toTerminate;
        synchronized (this)
        {
            if (closed)
            {
                return;
            }
            closed = true;
            toTerminate = new ArrayList<>(pools);
            pools.clear();
            objects.clear();
        }
        if (receivedAs != null)
        {
            RECEIVED.remove(receivedAs, this);
        }
        toTerminate.forEach(ClusterPool::terminate);
        if (client != null)
        {
            IgniteNodes.stop(client);
        }
    }

    @Override
    public String toString()
    {
        return "ClusterContext{" + options + (client != null ? ", client" : ", embedded") + (closed ? ", closed" : "") + '}';
    }

    @SuppressWarnings("unchecked")
    private <T> T named(final String kind, final String name, final Function<String, T> create)
    {
        checkOpen();
        ContextNames.check(kind, name);
        return (T)objects.computeIfAbsent(kind + '/' + name, key -> create.apply(structureName(kind, name)));
    }

    /** The setting the first creator of a name chose, kept in an atomic of its own; a different one is refused. */
    private int setting(final String kind, final String name, final String setting, final int asked)
    {
        checkOpen();
        final IgniteAtomicLong agreed = ignite.atomicLong(structureName(kind, name) + "." + setting, asked, true);
        return ContextNames.expect(asked, kind, name, setting, (int)agreed.get(), asked);
    }

    private String structureName(final String kind, final String name)
    {
        return "mp4j." + options.name() + '.' + kind + '.' + name;
    }

    private <E> IgniteQueue<E> igniteQueue(final String structure, final int capacity)
    {
        return ignite.queue(
            structure, capacity, new CollectionConfiguration().setBackups(options.backups()).setCollocated(true));
    }

    private void checkOpen()
    {
        if (closed)
        {
            throw new IllegalStateException("context is closed: " + options);
        }
    }

    /**
     * A received context connects once per JVM, however many objects carried it, and disconnects when the child
     * target that received it returns (or at exit in a JVM that is no child), as its client node's threads would
     * otherwise keep the JVM alive.
     */
    @Serial
    private Object readResolve() throws ObjectStreamException
    {
        return RECEIVED.compute(id, (key, known) ->
        {
            if (known != null && !known.closed)
            {
                return known;
            }
            final ClusterContext connected = connect(options);
            connected.receivedAs = key;
            ProcessState.closeWhenTargetEnds(connected);
            return connected;
        });
    }
}
