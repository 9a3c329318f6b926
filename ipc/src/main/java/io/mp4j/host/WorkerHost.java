package io.mp4j.host;

import io.mp4j.Mp4jException;
import io.mp4j.WaitStrategy;
import io.mp4j.host.internal.ClassPathFingerprint;
import io.mp4j.host.internal.HostConnection;
import io.mp4j.host.internal.HostDescriptor;
import io.mp4j.host.internal.HostRegistration;
import io.mp4j.internal.Log;
import io.mp4j.internal.ProcessIdentity;
import io.mp4j.internal.ShutdownSequence;
import io.mp4j.internal.Waiter;
import io.mp4j.internal.region.Region;
import io.mp4j.internal.region.RegionKind;
import io.mp4j.process.ChildProcess;
import io.mp4j.process.ProcessContext;
import io.mp4j.session.Session;
import org.agrona.concurrent.AtomicBuffer;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static io.mp4j.host.internal.HostDescriptor.CLAIMED;
import static io.mp4j.host.internal.HostDescriptor.CLASS_PATH_DIGEST_OFFSET;
import static io.mp4j.host.internal.HostDescriptor.EXIT_WORD_OFFSET;
import static io.mp4j.host.internal.HostDescriptor.FREE;
import static io.mp4j.host.internal.HostDescriptor.HOST_PID_OFFSET;
import static io.mp4j.host.internal.HostDescriptor.HOST_RUNNING;
import static io.mp4j.host.internal.HostDescriptor.HOST_START_OFFSET;
import static io.mp4j.host.internal.HostDescriptor.HOST_STATE_OFFSET;
import static io.mp4j.host.internal.HostDescriptor.HOST_STOPPING;
import static io.mp4j.host.internal.HostDescriptor.LAYOUT_VERSION;
import static io.mp4j.host.internal.HostDescriptor.LAYOUT_VERSION_OFFSET;
import static io.mp4j.host.internal.HostDescriptor.LEASES_GRANTED_OFFSET;
import static io.mp4j.host.internal.HostDescriptor.LEASE_WORD_OFFSET;
import static io.mp4j.host.internal.HostDescriptor.OWNER_PID_OFFSET;
import static io.mp4j.host.internal.HostDescriptor.RESTARTING;
import static io.mp4j.host.internal.HostDescriptor.STARTING;
import static io.mp4j.host.internal.HostDescriptor.TASKS_DONE_OFFSET;
import static io.mp4j.host.internal.HostDescriptor.WORKER_COUNT_OFFSET;
import static io.mp4j.host.internal.HostDescriptor.WORKER_PID_OFFSET;

/**
 * A sidecar that keeps warm worker JVMs under a name, so that pools in other processes lease them
 * in milliseconds instead of starting JVMs ({@code new Pool(new PoolContext().host("name"))}). The
 * host is found through a registration file {@code mp4j-host-<name>} under the session root, which it
 * holds an exclusive lock on while it runs: a second host under the same name is refused, and the lock
 * of a killed host dies with it. The registration is written in the host's session and linked into place,
 * never through whatever another user planted at the path. Files are the owner's only (0600/0700), and a
 * client attaches only to a host whose registration, session and control region are its own user's and
 * owner-only.
 * <p>
 * The host replaces a worker that dies, takes back a slot whose client died half-way through claiming
 * it, and stops gracefully on {@link #close()} or SIGTERM: clients still attached see their workers go
 * and fail with an error that names the host. Started and closed from one thread; status may be read
 * from any process.
 * <p>
 * The host never serves a client code other than its own. It publishes a fingerprint of each worker's
 * classpath (the contents of its jars and class directories), and a client leases only workers whose
 * classpath loads what its own would. After a rebuild, a client on the new classes asks the host to
 * restart the free workers it leases on its classpath (with the JVM flags that classpath needs), or is
 * refused with the differing entries named, as its {@code ProcessContext} says. Workers other clients
 * hold keep their classpath until they are given back; a restarted worker keeps its client's classpath
 * for later clients, and workers of different classpaths may serve side by side.
 */
public final class WorkerHost implements AutoCloseable
{
    private static final long MONITOR_INTERVAL_MILLIS = 50;
    private static final long STALE_CLAIM_MILLIS = 2_000;

    private final String name;
    private final HostRegistration registration;
    private final Session session;
    private final Region control;
    private final AtomicBuffer buffer;
    private final ProcessContext processContext;
    private final ClassPathFingerprint classPath;
    private final WaitStrategy waitStrategy;
    private final ChildProcess[] workers;
    /** Per slot: how its worker starts, and that classpath's fingerprint; a restart changes them. */
    private final ProcessContext[] workerContexts;
    private final ClassPathFingerprint[] workerClassPaths;
    /** Per slot: the restart under way for a client, or null. */
    private final Restart[] restarts;
    private final Set<String> publishedClassPaths = new HashSet<>();
    private final long[] claimSeenAt;
    private final Thread monitor;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile boolean closing;
    private volatile boolean workerExited;
    private volatile Waiter monitorWaiter;

    /** A worker being restarted on a client's classpath: for whom, at whose request, and whether started. */
    private static final class Restart
    {
        private final long claimer;
        private final String request;
        private boolean started;

        private Restart(final long claimer, final String request)
        {
            this.claimer = claimer;
            this.request = request;
        }
    }

    private WorkerHost(
        final String name, final HostRegistration registration, final Session session, final int workerCount,
        final ProcessContext processContext, final WaitStrategy waitStrategy)
    {
        this.name = name;
        this.registration = registration;
        this.session = session;
        this.processContext = processContext;
        this.waitStrategy = waitStrategy;
        this.control = Region.create(session, HostDescriptor.CONTROL_REGION, RegionKind.HOST,
            HostDescriptor.bodyLength(workerCount));
        this.buffer = control.body();
        final ProcessIdentity self = ProcessIdentity.current();
        buffer.putLong(HOST_PID_OFFSET, self.pid());
        buffer.putLong(HOST_START_OFFSET, self.startEpochMilli());
        buffer.putInt(WORKER_COUNT_OFFSET, workerCount);
        buffer.putInt(LAYOUT_VERSION_OFFSET, LAYOUT_VERSION);
        buffer.putIntOrdered(HOST_STATE_OFFSET, HOST_RUNNING);

        this.workers = new ChildProcess[workerCount];
        this.workerContexts = new ProcessContext[workerCount];
        this.workerClassPaths = new ClassPathFingerprint[workerCount];
        this.restarts = new Restart[workerCount];
        this.claimSeenAt = new long[workerCount];
        for (int slot = 0; slot < workerCount; slot++)
        {
            workerContexts[slot] = processContext;
            startWorker(slot);
        }
        // Taken while the workers' JVMs start; until it is published, clients lease none of them.
        this.classPath = ClassPathFingerprint.of(processContext.classPath());
        publish(classPath);
        for (int slot = 0; slot < workerCount; slot++)
        {
            workerClassPaths[slot] = classPath;
            buffer.putBytes(HostDescriptor.slotOffset(slot) + CLASS_PATH_DIGEST_OFFSET, classPath.digest());
        }
        control.waitBoard().ring(HostDescriptor.WORKER_FREED_TAG);
        this.monitor = new Thread(this::monitor, "mp4j-host-" + name);
        monitor.setDaemon(true);
        monitor.start();
    }

    /**
     * Starts a host: registers the name, starts the warm workers and returns once they are starting.
     *
     * @param name           the host's name: letters, digits, {@code . _ -}.
     * @param workerCount    how many warm worker JVMs.
     * @param processContext how workers are started: the clients' classpath, ideally, since a client on
     *                       another has the workers it leases restarted on its own; it must not name a
     *                       host itself.
     * @return the running host.
     * @throws Mp4jException if a host of that name is already running, or its registration's path holds
     *                       anything but a stale registration of this OS user's (another user's file, a link).
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

        Session session = null;
        HostRegistration registration = null;
        try
        {
            // The host owns a session of its own, even when started by another mp4j process; the
            // registration names it.
            session = Session.create();
            registration = HostRegistration.register(name, session);
            final WorkerHost host = new WorkerHost(name, registration, session, workerCount,
                processContext.withSession(session), WaitStrategy.defaultStrategy());
            ShutdownSequence.add(ShutdownSequence.CHILDREN - 1, "stop worker host " + name, host::close);
            return host;
        }
        catch (final RuntimeException ex)
        {
            if (registration != null)
            {
                registration.close();
            }
            if (session != null)
            {
                session.close();
            }
            throw ex;
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

        registration.close();
        control.close();
        session.close();
        stopped.countDown();
    }

    private void startWorker(final int slot)
    {
        final int base = HostDescriptor.slotOffset(slot);
        buffer.putLong(base + WORKER_PID_OFFSET, 0);
        buffer.putBytes(base + CLASS_PATH_DIGEST_OFFSET, workerClassPaths[slot] == null ?
            new byte[HostDescriptor.CLASS_PATH_DIGEST_LENGTH] : workerClassPaths[slot].digest());
        final Restart restart = restarts[slot];
        if (restart == null)
        {
            buffer.putLongOrdered(base + LEASE_WORD_OFFSET, HostDescriptor.leaseWord(0, STARTING));
        }
        else
        {
            // The word says STARTING for the client (or, if it gave up waiting, for nobody): the worker
            // comes up claimed for it, or free.
            restart.started = true;
        }
        final ChildProcess worker = new ChildProcess(workerContexts[slot], new HostWorkerTarget(slot, waitStrategy))
            .name("HostWorker-" + name + '-' + slot)
            .daemon(true)
            .start();
        workers[slot] = worker;
        worker.onExit().thenRun(this::wakeMonitor);
    }

    private void monitor()
    {
        while (!closing)
        {
            try
            {
                awaitWork();
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
                        replaceWorker(slot);
                        continue;
                    }
                    noteRestartDone(slot);
                    serveRestartRequest(slot);
                    reclaimStaleClaim(slot);
                }
            }
        }
    }

    /** Waits up to the monitor's interval, or less when a client asks for a restart or a worker exits. */
    private void awaitWork() throws InterruptedException
    {
        final Waiter waiter = Waiter.begin(WaitStrategy.LOW_CPU, control.waitBoard(),
            HostDescriptor.RESTART_REQUESTED_TAG, TimeUnit.MILLISECONDS.toNanos(MONITOR_INTERVAL_MILLIS));
        monitorWaiter = waiter;
        try
        {
            while (!workerExited && !restartRequested() && waiter.idleInterruptibly())
            {
                // Looked again: a ring, a wake or a spurious return.
            }
            workerExited = false;
        }
        finally
        {
            monitorWaiter = null;
            waiter.end();
        }
    }

    private void wakeMonitor()
    {
        workerExited = true;
        final Waiter waiter = monitorWaiter;
        if (waiter != null)
        {
            waiter.wake();
        }
    }

    private boolean restartRequested()
    {
        for (int slot = 0; slot < workers.length; slot++)
        {
            if (HostDescriptor.state(buffer.getLongVolatile(HostDescriptor.slotOffset(slot) + LEASE_WORD_OFFSET)) ==
                RESTARTING)
            {
                return true;
            }
        }
        return false;
    }

    /**
     * Starts another worker in the slot of one that ended. A worker that ended before it came up was
     * started on a client's classpath it cannot run on: the client hears why, and the slot goes back to
     * the host's own classpath, so that a bad classpath cannot keep a slot starting JVMs that die.
     */
    private void replaceWorker(final int slot)
    {
        final ChildProcess ended = workers[slot];
        final boolean cameUp = buffer.getLong(HostDescriptor.slotOffset(slot) + WORKER_PID_OFFSET) == ended.pid();
        final Restart restart = restarts[slot];
        if (restart != null && restart.started)
        {
            restarts[slot] = null;
            if (!cameUp)
            {
                refuse(restart.request, "worker did not start on the client's classpath: host=" + name + " slot=" + slot +
                    " exitCode=" + ended.exitCode().orElse(-1) + " clientClassPath=" + workerClassPaths[slot].id() +
                    " (the host's output says why)");
            }
        }
        if (!cameUp && workerContexts[slot] != processContext)
        {
            workerContexts[slot] = processContext;
            workerClassPaths[slot] = classPath;
        }
        if (restart == null || !restart.started)
        {
            Log.HOST.log(cameUp ? Level.WARNING : Level.INFO, () -> "worker " + (cameUp ? "died" : "did not come up") +
                ", starting another: host=" + name + " slot=" + slot + " pid=" + ended.pid() + " exitCode=" +
                ended.exitCode().orElse(-1));
        }
        startWorker(slot);
    }

    /** A worker restarted on a client's classpath has come up: the restart is over. */
    private void noteRestartDone(final int slot)
    {
        final Restart restart = restarts[slot];
        if (restart != null && restart.started &&
            buffer.getLongVolatile(HostDescriptor.slotOffset(slot) + WORKER_PID_OFFSET) == workers[slot].pid())
        {
            restarts[slot] = null;
        }
    }

    /**
     * Serves a client's request to restart a slot's worker on its classpath: the host must see the same
     * contents at the client's entries as the client does (else it refuses, naming them); then it stops
     * the worker, and the next look finds it gone and starts one on the client's classpath.
     */
    private void serveRestartRequest(final int slot)
    {
        final int base = HostDescriptor.slotOffset(slot);
        final long word = buffer.getLongVolatile(base + LEASE_WORD_OFFSET);
        if (HostDescriptor.state(word) != RESTARTING || restarts[slot] != null)
        {
            return;
        }
        final long claimer = HostDescriptor.claimerPid(word);
        final String request = HostDescriptor.slotText(buffer, base);
        final ClassPathFingerprint wanted;
        try
        {
            final Path file = session.file(request);
            wanted = ClassPathFingerprint.decode(Files.readAllBytes(file), file);
            Files.deleteIfExists(file);
        }
        catch (final IOException | RuntimeException ex)
        {
            refuse(slot, word, request, "worker host cannot read the restart request: host=" + name +
                " request=" + request + " error=" + ex);
            return;
        }
        if (!ProcessHandle.of(claimer).map(ProcessHandle::isAlive).orElse(false))
        {
            refuse(slot, word, request, "client is gone: pid=" + claimer);
            return;
        }

        final ClassPathFingerprint seen = ClassPathFingerprint.of(wanted.classPath());
        if (!seen.hasDigest(wanted.digest()))
        {
            refuse(slot, word, request, describeUnusable(wanted, seen));
            return;
        }
        publish(seen);
        if (!buffer.compareAndSetLong(base + LEASE_WORD_OFFSET, word, HostDescriptor.leaseWord(claimer, STARTING)))
        {
            return; // the client gave up waiting: the worker stays as it is
        }
        workerContexts[slot] = processContext.withClassPath(seen.classPath());
        workerClassPaths[slot] = seen;
        restarts[slot] = new Restart(claimer, request);
        Log.HOST.log(Level.INFO, () -> "restarting a worker on its client's classpath: host=" + name + " slot=" + slot +
            " clientPid=" + claimer + " classPath=" + seen.id());
        workers[slot].terminate(); // idle in its slot: it exits at once, and the next look starts the new one
    }

    private String describeUnusable(final ClassPathFingerprint wanted, final ClassPathFingerprint seen)
    {
        final List<String> unreadable = new ArrayList<>();
        for (final ClassPathFingerprint.Entry entry : wanted.entries())
        {
            if (!Files.isReadable(Path.of(entry.path())))
            {
                unreadable.add(entry.path());
            }
        }
        final String facts = "host=" + name + " pid=" + ProcessHandle.current().pid() + " clientClassPath=" +
            wanted.id() + " asSeenByHost=" + seen.id();
        return unreadable.isEmpty() ?
            "worker host sees other contents at the client's classpath entries than the client does: " + facts +
                "; " + wanted.describeDifferences(seen, "client", "host") :
            "worker host cannot read the client's classpath entries: " + facts + "; unreadable: " +
                String.join(", ", unreadable);
    }

    /** Refuses a restart: says why where the client looks, then frees the slot, its worker unchanged. */
    private void refuse(final int slot, final long word, final String request, final String reason)
    {
        refuse(request, reason);
        if (buffer.compareAndSetLong(HostDescriptor.slotOffset(slot) + LEASE_WORD_OFFSET, word,
            HostDescriptor.leaseWord(0, FREE)))
        {
            control.waitBoard().ring(HostDescriptor.WORKER_FREED_TAG);
        }
    }

    private void refuse(final String request, final String reason)
    {
        Log.HOST.log(Level.INFO, () -> "restart refused: " + reason);
        try
        {
            session.writeAtomically(request + HostDescriptor.REFUSED_SUFFIX, reason.getBytes(StandardCharsets.UTF_8));
        }
        catch (final RuntimeException ex)
        {
            // The client then says that the host did not restart the worker, without the reason.
        }
    }

    /** Writes a classpath's entries where clients read them, once per classpath. */
    private void publish(final ClassPathFingerprint published)
    {
        if (publishedClassPaths.add(published.hex()))
        {
            session.writeAtomically(HostDescriptor.CLASS_PATH_FILE_PREFIX + published.hex(), published.encode());
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
                    case RESTARTING -> "restarting";
                    default -> "leased";
                },
                state == HostDescriptor.LEASED ? buffer.getLong(base + OWNER_PID_OFFSET) : 0,
                buffer.getLongVolatile(base + TASKS_DONE_OFFSET),
                ClassPathFingerprint.shortId(HostDescriptor.classPathDigest(buffer, slot))));
        }
        final long startMillis = buffer.getLong(HOST_START_OFFSET);
        return new WorkerHostStatus(name, buffer.getLong(HOST_PID_OFFSET),
            Duration.ofMillis(Math.max(0, System.currentTimeMillis() - startMillis)),
            buffer.getLongVolatile(LEASES_GRANTED_OFFSET), workers);
    }
}
