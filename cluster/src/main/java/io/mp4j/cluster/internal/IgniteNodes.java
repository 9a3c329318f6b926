package io.mp4j.cluster.internal;

import io.mp4j.Mp4jException;
import io.mp4j.cluster.ClusterOptions;
import io.mp4j.internal.FileOwners;
import io.mp4j.internal.FileTrees;
import io.mp4j.internal.ProcessIdentity;
import io.mp4j.process.internal.JvmFlagCheck;
import io.mp4j.process.internal.JvmFlags;
import org.apache.ignite.Ignite;
import org.apache.ignite.IgniteException;
import org.apache.ignite.IgniteSystemProperties;
import org.apache.ignite.Ignition;
import org.apache.ignite.configuration.AtomicConfiguration;
import org.apache.ignite.configuration.DataRegionConfiguration;
import org.apache.ignite.configuration.DataStorageConfiguration;
import org.apache.ignite.configuration.IgniteConfiguration;
import org.apache.ignite.logger.NullLogger;
import org.apache.ignite.logger.java.JavaLogger;
import org.apache.ignite.spi.communication.tcp.TcpCommunicationSpi;
import org.apache.ignite.spi.discovery.tcp.TcpDiscoverySpi;
import org.apache.ignite.spi.discovery.tcp.ipfinder.vm.TcpDiscoveryVmIpFinder;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.UUID;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Starts Ignite nodes the way mp4j wants them: static discovery, bound to one address, no REST or thin-client
 * listener, no update check, small memory, quiet logs, and the JVM flags checked before Ignite's first class.
 */
public final class IgniteNodes
{
    /** The system property that makes Ignite log through java.util.logging at INFO instead of WARNING. */
    public static final String VERBOSE_PROPERTY = "mp4j.cluster.verbose";

    /** The system property that turns Ignite's logging off altogether (tests' nodes and clients). */
    public static final String SILENT_PROPERTY = "mp4j.cluster.silent";

    private static final long MEBIBYTE = 1024L * 1024L;
    private static final int CLIENT_PORT_RANGE = 100;
    private static final String WORK_PREFIX = "mp4j-ignite-";
    /** A temporary work directory's name: the owner's pid and start time (hexadecimal), then a random part. */
    private static final Pattern WORK_NAME = Pattern.compile(WORK_PREFIX + "(\\d{1,18})-([0-9a-f]{1,16})-\\d+");
    /** Held so that java.util.logging keeps the level set on it (it holds loggers weakly). */
    private static final Logger IGNITE_LOGGERS = Logger.getLogger("org.apache.ignite");

    private IgniteNodes()
    {
    }

    /**
     * Starts a node, server or client, and waits until it has joined.
     *
     * @param options     where the cluster is and how to bind.
     * @param client      true for a client node (runs no jobs, holds no data), false for a server node.
     * @param classLoader the loader of the user's classes, or null for this JVM's.
     * @return the started node and the work directory to remove when it stops, if mp4j made it.
     * @throws Mp4jException if a JVM flag is missing, or the node cannot start or join in time.
     */
    public static Started start(final ClusterOptions options, final boolean client, final ClassLoader classLoader)
    {
        JvmFlagCheck.require(JvmFlags.CLUSTER, client ? "ClusterContext" : "ClusterNode", Ignite.class);
        quietIgnite();
        final Path temporary = options.workDirectory() == null ? temporaryWorkDirectory() : null;
        final Path work = temporary != null ? temporary : options.workDirectory();
        final IgniteConfiguration configuration = configuration(options, client, work, classLoader);
        try
        {
            return new Started(Ignition.start(configuration), temporary);
        }
        catch (final IgniteException | IllegalStateException ex)
        {
            deleteQuietly(temporary);
            throw new Mp4jException("cannot " + (client ? "connect to" : "start a node of") + " cluster: " + options +
                " error=" + rootMessage(ex), ex);
        }
    }

    /**
     * Stops a node started here and removes the work directory mp4j made for it.
     *
     * @param started the node.
     */
    public static void stop(final Started started)
    {
        try
        {
            started.ignite().close();
        }
        finally
        {
            deleteQuietly(started.temporaryWorkDirectory());
        }
    }

    static IgniteConfiguration configuration(
        final ClusterOptions options, final boolean client, final Path work, final ClassLoader classLoader)
    {
        final TcpDiscoveryVmIpFinder finder = new TcpDiscoveryVmIpFinder();
        finder.setAddresses(options.discovery());
        final TcpDiscoverySpi discovery = new TcpDiscoverySpi()
            .setIpFinder(finder)
            .setLocalAddress(options.bindAddress())
            .setLocalPort(options.discoveryPort())
            .setLocalPortRange(options.portRange())
            .setJoinTimeout(options.joinTimeout().toMillis());
        final TcpCommunicationSpi communication = new TcpCommunicationSpi()
            .setLocalAddress(options.bindAddress())
            .setLocalPort(options.communicationPort())
            // A client shares the machine with the servers and other clients: it looks further for a free port.
            .setLocalPortRange(client ? Math.max(options.portRange(), CLIENT_PORT_RANGE) : options.portRange());
        final DataStorageConfiguration storage = new DataStorageConfiguration()
            .setDefaultDataRegionConfiguration(new DataRegionConfiguration()
                .setName("mp4j")
                .setInitialSize(64 * MEBIBYTE)
                .setMaxSize(512 * MEBIBYTE));
        final long failureDetection = options.failureDetectionTimeout().toMillis();
        final IgniteConfiguration configuration = new IgniteConfiguration()
            .setIgniteInstanceName(options.name() + '-' + (client ? "client-" : "node-") + UUID.randomUUID())
            .setClientMode(client)
            .setLocalHost(options.bindAddress())
            .setDiscoverySpi(discovery)
            .setCommunicationSpi(communication)
            .setWorkDirectory(work.toString())
            .setFailureDetectionTimeout(failureDetection)
            // A client's death frees its locks and semaphore permits as soon as a server's would: one timeout for
            // both, with the heartbeats (metrics updates) well inside it.
            .setClientFailureDetectionTimeout(failureDetection)
            .setMetricsUpdateFrequency(Math.max(100, Math.min(IgniteConfiguration.DFLT_METRICS_UPDATE_FREQ, failureDetection / 3)))
            .setPeerClassLoadingEnabled(false)
            .setMetricsLogFrequency(0)
            .setConnectorConfiguration(null)
            .setClientConnectorConfiguration(null)
            .setDataStorageConfiguration(storage)
            .setAtomicConfiguration(new AtomicConfiguration().setBackups(options.backups()))
            .setGridLogger(logger())
            .setUserAttributes(java.util.Map.of("mp4j.cluster", options.name()));
        if (options.ssl() != null)
        {
            configuration.setSslContextFactory(options.ssl());
        }
        if (classLoader != null)
        {
            configuration.setClassLoader(classLoader);
        }
        return configuration;
    }

    /**
     * Ignite's own loggers report errors only (its start-up warnings are about tuning a production node, not about
     * what mp4j configured), unless the user set their level; {@value #VERBOSE_PROPERTY} logs everything at INFO.
     */
    private static org.apache.ignite.IgniteLogger logger()
    {
        if (Boolean.getBoolean(VERBOSE_PROPERTY))
        {
            return new JavaLogger();
        }
        if (Boolean.getBoolean(SILENT_PROPERTY))
        {
            return new NullLogger();
        }
        if (IGNITE_LOGGERS.getLevel() == null)
        {
            IGNITE_LOGGERS.setLevel(Level.SEVERE);
        }
        final Logger quiet = Logger.getLogger("io.mp4j.cluster.ignite");
        quiet.setLevel(IGNITE_LOGGERS.getLevel());
        return new JavaLogger(quiet, false);
    }

    /** Ignite's start-up chatter and its call home are off unless the user set them. */
    private static void quietIgnite()
    {
        setIfAbsent(IgniteSystemProperties.IGNITE_UPDATE_NOTIFIER, "false");
        setIfAbsent(IgniteSystemProperties.IGNITE_NO_ASCII, "true");
        setIfAbsent(IgniteSystemProperties.IGNITE_QUIET, "false");
        setIfAbsent(IgniteSystemProperties.IGNITE_PERFORMANCE_SUGGESTIONS_DISABLED, "true");
        setIfAbsent("java.net.preferIPv4Stack", "true");
    }

    private static void setIfAbsent(final String property, final String value)
    {
        if (System.getProperty(property) == null)
        {
            System.setProperty(property, value);
        }
    }

    /**
     * A fresh owner-only work directory under the JVM's temporary directory, named after this process, after
     * removing those of this user's processes that died without removing theirs (a node killed by SIGKILL).
     */
    private static Path temporaryWorkDirectory()
    {
        final ProcessIdentity self = ProcessIdentity.current();
        try
        {
            final Path directory = Files.createTempDirectory(
                WORK_PREFIX + self.pid() + '-' + Long.toHexString(self.startEpochMilli()) + '-',
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            sweepWorkDirectories(directory.getParent());
            return directory;
        }
        catch (final IOException ex)
        {
            throw new Mp4jException("cannot create a work directory for an Ignite node: error=" + ex, ex);
        }
    }

    /**
     * Removes the work directories in a directory that this user's dead processes left, never following a link.
     *
     * @param parent where the work directories are.
     * @return how many were removed.
     */
    static int sweepWorkDirectories(final Path parent)
    {
        int removed = 0;
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(parent, WORK_PREFIX + "*"))
        {
            for (final Path entry : entries)
            {
                final Matcher name = WORK_NAME.matcher(entry.getFileName().toString());
                if (name.matches() &&
                    !new ProcessIdentity(Long.parseLong(name.group(1)), Long.parseLong(name.group(2), 16)).isAlive() &&
                    Files.isDirectory(entry, LinkOption.NOFOLLOW_LINKS) && FileOwners.isThisUsers(entry))
                {
                    FileTrees.delete(entry);
                    removed++;
                }
            }
        }
        catch (final IOException | RuntimeException ex)
        {
            // Another node may be sweeping at the same time; the next start sweeps again.
        }
        return removed;
    }

    private static void deleteQuietly(final Path directory)
    {
        if (directory != null)
        {
            try
            {
                FileTrees.delete(directory);
            }
            catch (final RuntimeException ex)
            {
                // A leftover temporary directory is harmless; the node is what had to stop.
            }
        }
    }

    /** The innermost message of a failure, which is where Ignite says what went wrong. */
    public static String rootMessage(final Throwable failure)
    {
        Throwable cause = failure;
        while (cause.getCause() != null && cause.getCause() != cause)
        {
            cause = cause.getCause();
        }
        return cause.getClass().getSimpleName() + ": " + cause.getMessage();
    }

    /**
     * A node mp4j started.
     *
     * @param ignite                 the node.
     * @param temporaryWorkDirectory the work directory mp4j made for it, or null if the user named one.
     */
    public record Started(Ignite ignite, Path temporaryWorkDirectory)
    {
    }
}
