package io.mp4j.sharedmemory;

import io.mp4j.Mp4jException;
import io.mp4j.RegionMissingException;
import io.mp4j.internal.region.Region;
import io.mp4j.internal.region.RegionDescriptor;
import io.mp4j.internal.region.RegionKind;
import io.mp4j.session.Session;
import org.agrona.concurrent.AtomicBuffer;

import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.Serial;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * A named block of shared memory: Python's {@code multiprocessing.shared_memory.SharedMemory}. Any
 * process of the session attaches to it by name, or receives it as an argument (it is
 * {@link Serializable}: the receiver attaches to the same memory).
 * <pre>{@code
 * try (SharedMemory block = SharedMemory.create("frame", 1 << 20))
 * {
 *     block.buffer().putLong(0, 42);        // another process: SharedMemory.attach("frame")
 *     ...
 *     block.unlink();
 * }
 * }</pre>
 * Unlike Python's, only {@link #unlink()} (or the end of the session) removes a block: a process that
 * merely attached cannot delete it by closing or exiting. After {@link #close()} the buffer is empty,
 * so a late access throws {@link IndexOutOfBoundsException} instead of crashing the JVM.
 * <p>
 * The buffer's accessors are Agrona's: plain, volatile, ordered and atomic. Any thread may use a block;
 * closing it while another thread uses it is the caller's error.
 */
public final class SharedMemory implements AutoCloseable, Serializable
{
    @Serial
    private static final long serialVersionUID = 1L;

    /** Longest name a block may have. */
    public static final int MAX_NAME_LENGTH = 100;

    /** Largest size a block may have. */
    public static final int MAX_SIZE = RegionDescriptor.MAX_BODY_LENGTH;

    private static final String PREFIX = "shm-";
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0," + (MAX_NAME_LENGTH - 1) + "}");

    private final String name;
    private final String sessionDirectory;
    private transient Region region;

    private SharedMemory(final String name, final Session session, final Region region)
    {
        this.name = name;
        this.sessionDirectory = session.directory().toString();
        this.region = region;
    }

    /**
     * Creates a block with a zeroed buffer in the current session: Python's
     * {@code SharedMemory(name, create=True, size=size)}.
     *
     * @param name the block's name: 1-100 letters, digits, {@code . _ -}, not starting with a symbol.
     * @param size its size in bytes, at least 1.
     * @return the new block.
     * @throws IllegalArgumentException if the name or size is invalid.
     * @throws Mp4jException            if a block of that name exists already.
     */
    public static SharedMemory create(final String name, final int size)
    {
        return create(Session.current(), name, size);
    }

    /**
     * Creates a block with a generated name: Python's {@code SharedMemory(create=True, size=size)}.
     *
     * @param size its size in bytes, at least 1.
     * @return the new block; its name is {@link #name()}.
     */
    public static SharedMemory create(final int size)
    {
        return create("psm_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16), size);
    }

    /**
     * Creates a block in a given session.
     *
     * @param session the session.
     * @param name    the block's name.
     * @param size    its size in bytes, at least 1.
     * @return the new block.
     */
    public static SharedMemory create(final Session session, final String name, final int size)
    {
        checkName(name);
        if (size < 1 || size > MAX_SIZE)
        {
            throw new IllegalArgumentException("invalid shared memory size: name=" + name + " size=" + size +
                " (1.." + MAX_SIZE + ')');
        }
        try
        {
            return new SharedMemory(name, session, Region.create(session, PREFIX + name, RegionKind.BLOCK, size));
        }
        catch (final Mp4jException ex)
        {
            if (Files.exists(session.file(PREFIX + name + Region.FILE_SUFFIX)))
            {
                throw new Mp4jException("shared memory block exists already: name=" + name, ex);
            }
            throw ex;
        }
    }

    /**
     * Attaches to an existing block of the current session: Python's {@code SharedMemory(name)}.
     *
     * @param name the block's name.
     * @return the block.
     * @throws RegionMissingException if there is no such block.
     */
    public static SharedMemory attach(final String name)
    {
        return attach(Session.current(), name);
    }

    /**
     * Attaches to an existing block of a session.
     *
     * @param session the session.
     * @param name    the block's name.
     * @return the block.
     * @throws RegionMissingException if there is no such block.
     */
    public static SharedMemory attach(final Session session, final String name)
    {
        checkName(name);
        try
        {
            return new SharedMemory(name, session, Region.attach(session, PREFIX + name, RegionKind.BLOCK));
        }
        catch (final RegionMissingException ex)
        {
            throw new RegionMissingException("no shared memory block of that name: name=" + name +
                " session=" + session.directory());
        }
    }

    /**
     * The block's name.
     *
     * @return the name it was created with.
     */
    public String name()
    {
        return name;
    }

    /**
     * The block's size.
     *
     * @return bytes.
     */
    public int size()
    {
        return region.bodyLength();
    }

    /**
     * The block's memory, shared with every process attached to it: Python's {@code buf}.
     *
     * @return the buffer; empty once the block is closed.
     * @throws IllegalStateException if the block is closed.
     */
    public AtomicBuffer buffer()
    {
        return region.body();
    }

    /**
     * Whether this handle is closed.
     *
     * @return true after {@link #close()}.
     */
    public boolean isClosed()
    {
        return region.isClosed();
    }

    /** Unmaps the block in this process; the block itself stays. Idempotent: Python's {@code close()}. */
    @Override
    public void close()
    {
        region.close();
    }

    /**
     * Removes the block: processes that are attached keep their mapping, none can attach any more.
     * Python's {@code unlink()}; any process may call it, as in Python.
     */
    public void unlink()
    {
        final Path file = region.file();
        try
        {
            Files.deleteIfExists(file);
        }
        catch (final IOException ex)
        {
            throw new Mp4jException("cannot unlink shared memory block: name=" + name + " file=" + file, ex);
        }
    }

    @Override
    public String toString()
    {
        return "SharedMemory{name=" + name + ", size=" + (region.isClosed() ? "closed" : size()) + '}';
    }

    @Serial
    private void readObject(final ObjectInputStream in) throws IOException, ClassNotFoundException
    {
        in.defaultReadObject();
        region = Region.attach(Session.attach(Path.of(sessionDirectory)), PREFIX + name, RegionKind.BLOCK);
    }

    private static void checkName(final String name)
    {
        if (name == null || !NAME.matcher(name).matches())
        {
            throw new IllegalArgumentException("invalid shared memory name: name=" + name +
                " (1-" + MAX_NAME_LENGTH + " letters, digits, '.', '_', '-'; not starting with a symbol)");
        }
    }
}
