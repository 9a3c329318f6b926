package io.mp4j.cluster;

import io.mp4j.context.MultiprocessingContext;
import io.mp4j.process.ChildProcess;
import io.mp4j.process.ProcessContext;
import io.mp4j.process.ProcessTarget1;
import org.apache.ignite.Ignite;
import org.apache.ignite.Ignition;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Loopback clusters for tests: server nodes in JVMs of their own ({@link NodeMain}) on ports nobody else uses,
 * stopped and their work directories removed when the test is done.
 */
public final class TestClusters implements AutoCloseable
{
    private static final int PORT_RANGE = 3;

    private final String name;
    private final int discoveryPort;
    private final int communicationPort;
    private final Path logs;
    private final List<Process> nodes = new ArrayList<>();

    /**
     * A cluster of a fresh name and free ports, with no node yet.
     *
     * @param logs where each node's output goes.
     */
    public TestClusters(final Path logs) throws IOException
    {
        this.name = "test-" + ProcessHandle.current().pid() + "-" + System.nanoTime() % 100_000;
        this.discoveryPort = freePortBlock();
        this.communicationPort = freePortBlock();
        this.logs = logs;
    }

    static ClusterOptions options(final String name, final int discoveryPort, final int communicationPort, final int range)
    {
        return new ClusterOptions()
            .name(name)
            .discovery("127.0.0.1:" + discoveryPort + ".." + (discoveryPort + range))
            .ports(discoveryPort, communicationPort, range)
            .joinTimeout(Duration.ofSeconds(20))
            .failureDetectionTimeout(Duration.ofMillis(1_500));
    }

    /** The options a client of this cluster connects with. */
    public ClusterOptions options()
    {
        return options(name, discoveryPort, communicationPort, PORT_RANGE);
    }

    /** Starts server nodes at once, each in its own JVM ({@link NodeMain}), and waits until every one has joined. */
    public List<Process> start(final int count) throws Exception
    {
        return start(count, NodeMain.class.getName(), List.of(name, String.valueOf(discoveryPort),
            String.valueOf(communicationPort), String.valueOf(PORT_RANGE)), "joined", List.of(), Map.of());
    }

    /**
     * Starts server nodes at once, each a JVM of its own running a main class, and waits until each has printed
     * the line that says it joined.
     *
     * @param count      how many.
     * @param mainClass  the node's main class.
     * @param arguments  its arguments.
     * @param joinedLine how the line it prints once joined starts.
     * @param jvmOptions extra JVM options.
     * @param variables  extra environment variables.
     * @return the node processes.
     */
    public List<Process> start(final int count, final String mainClass, final List<String> arguments,
        final String joinedLine, final List<String> jvmOptions, final Map<String, String> variables) throws Exception
    {
        final List<Process> started = new ArrayList<>();
        final List<CompletableFuture<String>> joined = new ArrayList<>();
        for (int i = 0; i < count; i++)
        {
            final List<String> options = new ArrayList<>(ProcessContext.defaultContext().jvmOptions());
            options.add("-Dmp4j.cluster.silent=true");
            options.addAll(jvmOptions);
            final ProcessContext context = new ProcessContext().jvmOptions(options).conclude();
            final Path log = logs.resolve("node-" + (nodes.size() + i) + ".log");
            final ProcessBuilder builder = new ProcessBuilder(context.javaCommand(mainClass, arguments)).redirectErrorStream(true);
            builder.environment().putAll(variables);
            final Process node = builder.start();
            started.add(node);
            joined.add(CompletableFuture.supplyAsync(() -> awaitJoined(node, log, joinedLine)));
        }
        nodes.addAll(started);
        for (final CompletableFuture<String> join : joined)
        {
            final String line = join.get(120, TimeUnit.SECONDS);
            if (!line.startsWith(joinedLine))
            {
                throw new IllegalStateException("node did not join: " + line);
            }
        }
        return started;
    }

    /** The cluster's name. */
    public String name()
    {
        return name;
    }

    /** The first discovery port; the nodes use it and the {@code range} above it. */
    public int discoveryPort()
    {
        return discoveryPort;
    }

    /** The first communication port. */
    public int communicationPort()
    {
        return communicationPort;
    }

    /** How many ports above each first one a node may take. */
    public static int portRange()
    {
        return PORT_RANGE;
    }

    /** The first line a node prints, copying everything it prints to its log. */
    private static String awaitJoined(final Process node, final Path log, final String joinedLine)
    {
        try
        {
            final BufferedReader out = new BufferedReader(new InputStreamReader(node.getInputStream(), StandardCharsets.UTF_8));
            final StringBuilder seen = new StringBuilder();
            String line;
            while ((line = out.readLine()) != null)
            {
                seen.append(line).append('\n');
                Files.writeString(log, seen.toString());
                if (line.startsWith(joinedLine))
                {
                    final Thread copier = new Thread(() -> copy(out, log, seen), "node-log");
                    copier.setDaemon(true);
                    copier.start();
                    return line;
                }
            }
            return "node exited before joining: " + seen;
        }
        catch (final IOException ex)
        {
            return "cannot read node output: " + ex;
        }
    }

    private static void copy(final BufferedReader out, final Path log, final StringBuilder seen)
    {
        try
        {
            String line;
            while ((line = out.readLine()) != null)
            {
                seen.append(line).append('\n');
                Files.writeString(log, seen.toString());
            }
        }
        catch (final IOException ex)
        {
            // The node is gone.
        }
    }

    /**
     * Starts a child JVM with the heap an Ignite client needs, running user code with a context.
     *
     * @param context what the child receives.
     * @param code    the child's target.
     * @return the started child.
     */
    public static ChildProcess child(final MultiprocessingContext context, final ProcessTarget1<MultiprocessingContext> code)
    {
        final List<String> options = new ArrayList<>(ProcessContext.defaultContext().jvmOptions());
        options.add("-Xmx256m");
        options.add("-Dmp4j.cluster.silent=true");
        return new ChildProcess(new ProcessContext().jvmOptions(options), code, context).start();
    }

    /** Kills a node as SIGKILL would. */
    public static void kill(final Process node) throws InterruptedException
    {
        node.destroyForcibly();
        node.waitFor(30, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws IOException
    {
        for (final Process node : nodes)
        {
            node.getOutputStream().close();
        }
        for (final Process node : nodes)
        {
            try
            {
                // A test node stops when its input closes; any other gets SIGTERM, then SIGKILL.
                if (!node.waitFor(10, TimeUnit.SECONDS))
                {
                    node.destroy();
                    if (!node.waitFor(10, TimeUnit.SECONDS))
                    {
                        node.destroyForcibly().waitFor(20, TimeUnit.SECONDS);
                    }
                }
            }
            catch (final InterruptedException ex)
            {
                node.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
        assertNothingLeft();
    }

    /** Fails when a node of this JVM still runs or a port of the cluster's blocks is still bound. */
    private void assertNothingLeft() throws IOException
    {
        final List<String> running = Ignition.allGrids().stream().map(Ignite::name).toList();
        if (!running.isEmpty())
        {
            throw new IllegalStateException("Ignite nodes still running in the test JVM: " + running);
        }
        // A node that exited, and the client of this JVM that stopped, may take a moment to let go of a port
        // on a loaded machine: a leak is a port still bound after a few seconds.
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while ((!allFree(discoveryPort, PORT_RANGE) || !allFree(communicationPort, PORT_RANGE)) &&
            System.nanoTime() - deadline < 0)
        {
            try
            {
                Thread.sleep(100);
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
                break;
            }
        }
        if (!allFree(discoveryPort, PORT_RANGE) || !allFree(communicationPort, PORT_RANGE))
        {
            throw new IOException("ports left open: discovery " + discoveryPort + "+" + PORT_RANGE +
                ", communication " + communicationPort + "+" + PORT_RANGE);
        }
    }

    /** A port whose next few are free too, on the loopback address. */
    private static int freePortBlock() throws IOException
    {
        for (int attempt = 0; attempt < 50; attempt++)
        {
            final int first;
            try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress()))
            {
                first = socket.getLocalPort();
            }
            if (first + PORT_RANGE < 65_000 && allFree(first + 1, PORT_RANGE))
            {
                return first;
            }
        }
        throw new IOException("no block of free ports");
    }

    private static boolean allFree(final int from, final int count)
    {
        for (int port = from; port < from + count + 1; port++)
        {
            try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress()))
            {
                socket.getLocalPort();
            }
            catch (final IOException ex)
            {
                return false;
            }
        }
        return true;
    }
}
