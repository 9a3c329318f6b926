package io.mp4j.queue;

import io.mp4j.Mp4jException;
import io.mp4j.RegionLayoutException;
import io.mp4j.WaitStrategy;
import io.mp4j.codec.Codec;
import io.mp4j.codec.MessageEncoder;
import io.mp4j.connection.internal.Waitables;
import io.mp4j.internal.WaitBoard;
import io.mp4j.internal.Waiter;
import io.mp4j.internal.channel.ManyToManySlotRing;
import io.mp4j.internal.channel.QueueDescriptor;
import io.mp4j.internal.channel.SpillFile;
import io.mp4j.internal.region.Region;
import io.mp4j.internal.channel.ProcessTag;
import io.mp4j.internal.region.RegionCache;
import io.mp4j.internal.region.RegionKind;
import io.mp4j.session.Session;
import org.agrona.concurrent.AtomicBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.lang.ref.WeakReference;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * What every shared queue flavour shares: the mapped ring, the encoding of messages, and all waiting.
 * A direct value ({@link Codec}) that fits a slot is encoded straight into it; any other message goes
 * through its thread's encoder. Waiters sleep on the region's {@link WaitBoard} with one tag for
 * "a message was put", one for "a slot was freed" and one for "every task is done".
 * <p>
 * A message whose encoding is larger than a slot's message space goes whole to a {@link SpillFile} of
 * the queue's session before a position is claimed, and the slot carries the file's name. Its consumer
 * reads the file, releases the slot, and only then deletes the file: a consumer killed before the
 * release leaves both the slot and the file to the consumer that recovers the position.
 * <p>
 * A JVM has one queue object per region. Its region is let go of when the queue is closed or becomes
 * unreachable, and freed once no process holds it.
 */
final class QueueEngine
{
    /** What {@link #poll(long)} returns when no message came in time (null is a message). */
    static final Object NOTHING = new Object();

    private static final Map<Path, Attached> ATTACHED = new HashMap<>();
    private static int forgetAtSize = 64;
    private static final int MESSAGE_TAG = 0;
    private static final int ROOM_TAG = 1;
    private static final int DONE_TAG = 2;

    private final Region region;
    private final Session session;
    private final ManyToManySlotRing ring;
    private final WaitBoard board;
    private final WaitStrategy waitStrategy;
    private final int flavour;
    private final String description;
    private final ThreadLocal<MessageEncoder> encoders = ThreadLocal.withInitial(MessageEncoder::new);
    private final ManyToManySlotRing.MessageReader<Object> peekReader = this::decodeInPlace;
    private RegionCache.Lease lease;
    private volatile boolean closed;

    /** This JVM's queue object of a region, as long as something else references it, and its engine. */
    private record Attached(WeakReference<Object> queue, QueueEngine engine)
    {
    }

    private QueueEngine(final Region region, final Session session, final int flavour, final WaitStrategy waitStrategy)
    {
        this.region = region;
        this.session = session;
        this.ring = new ManyToManySlotRing(region.body());
        this.flavour = flavour;
        this.waitStrategy = waitStrategy;
        this.description = "queue=" + region.name();
        this.board = region.waitBoard();
        final int actual = region.body().getIntVolatile(QueueDescriptor.FLAVOUR_OFFSET);
        if (actual != flavour)
        {
            throw new RegionLayoutException("queue of another flavour: " + description + " flavour=" + actual +
                " expected=" + flavour);
        }
    }

    static <Q> Q create(final QueueContext context, final int flavour, final Function<QueueEngine, Q> wrap)
    {
        context.conclude();
        final Session session = context.session();
        final int slotLength = QueueDescriptor.slotLength(context.maxMessageLength());
        final int slots = QueueDescriptor.capacityFor(context.capacity());
        final Region region = RegionCache.create(session, session.uniqueName("queue"), RegionKind.QUEUE,
            QueueDescriptor.bodyLength(slots, slotLength));
        try
        {
            region.body().putInt(QueueDescriptor.FLAVOUR_OFFSET, flavour);
            ManyToManySlotRing.initialise(region.body(), slots, slotLength, context.capacity());
            final QueueEngine engine = new QueueEngine(region, session, flavour, context.waitStrategy());
            final Q queue = wrap.apply(engine);
            synchronized (QueueEngine.class)
            {
                engine.lease = RegionCache.lease(queue, region);
                forgetUnreachable();
                ATTACHED.put(region.file(), new Attached(new WeakReference<>(queue), engine));
            }
            return queue;
        }
        catch (final RuntimeException ex)
        {
            RegionCache.abandon(region);
            throw ex;
        }
    }

    static synchronized Object attach(
        final Path file, final int flavour, final WaitStrategy waitStrategy, final Function<QueueEngine, ?> wrap,
        final long senderTag)
    {
        final Attached attached = ATTACHED.get(file);
        final Object existing = attached == null ? null : attached.queue().get();
        if (existing != null)
        {
            attached.engine().region.transferIn(senderTag);
            return existing;
        }
        forgetUnreachable();

        final Region region = RegionCache.attach(file, RegionKind.QUEUE);
        try
        {
            final Session session = Session.attach(file.getParent());
            final QueueEngine engine = new QueueEngine(region, session, flavour, waitStrategy);
            final Object queue = wrap.apply(engine);
            engine.lease = RegionCache.lease(queue, region);
            ATTACHED.put(file, new Attached(new WeakReference<>(queue), engine));
            region.transferIn(senderTag);
            return queue;
        }
        catch (final RuntimeException ex)
        {
            RegionCache.abandon(region);
            throw ex;
        }
    }

    /** Drops the engines of queues nobody references, so that their mappings can be collected. */
    private static void forgetUnreachable()
    {
        if (ATTACHED.size() >= forgetAtSize)
        {
            ATTACHED.values().removeIf(attached -> attached.queue().get() == null);
            forgetAtSize = Math.max(64, 2 * ATTACHED.size());
        }
    }

    /**
     * Puts a message, waiting up to the timeout for room.
     *
     * @param timeoutNanos 0 to not wait, negative to wait without limit.
     * @return false if there was no room in time.
     */
    boolean offer(final Object value, final long timeoutNanos) throws InterruptedException
    {
        checkOpen();
        final int directLength = Codec.directLength(value);
        if (directLength >= 0 && directLength <= ring.maxMessageLength())
        {
            // The common case, a number or a short string: encoded straight into its slot, no encoder to look up.
            return offerInSlot(value, null, directLength, timeoutNanos);
        }

        final MessageEncoder encoder = encoders.get();
        final int length = encoder.prepare(value);
        try
        {
            if (length > ring.maxMessageLength())
            {
                return offerSpilled(encoder, length, timeoutNanos);
            }
            return offerInSlot(null, encoder, length, timeoutNanos);
        }
        finally
        {
            encoder.clear();
        }
    }

    /**
     * Puts a message that fits a slot: a direct value, or what an encoder has prepared.
     *
     * @param direct  the direct value, when {@code encoder} is null.
     * @param encoder the prepared encoder, or null for a direct value.
     * @param length  the encoded length.
     * @return false if there was no room in time.
     */
    private boolean offerInSlot(
        final Object direct, final MessageEncoder encoder, final int length, final long timeoutNanos)
        throws InterruptedException
    {
        final long position = claimProduce(timeoutNanos);
        if (position < 0)
        {
            return false;
        }
        try
        {
            final int offset = ring.messageOffset(position);
            if (encoder == null)
            {
                Codec.encodeDirect(direct, ring.buffer(), offset);
            }
            else
            {
                encoder.encode(ring.buffer(), offset);
            }
        }
        catch (final RuntimeException ex)
        {
            abandon(position);
            throw ex;
        }
        ring.publish(position, length, 0);
        board.ring(MESSAGE_TAG);
        return true;
    }

    /**
     * Puts a message too large for a slot: its encoding goes to a spill file first, then the file's name
     * goes to a slot. The file is deleted again if no slot is claimed.
     */
    private boolean offerSpilled(final MessageEncoder encoder, final int length, final long timeoutNanos)
        throws InterruptedException
    {
        final byte[] encoding = new byte[length];
        encoder.encode(new UnsafeBuffer(encoding), 0);
        final String name = SpillFile.write(session, encoding);
        boolean published = false;
        try
        {
            if (name.length() > ring.maxMessageLength())
            {
                throw new Mp4jException("spill file name too long for a slot: " + description + " name=" + name +
                    " maxMessageLength=" + ring.maxMessageLength());
            }
            final long position = claimProduce(timeoutNanos);
            if (position < 0)
            {
                return false;
            }
            final int nameLength;
            try
            {
                nameLength = ring.buffer().putStringWithoutLengthAscii(ring.messageOffset(position), name);
            }
            catch (final RuntimeException ex)
            {
                abandon(position);
                throw ex;
            }
            ring.publish(position, nameLength, QueueDescriptor.FLAG_SPILLED);
            published = true;
            board.ring(MESSAGE_TAG);
            return true;
        }
        finally
        {
            if (!published)
            {
                SpillFile.discard(session, name);
            }
        }
    }

    /**
     * Claims a position for a message, waiting up to the timeout for room.
     *
     * @return the position, or -1 if there was no room in time.
     */
    private long claimProduce(final long timeoutNanos) throws InterruptedException
    {
        long position = ring.tryClaimProduce();
        if (position >= 0)
        {
            return position;
        }
        if (timeoutNanos == 0)
        {
            return -1;
        }
        final Waiter waiter = Waiter.begin(waitStrategy, board, ROOM_TAG, timeoutNanos);
        try
        {
            while ((position = ring.tryClaimProduce()) < 0)
            {
                if (Thread.interrupted())
                {
                    throw new InterruptedException("interrupted while waiting for room: " + description);
                }
                if (waiter.checkDue())
                {
                    recover(false);
                }
                if (!idle(waiter, position))
                {
                    return -1;
                }
            }
            return position;
        }
        finally
        {
            waiter.end();
        }
    }

    private void abandon(final long position)
    {
        ring.abandon(position);
        board.ring(MESSAGE_TAG);
        board.ring(DONE_TAG);
    }

    /**
     * Takes a message, waiting up to the timeout for one.
     *
     * @param timeoutNanos 0 to not wait, negative to wait without limit.
     * @return the message, or {@link #NOTHING} if none came in time.
     */
    Object poll(final long timeoutNanos) throws InterruptedException
    {
        checkOpen();
        long position = ring.tryClaimConsume();
        if (position < 0)
        {
            if (timeoutNanos == 0)
            {
                return NOTHING;
            }
            final Waiter waiter = Waiter.begin(waitStrategy, board, MESSAGE_TAG, timeoutNanos);
            try
            {
                while ((position = ring.tryClaimConsume()) < 0)
                {
                    if (Thread.interrupted())
                    {
                        throw new InterruptedException("interrupted while waiting for a message: " + description);
                    }
                    final long attempt = position;
                    if (waiter.checkDue() && (position = recover(true)) >= 0)
                    {
                        break;
                    }
                    if (!idle(waiter, attempt))
                    {
                        return NOTHING;
                    }
                }
            }
            finally
            {
                waiter.end();
            }
        }

        if ((ring.messageFlags(position) & QueueDescriptor.FLAG_SPILLED) != 0)
        {
            return takeSpilled(position);
        }
        try
        {
            return Codec.decode(ring.buffer(), ring.messageOffset(position), ring.messageLength(position));
        }
        finally
        {
            ring.release(position);
            board.ring(ROOM_TAG);
        }
    }

    /**
     * Takes a spilled message: the file is read and decoded while the slot is still this consumer's, and
     * deleted only after the slot is released, so a consumer killed on the way leaves the message whole.
     */
    private Object takeSpilled(final long position)
    {
        final String name = ring.buffer().getStringWithoutLengthAscii(
            ring.messageOffset(position), ring.messageLength(position));
        try
        {
            return Codec.decode(SpillFile.read(session, name));
        }
        finally
        {
            ring.release(position);
            board.ring(ROOM_TAG);
            SpillFile.discard(session, name);
        }
    }

    private Object decodeInPlace(final AtomicBuffer buffer, final int offset, final int length, final int flags)
    {
        if ((flags & QueueDescriptor.FLAG_SPILLED) != 0)
        {
            return Codec.decode(SpillFile.read(session, buffer.getStringWithoutLengthAscii(offset, length)));
        }
        return Codec.decode(buffer, offset, length);
    }

    /**
     * Idles after a failed claim. {@link ManyToManySlotRing#BUSY} means another process is between the
     * two steps of its own claim: it will not ring, so yield to it rather than sleep.
     *
     * @return false once the deadline has passed.
     */
    private static boolean idle(final Waiter waiter, final long failedClaim) throws InterruptedException
    {
        if (failedClaim == ManyToManySlotRing.BUSY)
        {
            Thread.yield();
            return waiter.remainingNanos() > 0;
        }
        return waiter.idleInterruptibly();
    }

    /**
     * Settles what a dead process left half done (see {@link ManyToManySlotRing#recover(boolean)}) and wakes
     * whoever that may concern.
     */
    private long recover(final boolean claim)
    {
        final long position = ring.recover(claim);
        board.ring(MESSAGE_TAG);
        board.ring(ROOM_TAG);
        board.ring(DONE_TAG);
        return position;
    }

    Object peek()
    {
        checkOpen();
        return ring.peek(peekReader);
    }

    boolean isEmptyNow()
    {
        checkOpen();
        return ring.peek((buffer, offset, length, flags) -> Boolean.TRUE) == null;
    }

    int size()
    {
        checkOpen();
        return ring.size();
    }

    int capacity()
    {
        return ring.maxSize();
    }

    int maxMessageLength()
    {
        return ring.maxMessageLength();
    }

    WaitStrategy waitStrategy()
    {
        return waitStrategy;
    }

    void taskDone()
    {
        checkOpen();
        if (!ring.taskDone())
        {
            throw new IllegalStateException("taskDone called more times than messages were put: " + description);
        }
        board.ring(DONE_TAG);
    }

    long unfinishedTasks()
    {
        checkOpen();
        return ring.unfinishedTasks();
    }

    boolean join(final Duration timeout) throws InterruptedException
    {
        checkOpen();
        if (ring.unfinishedTasks() <= 0)
        {
            return true;
        }
        final Waiter waiter = Waiter.begin(waitStrategy, board, DONE_TAG, timeout == null ? -1 : timeout.toNanos());
        try
        {
            while (ring.unfinishedTasks() > 0)
            {
                if (Thread.interrupted())
                {
                    throw new InterruptedException("interrupted while joining: " + description);
                }
                if (waiter.checkDue())
                {
                    // A producer that died mid-put leaves a position that only a tombstone settles.
                    recover(false);
                }
                if (!waiter.idleInterruptibly())
                {
                    return false;
                }
            }
            return true;
        }
        finally
        {
            waiter.end();
        }
    }

    /** The queue's region file, for tests that reach under the queue. */
    Path regionFile()
    {
        return region.file();
    }

    String description()
    {
        return description;
    }

    boolean isClosed()
    {
        return closed;
    }

    void close()
    {
        synchronized (QueueEngine.class)
        {
            if (closed)
            {
                return;
            }
            closed = true;
            final Attached attached = ATTACHED.get(region.file());
            if (attached != null && attached.engine() == this)
            {
                ATTACHED.remove(region.file());
            }
        }
        lease.close();
    }

    QueueHandle handle()
    {
        checkOpen();
        region.transferOut();
        final Path file = region.file().toAbsolutePath();
        final String fileName = file.getFileName().toString();
        return new QueueHandle(file.getParent().toString(),
            fileName.substring(0, fileName.length() - Region.FILE_SUFFIX.length()), flavour, waitStrategy,
            ProcessTag.current());
    }

    private void checkOpen()
    {
        if (closed)
        {
            throw new IllegalStateException("queue is closed in this process: " + description);
        }
    }

    static
    {
        // Lets Connections.wait sleep on a queue; registered as the first queue of this JVM is made.
        Waitables.register(QueueWaitable::of);
    }

    /** Whether a message is there, for {@link QueueWaitable}. */
    boolean isReadyToTake()
    {
        return !isEmptyNow();
    }

    /** Adds where a taker sleeps, for {@link QueueWaitable}. */
    void watchForMessages(final Waiter waiter)
    {
        waiter.watch(board, MESSAGE_TAG);
    }
}
