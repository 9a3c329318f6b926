package io.mp4j.connection;

import io.mp4j.BrokenPipeException;
import io.mp4j.BufferTooShortException;
import io.mp4j.EndOfStreamException;
import io.mp4j.Mp4jException;
import io.mp4j.Mp4jTimeoutException;
import io.mp4j.WaitStrategy;
import io.mp4j.codec.Codec;
import io.mp4j.codec.MessageEncoder;
import io.mp4j.internal.WaitBoard;
import io.mp4j.internal.Waiter;
import io.mp4j.internal.channel.HolderTable;
import io.mp4j.internal.channel.PipeDescriptor;
import io.mp4j.internal.channel.ProcessTag;
import io.mp4j.internal.channel.SpillFile;
import io.mp4j.internal.region.Region;
import io.mp4j.internal.region.RegionCache;
import io.mp4j.internal.region.RegionKind;
import io.mp4j.session.Session;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.AtomicBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.OneToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.RingBuffer;

import java.io.ObjectInputStream;
import java.io.Serial;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One end of a {@link Pipe}: Python's {@code Connection}. Objects go through mp4j's {@link Codec}, bytes
 * as they are; each end reads its own ring and writes its peer's, so a send never waits for a receive
 * unless the ring is full.
 * <p>
 * An end is {@link Serializable} as a handle: pass it to a child (capture it in the target) and the child
 * attaches the same shared rings; a JVM maps a pipe once however many handles to it arrive. As with
 * Python's file descriptors, every process that holds a copy of an end counts in the pipe (see
 * {@link PipeDescriptor}): a process that closes its copy, or exits, lets go of that copy only. Once every
 * copy of the peer end, in every process, is closed or its process has died, {@link #recv()} delivers what
 * is left in the ring and then throws {@link EndOfStreamException} (Python's {@code EOFError}), and
 * {@link #poll()} says true, since {@code recv} would not wait; a copy handed to a child that has not
 * attached it yet still counts, as its sender's. Closes are seen at once; deaths while waiting, about every
 * {@value Waiter#CHECK_INTERVAL_MILLIS} ms, so they never cost the fast path anything. A send to a peer end
 * closed everywhere throws {@link BrokenPipeException}.
 * <p>
 * A message of any size may be sent: one longer than {@link #maxMessageLength()} is written to a spill
 * file of the session and the ring carries only its name, so the sender may exit before it is read.
 * <p>
 * As in Python, one thread at a time may send on an end and one thread at a time may receive on it (a
 * sender and a receiver may run at once).
 */
public final class Connection implements AutoCloseable, Serializable
{
    @Serial
    private static final long serialVersionUID = 1L;

    /** Message type in the ring of a value sent with {@link #send(Object)}. */
    static final int OBJECT_MESSAGE = 1;

    /** Message type in the ring of bytes sent with {@link #sendBytes(byte[])}. */
    static final int BYTES_MESSAGE = 2;

    /** Message type in the ring of an object whose encoding went to a spill file; the ring holds its name. */
    static final int SPILLED_OBJECT_MESSAGE = 3;

    /** Message type in the ring of bytes that went to a spill file; the ring holds its name. */
    static final int SPILLED_BYTES_MESSAGE = 4;

    private static final Map<String, Connection> ATTACHED = new HashMap<>();

    private final transient Region region;
    private final transient RegionCache.Lease lease;
    private final transient AtomicBuffer body;
    private final transient int end;
    private final transient HolderTable holders;
    private final transient HolderTable peerHolders;
    private transient int holderEntry;
    private final transient RingBuffer inbound;
    private final transient RingBuffer outbound;
    private final transient WaitStrategy waitStrategy;
    private final transient WaitBoard board;
    private final transient int dataInTag;
    private final transient int spaceInTag;
    private final transient int dataOutTag;
    private final transient int spaceOutTag;
    private final transient MessageEncoder encoder = new MessageEncoder();
    private final transient UnsafeBuffer sendWrapper = new UnsafeBuffer(new byte[0]);
    private final transient Receiver receiver = new Receiver(this);
    private transient Session session;
    private transient long nextHolderCheckNanos = System.nanoTime();
    private final transient String description;
    private transient volatile boolean closed;

    Connection(final Region region, final int end, final WaitStrategy waitStrategy)
    {
        this.region = region;
        this.body = region.body();
        this.end = end;
        this.waitStrategy = waitStrategy;
        this.description = "pipe=" + region.name() + " end=" + end;
        this.holders = new HolderTable(
            body, PipeDescriptor.endOffset(end), PipeDescriptor.HOLDER_SLOTS, description);
        this.peerHolders = new HolderTable(body, PipeDescriptor.endOffset(1 - end), PipeDescriptor.HOLDER_SLOTS,
            "pipe=" + region.name() + " end=" + (1 - end));

        final int ringCount = body.getInt(PipeDescriptor.RING_COUNT_OFFSET);
        final int capacity = body.getInt(PipeDescriptor.RING_CAPACITY_OFFSET);
        final int inboundRing = end;
        final int outboundRing = 1 - end;
        this.board = region.waitBoard();
        this.dataInTag = dataTag(inboundRing);
        this.spaceInTag = spaceTag(inboundRing);
        this.dataOutTag = dataTag(outboundRing);
        this.spaceOutTag = spaceTag(outboundRing);
        this.inbound = inboundRing < ringCount ? ring(region, inboundRing, capacity) : null;
        this.outbound = outboundRing < ringCount ? ring(region, outboundRing, capacity) : null;
        this.lease = RegionCache.lease(this, region);
    }

    /** The wait tag of "a message arrived in ring {@code ring}". */
    private static int dataTag(final int ring)
    {
        return 2 * ring;
    }

    /** The wait tag of "ring {@code ring} has room again". */
    private static int spaceTag(final int ring)
    {
        return 2 * ring + 1;
    }

    private static RingBuffer ring(final Region region, final int ring, final int capacity)
    {
        return new OneToOneRingBuffer(
            region.view(PipeDescriptor.ringOffset(ring, capacity), PipeDescriptor.ringLength(capacity)));
    }

    /**
     * Registers the ends of a new pipe, held by this JVM.
     */
    static Connection created(final Region region, final int end, final WaitStrategy waitStrategy)
    {
        final Connection connection = new Connection(region, end, waitStrategy);
        synchronized (Connection.class)
        {
            connection.hold();
            ATTACHED.put(key(region.file(), end), connection);
        }
        return connection;
    }

    /**
     * Attaches an end that another process (or this one) serialized, once per JVM, counting this JVM as a
     * holder before the sender's transfer is counted done, so that the end is never unheld in between.
     */
    static Connection attach(final Path file, final int end, final WaitStrategy waitStrategy, final long senderTag)
    {
        synchronized (Connection.class)
        {
            final String key = key(file, end);
            Connection connection = ATTACHED.get(key);
            if (connection == null || connection.closed)
            {
                final Region region = RegionCache.attach(file, RegionKind.PIPE);
                try
                {
                    connection = new Connection(region, end, waitStrategy);
                    connection.hold();
                }
                catch (final RuntimeException ex)
                {
                    RegionCache.abandon(region);
                    throw ex;
                }
                ATTACHED.put(key, connection);
            }
            connection.holders.completeTransfer(senderTag);
            connection.region.transferIn(senderTag);
            return connection;
        }
    }

    /** Counts this JVM's copy in the end's holder table; called with the class lock held. */
    private void hold()
    {
        holderEntry = holders.claim(ProcessTag.current());
        holders.addReference(holderEntry);
    }

    private static String key(final Path file, final int end)
    {
        return file.toAbsolutePath() + "#" + end;
    }

    /**
     * Sends an object, waiting while the peer's ring is full: Python's {@code send}.
     *
     * @param value a direct value (see {@link Codec}), any other {@link Serializable}, or null.
     * @throws io.mp4j.EncodingException if the value is not serializable; nothing is sent.
     * @throws BrokenPipeException            if the peer end is closed or its process died.
     * @throws IllegalStateException          if this end is closed or may not send.
     */
    public void send(final Object value)
    {
        final RingBuffer ring = checkWritable();
        final int length = encoder.prepare(value);
        try
        {
            checkPeerOpen();
            if (length > ring.maxMsgLength())
            {
                sendSpilled(ring, SPILLED_OBJECT_MESSAGE, encodedCopy(length), true);
                return;
            }
            int index = ring.tryClaim(OBJECT_MESSAGE, length);
            if (index < 0)
            {
                index = awaitClaim(ring, OBJECT_MESSAGE, length);
            }
            writeClaimed(ring, index);
        }
        finally
        {
            encoder.clear();
        }
    }

    /**
     * Sends an object if the peer's ring has room now, without waiting.
     *
     * @param value a direct value (see {@link Codec}), any other {@link Serializable}, or null.
     * @return true if sent, false if the ring is full (back-pressure: try again later).
     * @throws io.mp4j.EncodingException if the value is not serializable; nothing is sent.
     * @throws BrokenPipeException            if the peer end is closed.
     * @throws IllegalStateException          if this end is closed or may not send.
     */
    public boolean offer(final Object value)
    {
        final RingBuffer ring = checkWritable();
        final int length = encoder.prepare(value);
        try
        {
            checkPeerOpen();
            if (length > ring.maxMsgLength())
            {
                return sendSpilled(ring, SPILLED_OBJECT_MESSAGE, encodedCopy(length), false);
            }
            final int index = ring.tryClaim(OBJECT_MESSAGE, length);
            if (index < 0)
            {
                return false;
            }
            writeClaimed(ring, index);
            return true;
        }
        finally
        {
            encoder.clear();
        }
    }

    private byte[] encodedCopy(final int length)
    {
        final byte[] payload = new byte[length];
        encoder.encode(new UnsafeBuffer(payload), 0);
        return payload;
    }

    /**
     * Writes a message too long for the ring to a spill file and puts the file's name in the ring.
     *
     * @return false if {@code await} is false and the ring is full; the file is deleted again.
     */
    private boolean sendSpilled(final RingBuffer ring, final int type, final byte[] payload, final boolean await)
    {
        final Session session = session();
        final String name = SpillFile.write(session, payload);
        boolean sent = false;
        try
        {
            final byte[] nameBytes = name.getBytes(StandardCharsets.UTF_8);
            int index = ring.tryClaim(type, nameBytes.length);
            if (index < 0)
            {
                if (!await)
                {
                    return false;
                }
                index = awaitClaim(ring, type, nameBytes.length);
            }
            ring.buffer().putBytes(index, nameBytes);
            ring.commit(index);
            sent = true;
            board.ring(dataOutTag);
            return true;
        }
        finally
        {
            if (!sent)
            {
                SpillFile.discard(session, name);
            }
        }
    }

    /** The session of the pipe's region, where spill files go; attached on first use. */
    Session session()
    {
        Session current = session;
        if (current == null)
        {
            current = Session.attach(region.file().toAbsolutePath().getParent());
            session = current;
        }
        return current;
    }

    private void writeClaimed(final RingBuffer ring, final int index)
    {
        try
        {
            encoder.encode(ring.buffer(), index);
        }
        catch (final RuntimeException ex)
        {
            ring.abort(index);
            throw ex;
        }
        ring.commit(index);
        board.ring(dataOutTag);
    }

    /**
     * Sends bytes as one message, waiting while the peer's ring is full: Python's {@code send_bytes}.
     *
     * @param bytes the message.
     * @throws BrokenPipeException if the peer end is closed or its process died.
     */
    public void sendBytes(final byte[] bytes)
    {
        sendBytes(bytes, 0, bytes.length);
    }

    /**
     * Sends part of an array as one message: Python's {@code send_bytes(buf, offset, size)}.
     *
     * @param bytes  the array.
     * @param offset where the message starts.
     * @param length its length.
     * @throws BrokenPipeException if the peer end is closed or its process died.
     */
    public void sendBytes(final byte[] bytes, final int offset, final int length)
    {
        sendWrapper.wrap(bytes, offset, length);
        sendBytes(sendWrapper, 0, length);
    }

    /**
     * Sends part of a buffer as one message, copying it straight into the ring without allocating (a
     * message longer than {@link #maxMessageLength()} goes through a spill file).
     *
     * @param buffer the buffer.
     * @param offset where the message starts.
     * @param length its length.
     * @throws BrokenPipeException if the peer end is closed or its process died.
     */
    public void sendBytes(final DirectBuffer buffer, final int offset, final int length)
    {
        final RingBuffer ring = checkWritable();
        checkPeerOpen();
        if (length > ring.maxMsgLength())
        {
            final byte[] payload = new byte[length];
            buffer.getBytes(offset, payload);
            sendSpilled(ring, SPILLED_BYTES_MESSAGE, payload, true);
            return;
        }
        int index = ring.tryClaim(BYTES_MESSAGE, Math.max(length, 0));
        if (index < 0)
        {
            index = awaitClaim(ring, BYTES_MESSAGE, length);
        }
        ring.buffer().putBytes(index, buffer, offset, length);
        ring.commit(index);
        board.ring(dataOutTag);
    }

    private int awaitClaim(final RingBuffer ring, final int type, final int length)
    {
        final Waiter waiter = Waiter.begin(waitStrategy, board, spaceOutTag, Waiter.NO_TIMEOUT);
        try
        {
            while (true)
            {
                final int index = ring.tryClaim(type, length);
                if (index >= 0)
                {
                    return index;
                }
                checkPeerOpen();
                if (waiter.checkDue() && peerGone())
                {
                    throw new BrokenPipeException("peer is gone: " + description + " peer=" + peerHolders.describe());
                }
                idle(waiter);
            }
        }
        finally
        {
            waiter.end();
        }
    }

    /**
     * Receives the next object, waiting for it: Python's {@code recv}. A message sent as bytes arrives as
     * a {@code byte[]}.
     *
     * @return the object.
     * @throws EndOfStreamException      if the peer end is closed everywhere and nothing is left to receive.
     * @throws io.mp4j.EncodingException if the message cannot be decoded here; it is consumed.
     */
    public Object recv()
    {
        return receive(Receiver.DECODE, -1);
    }

    /**
     * Receives the next object, waiting at most {@code timeout}.
     *
     * @param timeout how long to wait.
     * @return the object.
     * @throws Mp4jTimeoutException if nothing arrived in time.
     * @throws EndOfStreamException if the peer end is closed everywhere and nothing is left to receive.
     */
    public Object recv(final Duration timeout)
    {
        return receive(Receiver.DECODE, timeout.toNanos());
    }

    /**
     * Receives the next message as bytes: Python's {@code recv_bytes}. A message sent as an object arrives
     * as its {@link Codec} encoding.
     *
     * @return a new array holding the message.
     * @throws EndOfStreamException if the peer end is closed everywhere and nothing is left to receive.
     */
    public byte[] recvBytes()
    {
        return (byte[])receive(Receiver.BYTES, -1);
    }

    /**
     * Receives the next message as bytes, refusing one longer than {@code maxLength}: Python's
     * {@code recv_bytes(maxlength)}. As in Python, a longer message leaves the stream unusable: it is
     * dropped and this end is closed.
     *
     * @param maxLength the longest message accepted, in bytes.
     * @return a new array holding the message.
     * @throws Mp4jException        if the message is longer (Python's {@code OSError}); this end is then closed.
     * @throws EndOfStreamException if the peer end is closed everywhere and nothing is left to receive.
     * @throws IllegalArgumentException if {@code maxLength} is negative.
     */
    public byte[] recvBytes(final int maxLength)
    {
        if (maxLength < 0)
        {
            throw new IllegalArgumentException("negative maxLength: maxLength=" + maxLength);
        }
        receiver.maxLength = maxLength;
        try
        {
            return (byte[])receive(Receiver.BYTES, -1);
        }
        catch (final Receiver.MessageLengthException ex)
        {
            close();
            throw new Mp4jException("bad message length: " + description + " length=" + ex.length +
                " maxLength=" + maxLength + "; the message was dropped and this end closed");
        }
        finally
        {
            receiver.maxLength = Integer.MAX_VALUE;
        }
    }

    /**
     * Receives the next message into a caller's buffer without allocating: Python's
     * {@code recv_bytes_into}. As in Python, a message that does not fit is consumed and carried by the
     * exception.
     *
     * @param buffer where to copy the message; an expandable buffer grows.
     * @param offset where in the buffer.
     * @return the message's length.
     * @throws BufferTooShortException if the message does not fit; {@link BufferTooShortException#messageBytes()}
     *                                 holds it.
     * @throws EndOfStreamException    if the peer end is closed everywhere and nothing is left to receive.
     */
    public int recvBytes(final MutableDirectBuffer buffer, final int offset)
    {
        return recvBytes(buffer, offset, null);
    }

    /**
     * Receives the next message into a caller's buffer, waiting at most {@code timeout}.
     *
     * @param buffer  where to copy the message; an expandable buffer grows.
     * @param offset  where in the buffer.
     * @param timeout how long to wait, or null to wait without limit.
     * @return the message's length.
     * @throws BufferTooShortException if the message does not fit; {@link BufferTooShortException#messageBytes()}
     *                                 holds it.
     * @throws Mp4jTimeoutException    if nothing arrived in time.
     * @throws EndOfStreamException    if the peer end is closed everywhere and nothing is left to receive.
     */
    public int recvBytes(final MutableDirectBuffer buffer, final int offset, final Duration timeout)
    {
        receiver.destination = buffer;
        receiver.destinationOffset = offset;
        try
        {
            receive(Receiver.INTO, timeout == null ? -1 : timeout.toNanos());
            return receiver.length;
        }
        finally
        {
            receiver.destination = null;
        }
    }

    /**
     * Whether {@link #recv()} would return or throw without waiting: Python's {@code poll()}. True when a
     * message is ready, and at end of stream (the following {@code recv} throws {@link EndOfStreamException}).
     *
     * @return true if {@link #recv()} would not wait.
     */
    public boolean poll()
    {
        return poll(Duration.ZERO);
    }

    /**
     * Waits at most {@code timeout} until {@link #recv()} would not wait: Python's {@code poll(timeout)}.
     *
     * @param timeout how long to wait.
     * @return true if a message is ready or the stream has ended, false if the time ran out.
     */
    public boolean poll(final Duration timeout)
    {
        final RingBuffer ring = checkReadable();
        if (hasMessage(ring) || peerClosed())
        {
            return true;
        }

        final Waiter waiter = Waiter.begin(waitStrategy, board, dataInTag, timeout.toNanos());
        try
        {
            while (true)
            {
                if (isReadyNow(ring) || (waiter.checkDue() && peerGone()))
                {
                    return true;
                }
                if (!idle(waiter))
                {
                    // A poller that never waits long still learns, about every check interval, of holders' deaths.
                    return holderCheckDue() && peerGone();
                }
            }
        }
        finally
        {
            waiter.end();
        }
    }

    private boolean holderCheckDue()
    {
        final long now = System.nanoTime();
        if (now - nextHolderCheckNanos < 0)
        {
            return false;
        }
        nextHolderCheckNanos = now + TimeUnit.MILLISECONDS.toNanos(Waiter.CHECK_INTERVAL_MILLIS);
        return true;
    }

    private boolean isReadyNow(final RingBuffer ring)
    {
        return hasMessage(ring) || peerClosed();
    }

    /**
     * For {@link Connections#wait}: whether {@code recv} would not wait; {@code checkHolders} asks now
     * whether the peer's holders live (slow), which is otherwise asked about every check interval.
     */
    boolean isReady(final boolean checkHolders)
    {
        final RingBuffer ring = checkReadable();
        return isReadyNow(ring) || ((holderCheckDue() || checkHolders) && peerGone());
    }

    /** For {@link Connections#wait}: sleeps the waiter until a message arrives here or the peer closes. */
    void watch(final Waiter waiter)
    {
        waiter.watch(board, dataInTag);
    }

    private static boolean hasMessage(final RingBuffer ring)
    {
        // A padding record is only ever published together with the message that follows it.
        return ring.producerPosition() > ring.consumerPosition();
    }

    private Object receive(final int mode, final long timeoutNanos)
    {
        final RingBuffer ring = checkReadable();
        final Receiver receiver = this.receiver;
        receiver.mode = mode;
        if (!receiver.readOne(ring))
        {
            final Waiter waiter = Waiter.begin(waitStrategy, board, dataInTag, timeoutNanos);
            try
            {
                while (!receiver.readOne(ring))
                {
                    if (peerClosed() || (waiter.checkDue() && peerGone()))
                    {
                        if (receiver.readOne(ring))
                        {
                            break;
                        }
                        throw endOfStream();
                    }
                    if (!idle(waiter))
                    {
                        throw new Mp4jTimeoutException("recv timed out: " + description + " timeout=" +
                            Duration.ofNanos(timeoutNanos));
                    }
                }
            }
            finally
            {
                waiter.end();
            }
        }
        board.ring(spaceInTag);
        return receiver.take();
    }

    /** Idles once; an interrupt ends the wait with an exception and stays set on the thread. */
    private boolean idle(final Waiter waiter)
    {
        try
        {
            return waiter.idleInterruptibly();
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new Mp4jException("interrupted while waiting: " + description, ex);
        }
    }

    private EndOfStreamException endOfStream()
    {
        return new EndOfStreamException("end of stream: " + description + " peer " + peerHolders.describe());
    }

    /** The fast check: every copy of the peer end was closed. */
    private boolean peerClosed()
    {
        return peerHolders.holdsVolatile() == 0;
    }

    /** The slow check: no live process holds a copy of the peer end (or is handing one on). */
    private boolean peerGone()
    {
        return !peerHolders.isHeld();
    }

    private void checkPeerOpen()
    {
        if (peerClosed())
        {
            throw new BrokenPipeException("peer end is closed: " + description);
        }
    }

    private RingBuffer checkReadable()
    {
        checkOpen();
        if (inbound == null)
        {
            throw new IllegalStateException("connection is write-only: " + description);
        }
        return inbound;
    }

    private RingBuffer checkWritable()
    {
        checkOpen();
        if (outbound == null)
        {
            throw new IllegalStateException("connection is read-only: " + description);
        }
        return outbound;
    }

    private void checkOpen()
    {
        if (closed)
        {
            throw new IllegalStateException("connection is closed: " + description);
        }
    }

    /**
     * Whether this end may receive: Python's {@code readable}.
     *
     * @return false for the sending end of a one-way pipe.
     */
    public boolean isReadable()
    {
        return inbound != null;
    }

    /**
     * Whether this end may send: Python's {@code writable}.
     *
     * @return false for the receiving end of a one-way pipe.
     */
    public boolean isWritable()
    {
        return outbound != null;
    }

    /**
     * Whether this end was closed in this JVM.
     *
     * @return true once {@link #close()} was called.
     */
    public boolean isClosed()
    {
        return closed;
    }

    /**
     * The longest message this end sends through the ring itself; a longer one goes through a spill file
     * (slower, but of any size).
     *
     * @return bytes (an object's {@link Codec} encoding counts), or 0 for a receive-only end.
     */
    public int maxMessageLength()
    {
        return outbound == null ? 0 : outbound.maxMsgLength();
    }

    /**
     * The wait strategy this end was created with; a child that attaches the end uses it too.
     *
     * @return the strategy.
     */
    public WaitStrategy waitStrategy()
    {
        return waitStrategy;
    }

    /**
     * Closes this JVM's copy of the end: Python's {@code close}. Copies held by other processes stay open;
     * once none is left anywhere, the peer sees end-of-stream after receiving what was sent. The pipe's
     * memory is unmapped once no end of it is open in this JVM, and freed once no end of it is open anywhere.
     * Idempotent.
     */
    @Override
    public void close()
    {
        final boolean lastCopy;
        synchronized (Connection.class)
        {
            if (closed)
            {
                return;
            }
            closed = true;
            ATTACHED.remove(key(region.file(), end), this);
            lastCopy = holders.releaseReference(holderEntry) == 0;
        }

        // The peer may sleep waiting for a message from us or for room to send us one.
        board.ring(dataOutTag);
        board.ring(spaceInTag);
        if (lastCopy && inbound != null)
        {
            receiver.discardUnread(inbound);
        }
        lease.close();
    }

    @Override
    public String toString()
    {
        return "Connection{" + description + (closed ? " closed" : "") + (inbound != null ? " readable" : "") +
            (outbound != null ? " writable" : "") + '}';
    }

    @Serial
    private Object writeReplace()
    {
        synchronized (Connection.class)
        {
            checkOpen();
            // Counted as this JVM's until the receiver attaches, so the end is not taken for closed meanwhile.
            holders.addTransfer(holderEntry);
            region.transferOut();
        }
        final Path file = region.file().toAbsolutePath();
        final String fileName = file.getFileName().toString();
        return new ConnectionHandle(file.getParent().toString(),
            fileName.substring(0, fileName.length() - Region.FILE_SUFFIX.length()), end, waitStrategy,
            ProcessTag.current());
    }

    @Serial
    private void readObject(final ObjectInputStream in) throws java.io.InvalidObjectException
    {
        throw new java.io.InvalidObjectException("a Connection travels as its ConnectionHandle");
    }
}
