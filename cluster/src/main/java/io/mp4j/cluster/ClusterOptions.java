package io.mp4j.cluster;

import javax.cache.configuration.Factory;
import javax.net.ssl.SSLContext;
import java.io.Serial;
import java.io.Serializable;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * How to reach a cluster and how a node of it binds: the settings a {@link ClusterNode} and a {@link ClusterContext}
 * share. Discovery is static (a list of {@code host:port} addresses, never multicast) and everything binds to the
 * loopback address unless told otherwise. Fluent setters; {@link Serializable}, so a context handed to another
 * JVM reaches the same cluster.
 * <pre>{@code
 * ClusterOptions options = new ClusterOptions().name("jobs").discovery("10.0.0.5:47500", "10.0.0.6:47500")
 *     .bindAddress("10.0.0.7");
 * }</pre>
 */
public final class ClusterOptions implements Serializable
{
    @Serial
    private static final long serialVersionUID = 1L;

    /** The first discovery port a node binds, as Ignite's default. */
    public static final int DEFAULT_DISCOVERY_PORT = 47500;

    /** The first communication port a node binds, as Ignite's default. */
    public static final int DEFAULT_COMMUNICATION_PORT = 47100;

    /** How many ports above each first one a node may try when the first is taken. */
    public static final int DEFAULT_PORT_RANGE = 10;

    private String name = "mp4j";
    private List<String> discovery = List.of("127.0.0.1:" + DEFAULT_DISCOVERY_PORT + ".." +
        (DEFAULT_DISCOVERY_PORT + DEFAULT_PORT_RANGE));
    private String bindAddress = "127.0.0.1";
    private int discoveryPort = DEFAULT_DISCOVERY_PORT;
    private int communicationPort = DEFAULT_COMMUNICATION_PORT;
    private int portRange = DEFAULT_PORT_RANGE;
    private String workDirectory;
    private Duration joinTimeout = Duration.ofSeconds(10);
    private Duration failureDetectionTimeout = Duration.ofSeconds(3);
    private int backups = 1;
    private Factory<SSLContext> ssl;

    /**
     * The cluster's name: nodes and clients of different names never join each other, and it prefixes the
     * cluster's structures.
     *
     * @param name letters, digits, {@code .}, {@code _} or {@code -}.
     * @return this.
     */
    public ClusterOptions name(final String name)
    {
        if (name == null || !name.matches("[A-Za-z0-9._-]{1,64}"))
        {
            throw new IllegalArgumentException("cluster name must be 1 to 64 letters, digits, '.', '_' or '-': name=" + name);
        }
        this.name = name;
        return this;
    }

    /**
     * Where the cluster's nodes are: Ignite's static IP finder addresses, {@code host:port} or
     * {@code host:port1..port2}.
     *
     * @param addresses at least one address.
     * @return this.
     */
    public ClusterOptions discovery(final String... addresses)
    {
        return discovery(Arrays.asList(addresses));
    }

    /**
     * Where the cluster's nodes are, as a list.
     *
     * @param addresses at least one address.
     * @return this.
     */
    public ClusterOptions discovery(final List<String> addresses)
    {
        if (addresses.isEmpty() || addresses.stream().anyMatch(a -> a == null || a.isBlank()))
        {
            throw new IllegalArgumentException("discovery needs at least one host:port address: addresses=" + addresses);
        }
        this.discovery = List.copyOf(new ArrayList<>(addresses));
        return this;
    }

    /**
     * The one address this node's sockets bind to; the loopback address by default, so nothing listens beyond
     * the machine unless asked.
     *
     * @param bindAddress an IP address or host name of this machine.
     * @return this.
     */
    public ClusterOptions bindAddress(final String bindAddress)
    {
        this.bindAddress = Objects.requireNonNull(bindAddress, "bindAddress");
        return this;
    }

    /**
     * The first ports a node binds for discovery and for communication, and how many above them it may try.
     *
     * @param discoveryPort     the first discovery port.
     * @param communicationPort the first communication port.
     * @param portRange         how many more ports it may try, at least 0.
     * @return this.
     */
    public ClusterOptions ports(final int discoveryPort, final int communicationPort, final int portRange)
    {
        if (discoveryPort < 1 || communicationPort < 1 || portRange < 0)
        {
            throw new IllegalArgumentException("invalid ports: discovery=" + discoveryPort + " communication=" +
                communicationPort + " range=" + portRange);
        }
        this.discoveryPort = discoveryPort;
        this.communicationPort = communicationPort;
        this.portRange = portRange;
        return this;
    }

    /**
     * Where a node keeps its files (Ignite's work directory); a fresh temporary directory, removed when the node
     * stops, by default.
     *
     * @param workDirectory the directory, or null for the default.
     * @return this.
     */
    public ClusterOptions workDirectory(final Path workDirectory)
    {
        this.workDirectory = workDirectory == null ? null : workDirectory.toAbsolutePath().toString();
        return this;
    }

    /**
     * How long a node or client tries to join before it fails with a clear error.
     *
     * @param joinTimeout at least a millisecond.
     * @return this.
     */
    public ClusterOptions joinTimeout(final Duration joinTimeout)
    {
        this.joinTimeout = positive(joinTimeout, "joinTimeout");
        return this;
    }

    /**
     * How long a silent node is given before the cluster counts it dead: its locks are released, its jobs run
     * elsewhere. Shorter finds dead nodes sooner and mistakes slow ones for dead more often.
     *
     * @param failureDetectionTimeout at least a millisecond.
     * @return this.
     */
    public ClusterOptions failureDetectionTimeout(final Duration failureDetectionTimeout)
    {
        this.failureDetectionTimeout = positive(failureDetectionTimeout, "failureDetectionTimeout");
        return this;
    }

    /**
     * How many other nodes keep a copy of each queue, value, dict and list entry, so they survive that many
     * nodes' deaths.
     *
     * @param backups at least 0.
     * @return this.
     */
    public ClusterOptions backups(final int backups)
    {
        if (backups < 0)
        {
            throw new IllegalArgumentException("backups must be at least 0: backups=" + backups);
        }
        this.backups = backups;
        return this;
    }

    /**
     * TLS for every connection of the node or client, passed to Ignite as its SSL context factory (e.g.
     * {@code org.apache.ignite.ssl.SslContextFactory} with a key and trust store); none by default.
     *
     * @param ssl a serializable factory, or null for plain TCP.
     * @return this.
     */
    public ClusterOptions ssl(final Factory<SSLContext> ssl)
    {
        this.ssl = ssl;
        return this;
    }

    /** @return the cluster's name. */
    public String name()
    {
        return name;
    }

    /** @return the discovery addresses. */
    public List<String> discovery()
    {
        return discovery;
    }

    /** @return the address sockets bind to. */
    public String bindAddress()
    {
        return bindAddress;
    }

    /** @return the first discovery port. */
    public int discoveryPort()
    {
        return discoveryPort;
    }

    /** @return the first communication port. */
    public int communicationPort()
    {
        return communicationPort;
    }

    /** @return how many ports above the first ones may be tried. */
    public int portRange()
    {
        return portRange;
    }

    /** @return the work directory, or null for a temporary one. */
    public Path workDirectory()
    {
        return workDirectory == null ? null : Paths.get(workDirectory);
    }

    /** @return how long joining may take. */
    public Duration joinTimeout()
    {
        return joinTimeout;
    }

    /** @return how long a silent node has before it counts as dead. */
    public Duration failureDetectionTimeout()
    {
        return failureDetectionTimeout;
    }

    /** @return how many backup copies the cluster's structures keep. */
    public int backups()
    {
        return backups;
    }

    /** @return the TLS factory, or null. */
    public Factory<SSLContext> ssl()
    {
        return ssl;
    }

    @Override
    public String toString()
    {
        return "ClusterOptions{name=" + name + ", discovery=" + discovery + ", bindAddress=" + bindAddress +
            ", ports=" + discoveryPort + "/" + communicationPort + "+" + portRange + ", backups=" + backups +
            (ssl != null ? ", tls" : "") + '}';
    }

    private static Duration positive(final Duration duration, final String what)
    {
        if (duration == null || duration.toMillis() < 1)
        {
            throw new IllegalArgumentException(what + " must be at least a millisecond: " + what + "=" + duration);
        }
        return duration;
    }
}
