package io.mp4j.host;

import io.mp4j.Mp4jException;
import io.mp4j.WaitStrategy;
import io.mp4j.host.internal.HostConnection;
import io.mp4j.host.internal.HostDescriptor;
import io.mp4j.internal.ProcessIdentity;
import io.mp4j.internal.ShutdownSequence;
import io.mp4j.internal.region.Region;
import io.mp4j.internal.region.RegionKind;
import io.mp4j.process.ChildProcess;
import io.mp4j.process.ProcessContext;
import io.mp4j.session.Session;
import org.agrona.concurrent.AtomicBuffer;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static io.mp4j.host.internal.HostDescriptor.CLAIMED;
import static io.mp4j.host.internal.HostDescriptor.EXIT_WORD_OFFSET;
import static io.mp4j.host.internal.HostDescriptor.FREE;
import static io.mp4j.host.internal.HostDescriptor.HOST_PID_OFFSET;
import static io.mp4j.host.internal.HostDescriptor.HOST_RUNNING;
import static io.mp4j.host.internal.HostDescriptor.HOST_START_OFFSET;
import static io.mp4j.host.internal.HostDescriptor.HOST_STATE_OFFSET;
import static io.mp4j.host.internal.HostDescriptor.HOST_STOPPING;
import static io.mp4j.host.internal.HostDescriptor.LEASES_GRANTED_OFFSET;
import static io.mp4j.host.internal.HostDescriptor.LEASE_WORD_OFFSET;
import static io.mp4j.host.internal.HostDescriptor.OWNER_PID_OFFSET;
import static io.mp4j.host.internal.HostDescriptor.STARTING;
import static io.mp4j.host.internal.HostDescriptor.TASKS_DONE_OFFSET;
import static io.mp4j.host.internal.HostDescriptor.WORKER_COUNT_OFFSET;
import static io.mp4j.host.internal.HostDescriptor.WORKER_PID_OFFSET;

/**
 * A sidecar that keeps warm worker JVMs under a name, so that pools in other processes lease them
 * in milliseconds instead of starting JVMs ({@code new Pool(new PoolContext().host("name"))}). The
 * host is found through a registration file {@code mp4j-host-<name>} under the session root, which it
 * holds an exclusive lock on while it runs: a second host under the same name is refused, and the lock
 * of a killed host dies with it. Files are the owner's only (0600/0700), so only the same OS user can
 * attach.
 * <p>
 * The host replaces a worker that dies, takes back a slot whose client died half-way through claiming
 * it, and stops gracefully on {@link #close()} or SIGTERM: clients still attached see their workers go
 * and fail with an error that names the host. Started and closed from one thread; status may be read
 * from any process.
 */
public final class WorkerHost implements AutoCloseable
{
    private static final long MONITOR_INTERVAL_MILLIS = 50;
    private static final long STALE_CLAIM_MILLIS = 2_000;

    private final String name;
    private final Path registration;
    private final Session session;
    private final FileChannel registrationChannel;
    private final FileLock registrationLock;
    private final Region control;
    private final AtomicBuffer buffer;
    private final ProcessContext processContext;
    private final WaitStrategy waitStrategy;
    private final ChildProcess[] workers;
    private final long[] claimSeenAt;
    private final Thread monitor;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile boolean closing;

    private WorkerHost(
        final String name, final Path registration, final Session session, final FileChannel registrationChannel,
        final FileLock lock, final int workerCount, final ProcessContext processContext, final WaitStrategy waitStrategy)
    {
        this.name = name;
        this.registration = registration;
        this.session = session;
        this.registrationChannel = registrationChannel;
        this.registrationLock = lock;
        this.processContext = processContext;
        this.waitStrategy = waitStrategy;
        this.control = Region.create(session, HostDescriptor.CONTROL_REGION, RegionKind.HOST,
            HostDescriptor.bodyLength(workerCount));
        this.buffer = control.body();
        final ProcessIdentity self = ProcessIdentity.current();
        buffer.putLong(HOST_PID_OFFSET, self.pid());
        buffer.putLong(HOST_START_OFFSET, self.startEpochMilli());
        buffer.putInt(WORKER_COUNT_OFFSET, workerCount);
        buffer.putIntOrdered(HOST_STATE_OFFSET, HOST_RUNNING);

        this.workers = new ChildProcess[workerCount];
        this.claimSeenAt = new long[workerCount];
        for (int slot = 0; slot < workerCount; slot++)
        {
            startWorker(slot);
        }
        this.monitor = new Thread(this::monitor, "mp4j-host-" + name);
        monitor.setDaemon(true);
        monitor.start();
    }

    /**
     * Starts a host: registers the name, starts the warm workers and returns once they are starting.
     *
     * @param name           the host's name: letters, digits, {@code . _ -}.
     * @param workerCount    how many warm worker JVMs.
     * @param processContext how workers are started (their classpath must hold the clients' classes); it
     *                       must not name a host itself.
     * @return the running host.
     * @throws Mp4jException if a host of that name is already running.
     */
    public static WorkerHost start(final String name, final int workerCount, final ProcessContext processContext)
    {
        HostDescriptor.checkName(name);
        if (workerCount < 1)
        {
            throw new IllegalArgumentException("a host needs at least one worker: workers=" + workerCount);
        }
        if (processContext.host() != null)
        {
            throw new IllegalArgumentException("a host starts its own workers; its process context cannot name " +
                "another host: host=" + processContext.host());
        }

        final Path registration = HostDescriptor.registrationOf(name);
        FileChannel channel = null;
        FileLock lock = null;
        Session session = null;
        try
        {
            channel = FileChannel.open(registration, java.util.Set.of(StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            lock = channel.tryLock();
            if (lock == null)
            {
                throw new Mp4jException("a worker host of that name is already running: name=" + name +
                    " pid=" + HostDescriptor.readRegistration(registration)[1]);
            }

            // The host owns a session of its own, even when started by another mp4j process.
            session = Session.create();
            final byte[] contents = (session.directory() + "\n" + ProcessHandle.current().pid() + "\n")
                .getBytes(StandardCharsets.UTF_8);
            channel.truncate(0);
            channel.write(ByteBuffer.wrap(contents), 0);
            channel.force(true);

            final WorkerHost host = new WorkerHost(name, registration, session, channel, lock, workerCount,
                processContext.withSession(session), WaitStrategy.defaultStrategy());
            ShutdownSequence.add(ShutdownSequence.CHILDREN - 1, "stop worker host " + name, host::close);
            return host;
        }
        catch (final IOException | RuntimeException ex)
        {
            if (lock != null)
            {
                deleteQuietly(registration); // ours: we hold its lock
            }
            if (session != null)
            {
                session.close();
            }
            closeQuietly(channel);
            throw ex instanceof RuntimeException ? (RuntimeException)ex :
                new Mp4jException("cannot register worker host: name=" + name + " file=" + registration, ex);
        }
    }

    /**
     * Reads the status of the host registered under a name.
     *
     * @param name the host's name.
     * @return the host's status.
     * @throws Mp4jException if no host of that name is running.
     */
    public static WorkerHostStatus status(final String name)
    {
        try (HostConnection connection = HostConnection.connect(name))
        {
            return readStatus(name, connection.control());
        }
    }

    /**
     * Asks the host registered under a name to stop (SIGTERM) and waits for it to exit.
     *
     * @param name    the host's name.
     * @param timeout how long to wait for it.
     * @return true if it exited within the timeout.
     * @throws Mp4jException if no host of that name is running.
     */
    public static boolean stop(final String name, final Duration timeout)
    {
        final long pid;
        try (HostConnection connection = HostConnection.connect(name))
        {
            pid = connection.hostPid();
        }
        final ProcessHandle host = ProcessHandle.of(pid).orElse(null);
        if (host == null)
        {
            return true;
        }
        host.destroy();
        try
        {
            host.onExit().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        }
        catch (final java.util.concurrent.TimeoutException ex)
        {
            return false;
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            return false;
        }
        catch (final java.util.concurrent.ExecutionException ex)
        {
            throw new IllegalStateException("onExit cannot fail", ex);
        }
    }

    /**
     * The host's name.
     *
     * @return the name it registered.
     */
    public String name()
    {
        return name;
    }

    /**
     * Waits until the host has stopped, by {@link #close()} or SIGTERM.
     *
     * @throws InterruptedException if interrupted while waiting.
     */
    public void awaitStop() throws InterruptedException
    {
        stopped.await();
    }

    /**
     * Stops the host: marks it stopping (clients can no longer lease), stops the workers, removes the
     * registration. Idempotent.
     */
    @Override
    public synchronized void close()
    {
        if (closing)
        {
            return;
        }
        closing = true;
        buffer.putIntOrdered(HOST_STATE_OFFSET, HOST_STOPPING);
        monitor.interrupt();

        for (final ChildProcess worker : workers)
        {
            if (worker != null && worker.isAlive())
            {
                worker.terminate();
            }
        }
        for (final ChildProcess worker : workers)
        {
            try
            {
                if (worker != null && !worker.join(Duration.ofSeconds(5)))
                {
                    worker.kill();
                    worker.join();
                }
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
                break;
            }
        }
        for (int slot = 0; slot < workers.length; slot++)
        {
            if (workers[slot] != null)
            {
                recordExit(slot);
            }
        }

        try
        {
            Files.deleteIfExists(registration);
            registrationLock.release();
        }
        catch (final IOException ex)
        {
            // The lock goes with the channel; a stale file is taken over by the next host of this name.
        }
        closeQuietly(registrationChannel);
        control.close();
        session.close();
        stopped.countDown();
    }

    private void startWorker(final int slot)
    {
        final int base = HostDescriptor.slotOffset(slot);
        buffer.putLong(base + WORKER_PID_OFFSET, 0);
        buffer.putLongOrdered(base + LEASE_WORD_OFFSET, HostDescriptor.leaseWord(0, STARTING));
        workers[slot] = new ChildProcess(processContext, new HostWorkerTarget(slot, waitStrategy))
            .name("HostWorker-" + name + '-' + slot)
            .daemon(true)
            .start();
    }

    private void monitor()
    {
        while (!closing)
        {
            try
            {
                Thread.sleep(MONITOR_INTERVAL_MILLIS);
            }
            catch (final InterruptedException ex)
            {
                return;
            }

            synchronized (this)
            {
                if (closing)
                {
                    return;
                }
                for (int slot = 0; slot < workers.length; slot++)
                {
                    if (recordExit(slot))
                    {
                        startWorker(slot);
                        continue;
                    }
                    reclaimStaleClaim(slot);
                }
            }
        }
    }

    /**
     * Publishes how the slot's worker ended, if it has ended and been reaped, for a client whose hosted
     * child it was running.
     *
     * @return true if the worker has ended.
     */
    private boolean recordExit(final int slot)
    {
        final ChildProcess worker = workers[slot];
        final OptionalInt exitCode = worker.exitCode();
        if (exitCode.isEmpty())
        {
            return false;
        }
        buffer.putLongOrdered(HostDescriptor.slotOffset(slot) + EXIT_WORD_OFFSET,
            HostDescriptor.exitWord(worker.pid(), exitCode.getAsInt()));
        return true;
    }

    /** A client that died between winning a slot and finishing its lease leaves it CLAIMED: take it back. */
    private void reclaimStaleClaim(final int slot)
    {
        final int base = HostDescriptor.slotOffset(slot);
        final long word = buffer.getLongVolatile(base + LEASE_WORD_OFFSET);
        if (HostDescriptor.state(word) != CLAIMED)
        {
            claimSeenAt[slot] = 0;
            return;
        }

        final long now = System.currentTimeMillis();
        if (claimSeenAt[slot] == 0)
        {
            claimSeenAt[slot] = now;
        }
        else if (now - claimSeenAt[slot] > STALE_CLAIM_MILLIS &&
            ProcessHandle.of(HostDescriptor.claimerPid(word)).map(ProcessHandle::isAlive).orElse(false) == false)
        {
            if (buffer.compareAndSetLong(base + LEASE_WORD_OFFSET, word, HostDescriptor.leaseWord(0, FREE)))
            {
                control.waitBoard().ring(HostDescriptor.WORKER_FREED_TAG);
            }
            claimSeenAt[slot] = 0;
        }
    }

    private static WorkerHostStatus readStatus(final String name, final AtomicBuffer buffer)
    {
        final int count = buffer.getInt(WORKER_COUNT_OFFSET);
        final List<WorkerHostStatus.Worker> workers = new ArrayList<>(count);
        for (int slot = 0; slot < count; slot++)
        {
            final int base = HostDescriptor.slotOffset(slot);
            final long word = buffer.getLongVolatile(base + LEASE_WORD_OFFSET);
            final int state = HostDescriptor.state(word);
            workers.add(new WorkerHostStatus.Worker(slot, buffer.getLong(base + WORKER_PID_OFFSET),
                switch (state)
                {
                    case STARTING -> "starting";
                    case FREE -> "free";
                    case CLAIMED -> "claimed";
                    default -> "leased";
                },
                state == HostDescriptor.LEASED ? buffer.getLong(base + OWNER_PID_OFFSET) : 0,
                buffer.getLongVolatile(base + TASKS_DONE_OFFSET)));
        }
        final long startMillis = buffer.getLong(HOST_START_OFFSET);
        return new WorkerHostStatus(name, buffer.getLong(HOST_PID_OFFSET),
            Duration.ofMillis(Math.max(0, System.currentTimeMillis() - startMillis)),
            buffer.getLongVolatile(LEASES_GRANTED_OFFSET), workers);
    }

    private static void deleteQuietly(final Path file)
    {
        try
        {
            Files.deleteIfExists(file);
        }
        catch (final IOException ex)
        {
            // A stale registration is taken over by the next host of this name.
        }
    }

    private static void closeQuietly(final FileChannel channel)
    {
        if (channel != null)
        {
            try
            {
                channel.close();
            }
            catch (final IOException ex)
            {
                // Nothing more to release.
            }
        }
    }
}
