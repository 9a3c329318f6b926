package io.mp4j.internal.region;

import io.mp4j.Mp4jException;
import io.mp4j.RegionLayoutException;
import io.mp4j.RegionMissingException;
import io.mp4j.RegionTruncatedException;
import io.mp4j.internal.Doorbell;
import io.mp4j.internal.Log;
import io.mp4j.internal.ProcessIdentity;
import io.mp4j.internal.WaitBoard;
import io.mp4j.internal.Waiter;
import io.mp4j.internal.channel.HolderTable;
import io.mp4j.internal.channel.ProcessTag;
import io.mp4j.session.Session;
import org.agrona.IoUtil;
import org.agrona.concurrent.AtomicBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.lang.ref.WeakReference;
import java.nio.Buffer;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.regex.Pattern;

import static io.mp4j.internal.region.RegionDescriptor.BODY_LENGTH_OFFSET;
import static io.mp4j.internal.region.RegionDescriptor.CREATION_TIME_OFFSET;
import static io.mp4j.internal.region.RegionDescriptor.CREATOR_PID_OFFSET;
import static io.mp4j.internal.region.RegionDescriptor.CREATOR_START_OFFSET;
import static io.mp4j.internal.region.RegionDescriptor.FLAGS_OFFSET;
import static io.mp4j.internal.region.RegionDescriptor.FLAG_PINNED;
import static io.mp4j.internal.region.RegionDescriptor.HEADER_LENGTH;
import static io.mp4j.internal.region.RegionDescriptor.HEADER_LENGTH_OFFSET;
import static io.mp4j.internal.region.RegionDescriptor.HOLDERS_OFFSET;
import static io.mp4j.internal.region.RegionDescriptor.HOLDER_SLOTS;
import static io.mp4j.internal.region.RegionDescriptor.KIND_OFFSET;
import static io.mp4j.internal.region.RegionDescriptor.LAYOUT_VERSION;
import static io.mp4j.internal.region.RegionDescriptor.LAYOUT_VERSION_OFFSET;
import static io.mp4j.internal.region.RegionDescriptor.MAGIC;
import static io.mp4j.internal.region.RegionDescriptor.MAGIC_OFFSET;
import static io.mp4j.internal.region.RegionDescriptor.MAX_BODY_LENGTH;
import static io.mp4j.internal.region.RegionDescriptor.WAIT_BOARD_OFFSET;

/**
 * One memory-mapped file in a session: a {@link RegionDescriptor header} that says what it is, then
 * a body that processes share. The creator writes the whole file under a temporary name and links it
 * into place, so a process that attaches never sees a half-made region, and two creators of one name
 * cannot both win. Attaching checks the header and refuses a foreign, truncated, other-version or
 * other-kind file with a precise exception.
 * <p>
 * Each process maps the region once per {@code Region} object and owns that mapping: {@link #close()}
 * unmaps it, after pointing the body and every view handed out by {@link #view(int, int)} at an empty
 * buffer, so a late access throws {@link IndexOutOfBoundsException} instead of touching freed memory.
 * Any thread may use a region; closing one while another thread still uses it is the caller's error.
 * <p>
 * A pinned region ({@link #create(Session, String, RegionKind, int)}) keeps its file until the session
 * ends or its owner removes it. A region made by {@link #createHeld(Session, String, RegionKind, int)} is
 * held: each {@code Region} object counts one reference of its process in the header's {@link HolderTable},
 * from its creation or attachment to its {@link #close()} or {@link #release()}, and the process whose
 * release leaves no live holder removes the file. The holder table is touched on those calls only.
 */
public final class Region implements AutoCloseable
{
    /** Suffix of every region file in a session directory. */
    public static final String FILE_SUFFIX = ".region";

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");
    private static final byte[] EMPTY = new byte[0];
    private static final FileAttribute<Set<PosixFilePermission>> FILE_PERMISSIONS =
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"));
    private static final AtomicInteger TEMPORARY_SEQUENCE = new AtomicInteger();

    /** One thread at a time changes this process's holder entries (see {@link HolderTable}). */
    private static final Object HOLDERS_LOCK = new Object();

    private final String name;
    private final Path file;
    private final RegionKind kind;
    private final int bodyLength;
    private final ProcessIdentity creator;
    private final long creationTimeMillis;
    private MappedByteBuffer mapping;
    private final UnsafeBuffer body;
    private final UnsafeBuffer boardBuffer;
    private final WaitBoard waitBoard;
    private final UnsafeBuffer holdersBuffer;
    private final HolderTable holders;
    private int holderEntry;
    private boolean referenced;
    private final List<WeakReference<UnsafeBuffer>> views = new ArrayList<>();
    private final List<WeakReference<Buffer>> buffers = new ArrayList<>();
    private boolean mappedUntilCollected;
    private boolean closed;

    private Region(
        final String name, final Path file, final MappedByteBuffer mapping, final UnsafeBuffer header)
    {
        this.name = name;
        this.file = file;
        this.mapping = mapping;
        this.kind = RegionKind.fromCode(header.getInt(KIND_OFFSET));
        this.bodyLength = (int)header.getLong(BODY_LENGTH_OFFSET);
        this.creator = new ProcessIdentity(header.getLong(CREATOR_PID_OFFSET), header.getLong(CREATOR_START_OFFSET));
        this.creationTimeMillis = header.getLong(CREATION_TIME_OFFSET);
        this.body = new UnsafeBuffer(mapping, HEADER_LENGTH, bodyLength);
        this.boardBuffer = new UnsafeBuffer(mapping, WAIT_BOARD_OFFSET, WaitBoard.LENGTH);
        this.waitBoard = new WaitBoard(boardBuffer, Doorbell.directory(file.toAbsolutePath().getParent()), this::checkLength);
        this.holdersBuffer = new UnsafeBuffer(mapping, HOLDERS_OFFSET, HolderTable.length(HOLDER_SLOTS));
        this.holders = (header.getInt(FLAGS_OFFSET) & FLAG_PINNED) != 0 ? null :
            new HolderTable(holdersBuffer, 0, HOLDER_SLOTS, "region=" + name);
    }

    /**
     * Creates a region with a zeroed body in a session.
     *
     * @param session    the session to create it in.
     * @param name       the region's name, unique within the session: letters, digits, {@code . _ -}.
     * @param kind       what the region holds.
     * @param bodyLength the body's length in bytes.
     * @return the new region, mapped.
     * @throws IllegalArgumentException if the name or length is invalid.
     * @throws Mp4jException            if a region of that name exists already, or the file cannot be made.
     */
    public static Region create(final Session session, final String name, final RegionKind kind, final int bodyLength)
    {
        return create(session, name, kind, bodyLength, true);
    }

    /**
     * Creates a held region with a zeroed body in a session: its file is removed by the last process that
     * closes or releases it, or by whoever finds every holder dead. This {@code Region} is the creating
     * process's first holder.
     *
     * @param session    the session to create it in.
     * @param name       the region's name, unique within the session: letters, digits, {@code . _ -}.
     * @param kind       what the region holds.
     * @param bodyLength the body's length in bytes.
     * @return the new region, mapped and held.
     * @throws IllegalArgumentException if the name or length is invalid.
     * @throws Mp4jException            if a region of that name exists already, or the file cannot be made.
     */
    public static Region createHeld(
        final Session session, final String name, final RegionKind kind, final int bodyLength)
    {
        return create(session, name, kind, bodyLength, false);
    }

    private static Region create(
        final Session session, final String name, final RegionKind kind, final int bodyLength, final boolean pinned)
    {
        checkName(name);
        checkBodyLength(name, bodyLength);
        final Path file = session.file(name + FILE_SUFFIX);
        return create(name, file, session.createFile(session.uniqueName(name) + ".creating"), kind, bodyLength,
            pinned);
    }

    /**
     * Creates a region with a zeroed body as a file of a directory outside any session, e.g. a named
     * shared memory block that outlives its creator's session; the file is readable and writable by
     * this OS user only.
     *
     * @param directory  the directory to create it in, which must exist.
     * @param name       the region's name, unique within the directory: letters, digits, {@code . _ -}.
     * @param kind       what the region holds.
     * @param bodyLength the body's length in bytes.
     * @return the new region, mapped.
     * @throws IllegalArgumentException if the name or length is invalid.
     * @throws Mp4jException            if a region of that name exists already, or the file cannot be made.
     */
    public static Region create(final Path directory, final String name, final RegionKind kind, final int bodyLength)
    {
        checkName(name);
        checkBodyLength(name, bodyLength);
        final Path file = directory.resolve(name + FILE_SUFFIX);
        final Path temporary = directory.resolve(
            name + '-' + ProcessHandle.current().pid() + '-' + TEMPORARY_SEQUENCE.incrementAndGet() + ".creating");
        try
        {
            Files.createFile(temporary, FILE_PERMISSIONS);
        }
        catch (final IOException ex)
        {
            throw new Mp4jException("cannot create region: name=" + name + " file=" + temporary, ex);
        }
        return create(name, file, temporary, kind, bodyLength, true);
    }

    private static Region create(
        final String name, final Path file, final Path temporary, final RegionKind kind, final int bodyLength,
        final boolean pinned)
    {
        final long fileLength = (long)HEADER_LENGTH + bodyLength;
        MappedByteBuffer mapping = null;
        try
        {
            try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.READ, StandardOpenOption.WRITE))
            {
                mapping = channel.map(FileChannel.MapMode.READ_WRITE, 0, fileLength);
            }

            final UnsafeBuffer header = new UnsafeBuffer(mapping, 0, HEADER_LENGTH);
            final ProcessIdentity self = ProcessIdentity.current();
            header.putInt(LAYOUT_VERSION_OFFSET, LAYOUT_VERSION);
            header.putInt(KIND_OFFSET, kind.code());
            header.putInt(HEADER_LENGTH_OFFSET, HEADER_LENGTH);
            header.putLong(BODY_LENGTH_OFFSET, bodyLength);
            header.putLong(CREATOR_PID_OFFSET, self.pid());
            header.putLong(CREATOR_START_OFFSET, self.startEpochMilli());
            header.putLong(CREATION_TIME_OFFSET, System.currentTimeMillis());
            header.putInt(FLAGS_OFFSET, pinned ? FLAG_PINNED : 0);
            header.putIntOrdered(MAGIC_OFFSET, MAGIC);
            final Region region = new Region(name, file, mapping, header);
            if (!pinned)
            {
                region.hold(false);
            }

            // link(2) is atomic and fails if the name exists: attachers see the whole file or none.
            Files.createLink(file, temporary);
            return region;
        }
        catch (final FileAlreadyExistsException ex)
        {
            IoUtil.unmap(mapping);
            throw new Mp4jException("region exists already: name=" + name + " file=" + file, ex);
        }
        catch (final IOException | RuntimeException ex)
        {
            if (mapping != null)
            {
                IoUtil.unmap(mapping);
            }
            throw ex instanceof Mp4jException ? (Mp4jException)ex :
                new Mp4jException("cannot create region: name=" + name + " file=" + file, ex);
        }
        finally
        {
            deleteQuietly(temporary);
        }
    }

    private static void checkBodyLength(final String name, final int bodyLength)
    {
        if (bodyLength < 0 || bodyLength > MAX_BODY_LENGTH)
        {
            throw new IllegalArgumentException(
                "invalid region body length: name=" + name + " bodyLength=" + bodyLength + " max=" + MAX_BODY_LENGTH);
        }
    }

    /**
     * Attaches to a region of a session by name, checking its header.
     *
     * @param session  the session the region is in.
     * @param name     the region's name.
     * @param expected the kind it must be.
     * @return the region, mapped.
     * @throws RegionMissingException if there is no such region.
     * @throws RegionLayoutException  if the file is not a region of this layout version and kind.
     */
    public static Region attach(final Session session, final String name, final RegionKind expected)
    {
        checkName(name);
        return attach(session.file(name + FILE_SUFFIX), expected);
    }

    /**
     * Attaches to a region file, checking its header.
     *
     * @param file     the region's file.
     * @param expected the kind it must be, or null to accept any kind.
     * @return the region, mapped.
     * @throws RegionMissingException if the file does not exist.
     * @throws RegionLayoutException  if the file is not a region of this layout version and kind.
     */
    public static Region attach(final Path file, final RegionKind expected)
    {
        final String fileName = file.getFileName().toString();
        final String name = fileName.endsWith(FILE_SUFFIX) ?
            fileName.substring(0, fileName.length() - FILE_SUFFIX.length()) : fileName;

        MappedByteBuffer mapping = null;
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE))
        {
            final long fileLength = channel.size();
            if (fileLength < HEADER_LENGTH)
            {
                throw new RegionLayoutException("truncated region: file=" + file + " length=" + fileLength +
                    " headerLength=" + HEADER_LENGTH);
            }

            final UnsafeBuffer header = new UnsafeBuffer(new byte[HEADER_LENGTH]);
            channel.read(ByteBuffer.wrap(header.byteArray()), 0);
            checkHeader(file, header, fileLength, expected);

            mapping = channel.map(FileChannel.MapMode.READ_WRITE, 0, fileLength);
            final Region region = new Region(name, file, mapping, new UnsafeBuffer(mapping, 0, HEADER_LENGTH));
            if (region.holders != null)
            {
                try
                {
                    region.hold(true);
                }
                catch (final RuntimeException ex)
                {
                    IoUtil.unmap(mapping);
                    throw ex;
                }
            }
            return region;
        }
        catch (final RegionLayoutException ex)
        {
            Log.REGION.log(Level.WARNING, "region refused: " + ex.getMessage());
            throw ex;
        }
        catch (final NoSuchFileException ex)
        {
            throw new RegionMissingException("region does not exist: file=" + file);
        }
        catch (final IOException ex)
        {
            throw new Mp4jException("cannot attach region: file=" + file, ex);
        }
    }

    private static void checkHeader(
        final Path file, final UnsafeBuffer header, final long fileLength, final RegionKind expected)
    {
        final int magic = header.getInt(MAGIC_OFFSET);
        if (magic != MAGIC)
        {
            throw new RegionLayoutException("not an mp4j region: file=" + file +
                " magic=0x" + Integer.toHexString(magic) + " expected=0x" + Integer.toHexString(MAGIC));
        }

        final int version = header.getInt(LAYOUT_VERSION_OFFSET);
        if (version != LAYOUT_VERSION)
        {
            throw new RegionLayoutException("region of another layout version: file=" + file +
                " version=" + version + " expected=" + LAYOUT_VERSION);
        }

        final int headerLength = header.getInt(HEADER_LENGTH_OFFSET);
        if (headerLength != HEADER_LENGTH)
        {
            throw new RegionLayoutException("region header of unexpected length: file=" + file +
                " headerLength=" + headerLength + " expected=" + HEADER_LENGTH);
        }

        final int code = header.getInt(KIND_OFFSET);
        final RegionKind kind = RegionKind.fromCode(code);
        if (kind == null || (expected != null && kind != expected))
        {
            throw new RegionLayoutException("region of another kind: file=" + file +
                " kind=" + (kind == null ? "unknown(" + code + ")" : kind) + " expected=" + expected);
        }

        final long bodyLength = header.getLong(BODY_LENGTH_OFFSET);
        if (bodyLength < 0 || bodyLength > MAX_BODY_LENGTH || fileLength < HEADER_LENGTH + bodyLength)
        {
            throw new RegionLayoutException("truncated region: file=" + file + " length=" + fileLength +
                " expected=" + (HEADER_LENGTH + bodyLength));
        }
    }

    /**
     * The region's name within its session.
     *
     * @return the name given at creation.
     */
    public String name()
    {
        return name;
    }

    /**
     * The region's file.
     *
     * @return the path of the mapped file.
     */
    public Path file()
    {
        return file;
    }

    /**
     * What the region holds.
     *
     * @return the kind from the header.
     */
    public RegionKind kind()
    {
        return kind;
    }

    /**
     * The body's length in bytes.
     *
     * @return the length from the header.
     */
    public int bodyLength()
    {
        return bodyLength;
    }

    /**
     * The process that created the region.
     *
     * @return its pid and start time.
     */
    public ProcessIdentity creator()
    {
        return creator;
    }

    /**
     * When the region was created.
     *
     * @return milliseconds since the epoch.
     */
    public long creationTimeMillis()
    {
        return creationTimeMillis;
    }

    /**
     * Whether the region stays until removed on purpose or its session ends, rather than until its last
     * holder lets go.
     *
     * @return true for a pinned region.
     */
    public boolean isPinned()
    {
        return holders == null;
    }

    /**
     * Counts a handle to this region that this process has serialized as held by this process until another
     * process (or this one) attaches it and calls {@link #transferIn(long)}, so that the region is not freed
     * while the handle travels. Nothing for a pinned region.
     *
     * @throws IllegalStateException if this process no longer holds the region.
     */
    public void transferOut()
    {
        if (holders != null)
        {
            synchronized (HOLDERS_LOCK)
            {
                if (!referenced)
                {
                    throw new IllegalStateException("region is closed: name=" + name + " file=" + file);
                }
                holders.addTransfer(holderEntry);
            }
        }
    }

    /**
     * Marks a serialized handle as arrived, after this process's own reference is counted, so that the
     * region is never unheld in between. A handle that arrives twice counts once. Nothing for a pinned region.
     *
     * @param senderTag the {@link ProcessTag} of the process that serialized it.
     */
    public void transferIn(final long senderTag)
    {
        if (holders != null && senderTag != ProcessTag.NONE)
        {
            synchronized (HOLDERS_LOCK)
            {
                holders.completeTransfer(senderTag);
            }
        }
    }

    /**
     * Lets go of this process's reference to a held region without unmapping it (the garbage collector
     * unmaps it once nothing uses the mapping): the release of a handle nobody references, or of a JVM that
     * exits. If no live process holds the region any more, its file is removed. Idempotent; nothing for a
     * pinned region.
     *
     * @return true if this call removed the file.
     */
    public synchronized boolean release()
    {
        return release(this::isIntact);
    }

    /** {@link #release()}, asking whether the file is still whole only if there is a reference to give back. */
    private boolean release(final BooleanSupplier intact)
    {
        // Synchronized with close(), so that the holder table is never read after this JVM unmapped it.
        if (holders == null)
        {
            return false;
        }
        final long holds;
        synchronized (HOLDERS_LOCK)
        {
            if (!referenced)
            {
                return false;
            }
            referenced = false;
            if (!intact.getAsBoolean())
            {
                // The holder table went with the truncated pages: a CAS there would kill the JVM with SIGBUS.
                return false;
            }
            holds = holders.releaseReference(holderEntry);
        }
        // Reads /proc for the holders left: a closing call, never a hot path.
        if (holds == 0 || !holders.isHeld())
        {
            deleteQuietly(file);
            return true;
        }
        return false;
    }

    /**
     * Whether this process let go of its reference to a held region ({@link #release()} or {@link #close()}).
     *
     * @return true once released; false for a pinned region.
     */
    public boolean isReleased()
    {
        synchronized (HOLDERS_LOCK)
        {
            return holders != null && !referenced;
        }
    }

    /**
     * Who holds a held region, for messages and tests.
     *
     * @return e.g. {@code holds=2 [pid=42 references=1 transfers=1]}, or {@code pinned}.
     */
    public synchronized String describeHolders()
    {
        return holders == null ? "pinned" : closed ? "closed here" : holders.describe();
    }

    /**
     * The whole body, for volatile, ordered and CAS access shared with other processes.
     *
     * @return the body buffer; emptied when the region is closed.
     * @throws IllegalStateException if the region is closed.
     */
    public AtomicBuffer body()
    {
        checkOpen();
        return body;
    }

    /**
     * Where processes that sleep on this region announce themselves, and what wakes them: every change
     * a waiter may wait for rings it (see {@link Waiter}).
     *
     * @return the region's wait board; emptied when the region is closed.
     */
    public WaitBoard waitBoard()
    {
        return waitBoard;
    }

    /**
     * A view of part of the body that does not copy it, e.g. a kernel's chunk of a shared array.
     * Views are emptied when the region closes, so reuse them rather than asking for one per access.
     *
     * @param offset where the view starts in the body.
     * @param length the view's length in bytes.
     * @return a buffer over that part of the mapped memory.
     * @throws IndexOutOfBoundsException if the range is not within the body.
     * @throws IllegalStateException     if the region is closed.
     */
    public synchronized UnsafeBuffer view(final int offset, final int length)
    {
        checkOpen();
        if (offset < 0 || length < 0 || (long)offset + length > bodyLength)
        {
            throw new IndexOutOfBoundsException(
                "view out of region: name=" + name + " offset=" + offset + " length=" + length +
                " bodyLength=" + bodyLength);
        }

        final UnsafeBuffer view = new UnsafeBuffer(body, offset, length);
        if (views.size() >= 64)
        {
            views.removeIf(reference -> reference.get() == null);
        }
        views.add(new WeakReference<>(view));
        return view;
    }

    /**
     * The whole body as a {@link ByteBuffer} in native byte order, so {@code getLong(i)} reads what
     * {@code body().getLong(i)} does. A mapping that was handed out as a {@code ByteBuffer} is not unmapped
     * by {@link #close()}, since a {@code ByteBuffer} cannot be pointed elsewhere: close sets this buffer's
     * limit to 0, so a late access throws, and the memory is unmapped when the garbage collector finds no
     * buffer derived from it any more.
     *
     * @return a new buffer over the body, position 0, limit and capacity the body's length.
     * @throws IllegalStateException if the region is closed.
     */
    public ByteBuffer byteBuffer()
    {
        return buffer(0, bodyLength, Function.identity());
    }

    /**
     * Part of the body as a JDK buffer made from a {@link ByteBuffer} in native byte order, e.g.
     * {@code buffer(offset, length, ByteBuffer::asLongBuffer)}: absolute {@code get(i)} on such a buffer is
     * a bounds check the JIT hoists out of a loop and a plain load it can unroll and vectorize. As with
     * {@link #byteBuffer()}, {@link #close()} sets the buffer's limit to 0 and leaves the unmapping to the
     * garbage collector.
     *
     * @param offset where the buffer starts in the body.
     * @param length the buffer's length in bytes.
     * @param as     makes the buffer from the byte buffer over that part, e.g. {@code ByteBuffer::asLongBuffer}.
     * @param <B>    the buffer's type.
     * @return a new buffer over that part of the mapped memory, position 0.
     * @throws IndexOutOfBoundsException if the range is not within the body.
     * @throws IllegalStateException     if the region is closed.
     */
    public synchronized <B extends Buffer> B buffer(
        final int offset, final int length, final Function<ByteBuffer, B> as)
    {
        checkOpen();
        if (offset < 0 || length < 0 || (long)offset + length > bodyLength)
        {
            throw new IndexOutOfBoundsException(
                "buffer out of region: name=" + name + " offset=" + offset + " length=" + length +
                " bodyLength=" + bodyLength);
        }
        final B view = as.apply(mapping.slice(HEADER_LENGTH + offset, length).order(ByteOrder.nativeOrder()));
        if (buffers.size() >= 64)
        {
            buffers.removeIf(reference -> reference.get() == null);
        }
        buffers.add(new WeakReference<>(view));
        mappedUntilCollected = true;
        return view;
    }

    /**
     * Whether {@link #close()} has been called.
     *
     * @return true once closed.
     */
    public synchronized boolean isClosed()
    {
        return closed;
    }

    /**
     * Empties the body and every view, then unmaps the file (or, once a {@link #buffer} was handed out,
     * leaves the unmapping to the garbage collector). A pinned region's file stays for other processes and
     * the session; a held one is {@link #release() released} first. Idempotent.
     */
    @Override
    public synchronized void close()
    {
        if (closed)
        {
            return;
        }
        closed = true;

        // One stat for both: a truncated file's warning is logged once.
        final boolean intact = isIntact();
        release(() -> intact);
        holdersBuffer.wrap(EMPTY);

        body.wrap(EMPTY);
        if (intact)
        {
            waitBoard.withdrawAllOfThisProcess();
        }
        boardBuffer.wrap(EMPTY);
        for (final WeakReference<UnsafeBuffer> reference : views)
        {
            final UnsafeBuffer view = reference.get();
            if (view != null)
            {
                view.wrap(EMPTY);
            }
        }
        views.clear();
        for (final WeakReference<Buffer> reference : buffers)
        {
            final Buffer view = reference.get();
            if (view != null)
            {
                view.limit(0);
            }
        }
        buffers.clear();
        if (!mappedUntilCollected)
        {
            IoUtil.unmap(mapping);
        }
        mapping = null;
    }

    /**
     * Checks that the file still holds the whole region: one that another process truncated under the
     * mapping faults on the next access, and a compare-and-set there kills the JVM with SIGBUS. One
     * {@code stat}, for slow paths only: a waiter calls it before it first sleeps and after a sleep nobody rang.
     * A file already unlinked keeps its pages while mapped, so it passes.
     *
     * @throws RegionTruncatedException if the file is shorter than the region.
     */
    public void checkLength()
    {
        final long length = fileLength();
        if (length < HEADER_LENGTH + (long)bodyLength)
        {
            throw new RegionTruncatedException("region truncated while mapped: file=" + file + " length=" + length +
                " expected=" + (HEADER_LENGTH + (long)bodyLength) + " (another process of this user shortened it)");
        }
    }

    private boolean isIntact()
    {
        final boolean intact = fileLength() >= HEADER_LENGTH + (long)bodyLength;
        if (!intact)
        {
            Log.REGION.log(Level.WARNING, "closing a truncated region without touching its memory: file=" + file);
        }
        return intact;
    }

    private long fileLength()
    {
        try
        {
            return Files.size(file);
        }
        catch (final IOException ex)
        {
            return Long.MAX_VALUE; // gone (unlinked, the session removed): the mapping keeps its pages
        }
    }

    @Override
    public String toString()
    {
        return "Region{name=" + name + ", kind=" + kind + ", bodyLength=" + bodyLength + ", creator=" +
            creator.pid() + ", file=" + file + '}';
    }

    private void checkOpen()
    {
        if (closed)
        {
            throw new IllegalStateException("region is closed: name=" + name + " file=" + file);
        }
    }

    /** Counts this process's reference; an attacher refuses a region whose last holder has let go. */
    private void hold(final boolean attaching)
    {
        synchronized (HOLDERS_LOCK)
        {
            if (attaching && holders.holdsVolatile() == 0)
            {
                throw new RegionMissingException("region was freed, nobody holds it any more: file=" + file);
            }
            holderEntry = holders.claim(ProcessTag.current());
            holders.addReference(holderEntry);
            referenced = true;
        }
    }

    private static void checkName(final String name)
    {
        if (name == null || !NAME.matcher(name).matches())
        {
            throw new IllegalArgumentException(
                "invalid region name: name=" + name + " (1-128 of letters, digits, '.', '_', '-'; not starting " +
                "with a symbol)");
        }
    }

    private static void deleteQuietly(final Path file)
    {
        try
        {
            Files.deleteIfExists(file);
        }
        catch (final IOException ex)
        {
            // The session's removal deletes what is left.
        }
    }
}
