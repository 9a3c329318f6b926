package io.mp4j.queue.durable;

import io.mp4j.Mp4jException;
import io.mp4j.WaitStrategy;
import io.mp4j.chronicle.internal.ChronicleDefaults;
import io.mp4j.chronicle.internal.ChronicleFlags;
import io.mp4j.codec.Codec;
import io.mp4j.internal.Waiter;
import io.mp4j.queue.SharedQueue;
import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;
import net.openhft.chronicle.wire.DocumentContext;
import org.agrona.IoUtil;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.io.Serial;
import java.io.Serializable;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.AbstractQueue;
import java.util.Collection;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * A queue whose messages are kept on disk by Chronicle Queue: they survive the death of every process
 * that used it, and any process can {@link #replay(long, ReplayHandler) replay} them from an index. Use it
 * instead of {@link SharedQueue} when losing queued messages to a crash is not acceptable.
 * <pre>{@code
 * try (DurableQueue<String> queue = DurableQueue.open(Path.of("/var/lib/app/orders")))
 * {
 *     long index = queue.append("order 1");   // or put(...)
 *     String next = queue.take();             // competing consumers, each message once
 *     queue.replay(index, (i, message) -> true); // read again, without consuming
 * }
 * }</pre>
 * Producers in any number of processes append to the Chronicle queue in the directory. Consumers in any
 * number of processes compete for messages through a shared cursor (the index of the last message
 * taken), kept in a small mapped file next to the queue and advanced by CAS, so each message is taken
 * once; a consumer killed after advancing the cursor and before returning loses that one message to
 * {@code take} (it is still in the log for {@code replay}). Messages are encoded by mp4j's codec; there is
 * no size limit beyond Chronicle's. The queue is unbounded: {@code offer} always succeeds.
 * <p>
 * <b>Cost:</b> a JVM that opens a durable queue loads Chronicle Queue, which adds about a second to its
 * start (see the channels README for numbers); only this class touches Chronicle types, so JVMs that do not
 * open one never pay it. Any thread may use the queue; the handle is {@link Serializable}, so a child
 * that captures it opens the same directory.
 *
 * @param <E> the type of the messages.
 */
public final class DurableQueue<E> extends AbstractQueue<E> implements BlockingQueue<E>, AutoCloseable, Serializable
{
    @Serial
    private static final long serialVersionUID = 1L;

    /**
     * Name of the file, in the queue's directory, that holds the shared consumer cursor. Layout (the cursor
     * two cache lines from the magic, since consumers CAS it):
     * <pre>
     *   0                   1                   2                   3
     *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
     *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
     *  |                        Magic ("MPDQ")                         |
     *  +---------------------------------------------------------------+
     *  |                        Reserved (to 128)                     ...
     *  +---------------------------------------------------------------+
     *  |         Cursor: index of the last message taken (0: none)     |
     *  |                                                               |
     *  +---------------------------------------------------------------+
     *  |                        Reserved (to 4096)                    ...
     *  +---------------------------------------------------------------+
     * </pre>
     */
    public static final String CURSOR_FILE = "mp4j-cursor.dat";

    /** "MPDQ": first four bytes of the cursor file. */
    static final int CURSOR_MAGIC = 0x5144_504D;

    /** Offset of the magic number in the cursor file. */
    static final int MAGIC_OFFSET = 0;

    /** Offset of the cursor: the Chronicle index of the last message taken, 0 for none. */
    static final int CURSOR_OFFSET = 128;

    /** Length of the cursor file. */
    static final int CURSOR_FILE_LENGTH = 4096;

    private static final Object NOTHING = new Object();
    private static final Map<Path, DurableQueue<?>> OPEN = new HashMap<>();

    private final transient Path directory;
    private final transient WaitStrategy waitStrategy;
    private final transient SingleChronicleQueue queue;
    private final transient MappedByteBuffer cursorMapping;
    private final transient UnsafeBuffer cursor;
    private final transient ThreadLocal<PerThread> perThread;
    private final transient List<PerThread> threads = new CopyOnWriteArrayList<>();
    private transient volatile boolean closed;

    private final class PerThread
    {
        ExcerptAppender appender;
        ExcerptTailer tailer;
        long tailerLast = -1;

        ExcerptAppender appender()
        {
            if (appender == null)
            {
                appender = queue.createAppender();
            }
            return appender;
        }

        ExcerptTailer tailer()
        {
            if (tailer == null)
            {
                tailer = queue.createTailer();
            }
            return tailer;
        }

        void close()
        {
            try
            {
                if (appender != null)
                {
                    appender.close();
                }
                if (tailer != null)
                {
                    tailer.close();
                }
            }
            catch (final RuntimeException ex)
            {
                // Closing the queue closes them too.
            }
        }
    }

    private DurableQueue(final Path directory, final WaitStrategy waitStrategy)
    {
        this.directory = directory;
        this.waitStrategy = waitStrategy;
        this.perThread = ThreadLocal.withInitial(() ->
        {
            final PerThread state = new PerThread();
            threads.add(state);
            return state;
        });

        MappedByteBuffer mapping = null;
        SingleChronicleQueue opened = null;
        try
        {
            // Owner-only whatever the umask: a directory mp4j makes, and the cursor file it makes.
            Files.createDirectories(directory, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            try (FileChannel channel = FileChannel.open(directory.resolve(CURSOR_FILE),
                Set.of(StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"))))
            {
                mapping = channel.map(FileChannel.MapMode.READ_WRITE, 0, CURSOR_FILE_LENGTH);
            }
            final UnsafeBuffer buffer = new UnsafeBuffer(mapping);
            final int magic = buffer.getIntVolatile(MAGIC_OFFSET);
            if (magic == 0)
            {
                buffer.compareAndSetInt(MAGIC_OFFSET, 0, CURSOR_MAGIC);
            }
            else if (magic != CURSOR_MAGIC)
            {
                throw new Mp4jException("not a durable queue cursor: file=" + directory.resolve(CURSOR_FILE) +
                    " magic=0x" + Integer.toHexString(magic));
            }
            opened = SingleChronicleQueueBuilder.binary(directory).build();
            this.cursorMapping = mapping;
            this.cursor = buffer;
            this.queue = opened;
        }
        catch (final IOException | RuntimeException ex)
        {
            if (opened != null)
            {
                opened.close();
            }
            if (mapping != null)
            {
                IoUtil.unmap(mapping);
            }
            throw ex instanceof Mp4jException ? (Mp4jException)ex :
                new Mp4jException("cannot open durable queue: directory=" + directory, ex);
        }
    }

    /**
     * Opens the durable queue in a directory, creating it if missing, with the default wait strategy. A
     * JVM opens each directory once; later calls return the same queue.
     *
     * @param directory where Chronicle keeps the messages; use a disk, not {@code /dev/shm}, to survive a
     *                  reboot.
     * @param <E>       the type of the messages.
     * @return the queue.
     */
    public static <E> DurableQueue<E> open(final Path directory)
    {
        return open(directory, WaitStrategy.defaultStrategy());
    }

    /**
     * Opens the durable queue in a directory, creating it if missing.
     *
     * @param directory    where Chronicle keeps the messages.
     * @param waitStrategy how {@code take} and timed {@code poll} wait for a message.
     * @param <E>          the type of the messages.
     * @return the queue.
     */
    @SuppressWarnings("unchecked")
    public static synchronized <E> DurableQueue<E> open(final Path directory, final WaitStrategy waitStrategy)
    {
        ChronicleFlags.require("DurableQueue");
        ChronicleDefaults.apply();
        final Path key = directory.toAbsolutePath().normalize();
        DurableQueue<?> queue = OPEN.get(key);
        if (queue == null)
        {
            queue = new DurableQueue<>(key, waitStrategy);
            OPEN.put(key, queue);
        }
        return (DurableQueue<E>)queue;
    }

    /**
     * Appends a message and says where it landed.
     *
     * @param message the message, not null.
     * @return its Chronicle index, for {@link #replay(long, ReplayHandler)}.
     * @throws io.mp4j.EncodingException if the message is not serializable.
     */
    public long append(final E message)
    {
        checkOpen();
        final byte[] encoded = Codec.encode(Objects.requireNonNull(message, "message"));
        final ExcerptAppender appender = perThread.get().appender();
        try (DocumentContext document = appender.writingDocument())
        {
            document.wire().bytes().write(encoded);
        }
        return appender.lastIndexAppended();
    }

    /**
     * Appends a message; never refuses one (the queue is unbounded).
     *
     * @param message the message, not null.
     * @return true.
     */
    @Override
    public boolean offer(final E message)
    {
        append(message);
        return true;
    }

    /**
     * Appends a message; never waits.
     *
     * @param message the message, not null.
     */
    @Override
    public void put(final E message)
    {
        append(message);
    }

    /**
     * Appends a message; never waits.
     *
     * @param message the message, not null.
     * @param timeout ignored.
     * @param unit    ignored.
     * @return true.
     */
    @Override
    public boolean offer(final E message, final long timeout, final TimeUnit unit)
    {
        append(message);
        return true;
    }

    /**
     * Takes the next message no consumer has taken, waiting for one.
     *
     * @return the message.
     * @throws InterruptedException if interrupted while waiting.
     */
    @Override
    public E take() throws InterruptedException
    {
        return cast(await(-1));
    }

    /**
     * Takes the next message no consumer has taken, waiting at most the timeout.
     *
     * @param timeout how long to wait.
     * @param unit    the timeout's unit.
     * @return the message, or null if none came in time.
     * @throws InterruptedException if interrupted while waiting.
     */
    @Override
    public E poll(final long timeout, final TimeUnit unit) throws InterruptedException
    {
        final Object value = await(Math.max(0, unit.toNanos(timeout)));
        return value == NOTHING ? null : cast(value);
    }

    /**
     * Takes the next message if there is one.
     *
     * @return the message, or null.
     */
    @Override
    public E poll()
    {
        checkOpen();
        final Object value = takeNext(perThread.get(), true);
        return value == NOTHING ? null : cast(value);
    }

    /**
     * The next message no consumer has taken, left in place.
     *
     * @return the message, or null.
     */
    @Override
    public E peek()
    {
        checkOpen();
        final Object value = takeNext(perThread.get(), false);
        return value == NOTHING ? null : cast(value);
    }

    private Object await(final long timeoutNanos) throws InterruptedException
    {
        checkOpen();
        final PerThread state = perThread.get();
        Object value = takeNext(state, true);
        if (value != NOTHING || timeoutNanos == 0)
        {
            return value;
        }
        // The journal lives in Chronicle's files, not in a region with a wait board: a timed sleep.
        final Waiter waiter = Waiter.begin(waitStrategy, timeoutNanos);
        try
        {
            while ((value = takeNext(state, true)) == NOTHING)
            {
                if (Thread.interrupted())
                {
                    throw new InterruptedException("interrupted while waiting: durableQueue=" + directory);
                }
                if (!waiter.idleInterruptibly())
                {
                    return NOTHING;
                }
            }
            return value;
        }
        finally
        {
            waiter.end();
        }
    }

    private Object takeNext(final PerThread state, final boolean take)
    {
        final ExcerptTailer tailer = state.tailer();
        while (true)
        {
            final long last = cursor.getLongVolatile(CURSOR_OFFSET);
            if (last != state.tailerLast)
            {
                if (last == 0)
                {
                    tailer.toStart();
                }
                else
                {
                    if (!tailer.moveToIndex(last))
                    {
                        throw new Mp4jException("durable queue cursor names a missing message: directory=" +
                            directory + " index=" + last);
                    }
                    try (DocumentContext skipped = tailer.readingDocument())
                    {
                        // Positions the tailer after the last message taken.
                        skipped.isPresent();
                    }
                }
                state.tailerLast = last;
            }

            final long index;
            final byte[] encoded;
            try (DocumentContext document = tailer.readingDocument())
            {
                if (!document.isPresent())
                {
                    return NOTHING;
                }
                index = document.index();
                final Bytes<?> bytes = document.wire().bytes();
                encoded = new byte[(int)bytes.readRemaining()];
                bytes.read(encoded);
            }

            if (!take)
            {
                state.tailerLast = -1; // the tailer moved past a message nobody took
                return Codec.decode(encoded);
            }
            state.tailerLast = index;
            if (cursor.compareAndSetLong(CURSOR_OFFSET, last, index))
            {
                return Codec.decode(encoded);
            }
        }
    }

    /**
     * Reads messages again from an index, without taking them: what every process appended, in order.
     *
     * @param fromIndex the index to start at (from {@link #append(Object)} or {@link #firstIndex()}), or 0
     *                  for the start.
     * @param handler   called with each message's index and value; return false to stop.
     * @return how many messages the handler was given.
     * @throws Mp4jException if there is no message at {@code fromIndex}.
     */
    public long replay(final long fromIndex, final ReplayHandler<? super E> handler)
    {
        checkOpen();
        long count = 0;
        try (ExcerptTailer tailer = queue.createTailer())
        {
            if (fromIndex == 0)
            {
                tailer.toStart();
            }
            else if (!tailer.moveToIndex(fromIndex))
            {
                throw new Mp4jException("no message at index: durableQueue=" + directory + " index=" + fromIndex);
            }
            while (true)
            {
                final long index;
                final byte[] encoded;
                try (DocumentContext document = tailer.readingDocument())
                {
                    if (!document.isPresent())
                    {
                        return count;
                    }
                    index = document.index();
                    final Bytes<?> bytes = document.wire().bytes();
                    encoded = new byte[(int)bytes.readRemaining()];
                    bytes.read(encoded);
                }
                count++;
                if (!handler.onMessage(index, DurableQueue.<E>cast(Codec.decode(encoded))))
                {
                    return count;
                }
            }
        }
    }

    /**
     * Index of the oldest message kept.
     *
     * @return a Chronicle index, or {@link Long#MAX_VALUE} while the queue is empty.
     */
    public long firstIndex()
    {
        checkOpen();
        return queue.firstIndex();
    }

    /**
     * Index of the newest message.
     *
     * @return a Chronicle index, or -1 while the queue is empty.
     */
    public long lastIndex()
    {
        checkOpen();
        return queue.lastIndex();
    }

    /**
     * Index of the last message taken by any consumer.
     *
     * @return a Chronicle index, or 0 if none has been taken.
     */
    public long lastTakenIndex()
    {
        checkOpen();
        return cursor.getLongVolatile(CURSOR_OFFSET);
    }

    /**
     * Messages appended and not yet taken.
     *
     * @return the count, capped at {@link Integer#MAX_VALUE}.
     */
    @Override
    public int size()
    {
        checkOpen();
        final long last = cursor.getLongVolatile(CURSOR_OFFSET);
        final long lastIndex = queue.lastIndex();
        final long count = last == 0 ? queue.entryCount() :
            lastIndex <= last ? 0 : queue.countExcerpts(last, lastIndex);
        return (int)Math.min(Integer.MAX_VALUE, count);
    }

    /**
     * The queue is unbounded.
     *
     * @return {@link Integer#MAX_VALUE}.
     */
    @Override
    public int remainingCapacity()
    {
        return Integer.MAX_VALUE;
    }

    /**
     * Takes every message ready now into a collection.
     *
     * @param target where to add them.
     * @return how many were added.
     */
    @Override
    public int drainTo(final Collection<? super E> target)
    {
        return drainTo(target, Integer.MAX_VALUE);
    }

    /**
     * Takes up to {@code maxElements} messages ready now into a collection.
     *
     * @param target      where to add them.
     * @param maxElements the most to take.
     * @return how many were added.
     */
    @Override
    public int drainTo(final Collection<? super E> target, final int maxElements)
    {
        int drained = 0;
        E message;
        while (drained < maxElements && (message = poll()) != null)
        {
            target.add(message);
            drained++;
        }
        return drained;
    }

    /**
     * Not supported; use {@link #replay(long, ReplayHandler)}.
     *
     * @return never.
     * @throws UnsupportedOperationException always.
     */
    @Override
    public Iterator<E> iterator()
    {
        throw new UnsupportedOperationException("use replay to read a durable queue: directory=" + directory);
    }

    /**
     * The directory the messages are kept in.
     *
     * @return an absolute path.
     */
    public Path directory()
    {
        return directory;
    }

    /**
     * Closes the queue in this JVM; the messages stay on disk. Idempotent.
     */
    @Override
    public void close()
    {
        synchronized (DurableQueue.class)
        {
            if (closed)
            {
                return;
            }
            closed = true;
            OPEN.remove(directory, this);
        }
        for (final PerThread state : threads)
        {
            state.close();
        }
        queue.close();
        IoUtil.unmap(cursorMapping);
    }

    @Override
    public String toString()
    {
        return "DurableQueue{directory=" + directory + (closed ? " closed" : "") + '}';
    }

    private void checkOpen()
    {
        if (closed)
        {
            throw new IllegalStateException("durable queue is closed in this process: directory=" + directory);
        }
    }

    @Serial
    private Object writeReplace()
    {
        checkOpen();
        return new Handle(directory.toString(), waitStrategy);
    }

    /**
     * Receives replayed messages.
     *
     * @param <E> the type of the messages.
     */
    @FunctionalInterface
    public interface ReplayHandler<E>
    {
        /**
         * One replayed message.
         *
         * @param index   its Chronicle index.
         * @param message its value.
         * @return true to go on, false to stop.
         */
        boolean onMessage(long index, E message);
    }

    /**
     * What a durable queue becomes when serialized: its directory.
     *
     * @param directory    the queue's directory.
     * @param waitStrategy how it waits.
     */
    record Handle(String directory, WaitStrategy waitStrategy) implements Serializable
    {
        @Serial
        private Object readResolve()
        {
            return open(Paths.get(directory), waitStrategy);
        }
    }

    /**
     * Waits at most {@code timeout} for the next message: a {@code Duration} form of {@link #poll(long,
     * TimeUnit)}.
     *
     * @param timeout how long to wait.
     * @return the message, or null if none came in time.
     * @throws InterruptedException if interrupted while waiting.
     */
    public E poll(final Duration timeout) throws InterruptedException
    {
        return poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    @SuppressWarnings("unchecked")
    private static <E> E cast(final Object value)
    {
        return (E)value;
    }
}
