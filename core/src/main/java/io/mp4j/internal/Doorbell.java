package io.mp4j.internal;

import org.agrona.collections.Long2ObjectHashMap;

import java.io.IOException;
import java.net.ConnectException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayDeque;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * The kernel object a sleeping waiter blocks on and another process rings: a listening Unix-domain
 * socket, {@code bell-<pid>-<index>.sock} (0600), in the session directory of the region it waits on.
 * Bells are made only in a directory of this user's that others cannot enter (a session's is 0700);
 * elsewhere a waiter sleeps on a timer.
 * <p>
 * Why a socket: the JDK reaches it without native code, a thread blocks on it in the kernel until a
 * byte arrives (the writer's {@code write(2)} wakes it directly, like CPython's pipe), a {@link Selector}
 * gives an exact timeout and lets another thread of the JVM wake it, and a ringer that dies closes its
 * connection, which wakes the sleeper too. A named pipe offers none of the last three to Java code.
 * <p>
 * Bells are pooled per directory: a waiter takes one for a sleep and gives it back, so a JVM has as
 * many bells as it has threads asleep at once. A ringer keeps its connection to each bell it has rung.
 * Everything in a directory is closed by {@link #closeDirectory(Path)} when its session ends.
 */
public final class Doorbell
{
    /** Largest bell index: it has 15 bits in a {@link WaitBoard} slot. */
    static final int MAX_INDEX = (1 << 15) - 1;

    private static final int MAX_SOCKET_PATH = 100;
    private static final int CONNECTIONS_BEFORE_SWEEP = 64;
    private static final ConcurrentHashMap<Path, Directory> DIRECTORIES = new ConcurrentHashMap<>();
    private static final long PID = ProcessHandle.current().pid();
    private static final ThreadLocal<ByteBuffer> RING_BYTE = ThreadLocal.withInitial(() -> ByteBuffer.allocateDirect(1));
    private static final Set<PosixFilePermission> OWNER_ONLY_DIRECTORY = PosixFilePermissions.fromString("rwx------");
    private static final Set<PosixFilePermission> OWNER_ONLY_SOCKET = PosixFilePermissions.fromString("rw-------");

    static
    {
        // A child's bells live in its parent's session: take them away when the child exits.
        ShutdownSequence.add(ShutdownSequence.SESSIONS, "close doorbells",
            () -> DIRECTORIES.keySet().forEach(Doorbell::closeDirectory));
    }

    private final Directory directory;
    private final int index;
    private final Path file;
    private final ServerSocketChannel server;
    private final Selector selector;
    private final ByteBuffer drain = ByteBuffer.allocateDirect(64);
    private final Consumer<SelectionKey> onReady = this::onReady;
    private boolean peerHungUp;

    private Doorbell(final Directory directory, final int index, final Path file) throws IOException
    {
        this.directory = directory;
        this.index = index;
        this.file = file;
        // A file of this name is left by a killed process that had our pid: it cannot still be listening.
        Files.deleteIfExists(file);
        final ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        try
        {
            server.bind(UnixDomainSocketAddress.of(file));
            // bind(2) gives the socket file 0777 less the umask; the directory is owner-only, and so is the file.
            Files.setPosixFilePermissions(file, OWNER_ONLY_SOCKET);
            server.configureBlocking(false);
            this.selector = Selector.open();
            server.register(selector, SelectionKey.OP_ACCEPT);
        }
        catch (final IOException | RuntimeException ex)
        {
            server.close();
            Files.deleteIfExists(file);
            throw ex;
        }
        this.server = server;
    }

    /**
     * The bells and ring connections of this JVM in one directory.
     *
     * @param dir a session directory.
     * @return its directory object, made on first use.
     */
    public static Directory directory(final Path dir)
    {
        final Directory directory = DIRECTORIES.get(dir);
        return directory != null ? directory : DIRECTORIES.computeIfAbsent(dir, Directory::new);
    }

    /**
     * Starts, on a daemon thread, what this JVM's first bell or ring would otherwise pay for when it is
     * wanted: the set-up of the JDK's Unix-domain sockets, whose first use seeds a {@code SecureRandom}
     * (~10 ms on JDK 17). For a JVM that will surely ring or sleep soon, e.g. a pool's worker as it starts.
     */
    public static void prepareInBackground()
    {
        final Thread thread = new Thread(() ->
        {
            try
            {
                SocketChannel.open(StandardProtocolFamily.UNIX).close(); // the JDK's set-up is done on the way
            }
            catch (final IOException | RuntimeException ex)
            {
                // The first real bell or ring meets it again and reports it.
            }
        }, "mp4j-doorbell-prepare");
        thread.setDaemon(true);
        thread.start();
    }

    /**
     * Closes this JVM's bells and ring connections in a directory and deletes its bell files, as its
     * session ends.
     *
     * @param dir the session directory.
     */
    public static void closeDirectory(final Path dir)
    {
        final Directory directory = DIRECTORIES.remove(dir);
        if (directory != null)
        {
            directory.close();
        }
    }

    /**
     * This bell's number in its directory, as written in a {@link WaitBoard} slot.
     *
     * @return {@code pid << 15 | index}.
     */
    long id()
    {
        return PID << 15 | index;
    }

    /**
     * Blocks until the bell rings, another thread calls {@link #wakeup()}, the thread is interrupted,
     * a ringer's process closes its connection, or the timeout passes.
     *
     * @param timeoutMillis the longest sleep, at least 1.
     * @return how many of the bell's sockets had something: 0 after a timeout, a {@link #wakeup()} or an
     *         interrupt.
     * @throws IOException if the selector fails.
     */
    int sleep(final long timeoutMillis) throws IOException
    {
        return selector.select(onReady, timeoutMillis);
    }

    /**
     * Takes every ring that has arrived without blocking, so that old rings do not cut the next sleep
     * short.
     *
     * @return how many of the bell's sockets had something.
     * @throws IOException if the selector fails.
     */
    int drain() throws IOException
    {
        return selector.selectNow(onReady);
    }

    /** Wakes the thread sleeping on this bell from another thread of this JVM. */
    void wakeup()
    {
        selector.wakeup();
    }

    /**
     * Whether a ringer's connection closed since the last call: its process may have died.
     *
     * @return true once per hang-up.
     */
    boolean takePeerHungUp()
    {
        final boolean hungUp = peerHungUp;
        peerHungUp = false;
        return hungUp;
    }

    /** Gives the bell back to its directory's pool once a wait is over. */
    void release()
    {
        directory.release(this);
    }

    private void onReady(final SelectionKey key)
    {
        if (key.isAcceptable())
        {
            accept();
            return;
        }
        final SocketChannel connection = (SocketChannel)key.channel();
        try
        {
            int read;
            do
            {
                drain.clear();
                read = connection.read(drain);
            }
            // A read short of the buffer took every ring there was; one more would only say so (EAGAIN).
            while (read == drain.capacity());
            if (read >= 0)
            {
                return;
            }
        }
        catch (final IOException ex)
        {
            // A broken connection: as good as closed.
        }
        key.cancel();
        closeQuietly(connection);
        peerHungUp = true;
    }

    private void accept()
    {
        SocketChannel connection = null;
        try
        {
            while ((connection = server.accept()) != null)
            {
                connection.configureBlocking(false);
                connection.register(selector, SelectionKey.OP_READ);
                connection = null;
            }
        }
        catch (final IOException ex)
        {
            // Out of descriptors, say: drop this connection, keep listening; the ringer will reconnect.
            if (connection != null)
            {
                closeQuietly(connection);
            }
        }
    }

    private void close()
    {
        for (final SelectionKey key : selector.keys())
        {
            closeQuietly(key.channel());
        }
        closeQuietly(selector);
        closeQuietly(server);
        try
        {
            Files.deleteIfExists(file);
        }
        catch (final IOException ex)
        {
            // The session's removal deletes it with the directory.
        }
    }

    private static void closeQuietly(final AutoCloseable closeable)
    {
        try
        {
            closeable.close();
        }
        catch (final Exception ex)
        {
            // Closing on the way out: nothing to do about it.
        }
    }

    /** What ringing a bell found. */
    enum Ring
    {
        /** A byte went to the bell, or one was already waiting there. */
        RUNG,
        /** Nobody listens on that bell: its process died or the bell was closed. */
        GONE,
        /** The ring failed for another reason; the sleeper wakes on its own timeout. */
        FAILED
    }

    /** This JVM's bells and ring connections in one session directory. */
    static final class Directory
    {
        private final Path dir;
        private final boolean usable;
        private final ArrayDeque<Doorbell> idle = new ArrayDeque<>();
        private final Long2ObjectHashMap<SocketChannel> connections = new Long2ObjectHashMap<>();
        private final AtomicInteger nextIndex = new AtomicInteger();
        private boolean closed;

        private Directory(final Path dir)
        {
            this.dir = dir;
            this.usable = bellFile(dir, PID, MAX_INDEX).toString().length() <= MAX_SOCKET_PATH && isOwnerOnly(dir);
            // Run once on the empty map, so that the classes closing needs are loaded while the class loader
            // that loaded mp4j is open: mvn exec:java closes it before the JVM exits and this closes.
            closeConnections();
        }

        /**
         * A bell to sleep on, from the pool or new.
         *
         * @return the bell, or null if none can be made here (a path too long for a socket, too many
         *         bells, an I/O error): the waiter then sleeps on a timer.
         */
        Doorbell acquire()
        {
            synchronized (this)
            {
                if (closed || !usable)
                {
                    return null;
                }
                final Doorbell bell = idle.pollLast();
                if (bell != null)
                {
                    return bell;
                }
            }
            final int index = nextIndex.getAndIncrement();
            if (index > MAX_INDEX)
            {
                return null;
            }
            try
            {
                return new Doorbell(this, index, bellFile(dir, PID, index));
            }
            catch (final IOException | RuntimeException ex)
            {
                return null;
            }
        }

        private void release(final Doorbell bell)
        {
            synchronized (this)
            {
                if (!closed)
                {
                    idle.addLast(bell);
                    return;
                }
            }
            bell.close();
        }

        /**
         * Rings a bell: writes one byte to it, connecting first if this JVM has not rung it before.
         *
         * @param bellId the bell's {@link #id()}.
         * @return what happened.
         */
        Ring ring(final long bellId)
        {
            final Ring ring = ringOnce(bellId);
            // A failed write drops the connection: a fresh one tells a dead bell from a hiccup.
            return ring == Ring.FAILED ? ringOnce(bellId) : ring;
        }

        private Ring ringOnce(final long bellId)
        {
            SocketChannel connection;
            synchronized (connections)
            {
                connection = connections.get(bellId);
            }
            if (connection == null)
            {
                final Path file = bellFile(dir, bellId >>> 15, (int)(bellId & MAX_INDEX));
                try
                {
                    // Non-blocking: a ringer never waits for a bell's backlog, nor is it closed by an interrupt.
                    connection = SocketChannel.open(StandardProtocolFamily.UNIX);
                    connection.configureBlocking(false);
                    if (!connection.connect(UnixDomainSocketAddress.of(file)) && !connection.finishConnect())
                    {
                        closeQuietly(connection);
                        return Ring.FAILED;
                    }
                }
                catch (final IOException ex)
                {
                    closeQuietly(connection);
                    // Refused, or no such file: nobody listens there, the bell's process is gone.
                    return ex instanceof ConnectException || Files.notExists(file) ? Ring.GONE : Ring.FAILED;
                }
                synchronized (connections)
                {
                    if (connections.size() >= CONNECTIONS_BEFORE_SWEEP)
                    {
                        sweepDeadConnections();
                    }
                    final SocketChannel raced = connections.putIfAbsent(bellId, connection);
                    if (raced != null)
                    {
                        closeQuietly(connection);
                        connection = raced;
                    }
                }
            }

            final ByteBuffer one = RING_BYTE.get();
            one.clear();
            try
            {
                // 0 bytes written means the socket's buffer is full of rings: the sleeper will wake anyway.
                connection.write(one);
                return Ring.RUNG;
            }
            catch (final IOException ex)
            {
                synchronized (connections)
                {
                    connections.remove(bellId, connection);
                }
                closeQuietly(connection);
                return Ring.FAILED;
            }
        }

        /** Drops the connections to bells of processes that have exited; called holding the map's lock. */
        private void sweepDeadConnections()
        {
            connections.entrySet().removeIf(entry ->
            {
                final long pid = entry.getKey() >>> 15;
                final boolean dead = pid != PID && !ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
                if (dead)
                {
                    closeQuietly(entry.getValue());
                }
                return dead;
            });
        }

        private void close()
        {
            final ArrayDeque<Doorbell> bells;
            synchronized (this)
            {
                closed = true;
                bells = new ArrayDeque<>(idle);
                idle.clear();
            }
            bells.forEach(Doorbell::close);
            closeConnections();
        }

        private void closeConnections()
        {
            synchronized (connections)
            {
                connections.values().forEach(Doorbell::closeQuietly);
                connections.clear();
            }
        }
    }

    /** Bells live only in a directory of this user's that nobody else may enter: a session's, say. */
    private static boolean isOwnerOnly(final Path dir)
    {
        try
        {
            final PosixFileAttributes attributes =
                Files.readAttributes(dir, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            return attributes.isDirectory() && FileOwners.isThisUsers(attributes) &&
                OWNER_ONLY_DIRECTORY.containsAll(attributes.permissions());
        }
        catch (final IOException | UnsupportedOperationException ex)
        {
            return false;
        }
    }

    private static Path bellFile(final Path dir, final long pid, final int index)
    {
        return dir.resolve("bell-" + pid + "-" + index + ".sock");
    }
}
