package io.mp4j.sharedmemory;

import io.mp4j.Mp4jException;
import io.mp4j.RegionMissingException;
import io.mp4j.internal.FileOwners;
import io.mp4j.internal.FileTrees;
import io.mp4j.internal.region.Region;
import io.mp4j.internal.region.RegionDescriptor;
import io.mp4j.internal.region.RegionKind;
import io.mp4j.session.Session;
import org.agrona.concurrent.AtomicBuffer;

import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.Serial;
import java.io.Serializable;
import java.nio.ByteBuffer;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * A named block of shared memory: Python's {@code multiprocessing.shared_memory.SharedMemory}. Blocks
 * are global to the OS user, as Python's are: any process of that user attaches by name, whether it is
 * a child, a stranger with a session of its own, or not an mp4j family at all; a block received as an
 * argument (it is {@link Serializable}) attaches to the same memory.
 * <pre>{@code
 * try (SharedMemory block = SharedMemory.create("frame", 1 << 20))
 * {
 *     block.buffer().putLong(0, 42);        // another process: SharedMemory.attach("frame")
 *     ...
 *     block.unlink();
 * }
 * }</pre>
 * A block is a file of {@link #directory()}, readable and writable by the owning user only. Only
 * {@link #unlink()} removes it; a second unlink throws {@link RegionMissingException}, as Python's
 * raises {@code FileNotFoundError}. A block that nobody unlinked is removed, with a warning, when the
 * session of the process family that created it ends (Python's resource tracker), or, if that family's
 * root was killed, when the next session is created and sweeps the dead one.
 * <p>
 * After {@link #close()} every view throws instead of crashing the JVM: an {@link AtomicBuffer} from
 * {@link #buffer()} is empty, a {@link ByteBuffer} from {@link #byteBuffer()} has limit 0. The buffers'
 * accessors are Agrona's and the JDK's. Any thread may use a block; closing it while another thread uses
 * it is the caller's error.
 */
public final class SharedMemory implements AutoCloseable, Serializable
{
    @Serial
    private static final long serialVersionUID = 2L;

    /** System property naming the directory of the blocks, for tests or a user who wants them elsewhere. */
    public static final String DIRECTORY_PROPERTY = "mp4j.sharedmemory.dir";

    /** Longest name a block may have. */
    public static final int MAX_NAME_LENGTH = 100;

    /** Largest size a block may have. */
    public static final int MAX_SIZE = RegionDescriptor.MAX_BODY_LENGTH;

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0," + (MAX_NAME_LENGTH - 1) + "}");
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rwx------");

    private final String name;
    private final String directory;
    private final String creatorSession;
    private transient Region region;

    private SharedMemory(final String name, final Path directory, final Session creatorSession, final Region region)
    {
        this.name = name;
        this.directory = directory.toString();
        this.creatorSession = creatorSession == null ? null : creatorSession.directory().toString();
        this.region = region;
    }

    /**
     * Creates a block with a zeroed buffer: Python's {@code SharedMemory(name, create=True, size=size)}.
     * The current session removes it when it ends unless it was unlinked.
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
     * Creates a block that a given session removes when it ends unless it was unlinked.
     *
     * @param session the session that answers for the block, as Python's resource tracker does.
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
        Path directory = directory();
        Region region = null;
        for (int attempt = 1; region == null; attempt++)
        {
            try
            {
                region = Region.create(directory, name, RegionKind.BLOCK, size);
            }
            catch (final Mp4jException ex)
            {
                if (Files.exists(file(directory, name)))
                {
                    throw new Mp4jException("shared memory block exists already: name=" + name + " dir=" + directory, ex);
                }
                if (attempt == 3 || Files.isDirectory(directory))
                {
                    throw ex;
                }
                // The last block's unlink removed the emptied directory meanwhile: make it again.
                directory = directory();
            }
        }
        try
        {
            session.removeAtEnd(region.file(), "shared memory block name=" + name);
        }
        catch (final RuntimeException ex)
        {
            region.close();
            deleteQuietly(region.file());
            throw ex;
        }
        return new SharedMemory(name, directory, session, region);
    }

    /**
     * Attaches to an existing block: Python's {@code SharedMemory(name)}.
     *
     * @param name the block's name.
     * @return the block.
     * @throws RegionMissingException if there is no such block.
     */
    public static SharedMemory attach(final String name)
    {
        checkName(name);
        final Path directory = directory();
        return new SharedMemory(name, directory, null, attachRegion(directory, name));
    }

    /**
     * The directory of this OS user's blocks: the {@value #DIRECTORY_PROPERTY} system property if set,
     * otherwise {@code mp4j-shm-<user>} under {@code /dev/shm} (the temp directory where there is none).
     * It is made on first use, owner-only (0700), and refused if another user owns it or others may enter.
     *
     * @return the directory, existing.
     * @throws Mp4jException if it cannot be made or is not this user's own.
     */
    public static Path directory()
    {
        final String configured = System.getProperty(DIRECTORY_PROPERTY);
        final Path directory;
        if (configured != null && !configured.isBlank())
        {
            directory = Paths.get(configured).toAbsolutePath();
        }
        else
        {
            final Path shm = Paths.get("/dev/shm");
            final Path root = Files.isDirectory(shm) && Files.isWritable(shm) ?
                shm : Paths.get(System.getProperty("java.io.tmpdir"));
            directory = root.resolve("mp4j-shm-" + System.getProperty("user.name").replaceAll("[^A-Za-z0-9._-]", "_"));
        }
        try
        {
            if (!Files.isDirectory(directory))
            {
                try
                {
                    Files.createDirectories(directory.getParent(), PosixFilePermissions.asFileAttribute(OWNER_ONLY));
                    Files.createDirectory(directory, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
                }
                catch (final FileAlreadyExistsException ex)
                {
                    // Another process made it first: it is checked below like any other.
                }
            }
            final Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(directory);
            if (!FileOwners.isThisUsers(directory) || !permissions.equals(OWNER_ONLY))
            {
                throw new Mp4jException("shared memory directory is not this user's own: dir=" + directory +
                    " owner=" + Files.getOwner(directory).getName() + " permissions=" +
                    PosixFilePermissions.toString(permissions) + " user=" + System.getProperty("user.name") +
                    " expected=rwx------");
            }
            return directory;
        }
        catch (final IOException ex)
        {
            throw new Mp4jException("cannot make the shared memory directory: dir=" + directory, ex);
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
     * @return the buffer; emptied by {@link #close()}, so a late access throws {@link IndexOutOfBoundsException}.
     * @throws IllegalStateException if the block is closed.
     */
    public AtomicBuffer buffer()
    {
        return region.body();
    }

    /**
     * The block's memory as a new {@link ByteBuffer} in native byte order (a {@code getLong(i)} reads what
     * {@code buffer().getLong(i)} does), for APIs that take one. {@link #close()} sets its limit to 0, so a
     * late access throws; the memory stays mapped, harmlessly, until no buffer derived from it is reachable.
     *
     * @return a buffer with position 0 and limit {@link #size()}.
     * @throws IllegalStateException if the block is closed.
     */
    public ByteBuffer byteBuffer()
    {
        return region.byteBuffer();
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
     * Removes the block: processes that are attached keep their memory, none can attach any more.
     * Python's {@code unlink()}; any process may call it, as in Python.
     *
     * @throws RegionMissingException if the block was unlinked already (Python's {@code FileNotFoundError}).
     */
    public void unlink()
    {
        final Path file = file(Paths.get(directory), name);
        if (creatorSession != null && Files.isDirectory(Paths.get(creatorSession)))
        {
            Session.attach(Paths.get(creatorSession)).keepAtEnd(file);
        }
        try
        {
            Files.delete(file);
        }
        catch (final NoSuchFileException ex)
        {
            throw new RegionMissingException(
                "shared memory block was unlinked already: name=" + name + " file=" + file);
        }
        catch (final IOException ex)
        {
            throw new Mp4jException("cannot unlink shared memory block: name=" + name + " file=" + file, ex);
        }
        FileTrees.deleteIfEmpty(file.getParent(), Session.NAME_PREFIX);
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
        region = attachRegion(Paths.get(directory), name);
    }

    private static Region attachRegion(final Path directory, final String name)
    {
        try
        {
            return Region.attach(file(directory, name), RegionKind.BLOCK);
        }
        catch (final RegionMissingException ex)
        {
            FileTrees.deleteIfEmpty(directory, Session.NAME_PREFIX); // an attach alone leaves no directory behind
            throw new RegionMissingException("no shared memory block of that name: name=" + name + " dir=" + directory);
        }
    }

    private static Path file(final Path directory, final String name)
    {
        return directory.resolve(name + Region.FILE_SUFFIX);
    }

    private static void deleteQuietly(final Path file)
    {
        try
        {
            Files.deleteIfExists(file);
        }
        catch (final IOException ex)
        {
            // Nothing more to do: the caller reports the first failure.
        }
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
