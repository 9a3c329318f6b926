package io.mp4j.cluster.node;

import io.mp4j.cluster.ClusterNode;
import io.mp4j.cluster.ClusterOptions;
import org.apache.ignite.ssl.SslContextFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.File;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/**
 * A server node of an mp4j cluster as a command ({@code java -jar mp4j-node.jar}): it joins the cluster of its name
 * (or forms it, when it is the first), runs the pool chunks and keeps a share of the queues, values, dicts and lists
 * until SIGTERM or Ctrl-C.
 * <pre>
 * java -jar mp4j-node.jar --name jobs --discovery 127.0.0.1:47500..47509 --classpath app.jar
 * </pre>
 */
@Command(
    name = "mp4j-node",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
        "Runs a server node of an mp4j cluster (Apache Ignite 2.x) until SIGTERM or Ctrl-C.",
        "Applications reach it with ClusterContext.connect(new ClusterOptions().name(..).discovery(..)).",
        "Everything binds to --bind only (loopback by default); discovery is the static list given, never multicast."})
public final class NodeCommand implements Callable<Integer>
{
    /** The environment variable holding the key store's password for {@code --tls-keystore}. */
    public static final String KEYSTORE_PASSWORD = "MP4J_TLS_KEYSTORE_PASSWORD";

    /** The environment variable holding the trust store's password for {@code --tls-truststore}. */
    public static final String TRUSTSTORE_PASSWORD = "MP4J_TLS_TRUSTSTORE_PASSWORD";

    @Option(names = "--name", defaultValue = "mp4j", paramLabel = "NAME",
        description = "The cluster's name; nodes and clients of other names never join it (default: ${DEFAULT-VALUE}).")
    String name;

    @Option(names = "--discovery", split = ",", paramLabel = "HOST:PORT[..PORT]",
        description = "Where the cluster's nodes listen for discovery, comma-separated (default: "
            + "127.0.0.1:47500..47510).")
    List<String> discovery = new ArrayList<>();

    @Option(names = "--classpath", paramLabel = "PATH",
        description = "The application's jars or class directories, separated as in java -cp (':', or ';' on "
            + "Windows): the classes of the tasks this node runs and of the objects it keeps.")
    String classPath;

    @Option(names = "--bind", defaultValue = "127.0.0.1", paramLabel = "ADDRESS",
        description = "The only address the node binds to (default: ${DEFAULT-VALUE}).")
    String bindAddress;

    @Option(names = "--discovery-port", defaultValue = "" + ClusterOptions.DEFAULT_DISCOVERY_PORT, paramLabel = "PORT",
        description = "The first discovery port to try (default: ${DEFAULT-VALUE}).")
    int discoveryPort;

    @Option(names = "--communication-port", defaultValue = "" + ClusterOptions.DEFAULT_COMMUNICATION_PORT,
        paramLabel = "PORT",
        description = "The first communication port to try (default: ${DEFAULT-VALUE}).")
    int communicationPort;

    @Option(names = "--port-range", defaultValue = "" + ClusterOptions.DEFAULT_PORT_RANGE, paramLabel = "N",
        description = "How many ports above each first one to try when it is taken (default: ${DEFAULT-VALUE}).")
    int portRange;

    @Option(names = "--backups", defaultValue = "1", paramLabel = "N",
        description = "Copies of each queue, value, dict and list entry on other nodes (default: ${DEFAULT-VALUE}).")
    int backups;

    @Option(names = "--work-dir", paramLabel = "DIR",
        description = "Ignite's work directory (default: a fresh owner-only temporary directory, removed at exit).")
    Path workDirectory;

    @Option(names = "--join-timeout", defaultValue = "10", paramLabel = "SECONDS",
        description = "How long to look for the cluster's other nodes (default: ${DEFAULT-VALUE} s); "
            + "a node that finds none forms the cluster itself.")
    long joinTimeoutSeconds;

    @Option(names = "--failure-detection", defaultValue = "3000", paramLabel = "MILLIS",
        description = "How long a silent node or client may stay before it counts as dead and its locks are freed "
            + "(default: ${DEFAULT-VALUE} ms).")
    long failureDetectionMillis;

    @Option(names = "--tls-keystore", paramLabel = "FILE",
        description = "Turn TLS on for discovery and communication with this key store (PKCS12 or JKS); "
            + "its password is read from $" + KEYSTORE_PASSWORD + ".")
    Path keyStore;

    @Option(names = "--tls-truststore", paramLabel = "FILE",
        description = "The trust store for TLS (default: the key store); its password is read from $"
            + TRUSTSTORE_PASSWORD + ".")
    Path trustStore;

    private NodeCommand()
    {
    }

    /**
     * Runs the command.
     *
     * @param args the options; {@code --help} for help.
     */
    public static void main(final String[] args)
    {
        System.exit(execute(args));
    }

    /**
     * Runs the command without exiting, for embedding and tests; returns when the node stops.
     *
     * @param args the options.
     * @return the exit code: 0 once stopped, 1 on an error, 2 on a usage error.
     */
    public static int execute(final String... args)
    {
        final CommandLine commandLine = new CommandLine(new NodeCommand());
        commandLine.setExecutionExceptionHandler((ex, cmd, parsed) ->
        {
            // mp4j's messages carry the facts; a stack trace would bury them.
            cmd.getErr().println("error: " + ex.getMessage());
            return 1;
        });
        return commandLine.execute(args);
    }

    @Override
    public Integer call() throws Exception
    {
        final ClusterOptions options = options();
        final ClassLoader userClasses = userClasses();
        final CountDownLatch stopped = new CountDownLatch(1);
        final ClusterNode node = ClusterNode.start(options, userClasses);
        final Thread stop = new Thread(() ->
        {
            node.close();
            stopped.countDown();
        }, "mp4j-node-stop");
        Runtime.getRuntime().addShutdownHook(stop);
        System.out.println("mp4j node started: cluster=" + options.name() + " servers=" + node.serverCount() +
            " bind=" + options.bindAddress() + " discovery=" + String.join(",", options.discovery()) +
            " pid=" + ProcessHandle.current().pid());
        System.out.flush();
        stopped.await();
        return 0;
    }

    private ClusterOptions options()
    {
        final ClusterOptions options = new ClusterOptions()
            .name(name)
            .bindAddress(bindAddress)
            .ports(discoveryPort, communicationPort, portRange)
            .backups(backups)
            .workDirectory(workDirectory)
            .joinTimeout(Duration.ofSeconds(joinTimeoutSeconds))
            .failureDetectionTimeout(Duration.ofMillis(failureDetectionMillis));
        if (!discovery.isEmpty())
        {
            options.discovery(discovery);
        }
        if (keyStore != null)
        {
            options.ssl(tls());
        }
        else if (trustStore != null)
        {
            throw new CommandLine.ParameterException(new CommandLine(this), "--tls-truststore needs --tls-keystore");
        }
        return options;
    }

    private SslContextFactory tls()
    {
        final SslContextFactory factory = new SslContextFactory();
        factory.setKeyStoreFilePath(existing(keyStore).toString());
        factory.setKeyStorePassword(password(KEYSTORE_PASSWORD));
        factory.setKeyStoreType(keyStore.toString().endsWith(".jks") ? "JKS" : "PKCS12");
        final Path trust = trustStore != null ? trustStore : keyStore;
        factory.setTrustStoreFilePath(existing(trust).toString());
        factory.setTrustStorePassword(password(trustStore != null ? TRUSTSTORE_PASSWORD : KEYSTORE_PASSWORD));
        factory.setTrustStoreType(trust.toString().endsWith(".jks") ? "JKS" : "PKCS12");
        return factory;
    }

    private static Path existing(final Path file)
    {
        if (!Files.isReadable(file))
        {
            throw new IllegalArgumentException("cannot read TLS store: " + file.toAbsolutePath());
        }
        return file;
    }

    private static char[] password(final String variable)
    {
        final String password = System.getenv(variable);
        if (password == null)
        {
            throw new IllegalArgumentException("TLS store password missing: set $" + variable);
        }
        return password.toCharArray();
    }

    /** A loader over the application's classpath, parent this JVM's; null when none was given. */
    private ClassLoader userClasses() throws MalformedURLException
    {
        if (classPath == null || classPath.isBlank())
        {
            return null;
        }
        final List<URL> urls = new ArrayList<>();
        for (final String entry : classPath.split(File.pathSeparator))
        {
            if (!entry.isBlank())
            {
                final Path path = Path.of(entry).toAbsolutePath();
                if (!Files.exists(path))
                {
                    throw new IllegalArgumentException("classpath entry does not exist: " + path);
                }
                urls.add(path.toUri().toURL());
            }
        }
        return new URLClassLoader(
            "mp4j-node-application", urls.toArray(new URL[0]), NodeCommand.class.getClassLoader());
    }
}
