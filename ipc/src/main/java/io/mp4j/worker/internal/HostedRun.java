package io.mp4j.worker.internal;

import io.mp4j.RemoteException;
import io.mp4j.internal.Waiter;
import io.mp4j.process.internal.ChildMain;
import io.mp4j.process.internal.ChildSpec;
import io.mp4j.process.internal.ProcessState;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.Charset;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * A hosted child's target running in a host's warm worker: the worker's side of {@code HostedChild}. For
 * as long as the target runs this JVM is the child: {@code Multiprocessing.currentProcess()} names it,
 * {@code System.out} and {@code System.err} go to the client through the channel, and the client's
 * death halts this JVM (the host starts another), as a spawned child dies with its parent. Then the
 * worker is itself again, reports the end ({@link PoolChannel#EXITED}) and waits for the client to let
 * it go. Output of threads that an earlier run started (daemon threads left behind, such as a library's
 * background threads) goes to the worker's own streams, never to another client. A target that leaves
 * non-daemon threads or child processes running retires its worker: a spawned child's leftover threads
 * die with its JVM, and these must not work on beside the host's next child. Runs in the worker's main thread; the
 * target's threads may write to the output streams.
 */
public final class HostedRun
{
    /** Output travels in messages of at most this many bytes, well below a record's maximum. */
    private static final int CHUNK_LENGTH = 4096;
    /** How long threads the target started get to finish after it returned, e.g. a joined child's reaper. */
    private static final long LEFTOVER_GRACE_MILLIS = 200;
    /** The run whose target started the current thread (inherited by the threads it starts), if any. */
    private static final InheritableThreadLocal<HostedRun> STARTED_BY = new InheritableThreadLocal<>();

    private final PoolWorkerMain worker;
    /** The results ring has one producer: whoever holds this lock. */
    private final Object lock = new Object();
    private final ChannelOutput out;
    private final ChannelOutput err;
    private boolean over;

    private HostedRun(final PoolWorkerMain worker, final PrintStream out, final PrintStream err)
    {
        this.worker = worker;
        this.out = new ChannelOutput(PoolChannel.STDOUT, out);
        this.err = new ChannelOutput(PoolChannel.STDERR, err);
    }

    /**
     * Runs the child a client sent and reports its end.
     *
     * @param worker      the worker serving the client's channel, which sends for this run.
     * @param spec        the encoded {@link ChildSpec}.
     * @param clientAlive whether the client's process still runs.
     * @return true if the target left work running (non-daemon threads, child processes), so that the
     *         worker must not serve another child.
     */
    static boolean run(final PoolWorkerMain worker, final byte[] spec, final BooleanSupplier clientAlive)
    {
        final ProcessState.Snapshot self = ProcessState.snapshot();
        final PrintStream systemOut = System.out;
        final PrintStream systemErr = System.err;
        final HostedRun run = new HostedRun(worker, systemOut, systemErr);
        final Set<Thread> before = liveThreads();
        final List<Object> childrenBefore = ProcessState.aliveChildren();
        final Thread watch = watchClient(clientAlive);

        Throwable failure;
        boolean leftWork = true;
        System.setOut(new PrintStream(run.out, true, Charset.defaultCharset()));
        System.setErr(new PrintStream(run.err, true, Charset.defaultCharset()));
        STARTED_BY.set(run);
        try
        {
            failure = ChildMain.run(ChildSpec.decode(spec));
        }
        catch (final RuntimeException ex)
        {
            // A spec this mp4j cannot read, e.g. from a client of another version.
            ex.printStackTrace();
            failure = ex;
        }
        finally
        {
            STARTED_BY.remove();
            watch.interrupt();
            try
            {
                leftWork = leftWork(before, childrenBefore);
            }
            finally
            {
                run.end();
                System.setOut(systemOut);
                System.setErr(systemErr);
                ProcessState.restore(self);
            }
        }
        worker.send(PoolChannel.EXITED, 0, 0, failure == null ? null : RemoteException.encode(failure));
        return leftWork;
    }

    /**
     * Whether child processes or non-daemon threads started while the target ran still run after a short
     * grace, which lets ending threads (a joined child's reaper, say) finish. A spawned child's exit would
     * join or stop its children; the retired worker's exit does that. The target's threads are in this
     * thread's group or below it; the JDK's own threads (the process reaper, the cleaner) are not. Daemon
     * threads do not count: libraries start them lazily and keep them (Chronicle's resource releaser,
     * say), and they would retire every worker.
     */
    private static boolean leftWork(final Set<Thread> before, final List<Object> childrenBefore)
    {
        for (final Object child : ProcessState.aliveChildren())
        {
            if (!childrenBefore.contains(child))
            {
                return true;
            }
        }
        final long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(LEFTOVER_GRACE_MILLIS);
        for (final Thread thread : liveThreads())
        {
            if (before.contains(thread) || thread.isDaemon())
            {
                continue;
            }
            final long left = deadline - System.nanoTime();
            try
            {
                if (left > 0)
                {
                    thread.join(TimeUnit.NANOSECONDS.toMillis(left) + 1);
                }
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
                return true;
            }
            if (thread.isAlive())
            {
                return true;
            }
        }
        return false;
    }

    private static Set<Thread> liveThreads()
    {
        final ThreadGroup group = Thread.currentThread().getThreadGroup();
        Thread[] threads = new Thread[group.activeCount() + 8];
        int count;
        while ((count = group.enumerate(threads, true)) == threads.length)
        {
            threads = new Thread[threads.length * 2];
        }
        return new HashSet<>(Arrays.asList(threads).subList(0, count));
    }

    /**
     * Halts this JVM if the client dies while its target runs: a target cannot be stopped from outside its
     * threads, and it must not run on for nobody, nor hold the worker from the host's other clients.
     */
    private static Thread watchClient(final BooleanSupplier clientAlive)
    {
        final Thread watch = new Thread(() ->
        {
            try
            {
                while (true)
                {
                    Thread.sleep(Waiter.CHECK_INTERVAL_MILLIS);
                    if (!clientAlive.getAsBoolean())
                    {
                        Runtime.getRuntime().halt(ChildMain.PARENT_DIED_EXIT_CODE);
                    }
                }
            }
            catch (final InterruptedException ex)
            {
                // The target has ended.
            }
        }, "mp4j-client-watch");
        watch.setDaemon(true);
        watch.start();
        return watch;
    }

    /**
     * Sends what the streams hold and turns them over to the worker's own streams, for threads of the
     * target that go on writing after it returned (daemon threads left behind, or any until a retiring
     * worker's JVM exits).
     */
    private void end()
    {
        synchronized (lock)
        {
            out.sendPending();
            err.sendPending();
            over = true;
        }
    }

    /** One of the child's standard streams: bytes go to the client in chunks, at each flush or when full. */
    private final class ChannelOutput extends OutputStream
    {
        private final int stream;
        private final PrintStream after;
        private final byte[] pending = new byte[CHUNK_LENGTH];
        private int length;

        ChannelOutput(final int stream, final PrintStream after)
        {
            this.stream = stream;
            this.after = after;
        }

        @Override
        public void write(final int b)
        {
            synchronized (lock)
            {
                if (over || isFromAnotherRun())
                {
                    after.write(b);
                    return;
                }
                pending[length++] = (byte)b;
                if (length == CHUNK_LENGTH)
                {
                    sendPending();
                }
            }
        }

        @Override
        public void write(final byte[] bytes, final int offset, final int count)
        {
            Objects.checkFromIndexSize(offset, count, bytes.length);
            synchronized (lock)
            {
                if (over || isFromAnotherRun())
                {
                    after.write(bytes, offset, count);
                    return;
                }
                int from = offset;
                int left = count;
                while (left > 0)
                {
                    final int taken = Math.min(left, CHUNK_LENGTH - length);
                    System.arraycopy(bytes, from, pending, length, taken);
                    length += taken;
                    from += taken;
                    left -= taken;
                    if (length == CHUNK_LENGTH)
                    {
                        sendPending();
                    }
                }
            }
        }

        @Override
        public void flush()
        {
            synchronized (lock)
            {
                if (over)
                {
                    after.flush();
                    return;
                }
                sendPending();
            }
        }

        /** Whether the writing thread was started by an earlier run's target: its output is not this client's. */
        private boolean isFromAnotherRun()
        {
            final HostedRun startedBy = STARTED_BY.get();
            return startedBy != null && startedBy != HostedRun.this;
        }

        /** Sends the pending bytes; a client that has gone does not get them. Called holding the lock. */
        void sendPending()
        {
            if (length > 0)
            {
                worker.send(PoolChannel.OUTPUT, 0, stream, Arrays.copyOf(pending, length));
                length = 0;
            }
        }
    }
}
