package io.mp4j.bench.compare;

import io.mp4j.cluster.ClusterContext;
import io.mp4j.cluster.ClusterOptions;
import io.mp4j.internal.FileTrees;
import io.mp4j.pool.WorkerPool;
import io.mp4j.process.ProcessContext;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * {@code compare}'s cluster: {@value #SERVERS} server nodes ({@link ClusterNodeMain}) in JVMs of their own on
 * free loopback ports, and this JVM connected to them as a client through a {@link ClusterContext}. Each node
 * writes its output and keeps its work directory under one temporary directory, as do the clients (this one, and
 * the children that receive its context); {@link #close()} disconnects,
 * stops the nodes (by closing their standard input, forcibly if they linger) and removes that directory, so
 * that no process, port or file is left.
 * <p>
 * Used from the comparison's one thread.
 */
public final class LoopbackCluster implements AutoCloseable
{
    /** How many server nodes the cluster has. */
    public static final int SERVERS = 2;

    /** How the temporary directory of a comparison's cluster is named, before the comparison's pid. */
    static final String DIRECTORY_PREFIX = "mp4j-compare-cluster-";

    /** What a node prints once it is in the cluster. */
    static final String JOINED = "joined";

    private static final int PORT_RANGE = 3;
    /** Below the kernel's ephemeral ports (32768 and up), where the clients' own connections come from. */
    private static final int FIRST_PORT = 20_000;
    private static final int LAST_PORT = 32_000;
    private static final Duration JOIN_TIMEOUT = Duration.ofMinutes(2);
    private static final Duration FAILURE_DETECTION_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(20);
    private static final long POLL_MILLIS = 50;

    /** The system property that turns Ignite's logging off, in this JVM, the nodes and the children. */
    private static final String SILENT_PROPERTY = "mp4j.cluster.silent";

    private final Path directory;
    private final List<Process> nodes;
    private final ClusterContext context;
    private WorkerPool pool;

    private LoopbackCluster(final Path directory, final List<Process> nodes, final ClusterContext context)
    {
        this.directory = directory;
        this.nodes = nodes;
        this.context = context;
    }

    /**
     * Starts the server nodes at once, waits until each has joined, and connects this JVM as a client.
     *
     * @return the cluster, ready.
     * @throws Exception if a node does not join in time, or the client cannot connect; what started is stopped.
     */
    public static LoopbackCluster start() throws Exception
    {
        // Ignite's warnings would interleave with the comparison's progress lines.
        if (System.getProperty(SILENT_PROPERTY) == null)
        {
            System.setProperty(SILENT_PROPERTY, "true");
        }
        final Path directory = Files.createTempDirectory(DIRECTORY_PREFIX + ProcessHandle.current().pid() + '-');
        final List<Process> nodes = new ArrayList<>();
        try
        {
            final String name = "compare-" + ProcessHandle.current().pid();
            final int discoveryPort = freePortBlock();
            int communicationPort = freePortBlock();
            while (Math.abs(communicationPort - discoveryPort) <= PORT_RANGE)
            {
                communicationPort = freePortBlock();
            }
            final ProcessContext launch = silentChildren();
            for (int i = 0; i < SERVERS; i++)
            {
                final Path work = Files.createDirectory(directory.resolve("node-" + i));
                nodes.add(new ProcessBuilder(launch.javaCommand(ClusterNodeMain.class.getName(), List.of(name,
                    String.valueOf(discoveryPort), String.valueOf(communicationPort), String.valueOf(PORT_RANGE),
                    work.toString())))
                    .redirectErrorStream(true)
                    .redirectOutput(directory.resolve("node-" + i + ".log").toFile())
                    .start());
            }
            for (int i = 0; i < SERVERS; i++)
            {
                awaitJoined(nodes.get(i), directory.resolve("node-" + i + ".log"));
            }
            final ClusterContext context = ClusterContext.connect(options(name, discoveryPort, communicationPort,
                PORT_RANGE).workDirectory(Files.createDirectory(directory.resolve("client"))));
            return new LoopbackCluster(directory, nodes, context);
        }
        catch (final Exception | Error ex)
        {
            stop(nodes);
            FileTrees.delete(directory);
            throw ex;
        }
    }

    /**
     * The options every node and client of a loopback cluster uses.
     *
     * @param name              the cluster's name.
     * @param discoveryPort     the first discovery port.
     * @param communicationPort the first communication port.
     * @param range             how many ports above them may be tried.
     * @return the options.
     */
    static ClusterOptions options(final String name, final int discoveryPort, final int communicationPort, final int range)
    {
        return new ClusterOptions()
            .name(name)
            .discovery("127.0.0.1:" + discoveryPort + ".." + (discoveryPort + range))
            .ports(discoveryPort, communicationPort, range)
            .joinTimeout(Duration.ofSeconds(60))
            // The comparison loads the machine's cores on purpose: a node or client slow to answer is not dead.
            .failureDetectionTimeout(FAILURE_DETECTION_TIMEOUT);
    }

    /**
     * This JVM's context on the cluster.
     *
     * @return the client's context.
     */
    public ClusterContext context()
    {
        return context;
    }

    /**
     * The cluster's warm pool of {@value Fixtures#POOL_PROCESSES} processes (the default chunk size is cut for
     * that many), made on first use.
     *
     * @return the pool.
     */
    public WorkerPool pool()
    {
        if (pool == null)
        {
            pool = context.pool(Fixtures.POOL_PROCESSES);
            pool.apply(() -> 0);
        }
        return pool;
    }

    /**
     * How the nodes and the children that connect to the cluster are launched: as usual, with Ignite's logging
     * off when it is off here.
     *
     * @return the launch context.
     */
    public static ProcessContext silentChildren()
    {
        final List<String> options = new ArrayList<>(ProcessContext.defaultContext().jvmOptions());
        options.add("-D" + SILENT_PROPERTY + '=' + Boolean.getBoolean(SILENT_PROPERTY));
        return new ProcessContext().jvmOptions(options).conclude();
    }

    /** Disconnects, stops the nodes and removes their directory; goes on after a failure. */
    @Override
    public void close()
    {
        try
        {
            context.close();
        }
        finally
        {
            stop(nodes);
            FileTrees.delete(directory);
        }
    }

    private static void awaitJoined(final Process node, final Path log) throws Exception
    {
        final long deadline = System.nanoTime() + JOIN_TIMEOUT.toNanos();
        while (true)
        {
            final String output = Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
            if (output.lines().anyMatch(line -> line.startsWith(JOINED)))
            {
                return;
            }
            if (!node.isAlive() || System.nanoTime() - deadline > 0)
            {
                throw new IllegalStateException("cluster node did not join: alive=" + node.isAlive() +
                    " output=" + output);
            }
            Thread.sleep(POLL_MILLIS);
        }
    }

    private static void stop(final List<Process> nodes)
    {
        for (final Process node : nodes)
        {
            try
            {
                node.getOutputStream().close();
            }
            catch (final IOException ex)
            {
                // Already gone.
            }
        }
        for (final Process node : nodes)
        {
            try
            {
                if (!node.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS))
                {
                    node.destroyForcibly().waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                }
            }
            catch (final InterruptedException ex)
            {
                node.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }

    /** A loopback port whose next {@value #PORT_RANGE} are free too: all of them are bound at once to check. */
    private static int freePortBlock() throws IOException
    {
        for (int attempt = 0; attempt < 50; attempt++)
        {
            final int first = ThreadLocalRandom.current().nextInt(FIRST_PORT, LAST_PORT - PORT_RANGE);
            final List<ServerSocket> block = new ArrayList<>();
            try
            {
                for (int port = first; port <= first + PORT_RANGE; port++)
                {
                    block.add(new ServerSocket(port, 1, InetAddress.getLoopbackAddress()));
                }
                return first;
            }
            catch (final IOException ex)
            {
                // Taken: try another block.
            }
            finally
            {
                for (final ServerSocket socket : block)
                {
                    socket.close();
                }
            }
        }
        throw new IOException("no block of " + (PORT_RANGE + 1) + " free loopback ports");
    }
}
