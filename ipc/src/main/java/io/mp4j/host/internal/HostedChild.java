package io.mp4j.host.internal;

import io.mp4j.Mp4jException;
import io.mp4j.RemoteException;
import io.mp4j.RemoteThrowable;
import io.mp4j.WaitStrategy;
import io.mp4j.internal.Waiter;
import io.mp4j.process.ProcessContext;
import io.mp4j.process.internal.ChildMain;
import io.mp4j.process.internal.ChildSpec;
import io.mp4j.process.internal.OutputLines;
import io.mp4j.session.Session;
import io.mp4j.worker.internal.HostedRun;
import io.mp4j.worker.internal.PoolChannel;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.MessageHandler;

import java.time.Duration;
import java.util.OptionalInt;

/**
 * The client's side of a {@code ChildProcess} whose target runs in a warm worker leased from a
 * {@code WorkerHost}. The target goes to the worker over a fresh {@link PoolChannel}; the worker's output
 * comes back over it and is copied to this JVM's streams line by line; the end of the target
 * ({@link PoolChannel#EXITED}) or of the worker's JVM ends the child. The worker's side is
 * {@link HostedRun}.
 * <p>
 * The lease holds until the child has ended here: only then is the worker told to go back to its host.
 * So {@link #terminate()} and {@link #kill()} can only signal the worker while it still serves this
 * child, never one the host has since given to another client. Started by the child's starting thread,
 * then watched by its reaper thread; any thread may signal it.
 */
public final class HostedChild
{
    /** Room for output in flight; a target too large for a record of this ring goes through a spill file. */
    private static final int RING_CAPACITY = 64 * 1024;
    private static final int SIGKILL = 9;
    private static final int SIGTERM = 15;
    private static final int SIGNAL_EXIT_BASE = 128;
    /** How long a dead worker's exit code may take the host to record (it is reaped, then recorded). */
    private static final long EXIT_RECORD_WAIT_MILLIS = 10_000;

    private final String name;
    private final Ending ending;
    private final HostConnection host;
    private final PoolChannel channel;
    private final HostConnection.Lease lease;
    private OutputLines out = new OutputLines(() -> System.out);
    private OutputLines err = new OutputLines(() -> System.err);
    private final MessageHandler handler = this::onMessage;
    private volatile Waiter reaperWaiter;
    private volatile int signal;
    private boolean released;

    // Owned by the reaper thread.
    private boolean exited;
    private byte[] exitFailure;

    /** Where a hosted child's end is reported, once, from its reaper thread. */
    @FunctionalInterface
    public interface Ending
    {
        /**
         * Records how the child ended.
         *
         * @param exitCode the child's exit code.
         * @param failure  what escaped its target, or null.
         */
        void ended(int exitCode, RemoteException failure);
    }

    private HostedChild(
        final String name, final Ending ending, final HostConnection host, final PoolChannel channel,
        final HostConnection.Lease lease)
    {
        this.name = name;
        this.ending = ending;
        this.host = host;
        this.channel = channel;
        this.lease = lease;
    }

    /**
     * Hands the child's spec to a free worker of a host, waiting up to a lease timeout for one.
     *
     * @param spec    the child's spec; its name names the child in messages.
     * @param ending  told how the child ended.
     * @param context the child's context: the host's name, the session where the child's channel is made,
     *                the lease timeout, and the classpath the worker must serve.
     * @return the leased child, not yet watched.
     * @throws Mp4jException                              if no host of that name runs, or it is stopping.
     * @throws io.mp4j.Mp4jTimeoutException               if no worker became free in time.
     * @throws io.mp4j.host.ClassPathMismatchException if the workers run another classpath and none
     *                                                    could be had on the context's.
     */
    public static HostedChild lease(final ChildSpec spec, final Ending ending, final ProcessContext context)
    {
        final Session session = context.session();
        final Duration leaseTimeout = context.leaseTimeout();
        final HostConnection host = HostConnection.connect(context.host(), context);
        PoolChannel channel = null;
        try
        {
            channel = PoolChannel.create(session, session.uniqueName("child"), RING_CAPACITY);
            // The ring is empty, so this fits (a large target goes through a spill file); the worker finds
            // the target as soon as it takes the lease.
            channel.write(channel.tasks(), PoolChannel.RUN, 0, -1, spec.encode());
            return new HostedChild(spec.name(), ending, host, channel, host.lease(channel.file(), leaseTimeout));
        }
        catch (final RuntimeException ex)
        {
            if (channel != null)
            {
                channel.delete();
            }
            host.close();
            throw ex;
        }
    }

    /**
     * Sends the child's output elsewhere than this JVM's streams; before {@link #watch()}.
     *
     * @param out where its standard output goes.
     * @param err where its standard error goes.
     */
    public void output(final OutputLines out, final OutputLines err)
    {
        this.out = out;
        this.err = err;
    }

    /** Starts the reaper thread, which ends the child when its target or its worker ends. */
    public void watch()
    {
        final Thread reaper = new Thread(this::reap, "mp4j-reaper-" + name);
        reaper.setDaemon(true);
        reaper.start();
    }

    public long pid()
    {
        return lease.worker().pid();
    }

    public String hostName()
    {
        return host.name();
    }

    /** SIGTERM to the worker, while it runs this child; the host starts another worker. */
    public void terminate()
    {
        signal(SIGTERM);
    }

    /** SIGKILL to the worker, while it runs this child; the host starts another worker. */
    public void kill()
    {
        signal(SIGKILL);
    }

    private synchronized void signal(final int number)
    {
        if (released || !lease.worker().isAlive() || !host.holds(lease))
        {
            return; // the child has ended, or its worker let it go: the worker may serve someone else by now
        }
        signal = number;
        ProcessHandle.of(lease.worker().pid()).ifPresent(number == SIGKILL ? ProcessHandle::destroyForcibly :
            ProcessHandle::destroy);
        final Waiter waiter = reaperWaiter;
        if (waiter != null)
        {
            waiter.wake();
        }
    }

    /** Lets the worker go back to its host: the child has ended and can no longer be signalled. */
    private synchronized void release(final boolean workerAlive)
    {
        released = true;
        if (workerAlive)
        {
            channel.write(channel.tasks(), PoolChannel.STOP, 0, -1, null);
        }
    }

    private void reap()
    {
        try
        {
            follow();
        }
        catch (final RuntimeException ex)
        {
            // Never leave join() waiting: stop the worker if it still serves this child, and say why.
            signal(SIGKILL);
            release(false);
            channel.delete();
            host.close();
            ending.ended(ChildMain.FAILED_EXIT_CODE, localFailure("cannot follow the child: " + ex));
        }
    }

    /** Copies the child's output until it ends, lets its worker go and ends the child. */
    private void follow()
    {
        int exitCode;
        RemoteException failure = null;
        if (awaitEnd())
        {
            release(true);
            exitCode = 0;
            if (exitFailure.length > 0)
            {
                exitCode = ChildMain.FAILED_EXIT_CODE;
                failure = decodeFailure(exitFailure);
            }
        }
        else if (lease.worker().isAlive())
        {
            release(true);
            exitCode = ChildMain.FAILED_EXIT_CODE;
            failure = localFailure("worker let the child go before its target ended: host=" + host.name() +
                " slot=" + lease.slot());
        }
        else
        {
            release(false);
            exitCode = workerExitCode();
            if (signal == 0 && !host.isRunning())
            {
                failure = localFailure("worker host stopped: host=" + host.name() + " pid=" + host.hostPid());
            }
        }
        out.finish();
        err.finish();
        channel.delete();
        host.close();
        ending.ended(exitCode, failure);
    }

    /**
     * Copies the child's output until its target ends, its worker dies or the worker gives up the lease.
     *
     * @return true if the target ended, false if the worker went first.
     */
    private boolean awaitEnd()
    {
        final Waiter waiter = Waiter.begin(
            WaitStrategy.defaultStrategy(), channel.board(), PoolChannel.RESULTS_TAG, Waiter.NO_TIMEOUT);
        reaperWaiter = waiter;
        try
        {
            while (true)
            {
                if (drain() > 0)
                {
                    if (exited)
                    {
                        return true;
                    }
                    waiter.restart();
                    continue;
                }
                if (signal != 0 || waiter.checkDue())
                {
                    if (!lease.worker().isAlive() || !host.holds(lease))
                    {
                        // What it wrote before it went still counts.
                        drain();
                        return exited;
                    }
                    if (signal != 0)
                    {
                        pause(); // a signalled worker is on its way out
                        continue;
                    }
                }
                waiter.idle();
            }
        }
        finally
        {
            reaperWaiter = null;
            waiter.end();
        }
    }

    private int drain()
    {
        final int read = PoolChannel.read(channel.results(), handler, Integer.MAX_VALUE);
        if (read > 0)
        {
            channel.board().ring(PoolChannel.RESULTS_ROOM_TAG);
        }
        return read;
    }

    private void onMessage(final int type, final MutableDirectBuffer buffer, final int index, final int length)
    {
        switch (type)
        {
            case PoolChannel.OUTPUT ->
            {
                final byte[] bytes = channel.payload(buffer, index, length);
                (PoolChannel.taskIndex(buffer, index) == PoolChannel.STDERR ? err : out).copy(bytes, 0, bytes.length);
            }
            case PoolChannel.EXITED ->
            {
                try
                {
                    exitFailure = channel.payload(buffer, index, length);
                }
                catch (final Mp4jException ex)
                {
                    exitFailure = RemoteException.encode(ex); // e.g. a spilled report whose file is gone
                }
                exited = true;
            }
            default ->
            {
                // READY: the worker has attached; nothing to do.
            }
        }
    }

    /**
     * The exit code the host, the worker's parent, recorded for it; if the host is gone without recording
     * it, what the signal sent gives, or else the code of a worker whose host died.
     */
    private int workerExitCode()
    {
        final long deadline = System.currentTimeMillis() + EXIT_RECORD_WAIT_MILLIS;
        while (true)
        {
            final OptionalInt recorded = host.exitCode(lease.slot(), lease.worker());
            if (recorded.isPresent())
            {
                return recorded.getAsInt();
            }
            if (!host.isHostAlive() || System.currentTimeMillis() > deadline)
            {
                return signal != 0 ? SIGNAL_EXIT_BASE + signal : ChildMain.PARENT_DIED_EXIT_CODE;
            }
            pause();
        }
    }

    private RemoteException decodeFailure(final byte[] bytes)
    {
        try
        {
            return new RemoteException(describe(), RemoteException.decode(bytes));
        }
        catch (final RuntimeException ex)
        {
            return new RemoteException(describe(), new RemoteThrowable(ex.getClass().getName(),
                "unreadable failure report: " + ex.getMessage(), new StackTraceElement[0]));
        }
    }

    private RemoteException localFailure(final String message)
    {
        return new RemoteException(describe(),
            new RemoteThrowable(Mp4jException.class.getName(), message, new StackTraceElement[0]));
    }

    private String describe()
    {
        return "child failed: name=" + name + " pid=" + pid() + " host=" + host.name();
    }

    private static void pause()
    {
        try
        {
            Thread.sleep(1);
        }
        catch (final InterruptedException ex)
        {
            // The reaper is a daemon thread nobody interrupts; carry on.
        }
    }
}
