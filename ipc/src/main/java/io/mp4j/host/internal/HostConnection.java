package io.mp4j.host.internal;

import io.mp4j.Mp4jException;
import io.mp4j.Mp4jTimeoutException;
import io.mp4j.WaitStrategy;
import io.mp4j.host.ClassPathMismatchException;
import io.mp4j.host.UntrustedHostException;
import io.mp4j.internal.Log;
import io.mp4j.internal.ProcessIdentity;
import io.mp4j.internal.WaitBoard;
import io.mp4j.internal.Waiter;
import io.mp4j.internal.region.Region;
import io.mp4j.internal.region.RegionKind;
import io.mp4j.process.ProcessContext;
import io.mp4j.process.ProcessContext.HostClassPathMismatch;
import io.mp4j.session.Session;
import org.agrona.concurrent.AtomicBuffer;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import static io.mp4j.host.internal.HostDescriptor.CLAIMED;
import static io.mp4j.host.internal.HostDescriptor.EXIT_WORD_OFFSET;
import static io.mp4j.host.internal.HostDescriptor.FREE;
import static io.mp4j.host.internal.HostDescriptor.HOST_PID_OFFSET;
import static io.mp4j.host.internal.HostDescriptor.HOST_RUNNING;
import static io.mp4j.host.internal.HostDescriptor.HOST_START_OFFSET;
import static io.mp4j.host.internal.HostDescriptor.HOST_STATE_OFFSET;
import static io.mp4j.host.internal.HostDescriptor.LEASED;
import static io.mp4j.host.internal.HostDescriptor.LEASES_GRANTED_OFFSET;
import static io.mp4j.host.internal.HostDescriptor.LEASE_COUNT_OFFSET;
import static io.mp4j.host.internal.HostDescriptor.LEASE_WORD_OFFSET;
import static io.mp4j.host.internal.HostDescriptor.OWNER_PID_OFFSET;
import static io.mp4j.host.internal.HostDescriptor.OWNER_START_OFFSET;
import static io.mp4j.host.internal.HostDescriptor.RESTARTING;
import static io.mp4j.host.internal.HostDescriptor.STARTING;
import static io.mp4j.host.internal.HostDescriptor.WORKER_COUNT_OFFSET;
import static io.mp4j.host.internal.HostDescriptor.WORKER_PID_OFFSET;
import static io.mp4j.host.internal.HostDescriptor.WORKER_START_OFFSET;

/**
 * A client's view of a running worker host: its state, and leases of its workers. Used by one thread at
 * a time (a hosted child's starting thread hands it to its reaper).
 * <p>
 * A client leases only workers that load what its own classpath would, compared by
 * {@link ClassPathFingerprint}: a free worker that does is leased as it is; otherwise, as the client's
 * context says, a free worker is restarted on the client's classpath first, or the lease is refused.
 */
public final class HostConnection implements AutoCloseable
{
    /** How long a client waits for the host to restart a worker on its classpath: a JVM start, at worst. */
    private static final long RESTART_TIMEOUT_MILLIS = 60_000;
    private static final int MAX_CACHED_CLASS_PATHS = 64;

    /** Classpaths the host's workers run, by digest: a file of a given digest never changes. */
    private static final Map<String, ClassPathFingerprint> WORKER_CLASS_PATHS = new ConcurrentHashMap<>();

    private final String name;
    private final Session session;
    private final Region control;
    private final AtomicBuffer buffer;
    private final ProcessIdentity host;
    private final String clientClassPath;
    private final HostClassPathMismatch mismatch;
    /** Slots this client claimed ahead of its leases, on workers that serve its classpath. */
    private final ArrayDeque<Integer> reserved = new ArrayDeque<>();
    /** Whether a worker classpath, by digest, serves this client's; for this connection's fingerprint. */
    private final Map<String, Boolean> serves = new HashMap<>();
    private ClassPathFingerprint clientFingerprint;

    /**
     * A worker leased from the host: the slot, the worker JVM serving the client's channel, and which of
     * the slot's leases this is.
     */
    public record Lease(int slot, ProcessIdentity worker, long number)
    {
    }

    private HostConnection(
        final String name, final Session session, final Region control, final ProcessContext clientContext)
    {
        this.name = name;
        this.session = session;
        this.control = control;
        this.buffer = control.body();
        this.host = new ProcessIdentity(buffer.getLong(HOST_PID_OFFSET), buffer.getLong(HOST_START_OFFSET));
        this.clientClassPath = clientContext == null ? null : clientContext.classPath();
        this.mismatch = clientContext == null ? null : clientContext.hostClassPathMismatch();
    }

    /**
     * Attaches to a running host to read its status or stop it; such a connection cannot lease.
     *
     * @param name the host's name.
     * @return the connection.
     * @throws Mp4jException if no host of that name runs, or it runs another mp4j layout.
     */
    public static HostConnection connect(final String name)
    {
        return connect(name, null);
    }

    /**
     * Attaches to a running host to lease workers that load what the context's classpath would.
     *
     * @param name          the host's name.
     * @param clientContext the client's context: its classpath, and what to do when the workers run
     *                      another; null for a connection that cannot lease.
     * @return the connection.
     * @throws UntrustedHostException if the host's registration, session or control region is not this OS
     *                                user's own with owner-only permissions.
     * @throws Mp4jException          if no host of that name runs, or it runs another mp4j layout.
     */
    public static HostConnection connect(final String name, final ProcessContext clientContext)
    {
        if (clientContext != null)
        {
            clientContext.conclude();
        }
        final HostRegistration.Contents registration = HostRegistration.read(name);
        final Session session;
        final Region control;
        try
        {
            session = Session.attach(registration.sessionDirectory());
            control = Region.attach(session, HostDescriptor.CONTROL_REGION, RegionKind.HOST);
        }
        catch (final Mp4jException ex)
        {
            throw new Mp4jException("worker host is not running: name=" + name + " pid=" + registration.hostPid() +
                " (its registration is stale; a new host of this name takes it over)", ex);
        }

        try
        {
            HostDescriptor.checkLayout(control.body(), name, "client");
        }
        catch (final RuntimeException ex)
        {
            control.close();
            session.close();
            throw ex;
        }
        final HostConnection connection = new HostConnection(name, session, control, clientContext);
        if (!connection.isRunning())
        {
            connection.close();
            throw new Mp4jException("worker host is not running: name=" + name + " pid=" + registration.hostPid());
        }
        return connection;
    }

    public String name()
    {
        return name;
    }

    public long hostPid()
    {
        return host.pid();
    }

    public int workerCount()
    {
        return buffer.getInt(WORKER_COUNT_OFFSET);
    }

    public boolean isRunning()
    {
        return buffer.getIntVolatile(HOST_STATE_OFFSET) == HOST_RUNNING && host.isAlive();
    }

    /**
     * The host's control region, for reading its status.
     *
     * @return the region's body.
     */
    public AtomicBuffer control()
    {
        return buffer;
    }

    /**
     * Leases a free worker to serve the channel: one this client reserved, or else one that serves its
     * classpath, or else (as the client's context says) one restarted on its classpath; waits for one to
     * be free up to the timeout, and then for a restart.
     *
     * @throws Mp4jTimeoutException       if no worker became free in time.
     * @throws ClassPathMismatchException if the workers run another classpath and none could be had on
     *                                    this client's.
     * @throws Mp4jException              if the host stopped.
     */
    public Lease lease(final Path channelFile, final Duration timeout)
    {
        final byte[] path = HostDescriptor.encodePath(channelFile.toAbsolutePath().toString());
        final long claimed = HostDescriptor.leaseWord(ProcessIdentity.current().pid(), CLAIMED);
        Integer slot;
        while ((slot = reserved.poll()) != null)
        {
            if (buffer.getLongVolatile(HostDescriptor.slotOffset(slot) + LEASE_WORD_OFFSET) == claimed)
            {
                return grant(slot, path);
            }
            // Its worker died since it was reserved, and the host is starting another.
        }
        return grant(claim(timeout), path);
    }

    /**
     * Claims up to a number of free workers ahead of leases, restarting at once (not one after the other)
     * those that need to run this client's classpath; waits for none to become free. A pool calls it
     * before it leases its workers.
     *
     * @param count how many workers the client will lease.
     * @throws ClassPathMismatchException if the host could not restart a worker on this client's classpath;
     *                                    nothing stays reserved then.
     */
    public void reserve(final int count)
    {
        checkLeasing();
        final List<Integer> restarting = new ArrayList<>();
        while (reserved.size() + restarting.size() < count)
        {
            int slot = claimFree(true);
            if (slot < 0 && mismatch == HostClassPathMismatch.REPLACE)
            {
                slot = claimFree(false);
            }
            if (slot < 0)
            {
                break;
            }
            if (servesThisClient(slot))
            {
                reserved.add(slot);
            }
            else if (mismatch == HostClassPathMismatch.REPLACE)
            {
                requestRestart(slot);
                restarting.add(slot);
            }
            else
            {
                free(slot); // the worker changed between the look and the claim; a lease decides
            }
        }

        RuntimeException failure = null;
        final long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(RESTART_TIMEOUT_MILLIS);
        for (final int slot : restarting)
        {
            try
            {
                awaitRestart(slot, deadline);
                reserved.add(slot);
            }
            catch (final RuntimeException ex)
            {
                if (failure == null)
                {
                    failure = ex;
                }
            }
        }
        if (failure != null)
        {
            freeReserved();
            throw failure;
        }
    }

    private int claim(final Duration timeout)
    {
        checkLeasing();
        final Waiter waiter = Waiter.begin(
            WaitStrategy.LOW_CPU, control.waitBoard(), HostDescriptor.WORKER_FREED_TAG, timeout.toNanos());
        try
        {
            while (true)
            {
                checkRunning();
                final int slot = claimFree(true);
                if (slot >= 0)
                {
                    if (servesThisClient(slot))
                    {
                        return slot;
                    }
                    free(slot); // the worker changed between the look and the claim: look again
                    continue;
                }
                if (mismatch == HostClassPathMismatch.REPLACE)
                {
                    final int other = claimFree(false);
                    if (other >= 0)
                    {
                        if (!servesThisClient(other))
                        {
                            requestRestart(other);
                            awaitRestart(other,
                                System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(RESTART_TIMEOUT_MILLIS));
                        }
                        return other;
                    }
                }
                else if (!anyWorkerServesThisClient())
                {
                    throw refusal();
                }
                if (!waiter.idle())
                {
                    throw new Mp4jTimeoutException("no free worker on host: name=" + name + " workers=" +
                        workerCount() + " timeout=" + timeout);
                }
            }
        }
        finally
        {
            waiter.end();
        }
    }

    /**
     * Claims a free worker whose classpath the host has published.
     *
     * @param servingOnly whether to claim only a worker that serves this client's classpath.
     * @return the slot, or -1 if none.
     */
    private int claimFree(final boolean servingOnly)
    {
        final long claimed = HostDescriptor.leaseWord(ProcessIdentity.current().pid(), CLAIMED);
        for (int slot = 0; slot < workerCount(); slot++)
        {
            final int base = HostDescriptor.slotOffset(slot);
            final long word = buffer.getLongVolatile(base + LEASE_WORD_OFFSET);
            if (HostDescriptor.state(word) == FREE && hasClassPath(slot) && (!servingOnly || servesThisClient(slot)) &&
                buffer.compareAndSetLong(base + LEASE_WORD_OFFSET, word, claimed))
            {
                return slot;
            }
        }
        return -1;
    }

    /** Finishes the lease of a slot this client claimed: the worker finds the channel and serves it. */
    private Lease grant(final int slot, final byte[] path)
    {
        final ProcessIdentity self = ProcessIdentity.current();
        final int base = HostDescriptor.slotOffset(slot);
        buffer.putLong(base + OWNER_PID_OFFSET, self.pid());
        buffer.putLong(base + OWNER_START_OFFSET, self.startEpochMilli());
        HostDescriptor.slotText(buffer, base, path);
        final long number = buffer.getAndAddLong(base + LEASE_COUNT_OFFSET, 1) + 1;
        final ProcessIdentity worker = new ProcessIdentity(
            buffer.getLong(base + WORKER_PID_OFFSET), buffer.getLong(base + WORKER_START_OFFSET));
        buffer.putLongOrdered(base + LEASE_WORD_OFFSET, HostDescriptor.leaseWord(self.pid(), LEASED));
        control.waitBoard().ring(WaitBoard.tagFor(base + LEASE_WORD_OFFSET));
        buffer.getAndAddLong(LEASES_GRANTED_OFFSET, 1);
        Log.HOST.log(Level.DEBUG, () -> "worker leased: host=" + name + " slot=" + slot + " workerPid=" + worker.pid() +
            " lease=" + number);
        return new Lease(slot, worker, number);
    }

    // ------------------------------------------------------------------ classpaths

    private boolean hasClassPath(final int slot)
    {
        for (final byte b : HostDescriptor.classPathDigest(buffer, slot))
        {
            if (b != 0)
            {
                return true;
            }
        }
        return false;
    }

    /** Whether the slot's worker loads what this client's classpath would. */
    private boolean servesThisClient(final int slot)
    {
        // Entry by entry against the classpath the host published: the client computes no digest of its own.
        return serves.computeIfAbsent(HexFormat.of().formatHex(HostDescriptor.classPathDigest(buffer, slot)), hex ->
        {
            final ClassPathFingerprint worker = workerClassPath(hex);
            return worker != null && clientFingerprint().isServedBy(worker);
        });
    }

    private boolean anyWorkerServesThisClient()
    {
        for (int slot = 0; slot < workerCount(); slot++)
        {
            if (hasClassPath(slot) && servesThisClient(slot))
            {
                return true;
            }
        }
        return false;
    }

    /** This client's classpath fingerprint, taken once per connection (and reused by the JVM for a second). */
    private ClassPathFingerprint clientFingerprint()
    {
        if (clientFingerprint == null)
        {
            clientFingerprint = ClassPathFingerprint.recent(clientClassPath, this::publishedEntries);
        }
        return clientFingerprint;
    }

    /** The entries the host digested for its workers' classpaths, so that this client need not digest them. */
    private Map<String, ClassPathFingerprint.Entry> publishedEntries()
    {
        final Map<String, ClassPathFingerprint.Entry> entries = new HashMap<>();
        for (int slot = 0; slot < workerCount(); slot++)
        {
            if (hasClassPath(slot))
            {
                final ClassPathFingerprint worker =
                    workerClassPath(HexFormat.of().formatHex(HostDescriptor.classPathDigest(buffer, slot)));
                if (worker != null)
                {
                    entries.putAll(worker.byPath());
                }
            }
        }
        return entries;
    }

    /** The classpath the host published under a digest, or null if its file is gone (the host stopped). */
    private ClassPathFingerprint workerClassPath(final String hex)
    {
        final ClassPathFingerprint known = WORKER_CLASS_PATHS.get(hex);
        if (known != null)
        {
            return known;
        }
        final Path file = session.directory().resolve(HostDescriptor.CLASS_PATH_FILE_PREFIX + hex);
        final ClassPathFingerprint read;
        try
        {
            read = ClassPathFingerprint.decode(Files.readAllBytes(file), file);
        }
        catch (final IOException ex)
        {
            return null;
        }
        if (WORKER_CLASS_PATHS.size() >= MAX_CACHED_CLASS_PATHS)
        {
            WORKER_CLASS_PATHS.clear();
        }
        WORKER_CLASS_PATHS.put(hex, read);
        return read;
    }

    /** The refusal of a client whose policy is to refuse, naming how a worker's classpath differs. */
    private ClassPathMismatchException refusal()
    {
        final ClassPathFingerprint client = clientFingerprint();
        ClassPathFingerprint worker = null;
        for (int slot = 0; slot < workerCount() && worker == null; slot++)
        {
            if (hasClassPath(slot))
            {
                worker = workerClassPath(HexFormat.of().formatHex(HostDescriptor.classPathDigest(buffer, slot)));
            }
        }
        return new ClassPathMismatchException("worker host runs another classpath than this client's: host=" + name +
            " pid=" + host.pid() + (worker != null ? " hostClassPath=" + worker.id() : "") +
            " clientClassPath=" + client.id() + " policy=" + mismatch +
            (worker != null ? "; " + client.describeDifferences(worker, "client", "host") : ""));
    }

    // ------------------------------------------------------------------ restarts

    /** Asks the host to restart the worker of a slot this client claimed on this client's classpath. */
    private void requestRestart(final int slot)
    {
        final int base = HostDescriptor.slotOffset(slot);
        final String request = session.uniqueName(HostDescriptor.RESTART_REQUEST_PREFIX);
        try
        {
            session.writeAtomically(request, clientFingerprint().encode());
        }
        catch (final RuntimeException ex)
        {
            free(slot);
            throw ex;
        }
        HostDescriptor.slotText(buffer, base, request.getBytes(StandardCharsets.UTF_8));
        buffer.putLongOrdered(base + LEASE_WORD_OFFSET,
            HostDescriptor.leaseWord(ProcessIdentity.current().pid(), RESTARTING));
        control.waitBoard().ring(HostDescriptor.RESTART_REQUESTED_TAG);
    }

    /**
     * Waits until the worker restarted for this client comes up claimed for it.
     *
     * @throws ClassPathMismatchException if the host refused, or the worker did not start.
     */
    private void awaitRestart(final int slot, final long deadlineNanos)
    {
        final int base = HostDescriptor.slotOffset(slot);
        final long self = ProcessIdentity.current().pid();
        final String request = HostDescriptor.slotText(buffer, base);
        final Waiter waiter = Waiter.begin(WaitStrategy.LOW_CPU, control.waitBoard(), HostDescriptor.WORKER_FREED_TAG,
            Math.max(0, deadlineNanos - System.nanoTime()));
        try
        {
            while (true)
            {
                final long word = buffer.getLongVolatile(base + LEASE_WORD_OFFSET);
                final int state = HostDescriptor.state(word);
                if (HostDescriptor.claimerPid(word) != self || (state != RESTARTING && state != STARTING && state != CLAIMED))
                {
                    throw refusedRestart(request);
                }
                if (state == CLAIMED)
                {
                    return; // the new worker wrote its pid, then claimed the slot for this client
                }
                if (!isRunning())
                {
                    abandonRestart(slot);
                    throw new Mp4jException("worker host stopped: name=" + name + " pid=" + host.pid());
                }
                if (!waiter.idle())
                {
                    abandonRestart(slot);
                    throw new Mp4jTimeoutException("worker host did not restart a worker on this client's " +
                        "classpath in time: name=" + name + " slot=" + slot + " timeout=" + RESTART_TIMEOUT_MILLIS + "ms");
                }
            }
        }
        finally
        {
            waiter.end();
        }
    }

    private ClassPathMismatchException refusedRestart(final String request)
    {
        final Path file = session.directory().resolve(request + HostDescriptor.REFUSED_SUFFIX);
        String reason;
        try
        {
            reason = Files.readString(file, StandardCharsets.UTF_8);
            Files.deleteIfExists(file);
        }
        catch (final NoSuchFileException ex)
        {
            reason = "worker host did not restart a worker on this client's classpath: name=" + name;
        }
        catch (final IOException ex)
        {
            reason = "worker host did not restart a worker on this client's classpath: name=" + name +
                " (its reason is unreadable: " + ex + ")";
        }
        return new ClassPathMismatchException(reason);
    }

    /** Gives up a restart in whatever step it is, so that the slot is not held for this client for good. */
    private void abandonRestart(final int slot)
    {
        final int offset = HostDescriptor.slotOffset(slot) + LEASE_WORD_OFFSET;
        final long self = ProcessIdentity.current().pid();
        while (true)
        {
            final long word = buffer.getLongVolatile(offset);
            if (HostDescriptor.claimerPid(word) != self)
            {
                return;
            }
            final long next = switch (HostDescriptor.state(word))
            {
                case STARTING -> HostDescriptor.leaseWord(0, STARTING); // the new worker comes up free
                case RESTARTING, CLAIMED -> HostDescriptor.leaseWord(0, FREE);
                default -> word;
            };
            if (next == word || buffer.compareAndSetLong(offset, word, next))
            {
                control.waitBoard().ring(HostDescriptor.WORKER_FREED_TAG);
                return;
            }
        }
    }

    /** Hands a slot this client claimed but did not lease back to the host. */
    private void free(final int slot)
    {
        final int offset = HostDescriptor.slotOffset(slot) + LEASE_WORD_OFFSET;
        final long claimed = HostDescriptor.leaseWord(ProcessIdentity.current().pid(), CLAIMED);
        if (buffer.compareAndSetLong(offset, claimed, HostDescriptor.leaseWord(0, FREE)))
        {
            control.waitBoard().ring(HostDescriptor.WORKER_FREED_TAG);
        }
    }

    private void freeReserved()
    {
        Integer slot;
        while ((slot = reserved.poll()) != null)
        {
            free(slot);
        }
    }

    private void checkLeasing()
    {
        if (clientClassPath == null)
        {
            throw new IllegalStateException("a connection made without a client context cannot lease: host=" + name);
        }
    }

    private void checkRunning()
    {
        if (!isRunning())
        {
            throw new Mp4jException("worker host stopped: name=" + name + " pid=" + host.pid());
        }
    }

    /** Whether the slot is still claimed or leased by this process. */
    public boolean isLeasedByThisProcess(final int slot)
    {
        final long word = buffer.getLongVolatile(HostDescriptor.slotOffset(slot) + LEASE_WORD_OFFSET);
        final int state = HostDescriptor.state(word);
        return (state == LEASED || state == CLAIMED) && HostDescriptor.claimerPid(word) == ProcessIdentity.current().pid();
    }

    /** Whether the lease still holds: its worker has not handed the slot back, nor has anyone else got it. */
    boolean holds(final Lease lease)
    {
        final int base = HostDescriptor.slotOffset(lease.slot());
        final long word = buffer.getLongVolatile(base + LEASE_WORD_OFFSET);
        return HostDescriptor.state(word) == LEASED &&
            HostDescriptor.claimerPid(word) == ProcessIdentity.current().pid() &&
            buffer.getLongVolatile(base + LEASE_COUNT_OFFSET) == lease.number();
    }

    /** Whether the host's JVM is still there, stopping or not. */
    boolean isHostAlive()
    {
        return host.isAlive();
    }

    /**
     * The exit code the host recorded for the slot's worker, if the last worker it recorded there is this one.
     *
     * @return the exit code, or empty while the host has not recorded this worker's end.
     */
    OptionalInt exitCode(final int slot, final ProcessIdentity worker)
    {
        final long word = buffer.getLongVolatile(HostDescriptor.slotOffset(slot) + EXIT_WORD_OFFSET);
        return HostDescriptor.exitedPid(word) == worker.pid() ?
            OptionalInt.of(HostDescriptor.exitCode(word)) : OptionalInt.empty();
    }

    /** Hands back the workers reserved and not leased, and detaches. */
    @Override
    public void close()
    {
        freeReserved();
        control.close();
        session.close();
    }
}
