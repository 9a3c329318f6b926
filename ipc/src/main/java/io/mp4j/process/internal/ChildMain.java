package io.mp4j.process.internal;

import io.mp4j.RemoteException;
import io.mp4j.internal.JavaSerialization;
import io.mp4j.internal.ShutdownSequence;
import io.mp4j.session.Session;

import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * The entry point of a child JVM that {@code io.mp4j.process.ChildProcess} starts; not for direct use. It reads its
 * spec from the session, runs the target, reports an escaping exception to the parent through the
 * session, and exits. It keeps to the JDK and mp4j's core so that a child starts as fast as a JVM can.
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

    private ChildMain()
    {
    }

    /**
     * Runs the child whose spec the parent wrote to the session named by the {@code mp4j.session}
     * system property.
     *
     * @param args one argument: the base name of the child's files in the session.
     */
    public static void main(final String[] args)
    {
        watchParent();

        final String fileName = args[0];
        final Session session = Session.current();
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
        System.out.flush();
        System.err.flush();
        System.exit(exitCode);
    }

    /**
     * Runs a child's target in the calling thread as the process the spec names: in a child JVM of its
     * own, or in a host's warm worker.
     *
     * @return what escaped the target, already printed to standard error; null if it returned.
     */
    public static Throwable run(final ChildSpec spec)
    {
        try
        {
            ProcessState.becomeChild(spec);
            final Callable<?> target =
                (Callable<?>)JavaSerialization.deserialize(spec.target(), "target of " + spec.name());
            target.call();
            return null;
        }
        catch (final Throwable ex)
        {
            return printed(ex);
        }
    }

    private static Throwable printed(final Throwable failure)
    {
        // As Python does, the child prints its own traceback; the parent gets it too.
        System.err.println("Exception in " + ProcessState.name() + ':');
        failure.printStackTrace();
        return failure;
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
