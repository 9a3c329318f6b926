package io.mp4j.pool;

import io.mp4j.EncodingException;
import io.mp4j.Mp4jException;
import io.mp4j.Mp4jTimeoutException;
import io.mp4j.RemoteException;
import io.mp4j.WaitStrategy;
import io.mp4j.codec.Codec;
import io.mp4j.host.internal.HostConnection;
import io.mp4j.internal.JavaSerialization;
import io.mp4j.internal.Log;
import io.mp4j.internal.Providers;
import io.mp4j.internal.Waiter;
import io.mp4j.pool.internal.JournalWriter;
import io.mp4j.process.ChildProcess;
import io.mp4j.process.ChildStartException;
import io.mp4j.process.Multiprocessing;
import io.mp4j.process.ProcessContext;
import io.mp4j.session.Session;
import io.mp4j.worker.internal.KeptFunctions;
import io.mp4j.worker.internal.PoolChannel;
import io.mp4j.worker.internal.PoolWorkerMain;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.MessageHandler;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The engine of a {@link Pool}: its worker slots and the one thread that hands chunks to the least busy
 * workers, collects results, replaces workers that die or retire, journals calls and stops the workers.
 * Any thread may call the entry points the pool's API uses: they queue work or set a flag and wake the
 * engine thread. The engine's state is guarded by one lock, which the engine thread holds while it works;
 * a caller waiting for an apply's or a map's result ({@link #await(PoolCall, List, Duration)}) takes it too
 * and does the engine's work itself (hands out tasks, reads every worker's results, replaces dead workers),
 * so that the call costs no hand-off between threads of this JVM. While such a caller waits, the engine
 * thread sleeps.
 */
final class PoolEngine
{
    private static final AtomicLong POOL_COUNTER = new AtomicLong();
    private static final int MAX_STARTS_WITHOUT_READY = 5;
    /**
     * How long a caller waiting for an apply spins before it yields instead: a worker on a core of its own
     * answers in about half a microsecond (p50 0.6 µs, 2 vCPUs), while each nanosecond spun is lost when the
     * worker waits for the caller's core (one core: 4.1 µs a round trip without spinning, 4.7 µs with
     * 500 ns, 5.2 µs with 1 µs, 6.5 µs with 2 µs).
     */
    private static final long APPLY_SPIN_NANOS = 500;
    private final PoolContext context;
    private final Session session;
    /** How spawned workers start: the pool's process context, with {@link WorkerJvmOptions#first} first. */
    private final ProcessContext workerContext;
    private final long runId = new java.security.SecureRandom().nextLong() & Long.MAX_VALUE;
    private final JournalWriter journal;
    private final HostConnection host;
    private final String poolName;
    private final byte[] initializer;
    private final AtomicLong workerCounter = new AtomicLong();
    private final ConcurrentLinkedQueue<PoolTask> submissions = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<PoolCall> stopRequests = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<PoolCall> releases = new ConcurrentLinkedQueue<>();
    /** Imap calls whose input is still being read: a graceful stop waits for them. */
    private final Set<ImapIterator> openStreams = ConcurrentHashMap.newKeySet();
    /** Orders submissions against shutdown and the engine's end, so that no accepted task is lost. */
    private final Object submitLock = new Object();
    private boolean finished;
    private final Thread thread;
    private volatile Waiter engineWaiter;
    private final CountDownLatch terminated = new CountDownLatch(1);
    private final WorkerSlot[] workers;

    private volatile boolean shutdown;
    private volatile boolean terminating;
    private volatile Throwable broken;

    /** Guards the engine's state below: held by the engine thread or a caller while they work, never while they wait. */
    private final ReentrantLock lock = new ReentrantLock();
    /** Callers in {@link #await(PoolCall, List, Duration)}: while there are any, they do the engine's work. */
    private final AtomicInteger drivers = new AtomicInteger();
    /** The engine thread sleeps, leaving the work to callers that wait in place. */
    private volatile boolean standingBy;
    /** Runs what callers chain to the pool's futures. */
    private final CompletionThread completions;
    /** A caller's work failed unexpectedly: the engine thread fails the pool with it. */
    private volatile Throwable driverFailure;

    // Guarded by the lock.
    private final ArrayDeque<PoolTask> pending = new ArrayDeque<>();
    /** Channels of replaced workers, deleted by the engine thread once no caller may be waiting on them. */
    private final List<PoolChannel> retiredChannels = new ArrayList<>();
    /** Counts channel replacements, so that a waiter knows when to watch the new ones. */
    private int channelEpoch;
    /** The engine has ended or is ending: the channels are, or are about to be, deleted. */
    private boolean closing;
    private final Set<PoolCall> liveCalls = new HashSet<>();
    private int startsWithoutReady;
    /** How many of the classes {@link FunctionCache} noted this pool's workers' archive was asked to hold. */
    private int archiveAskedClasses;
    private boolean progressFailureLogged;

    /**
     * Starts a pool's workers, then its engine thread, with the settings of a context it concludes; if a
     * step fails, what had started is released before the failure is thrown.
     */
    PoolEngine(final PoolContext context)
    {
        this.context = context.conclude();
        // Found before a host is attached or a worker starts, so that a missing artifact costs nothing.
        final JournalWriter.Opener journalOpener = this.context.journal() == null ? null :
            Providers.load(JournalWriter.Opener.class, "PoolContext.journal", JournalWriter.ARTIFACT);
        this.session = this.context.processContext().session();
        this.workerContext = WorkerJvmOptions.workerContext(this.context.processContext());
        this.poolName = "pool-" + ProcessHandle.current().pid() + '-' + POOL_COUNTER.incrementAndGet();
        this.completions = new CompletionThread(poolName + "-completions");
        this.initializer = this.context.initializer() == null ? null :
            JavaSerialization.serialize(WorkerFunctions.initializing(this.context.initializer()), "pool initializer");
        this.host = this.context.host() == null ? null :
            HostConnection.connect(this.context.host(), this.context.processContext());
        final int processes = this.context.processes() > 0 ? this.context.processes() :
            host != null ? host.workerCount() : Multiprocessing.cpuCount();
        this.workers = new WorkerSlot[processes];
        try
        {
            if (host != null)
            {
                host.reserve(workers.length); // restarts on this pool's classpath run side by side
            }
            for (int i = 0; i < workers.length; i++)
            {
                workers[i] = new WorkerSlot(i);
                startWorker(workers[i]);
            }
            // Chronicle Queue loads while the workers' JVMs start.
            this.journal = journalOpener == null ? null : journalOpener.open(this.context.journal());
        }
        catch (final RuntimeException ex)
        {
            releaseWorkersOfUnstartedPool();
            throw ex;
        }
        thread = new Thread(this::runEngine, poolName + "-engine");
        thread.setDaemon(true);
        thread.start();
    }

    // ------------------------------------------------------------------ entry points of the pool's API

    /** The pool's name, for messages. */
    String name()
    {
        return poolName;
    }

    /** How many worker slots the pool has. */
    int workerCount()
    {
        return workers.length;
    }

    /**
     * The largest chunk the default chunksize makes: a chunk of 8-byte numbers then takes a quarter of
     * the largest ring record, so it never spills to a file, and the chunks in flight stay few.
     */
    int maxDefaultChunksize()
    {
        return Math.max(1, context.ringCapacity() / 256);
    }

    /** Queues a call's tasks for the engine thread; a broken pool fails the call, a shut-down one throws. */
    void submit(final PoolCall call, final List<PoolTask> tasks)
    {
        final Throwable cause;
        synchronized (submitLock)
        {
            checkRunning();
            cause = broken;
            if (cause == null)
            {
                submissions.addAll(tasks);
            }
        }
        if (cause != null)
        {
            call.fail(cause);
            return;
        }
        wakeEngine();
    }

    /**
     * Registers an imap call whose input is read as its consumer goes: until its input is read to its end,
     * a shut-down pool goes on taking its chunks. A broken pool fails the call, a shut-down one throws.
     */
    void openStream(final ImapIterator call)
    {
        final Throwable cause;
        synchronized (submitLock)
        {
            checkRunning();
            cause = broken;
            if (cause == null)
            {
                openStreams.add(call);
            }
        }
        if (cause != null)
        {
            call.fail(cause);
        }
    }

    /** Queues one more chunk of an open imap call; false once the engine has ended. */
    boolean submitMore(final PoolTask task)
    {
        synchronized (submitLock)
        {
            if (finished)
            {
                return false;
            }
            submissions.add(task);
        }
        wakeEngine();
        return true;
    }

    /** An imap call's input is read to its end (or failed, or was abandoned). */
    void streamClosed(final ImapIterator call)
    {
        if (openStreams.remove(call))
        {
            wakeEngine();
        }
    }

    /** Asks the engine thread to end a call that may have needed no more results, e.g. when its input ended. */
    void release(final PoolCall call)
    {
        releases.add(call);
        wakeEngine();
    }

    /** Reads the rest of every open imap call's input, in the caller's thread, as Python's join() does. */
    void drainStreams()
    {
        for (final ImapIterator call : openStreams)
        {
            call.read(true);
        }
    }

    /** Stops reading every open imap call's input: what was read is finished, the rest never runs. */
    void abandonStreams()
    {
        for (final ImapIterator call : openStreams)
        {
            call.abandon();
        }
    }

    /** How many chunks an imap call reads ahead of its consumer: enough to keep every worker's queue full twice. */
    int lookAheadChunks()
    {
        return 2 * workers.length * context.maxTasksInFlight();
    }

    private void checkRunning()
    {
        if (shutdown)
        {
            throw new IllegalStateException("pool is shut down: pool=" + poolName);
        }
    }

    /** Asks the engine thread to stop a call its caller cancelled or timed out. */
    void requestStop(final PoolCall call)
    {
        stopRequests.add(call);
        wakeEngine();
    }

    /** No more calls; the engine stops the workers once the submitted work is done. */
    void shutdown()
    {
        synchronized (submitLock)
        {
            shutdown = true;
        }
        wakeEngine();
    }

    /** The engine kills the workers and fails what is pending. */
    void terminate()
    {
        synchronized (submitLock)
        {
            terminating = true;
            shutdown = true;
        }
        wakeEngine();
    }

    /** Whether {@link #shutdown()} or {@link #terminate()} was called. */
    boolean isShutdown()
    {
        return shutdown;
    }

    /** Whether the engine thread has finished: workers gone, channels, journal and host closed. */
    boolean isTerminated()
    {
        return terminated.getCount() == 0;
    }

    /** Waits until the engine thread has finished. */
    void awaitTermination() throws InterruptedException
    {
        terminated.await();
    }

    /** Waits until the engine thread has finished, at most for the timeout. */
    boolean awaitTermination(final long timeout, final TimeUnit unit) throws InterruptedException
    {
        return terminated.await(timeout, unit);
    }

    /** The pids of the current workers in slot order; -1 for a slot whose worker is being replaced. */
    List<Long> workerPids()
    {
        final List<Long> pids = new ArrayList<>(workers.length);
        for (final WorkerSlot slot : workers)
        {
            final PoolWorkerProcess worker = slot.worker;
            pids.add(worker == null || !worker.isAlive() ? -1L : worker.pid());
        }
        return pids;
    }

    // ------------------------------------------------------------------ the engine

    private void startWorker(final WorkerSlot slot)
    {
        slot.generation++;
        final String channelName = poolName + "-w" + slot.index + "-g" + slot.generation;
        // The slot's channel is replaced, never left deleted: the engine's loop reads every slot's channel
        // until the end, and a channel that failed to be made leaves the old one, still mapped, in place.
        final PoolChannel previous = slot.channel;
        slot.channel = PoolChannel.create(session, channelName, context.ringCapacity());
        channelEpoch++;
        if (previous != null)
        {
            // Its worker is gone and handleExit drained its results; a caller waiting in place may still
            // watch its wait board, so only the engine thread deletes it, once no caller waits.
            retiredChannels.add(previous);
            deleteRetiredChannels();
            for (final PoolCall call : liveCalls)
            {
                call.wakeCaller(); // to watch the new channel
            }
        }
        slot.inFlight.clear();
        slot.functionsSent.clear();
        slot.kept.clear();
        slot.tasksSent = 0;
        slot.assigned = 0;
        slot.retiring = false;
        slot.retiredItself = false;
        slot.stopSent = false;
        slot.recycling = false;
        slot.vacant = false;
        slot.ready = false;
        slot.exited = false;
        if (initializer != null)
        {
            // The ring is empty, so this fits (a large initializer goes through a spill file).
            slot.channel.write(slot.channel.tasks(), PoolChannel.INITIALIZE, 0, -1, initializer);
        }

        final PoolWorkerProcess worker;
        if (host != null)
        {
            final HostConnection.Lease lease = host.lease(slot.channel.file(), context.leaseTimeout());
            worker = new PoolWorkerProcess.Leased(host, lease.slot(), lease.worker());
        }
        else
        {
            // The classes of the functions sent so far, for the archive it starts from to hold.
            final List<Class<?>> functionClasses = FunctionCache.workerClasses();
            final ChildProcess process = new ChildProcess(
                functionClasses.isEmpty() ? workerContext : workerContext.withClassDataClasses(functionClasses),
                PoolWorkerMain.target(channelName, context.waitStrategy()))
                .name("PoolWorker-" + workerCounter.incrementAndGet())
                .daemon(true);
            startsWithoutReady++;
            process.start();
            worker = new PoolWorkerProcess.Spawned(process);
        }
        slot.worker = worker;
        Log.POOL.log(Level.DEBUG, () -> "worker started: pool=" + poolName + " slot=" + slot.index + " worker=" +
            worker.name() + " pid=" + worker.pid() + (host != null ? " host=" + host.name() : ""));
        worker.onExit().thenRun(() ->
        {
            slot.exited = true;
            wakeEngine();
        });
    }

    /**
     * Asks, in the background, for the class-data archive that this pool's spawned workers start from to
     * hold the classes of the functions this JVM's pools have sent, whenever classes were noted since the
     * last time: later workers, of this pool or of a pool of a later run, then load them from the archive,
     * not from a jar (the archive is rebuilt for them in the background, as for a child's target).
     */
    private void archiveFunctionClasses()
    {
        final int noted = FunctionCache.notedClassCount();
        if (noted == archiveAskedClasses || host != null || !workerContext.classDataSharing())
        {
            return;
        }
        archiveAskedClasses = noted;
        final Thread asking = new Thread(() ->
        {
            try
            {
                workerContext.withClassDataClasses(FunctionCache.workerClasses()).prepareClassDataArchive(Duration.ZERO);
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
            }
        }, poolName + "-class-data");
        asking.setDaemon(true);
        asking.start();
    }

    private void releaseWorkersOfUnstartedPool()
    {
        for (final WorkerSlot slot : workers)
        {
            if (slot != null && slot.worker != null)
            {
                if (slot.worker instanceof PoolWorkerProcess.Leased)
                {
                    slot.channel.write(slot.channel.tasks(), PoolChannel.STOP, 0, -1, null);
                }
                else
                {
                    slot.worker.kill();
                }
            }
            if (slot != null && slot.channel != null)
            {
                slot.channel.delete();
            }
        }
        if (host != null)
        {
            host.close();
        }
    }

    /** Runs what callers chain to the futures a pool hands them ({@link PoolFuture}). */
    Executor chained()
    {
        return completions;
    }

    /** Wakes the engine after queueing something for it in this JVM, whether it parks or sleeps. */
    private void wakeEngine()
    {
        final Waiter waiter = engineWaiter;
        if (waiter != null)
        {
            waiter.wake();
        }
        LockSupport.unpark(thread);
    }

    /**
     * Sleeps on every worker's current channel: any result wakes the waiter (too many workers: a timed
     * sleep). Called with the lock held.
     *
     * @param epoch the channels' epoch the waiter watches, or -1 if none.
     * @return the epoch it watches now.
     */
    private int watchResults(final Waiter waiter, final int epoch)
    {
        if (epoch == channelEpoch)
        {
            return epoch;
        }
        waiter.unwatch();
        if (workers.length <= Waiter.MAX_WATCHED)
        {
            for (final WorkerSlot slot : workers)
            {
                waiter.watch(slot.channel.board(), PoolChannel.RESULTS_TAG);
            }
        }
        return channelEpoch;
    }

    /** Deletes the channels of replaced workers if this is the engine thread and no caller waits in place. */
    private void deleteRetiredChannels()
    {
        if (!retiredChannels.isEmpty() && Thread.currentThread() == thread && drivers.get() == 0)
        {
            retiredChannels.forEach(PoolChannel::delete);
            retiredChannels.clear();
        }
    }

    /**
     * One round of the engine's work, with the lock held: takes new calls, stops and releases calls, reads
     * every worker's results, replaces workers that exited, hands out pending tasks.
     *
     * @return how much was done; 0 if nothing.
     */
    private int step()
    {
        int work = acceptSubmissions();
        work += stopRequestedCalls();
        work += releasedCalls();
        for (final WorkerSlot slot : workers)
        {
            final int read = PoolChannel.read(slot.channel.results(), slot, Integer.MAX_VALUE);
            if (read > 0)
            {
                slot.channel.board().ring(PoolChannel.RESULTS_ROOM_TAG);
                work += read;
            }
        }
        for (final WorkerSlot slot : workers)
        {
            if (slot.exited)
            {
                work += handleExit(slot);
            }
        }
        return work + dispatch();
    }

    /**
     * Whether a caller may wait for an apply or a map in place ({@link #await(PoolCall, List, Duration)}): not
     * with a journal or a progress listener, whose calls the engine thread serves, nor in a thread that holds
     * the engine's lock (a completion callback run by the engine's work).
     */
    boolean awaitsInPlace()
    {
        return journal == null && context.progress() == null && !lock.isHeldByCurrentThread();
    }

    /**
     * Runs a call (an apply, or a map's chunks) and waits for its outcome in the calling thread, which
     * meanwhile does the engine's work itself, so that the result reaches it with no hand-off between
     * threads: it hands the tasks to workers, reads the workers' results, replaces a worker that died, and
     * sleeps on the workers' channels as the pool's wait strategy says. Only where {@link #awaitsInPlace()}.
     *
     * @param call    the call, made to wait in place.
     * @param tasks   its tasks.
     * @param timeout how long at most, or null to wait as long as it takes (and through interrupts).
     * @return the result.
     * @throws io.mp4j.Mp4jTimeoutException if the timeout passed; the call is stopped.
     * @throws CancellationException        if interrupted while waiting with a timeout; the call is stopped.
     * @throws IllegalStateException        if the pool is shut down.
     */
    Object await(final PoolCall call, final List<PoolTask> tasks, final Duration timeout)
    {
        final Waiter waiter = Waiter.begin(context.waitStrategy(), timeout == null ? Waiter.NO_TIMEOUT : timeout.toNanos());
        call.waitIn(Thread.currentThread(), waiter);
        boolean registered = false;
        boolean engineNeeded = true;
        try
        {
            synchronized (submitLock)
            {
                checkRunning();
                drivers.incrementAndGet();
                registered = true;
                if (lock.tryLock())
                {
                    try
                    {
                        tasks.forEach(this::accept);
                    }
                    finally
                    {
                        lock.unlock();
                    }
                }
                else
                {
                    submissions.addAll(tasks); // the engine thread is at work: whoever works next takes it
                }
            }
            int epoch = -1;
            long restartedAt = System.nanoTime();
            while (!call.isDone())
            {
                if (lock.tryLock())
                {
                    try
                    {
                        if (closing)
                        {
                            call.fail(endCause());
                            break;
                        }
                        epoch = watchResults(waiter, epoch);
                        if (step() > 0)
                        {
                            waiter.restart();
                            restartedAt = System.nanoTime();
                        }
                        if (call.isDone())
                        {
                            engineNeeded = shutdown || !retiredChannels.isEmpty() || !liveCalls.isEmpty() ||
                                !pending.isEmpty() || !submissions.isEmpty();
                            break;
                        }
                    }
                    catch (final RuntimeException | Error ex)
                    {
                        driverFailure = ex; // the engine thread fails the pool, as if its own work had failed
                        call.fail(new Mp4jException("pool engine failed: pool=" + poolName, ex));
                        break;
                    }
                    finally
                    {
                        lock.unlock();
                    }
                }
                if (!idle(waiter, restartedAt, timeout != null))
                {
                    final TimeoutException timedOut = new TimeoutException();
                    call.fail(timedOut);
                    if (call.failedBy(timedOut))
                    {
                        requestStop(call);
                        throw new Mp4jTimeoutException("pool call timed out: timeout=" + timeout);
                    }
                }
            }
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            final CancellationException interrupted = new CancellationException("interrupted while waiting for a pool call");
            call.fail(interrupted);
            if (call.failedBy(interrupted))
            {
                requestStop(call);
                throw interrupted;
            }
        }
        finally
        {
            waiter.end();
            if (registered)
            {
                drivers.decrementAndGet();
                if (engineNeeded && standingBy)
                {
                    wakeEngine();
                }
            }
        }
        return call.resultInPlace();
    }

    /**
     * Waits a little for a call's result, as the pool's wait strategy says, except that where it would
     * spin it yields after {@link #APPLY_SPIN_NANOS}: a worker running on another core has mostly answered
     * by then, so the worker likely waits for this core. An interrupt ends the wait if it is interruptible.
     *
     * @param since when the waiter last started spinning.
     * @return false once the deadline has passed.
     */
    private boolean idle(final Waiter waiter, final long since, final boolean interruptible) throws InterruptedException
    {
        final WaitStrategy strategy = context.waitStrategy();
        final long waited = System.nanoTime() - since;
        if (waited > APPLY_SPIN_NANOS && waited < strategy.spinNanos() && strategy != WaitStrategy.BUSY_SPIN)
        {
            if (interruptible && Thread.interrupted())
            {
                throw new InterruptedException();
            }
            Thread.yield();
            return waiter.remainingNanos() > 0;
        }
        return interruptible ? waiter.idleInterruptibly() : waiter.idle();
    }

    /** Takes a task into the pending queue; with the lock held. */
    private void accept(final PoolTask task)
    {
        final Throwable cause = broken;
        if (cause != null)
        {
            task.call.fail(cause);
            return;
        }
        if (closing)
        {
            task.call.fail(endCause());
            return;
        }
        pending.add(task);
        liveCalls.add(task.call);
    }

    /** Why calls that reach an engine that has ended fail. */
    private Throwable endCause()
    {
        final Throwable cause = broken;
        return cause != null ? cause : new CancellationException("pool terminated: pool=" + poolName);
    }

    private void runEngine()
    {
        final Waiter waiter = Waiter.begin(context.waitStrategy(), Waiter.NO_TIMEOUT);
        engineWaiter = waiter;
        int watched = -1; // the channels' epoch the waiter watches; -1: none
        try
        {
            while (true)
            {
                final int work;
                final boolean idle;
                lock.lock();
                try
                {
                    final Throwable failure = driverFailure;
                    if (failure != null)
                    {
                        throw new Mp4jException("a caller's engine work failed", failure);
                    }
                    deleteRetiredChannels();
                    work = step();
                    if (terminating)
                    {
                        closing = true;
                        terminateNow();
                        return;
                    }
                    // Open imap inputs first: one that closes has queued its last chunk before.
                    if (shutdown && openStreams.isEmpty() && pending.isEmpty() && submissions.isEmpty() && allIdle())
                    {
                        closing = true;
                        stopGracefully();
                        return;
                    }
                    idle = pending.isEmpty() && allIdle();
                    if (work == 0 && !idle && drivers.get() == 0)
                    {
                        watched = watchResults(waiter, watched);
                    }
                }
                finally
                {
                    lock.unlock();
                }

                if (work > 0)
                {
                    waiter.restart();
                }
                else if (idle || drivers.get() > 0)
                {
                    // Nothing in flight, or callers waiting in place do the work: sleep until a call, a
                    // worker's exit, a stop, a shutdown or the last such caller unparks us.
                    if (watched >= 0)
                    {
                        waiter.unwatch();
                        watched = -1;
                    }
                    waiter.restart();
                    standingBy = true;
                    if (idle || drivers.get() > 0)
                    {
                        LockSupport.park(this);
                    }
                    standingBy = false;
                }
                else
                {
                    waiter.idle();
                }
            }
        }
        catch (final Throwable ex)
        {
            lock.lock();
            try
            {
                closing = true;
                broken = new Mp4jException("pool engine failed: pool=" + poolName, ex);
                failEverything(broken);
                killWorkers();
            }
            finally
            {
                lock.unlock();
            }
        }
        finally
        {
            engineWaiter = null;
            waiter.end();
            end();
        }
    }

    /**
     * The engine's end: fails what came late, waits for the callers that wait in place to leave the
     * channels, deletes them, closes the journal and the host connection.
     */
    private void end()
    {
        lock.lock();
        try
        {
            closing = true;
        }
        finally
        {
            lock.unlock();
        }
        failLateSubmissions();
        // Each has had its call failed, or finds the engine closing at its next look: it leaves at once.
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (drivers.get() > 0 && System.nanoTime() - deadline < 0)
        {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
        }
        if (drivers.get() == 0)
        {
            for (final WorkerSlot slot : workers)
            {
                slot.channel.delete();
            }
            retiredChannels.forEach(PoolChannel::delete);
        }
        else
        {
            // Unmapping a channel a caller still watches could crash this JVM: the session's removal deletes them.
            Log.POOL.log(Level.WARNING, () -> "pool channels left to the session, callers still wait on them: pool=" +
                poolName + " callers=" + drivers.get());
        }
        if (journal != null)
        {
            journal.close();
        }
        if (host != null)
        {
            host.close();
        }
        completions.end();
        terminated.countDown();
    }

    /** Fails what reached the engine after its end (a terminated pool's imap calls), outside the submit lock. */
    private void failLateSubmissions()
    {
        final List<PoolCall> late = new ArrayList<>(openStreams);
        synchronized (submitLock)
        {
            finished = true;
            PoolTask task;
            while ((task = submissions.poll()) != null)
            {
                late.add(task.call);
            }
        }
        final Throwable cause = broken != null ? broken : new CancellationException("pool terminated: pool=" + poolName);
        for (final PoolCall call : late)
        {
            call.fail(cause);
        }
    }

    private int releasedCalls()
    {
        int released = 0;
        PoolCall call;
        while ((call = releases.poll()) != null)
        {
            if (call.isDone())
            {
                endCall(call);
                released++;
            }
        }
        return released;
    }

    private int acceptSubmissions()
    {
        int accepted = 0;
        PoolTask task;
        while ((task = submissions.poll()) != null)
        {
            final Throwable cause = broken;
            if (cause != null)
            {
                task.call.fail(cause);
                continue;
            }
            if (!task.call.wants(task.index))
            {
                continue;
            }
            if (journal != null && task.call.taskCount >= 0)
            {
                journalSubmission(task);
            }
            pending.add(task);
            liveCalls.add(task.call);
            accepted++;
        }
        return accepted;
    }

    /**
     * Stops calls whose caller cancelled them or timed out: their queued chunks are dropped (a worker is
     * told to skip those it holds), and a worker running one of their chunks is killed and replaced,
     * since a running task cannot be stopped safely any other way.
     */
    private int stopRequestedCalls()
    {
        int stopped = 0;
        PoolCall call;
        while ((call = stopRequests.poll()) != null)
        {
            for (final WorkerSlot slot : workers)
            {
                if (!slot.recycling && slot.worker.isAlive() && slot.stopChunksOf(call))
                {
                    slot.recycling = true;
                    slot.worker.kill();
                }
            }
            endCall(call);
            stopped++;
        }
        return stopped;
    }

    private void journalSubmission(final PoolTask task)
    {
        final PoolCall call = task.call;
        if (!call.journaled)
        {
            call.journalRunId = runId;
            journal.callStarted(runId, call.journalCallId, call.description, call.function, call.taskCount);
            call.journaled = true;
            call.journalingTasks = true;
        }
        if (call.journalingTasks)
        {
            journal.taskSubmitted(call.journalRunId, call.journalCallId, task.index, task.items());
        }
    }

    private boolean allIdle()
    {
        for (final WorkerSlot slot : workers)
        {
            if (!slot.inFlight.isEmpty())
            {
                return false;
            }
        }
        return true;
    }

    private int dispatch()
    {
        int sent = 0;
        while (!pending.isEmpty())
        {
            final PoolTask task = pending.peekFirst();
            if (!task.call.wants(task.index))
            {
                pending.pollFirst();
                continue;
            }
            if (restartVacantWorker())
            {
                continue;
            }

            final WorkerSlot slot = leastBusyWorker();
            if (slot == null)
            {
                break;
            }
            final PoolChannel channel = slot.channel;
            final int kept = task.call instanceof ApplyCall apply ? apply.keptFunction : 0;
            if (kept != 0)
            {
                if (!slot.kept.contains(kept))
                {
                    if (!channel.write(channel.tasks(), PoolChannel.KEEP, 0, kept, task.call.function))
                    {
                        break;
                    }
                    slot.kept.keep(kept, null);
                    archiveFunctionClasses();
                }
            }
            else if (!slot.functionsSent.contains(task.call.id))
            {
                if (!channel.write(channel.tasks(), PoolChannel.FUNCTION, task.call.id,
                    task.call.functionReusable ? PoolChannel.FUNCTION_REUSABLE : 0, task.call.function))
                {
                    break;
                }
                slot.functionsSent.add(task.call.id);
                archiveFunctionClasses();
            }
            try
            {
                if (!(kept != 0 ? channel.write(channel.tasks(), PoolChannel.APPLY, task.call.id, kept, task.items()) :
                    task.writeTo(channel)))
                {
                    break;
                }
            }
            catch (final RuntimeException ex)
            {
                // Its items are read from the caller's list as it is sent: one is not serializable, or the
                // list changed meanwhile (a shorter list, say).
                pending.pollFirst();
                task.call.failTask(task.index, ex instanceof EncodingException ? ex : new EncodingException(
                    "pool items of task " + task.index + " changed during the call: call=" + task.call.description +
                    ' ' + ex, ex));
                if (task.call.isDone())
                {
                    endCall(task.call);
                }
                continue;
            }

            pending.pollFirst();
            task.sequence = ++slot.tasksSent;
            slot.inFlight.add(task);
            slot.assigned++;
            if (context.maxTasksPerChild() > 0 && slot.assigned >= context.maxTasksPerChild())
            {
                slot.retiring = true;
            }
            sent++;
        }

        for (final WorkerSlot slot : workers)
        {
            if (slot.retiring && !slot.stopSent && slot.inFlight.isEmpty() && !slot.exited)
            {
                slot.stopSent = slot.channel.write(slot.channel.tasks(), PoolChannel.STOP, 0, -1, null);
            }
        }
        return sent;
    }

    /**
     * Starts a worker in a slot that was left without one during shutdown, now that work came after all
     * (the rest of an imap's input, a chunk of a crashed worker): true if one was started.
     */
    private boolean restartVacantWorker()
    {
        for (final WorkerSlot slot : workers)
        {
            if (slot.vacant && broken == null)
            {
                slot.vacant = false;
                try
                {
                    startWorker(slot);
                }
                catch (final Mp4jException ex)
                {
                    breakPool(ex);
                }
                return true;
            }
        }
        return false;
    }

    private WorkerSlot leastBusyWorker()
    {
        WorkerSlot best = null;
        for (final WorkerSlot slot : workers)
        {
            if (!slot.exited && !slot.retiring && slot.inFlight.size() < context.maxTasksInFlight() &&
                (best == null || slot.inFlight.size() < best.inFlight.size()))
            {
                best = slot;
            }
        }
        return best;
    }

    private int handleExit(final WorkerSlot slot)
    {
        // Results the worker wrote before it died still count.
        PoolChannel.read(slot.channel.results(), slot, Integer.MAX_VALUE);
        slot.exited = false;

        final ChildStartException notStarted = slot.worker.startFailure();
        if (notStarted != null)
        {
            // No task ran: the launch itself is broken, and every other worker's launch would be too.
            if (broken == null)
            {
                breakPool(notStarted);
            }
            return 1;
        }

        final boolean expected = slot.retiredItself || (slot.stopSent && slot.inFlight.isEmpty());
        // Only the chunk the worker said it was running is to blame (none if the pool killed it); the chunks
        // queued behind go back to the front of the queue uncharged, in their order.
        final long running = slot.recycling ? 0 : slot.channel.runningTaskVolatile();
        logExit(slot, expected, running);
        final Iterator<PoolTask> tasks = slot.inFlight.descendingIterator();
        while (tasks.hasNext())
        {
            final PoolTask task = tasks.next();
            if (!task.call.wants(task.index))
            {
                continue;
            }
            if (task.sequence != running)
            {
                pending.addFirst(task);
                continue;
            }
            task.attempts++;
            if (task.attempts >= context.maxAttempts())
            {
                task.call.failTask(task.index, new WorkerCrashedException("task killed its worker every time: call=" +
                    task.call.description + " task=" + task.index + " attempts=" + task.attempts +
                    " lastWorker=" + slot.worker.name() + " pid=" + slot.worker.pid() + ' ' +
                    slot.worker.exitDescription()));
                if (task.call.isDone())
                {
                    endCall(task.call);
                }
            }
            else
            {
                pending.addFirst(task);
            }
        }
        slot.inFlight.clear();

        // A slot left without a worker keeps its channel, mapped, until the engine ends or work comes.
        slot.vacant = broken == null && shutdown && pending.isEmpty() && expected;
        if (broken == null && !slot.vacant)
        {
            if (startsWithoutReady > MAX_STARTS_WITHOUT_READY * workers.length)
            {
                breakPool(new Mp4jException("workers keep dying before they are ready: pool=" + poolName +
                    ' ' + slot.worker.exitDescription() + " (see the workers' output)"));
            }
            else if (host != null && !host.isRunning())
            {
                breakPool(new Mp4jException("worker host stopped: pool=" + poolName + " host=" + host.name() +
                    " pid=" + host.hostPid()));
            }
            else
            {
                try
                {
                    startWorker(slot);
                }
                catch (final Mp4jException ex)
                {
                    breakPool(ex);
                }
            }
        }
        return 1;
    }

    private void logExit(final WorkerSlot slot, final boolean expected, final long running)
    {
        final PoolWorkerProcess worker = slot.worker;
        if (expected)
        {
            Log.POOL.log(Level.DEBUG, () -> "worker " + (slot.retiring ? "retired" : "stopped") + ": pool=" + poolName +
                " slot=" + slot.index + " worker=" + worker.name() + " pid=" + worker.pid());
        }
        else if (slot.recycling)
        {
            Log.POOL.log(Level.DEBUG, () -> "worker killed to stop a cancelled or timed-out call: pool=" + poolName +
                " slot=" + slot.index + " worker=" + worker.name() + " pid=" + worker.pid());
        }
        else if (!shutdown || !slot.inFlight.isEmpty())
        {
            Log.POOL.log(Level.WARNING, () -> "worker died: pool=" + poolName + " slot=" + slot.index + " worker=" +
                worker.name() + " pid=" + worker.pid() + ' ' + worker.exitDescription() + " chunksInFlight=" +
                slot.inFlight.size() + " running=" + runningChunk(slot, running));
        }
    }

    /** The chunk the worker said it was running, for messages. */
    private static String runningChunk(final WorkerSlot slot, final long running)
    {
        for (final PoolTask task : slot.inFlight)
        {
            if (task.sequence == running)
            {
                return task.call.description + " task=" + task.index;
            }
        }
        return "none";
    }

    private void breakPool(final Throwable cause)
    {
        Log.POOL.log(Level.WARNING, "pool broken, its calls fail: pool=" + poolName, cause);
        broken = cause;
        failEverything(cause);
    }

    private void failEverything(final Throwable cause)
    {
        for (final PoolCall call : liveCalls)
        {
            call.fail(cause);
        }
        liveCalls.clear();
        pending.clear();
        PoolTask task;
        while ((task = submissions.poll()) != null)
        {
            task.call.fail(cause);
        }
        for (final WorkerSlot slot : workers)
        {
            slot.inFlight.clear();
        }
    }

    private void stopGracefully() throws InterruptedException
    {
        for (final WorkerSlot slot : workers)
        {
            if (slot.worker.isAlive() && !slot.stopSent)
            {
                slot.stopSent = slot.channel.write(slot.channel.tasks(), PoolChannel.STOP, 0, -1, null);
            }
        }
        for (final WorkerSlot slot : workers)
        {
            final PoolWorkerProcess worker = slot.worker;
            if (worker.awaitRelease(context.stopTimeout()))
            {
                Log.POOL.log(Level.DEBUG, () -> "worker stopped: pool=" + poolName + " slot=" + slot.index + " worker=" +
                    worker.name() + " pid=" + worker.pid());
            }
            else
            {
                Log.POOL.log(Level.WARNING, () -> "worker killed, it did not stop in time: pool=" + poolName + " slot=" +
                    slot.index + " worker=" + worker.name() + " pid=" + worker.pid() + " stopTimeout=" +
                    context.stopTimeout());
                worker.kill();
                worker.onExit().join();
            }
        }
    }

    private void terminateNow()
    {
        failEverything(new CancellationException("pool terminated: pool=" + poolName));
        killWorkers();
    }

    /**
     * Kills the workers that hold work (a leased worker that holds none is only told to stop, and goes
     * back to its host) and waits for them to exit.
     */
    private void killWorkers()
    {
        final List<PoolWorkerProcess> killed = new ArrayList<>();
        for (final WorkerSlot slot : workers)
        {
            final PoolWorkerProcess worker = slot.worker;
            if (worker == null || !worker.isAlive())
            {
                continue;
            }
            if (worker instanceof PoolWorkerProcess.Leased && slot.inFlight.isEmpty())
            {
                slot.channel.write(slot.channel.tasks(), PoolChannel.STOP, 0, -1, null);
            }
            else
            {
                worker.kill();
                killed.add(worker);
            }
        }
        for (final PoolWorkerProcess worker : killed)
        {
            worker.onExit().join();
        }
    }

    private void onResult(final WorkerSlot slot, final int type, final long callId, final int index, final byte[] payload)
    {
        switch (type)
        {
            case PoolChannel.READY ->
            {
                slot.ready = true;
                startsWithoutReady = 0;
            }
            case PoolChannel.RETIRING ->
            {
                slot.retiring = true;
                slot.retiredItself = true;
                slot.stopSent = true; // it runs nothing more, STOP or not
                Log.POOL.log(Level.WARNING, () -> "worker retires, a task's error may have left its JVM corrupt: pool=" +
                    poolName + " slot=" + slot.index + " worker=" + slot.worker.name() + " pid=" + slot.worker.pid() +
                    " call=" + callId + " task=" + index + " chunksRequeued=" + slot.inFlight.size());
            }
            case PoolChannel.SKIPPED -> slot.removeInFlight(callId, index);
            case PoolChannel.INIT_FAILED -> breakPool(new RemoteException(
                "pool initializer failed: pool=" + poolName + " worker=" + slot.worker.name() +
                " pid=" + slot.worker.pid(), RemoteException.decode(payload)));
            case PoolChannel.RESULT, PoolChannel.ERROR ->
            {
                final PoolTask task = slot.removeInFlight(callId, index);
                if (task == null)
                {
                    return; // a result of a call that already failed
                }
                if (type == PoolChannel.RESULT)
                {
                    if (journal != null && task.call.journaled)
                    {
                        journal.taskCompleted(task.call.journalRunId, task.call.journalCallId, index, payload);
                    }
                    final List<Object> results = Codec.decodeList(payload);
                    task.call.complete(index, results);
                    reportProgress(task.call, results.size());
                }
                else
                {
                    final RemoteException failure = new RemoteException("pool task failed: call=" +
                        task.call.description + " task=" + index + " worker=" + slot.worker.name() +
                        " pid=" + slot.worker.pid(), RemoteException.decode(payload));
                    // The engine thread's frames tell a caller nothing: the caller's thread throws it again
                    // with its own (a future's get and join wrap it in an exception made there).
                    failure.setStackTrace(new StackTraceElement[0]);
                    task.call.failTask(index, failure);
                }
                if (task.call.isDone())
                {
                    endCall(task.call);
                }
            }
            default -> throw new IllegalStateException("unknown pool message: type=" + type);
        }
    }

    /** A chunk's results, decoded from where they lie in the results ring into the call's own. */
    private void onInlineResult(
        final WorkerSlot slot, final long callId, final int index, final DirectBuffer buffer, final int offset,
        final int length)
    {
        final PoolTask task = slot.removeInFlight(callId, index);
        if (task == null)
        {
            return; // a result of a call that already failed
        }
        reportProgress(task.call, task.call.complete(task, buffer, offset, length));
        if (task.call.isDone())
        {
            endCall(task.call);
        }
    }

    /** Tells the context's listener, at most once per interval and at the call's last result. */
    private void reportProgress(final PoolCall call, final int items)
    {
        final ProgressListener listener = context.progress();
        if (listener == null || call.itemCount < 0)
        {
            return;
        }
        call.itemsDone += items;
        final long now = System.nanoTime();
        if (call.itemsDone < call.itemCount && now - call.lastReportNanos < context.progressInterval().toNanos())
        {
            return;
        }
        call.lastReportNanos = now;
        try
        {
            listener.progress(new PoolProgress(
                call.description, call.itemsDone, call.itemCount, Duration.ofNanos(now - call.submittedNanos)));
        }
        catch (final RuntimeException | Error ex)
        {
            if (!progressFailureLogged)
            {
                progressFailureLogged = true;
                Log.POOL.log(Level.WARNING, "progress listener failed; its later failures are not logged: pool=" +
                    poolName + " listener=" + listener, ex);
            }
        }
    }

    private void endCall(final PoolCall call)
    {
        if (liveCalls.remove(call))
        {
            forget(call);
            if (journal != null && call.journaled)
            {
                journal.callEnded(call.journalRunId, call.journalCallId);
            }
        }
    }

    private void forget(final PoolCall call)
    {
        for (final WorkerSlot slot : workers)
        {
            if (!slot.functionsSent.isEmpty() && slot.functionsSent.remove(call.id))
            {
                // Best effort: a worker that misses it drops old functions by itself.
                slot.channel.write(slot.channel.tasks(), PoolChannel.FORGET, call.id, -1, null);
            }
        }
    }

    /** One worker position in the pool; its JVM and channel are replaced when it dies or retires. */
    private final class WorkerSlot implements MessageHandler
    {
        final int index;
        final ArrayDeque<PoolTask> inFlight = new ArrayDeque<>();
        final Set<Long> functionsSent = new HashSet<>();
        /** The ids of the functions its worker keeps, as it counts them. */
        final KeptFunctions<Void> kept = new KeptFunctions<>();
        int generation;
        /** Task messages written to the current channel: the last one's sequence. */
        long tasksSent;
        int assigned;
        boolean retiring;
        /** Its worker said it retires after a task's error, and runs nothing more. */
        boolean retiredItself;
        boolean stopSent;
        boolean recycling;
        /** Its worker retired during shutdown with nothing pending, so none replaced it. */
        boolean vacant;
        boolean ready;
        volatile boolean exited;
        volatile PoolWorkerProcess worker;
        PoolChannel channel;

        WorkerSlot(final int index)
        {
            this.index = index;
        }

        @Override
        public void onMessage(final int type, final MutableDirectBuffer buffer, final int offset, final int length)
        {
            final long callId = PoolChannel.callId(buffer, offset);
            final int taskIndex = PoolChannel.taskIndex(buffer, offset);
            if (type == PoolChannel.RESULT && journal == null && PoolChannel.isInline(buffer, offset))
            {
                onInlineResult(this, callId, taskIndex, buffer, PoolChannel.payloadOffset(offset),
                    PoolChannel.payloadLength(length));
                return;
            }
            onResult(this, type, callId, taskIndex, channel.payload(buffer, offset, length));
        }

        /**
         * Tells the worker to skip the queued chunks of a stopped call; true if it runs one of them (or may
         * have started one), which only its death stops. The worker says which chunk it runs before it
         * reads whether to skip it, and this reads that after asking to skip, so one of them sees the other.
         * Queued chunks that could outnumber the channel's skip slots are not skipped: the worker dies.
         */
        boolean stopChunksOf(final PoolCall call)
        {
            final long running = channel.runningTaskVolatile();
            boolean runsOne = false;
            for (final PoolTask task : inFlight)
            {
                if (task.call != call)
                {
                    continue;
                }
                if (context.maxTasksInFlight() > PoolChannel.SKIP_SLOTS || task.sequence == running)
                {
                    runsOne = true;
                    continue;
                }
                channel.skipTaskVolatile(task.sequence);
                runsOne |= channel.runningTaskVolatile() == task.sequence;
            }
            return runsOne;
        }

        PoolTask removeInFlight(final long callId, final int index)
        {
            final PoolTask first = inFlight.peekFirst();
            if (first != null && first.call.id == callId && first.index == index)
            {
                return inFlight.pollFirst(); // results mostly come in the order sent
            }
            final Iterator<PoolTask> tasks = inFlight.iterator();
            while (tasks.hasNext())
            {
                final PoolTask task = tasks.next();
                if (task.call.id == callId && task.index == index)
                {
                    tasks.remove();
                    return task;
                }
            }
            return null;
        }
    }
}
