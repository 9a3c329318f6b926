package io.mp4j.process.internal;

import io.mp4j.RemoteException;
import io.mp4j.internal.JavaSerialization;
import io.mp4j.internal.ShutdownSequence;
import io.mp4j.internal.Threads;
import io.mp4j.process.ProcessTarget;
import io.mp4j.session.Session;

import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The entry point of a child JVM that {@code io.mp4j.process.ChildProcess} starts; not for direct use. It reads its
 * spec from the session, runs the target, reports an escaping exception to the parent through the
 * session, waits for the non-daemon threads the target started, and exits. It keeps to the JDK and mp4j's core so that a child starts as fast as a JVM can.
 */
public final class ChildMain
{
    /** Exit code of a child that stopped because its parent died (nobody is left to read it). */
    public static final int PARENT_DIED_EXIT_CODE = 121;

    /** Exit code of a child that ended because an exception escaped its target. */
    public static final int FAILED_EXIT_CODE = 1;

    /** Suffix of the session file that holds a child's {@link ChildSpec}. */
    public static final String SPEC_SUFFIX = ".spec";

    /** Suffix of the session file where a failed child reports what escaped its target. */
    public static final String FAILURE_SUFFIX = ".failure";

    /** Suffix of the session file a child leaves when its target exited through {@code System.exit}. */
    public static final String EXITED_SUFFIX = ".exited";

    /** Set just before this class's own exit, whose code needs no record. */
    private static volatile boolean exitingWithOwnCode;

    private ChildMain()
    {
    }

    /**
     * Runs the child whose spec the parent wrote to the session named by the {@code mp4j.session}
     * system property, waits for the non-daemon threads its target left running, and exits: 0 if the
     * target returned, {@value #FAILED_EXIT_CODE} if it threw. Exiting with 0, it returns, and the JVM ends as a
     * program's does: so a non-daemon thread that one of the target's daemon threads starts later keeps it
     * running too.
     *
     * @param args one argument: the base name of the child's files in the session.
     */
    public static void main(final String[] args)
    {
        // Kept before the target runs, which may set System.out or System.err to null or close them.
        final PrintStream out = System.out;
        final PrintStream err = System.err;
        watchParent();

        final String fileName = args[0];
        final Session session = Session.current();
        ShutdownSequence.add(ShutdownSequence.FIRST, "record an exit through Runtime.exit", () -> recordExit(session, fileName));
        final Path failureFile = session.file(fileName + FAILURE_SUFFIX);
        Throwable failure;
        try
        {
            final Path specFile = session.file(fileName + SPEC_SUFFIX);
            final ChildSpec spec = ChildSpec.decode(Files.readAllBytes(specFile));
            Files.deleteIfExists(specFile);
            failure = run(spec);
        }
        catch (final Throwable ex)
        {
            failure = printed(ex);
        }

        int exitCode = 0;
        if (failure != null)
        {
            exitCode = FAILED_EXIT_CODE;
            session.writeAtomically(failureFile.getFileName().toString(), RemoteException.encode(failure));
        }
        // As a JVM's main and Python's children do; the parent-death watch still halts this JVM meanwhile.
        awaitNonDaemonThreads();
        flush(System.out);
        flush(System.err);
        flush(out);
        flush(err);
        if (exitCode == 0)
        {
            // Returning ends the JVM as System.exit(0) would, its shutdown hooks and all, once no thread but daemons
            // is left; and without the look-up of a logger for Runtime.exit that System.exit makes on JDK 21 or
            // later, which searches every jar of the classpath for a logging service. A thread that calls
            // System.exit meanwhile has its code recorded as any target's.
            return;
        }
        exitingWithOwnCode = true;
        System.exit(exitCode);
    }

    /**
     * Runs a child's target in the calling thread as the process the spec names: in a child JVM of its
     * own, or in a host's warm worker.
     *
     * @param spec the child.
     * @return what escaped the target, already printed to standard error; null if it returned.
     */
    public static Throwable run(final ChildSpec spec)
    {
        try
        {
            ProcessState.becomeChild(spec);
            final ProcessTarget target =
                (ProcessTarget)JavaSerialization.deserialize(spec.target(), "target of " + spec.name());
            target.run();
            return null;
        }
        catch (final Throwable ex)
        {
            return printed(ex);
        }
        finally
        {
            ProcessState.closeAttached();
        }
    }

    private static Throwable printed(final Throwable failure)
    {
        // As Python does, the child prints its own traceback; the parent gets it too. A target that set
        // System.err to null has asked for no output; one that closed it gets none (PrintStream says nothing).
        final PrintStream err = System.err;
        if (err != null)
        {
            err.println("Exception in " + ProcessState.name() + ':');
            failure.printStackTrace(err);
        }
        return failure;
    }

    private static void flush(final PrintStream stream)
    {
        if (stream != null)
        {
            stream.flush(); // a closed PrintStream only notes its error
        }
    }

    /**
     * Waits until no thread but the caller is alive and not a daemon. A thread can only be started by a live
     * one, so none is missed: one that ends after starting another leaves that one to be found next round.
     */
    private static void awaitNonDaemonThreads()
    {
        final ThreadGroup root = Threads.rootGroup();
        final Thread self = Thread.currentThread();
        Thread[] threads = new Thread[16];
        while (true)
        {
            int count;
            while ((count = root.enumerate(threads, true)) == threads.length)
            {
                threads = new Thread[threads.length * 2];
            }
            Thread running = null;
            for (int i = 0; i < count && running == null; i++)
            {
                final Thread thread = threads[i];
                if (thread != self && !thread.isDaemon() && thread.isAlive())
                {
                    running = thread;
                }
            }
            if (running == null)
            {
                return;
            }
            try
            {
                running.join();
            }
            catch (final InterruptedException ex)
            {
                // Nobody interrupts the main thread of a child but its own target's threads; keep waiting.
            }
        }
    }

    /**
     * Leaves the record that tells the parent this JVM exited with a code, when a thread of the target
     * called {@code System.exit}: its code may be 128 + N and must not read as signal N. A signal
     * runs the hooks without {@code Runtime.exit}, and a SIGKILL runs none, so neither leaves it.
     */
    private static void recordExit(final Session session, final String fileName)
    {
        if (exitingWithOwnCode || !ExitStatus.isExitingThroughRuntimeExit())
        {
            return; // this class's own codes are 0 and 1, never taken for a signal
        }
        try
        {
            session.createFile(fileName + EXITED_SUFFIX);
        }
        catch (final RuntimeException ex)
        {
            // The parent is gone with its session: nobody will read the record.
        }
    }

    /**
     * The parent holds the write end of this JVM's standard input and never writes to it; the kernel
     * closes it when the parent ends, however it ends, and then this JVM stops too. The target gets an
     * empty standard input, as Python's children do.
     * <p>
     * The lifeline is read through a {@link FileChannel} and closed as this JVM exits: a thread blocked
     * in a plain stream read of standard input delays the JVM's exit by about 300 ms, and closing an
     * interruptible channel wakes it at once.
     */
    private static void watchParent()
    {
        final FileChannel lifeline = new FileInputStream(FileDescriptor.in).getChannel();
        System.setIn(InputStream.nullInputStream());
        ShutdownSequence.add(ShutdownSequence.FIRST, "close the parent lifeline", () -> closeQuietly(lifeline));

        final Thread watcher = new Thread(() ->
        {
            final ByteBuffer buffer = ByteBuffer.allocate(64);
            try
            {
                while (lifeline.read(buffer) != -1)
                {
                    buffer.clear();
                }
            }
            catch (final ClosedChannelException ex)
            {
                return; // this JVM is exiting and closed the lifeline itself
            }
            catch (final IOException ex)
            {
                // A broken lifeline means the parent is gone, as end-of-file does.
            }
            Runtime.getRuntime().halt(PARENT_DIED_EXIT_CODE);
        }, "mp4j-parent-watch");
        watcher.setDaemon(true);
        watcher.start();
    }

    private static void closeQuietly(final FileChannel channel)
    {
        try
        {
            channel.close();
        }
        catch (final IOException ex)
        {
            // Exiting anyway.
        }
    }
}
