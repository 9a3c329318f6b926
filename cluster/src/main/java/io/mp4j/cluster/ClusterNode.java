package io.mp4j.cluster;

import io.mp4j.cluster.internal.IgniteNodes;
import org.apache.ignite.Ignite;

/**
 * A server node of an mp4j cluster, embedded in this JVM: it runs pool chunks and keeps a share of the queues,
 * values, dicts and lists (with {@link ClusterOptions#backups(int) backups} on other nodes). Most users start
 * nodes with {@code java -jar mp4j-node.jar}; an application may embed one instead.
 * <pre>{@code
 * try (ClusterNode node = ClusterNode.start(new ClusterOptions().name("jobs"));
 *      MultiprocessingContext context = ClusterContext.of(node))
 * {
 *     ...
 * }
 * }</pre>
 * The node needs the classes of every task it runs on its classpath (or in the class loader given here): mp4j
 * turns Ignite's peer class loading off, so no node loads code another node sent it.
 */
public final class ClusterNode implements AutoCloseable
{
    private final ClusterOptions options;
    private final IgniteNodes.Started started;

    private ClusterNode(final ClusterOptions options, final IgniteNodes.Started started)
    {
        this.options = options;
        this.started = started;
    }

    /**
     * Starts a server node and waits until it has joined the cluster (or formed it, when it is the first).
     *
     * @param options where the cluster is and how to bind.
     * @return the node.
     * @throws io.mp4j.Mp4jException if a JVM flag is missing or the node cannot start.
     */
    public static ClusterNode start(final ClusterOptions options)
    {
        return start(options, null);
    }

    /**
     * Starts a server node whose tasks' classes come from a class loader, e.g. one over the application's jar.
     *
     * @param options     where the cluster is and how to bind.
     * @param userClasses the loader of the tasks' classes, or null for this JVM's.
     * @return the node.
     * @throws io.mp4j.Mp4jException if a JVM flag is missing or the node cannot start.
     */
    public static ClusterNode start(final ClusterOptions options, final ClassLoader userClasses)
    {
        return new ClusterNode(options, IgniteNodes.start(options, false, userClasses));
    }

    /**
     * How many server nodes the cluster has now, this one included.
     *
     * @return the count.
     */
    public int serverCount()
    {
        return started.ignite().cluster().forServers().nodes().size();
    }

    /**
     * The options the node started with.
     *
     * @return the options.
     */
    public ClusterOptions options()
    {
        return options;
    }

    Ignite ignite()
    {
        return started.ignite();
    }

    /** Leaves the cluster and stops the node; its share of the data stays on the backups. Idempotent. */
    @Override
    public void close()
    {
        IgniteNodes.stop(started);
    }

    @Override
    public String toString()
    {
        return "ClusterNode{" + options + ", id=" + started.ignite().cluster().localNode().id() + '}';
    }
}
