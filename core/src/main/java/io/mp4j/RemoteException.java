package io.mp4j;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;

/**
 * An exception thrown in another process, brought back as text and stack frames: the original class
 * name, message and stack trace of every exception in its cause chain. Its cause is a
 * {@link RemoteThrowable} that prints exactly as the original did, so {@code printStackTrace()} shows
 * where it failed in the other process. The original classes are never loaded, so an exception whose
 * class the receiving JVM does not have still arrives intact.
 */
public class RemoteException extends Mp4jException
{
    private static final long serialVersionUID = 1L;
    private static final int MAGIC = 0x4D50_4558; // "MPEX"
    private static final int MAX_CAUSES = 32;

    private final String context;
    private final String remoteClassName;
    private final String remoteMessage;

    /**
     * Wraps a decoded remote exception chain.
     *
     * @param context what failed, e.g. {@code "child failed: name=ChildProcess-1 pid=4242"}.
     * @param remote  the remote exception, as decoded by {@link #decode(byte[])}.
     */
    public RemoteException(final String context, final RemoteThrowable remote)
    {
        super(context + ": " + remote, remote);
        this.context = context;
        this.remoteClassName = remote.className();
        this.remoteMessage = remote.getMessage();
    }

    /**
     * A copy of another remote exception, whose stack trace is where the copy is made.
     *
     * @param original the exception to copy: same message, same remote cause.
     */
    protected RemoteException(final RemoteException original)
    {
        this(original.context, (RemoteThrowable)original.getCause());
    }

    /**
     * This exception as it is thrown again in the calling thread, as {@code CompletableFuture.join} wraps
     * a failure in a {@code CompletionException}: the same message and remote cause, with the stack
     * trace of the caller, so that it shows which call in the caller's code failed. mp4j throws failures
     * that another thread received (a pool's engine, a child's reaper) this way. A subclass overrides it
     * to keep its type.
     *
     * @return a new exception of this type, its stack trace the caller's.
     */
    public RemoteException rethrownHere()
    {
        return new RemoteException(this);
    }

    /**
     * The fully qualified class name of the exception thrown in the other process.
     *
     * @return e.g. {@code java.lang.IllegalStateException}.
     */
    public String remoteClassName()
    {
        return remoteClassName;
    }

    /**
     * The message of the exception thrown in the other process.
     *
     * @return the message, or null if it had none.
     */
    public String remoteMessage()
    {
        return remoteMessage;
    }

    /**
     * The remote exception's stack trace as the other process would have printed it, causes included.
     *
     * @return the printed stack trace.
     */
    public String remoteStackTrace()
    {
        final StringWriter text = new StringWriter();
        getCause().printStackTrace(new PrintWriter(text));
        return text.toString();
    }

    /**
     * Encodes a throwable and its causes as plain data: class names, messages and stack frames.
     * Never fails: a message whose {@code toString} throws is replaced by a note that says so.
     *
     * @param throwable what to encode.
     * @return the encoded bytes, readable by {@link #decode(byte[])} in any JVM.
     */
    public static byte[] encode(final Throwable throwable)
    {
        final List<Throwable> chain = new ArrayList<>();
        final Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        for (Throwable t = throwable; t != null && chain.size() < MAX_CAUSES && seen.add(t); t = t.getCause())
        {
            chain.add(t);
        }

        final ByteArrayOutputStream bytes = new ByteArrayOutputStream(1024);
        try (DataOutputStream out = new DataOutputStream(bytes))
        {
            out.writeInt(MAGIC);
            out.writeInt(chain.size());
            for (final Throwable t : chain)
            {
                out.writeUTF(t.getClass().getName());
                writeNullable(out, messageOf(t));
                final StackTraceElement[] frames = t.getStackTrace();
                out.writeInt(frames.length);
                for (final StackTraceElement frame : frames)
                {
                    writeNullable(out, frame.getClassLoaderName());
                    writeNullable(out, frame.getModuleName());
                    writeNullable(out, frame.getModuleVersion());
                    out.writeUTF(frame.getClassName());
                    out.writeUTF(frame.getMethodName());
                    writeNullable(out, frame.getFileName());
                    out.writeInt(frame.getLineNumber());
                }
            }
        }
        catch (final IOException ex)
        {
            throw new IllegalStateException("in-memory stream cannot fail", ex);
        }
        return bytes.toByteArray();
    }

    /**
     * Decodes what {@link #encode(Throwable)} produced.
     *
     * @param encoded the encoded bytes.
     * @return the outermost exception of the chain, its causes linked.
     * @throws Mp4jException if the bytes are not an encoded exception.
     */
    public static RemoteThrowable decode(final byte[] encoded)
    {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(encoded)))
        {
            final int magic = in.readInt();
            if (magic != MAGIC)
            {
                throw new Mp4jException("not an encoded exception: magic=0x" + Integer.toHexString(magic));
            }

            final int count = in.readInt();
            RemoteThrowable outermost = null;
            RemoteThrowable previous = null;
            for (int i = 0; i < count; i++)
            {
                final String className = in.readUTF();
                final String message = readNullable(in);
                final StackTraceElement[] frames = new StackTraceElement[in.readInt()];
                for (int f = 0; f < frames.length; f++)
                {
                    frames[f] = new StackTraceElement(readNullable(in), readNullable(in), readNullable(in),
                        in.readUTF(), in.readUTF(), readNullable(in), in.readInt());
                }

                final RemoteThrowable current = new RemoteThrowable(className, message, frames);
                if (previous == null)
                {
                    outermost = current;
                }
                else
                {
                    previous.initCause(current);
                }
                previous = current;
            }

            if (outermost == null)
            {
                throw new Mp4jException("encoded exception has no entries");
            }
            return outermost;
        }
        catch (final IOException ex)
        {
            throw new Mp4jException("truncated encoded exception: length=" + encoded.length, ex);
        }
    }

    private static String messageOf(final Throwable t)
    {
        try
        {
            return t.getMessage();
        }
        catch (final RuntimeException ex)
        {
            return "<getMessage() threw " + ex.getClass().getName() + '>';
        }
    }

    private static void writeNullable(final DataOutputStream out, final String value) throws IOException
    {
        out.writeBoolean(value != null);
        if (value != null)
        {
            // writeUTF is limited to 64 KiB of modified UTF-8; a longer message is cut, not refused.
            out.writeUTF(value.length() > 16_000 ? value.substring(0, 16_000) + "..." : value);
        }
    }

    private static String readNullable(final DataInputStream in) throws IOException
    {
        return in.readBoolean() ? in.readUTF() : null;
    }
}
