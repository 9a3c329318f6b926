package io.mp4j.connection;

import io.mp4j.BrokenPipeException;
import io.mp4j.BufferTooShortException;
import io.mp4j.EndOfStreamException;
import io.mp4j.MessageTooLargeException;
import io.mp4j.Mp4jException;
import io.mp4j.Mp4jTimeoutException;
import io.mp4j.WaitStrategy;
import io.mp4j.codec.Codec;
import io.mp4j.codec.MessageEncoder;
import io.mp4j.internal.WaitBoard;
import io.mp4j.internal.Waiter;
import io.mp4j.internal.channel.PipeDescriptor;
import io.mp4j.internal.channel.ProcessTag;
import io.mp4j.internal.region.Region;
import io.mp4j.internal.region.RegionKind;
import io.mp4j.internal.region.SharedRegions;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.AtomicBuffer;
import org.agrona.concurrent.ControlledMessageHandler;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.OneToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.RingBuffer;

import java.io.ObjectInputStream;
import java.io.Serial;
import java.io.Serializable;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import static io.mp4j.internal.channel.PipeDescriptor.CLOSED_OFFSET;
import static io.mp4j.internal.channel.PipeDescriptor.HOLDER_TAG_OFFSET;
import static io.mp4j.internal.channel.PipeDescriptor.TRANSFERS_OFFSET;

/**
 * One end of a {@link Pipe}: Python's {@code Connection}. Objects go through mp4j's {@link Codec}, bytes
 * as they are; each end reads its own ring and writes its peer's, so a send never waits for a receive
 * unless the ring is full.
 * <p>
 * An end is {@link Serializable} as a handle: pass it to a child (capture it in the target) and the child
 * attaches the same shared rings; a JVM maps a pipe once however many handles to it arrive. The process
 * that last attached an end holds it. When the peer end is closed, or the process holding it has died,
 * {@link #recv()} and {@link #poll(Duration)} deliver what is left in the ring and then throw
 * {@link EndOfStreamException} (Python's {@code EOFError}); the holder's liveness is checked only while
 * waiting, about every {@value Waiter#CHECK_INTERVAL_MILLIS} ms, so it is reported within about a second
 * and never costs the fast path anything. A send to a closed or dead peer throws
 * {@link BrokenPipeException}.
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

    private static final Map<String, Connection> ATTACHED = new HashMap<>();

    private final transient Region region;
    private final transient AtomicBuffer body;
    private final transient int end;
    private final transient int endOffset;
    private final transient int peerOffset;
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
    private final transient Receiver receiver = new Receiver();
    private final transient String description;
    private transient volatile boolean closed;

    Connection(final Region region, final int end, final WaitStrategy waitStrategy)
    {
        this.region = region;
        this.body = region.body();
        this.end = end;
        this.endOffset = PipeDescriptor.endOffset(end);
        this.peerOffset = PipeDescriptor.endOffset(1 - end);
        this.waitStrategy = waitStrategy;
        this.description = "pipe=" + region.name() + " end=" + end;

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
        region.body().putLongOrdered(connection.endOffset + HOLDER_TAG_OFFSET, ProcessTag.current());
        synchronized (Connection.class)
        {
            ATTACHED.put(key(region.file(), end), connection);
        }
        return connection;
    }

    /**
     * Attaches an end that another process created, once per JVM, and takes it over as its holder.
     */
    static Connection attach(final Path file, final int end, final WaitStrategy waitStrategy)
    {
        synchronized (Connection.class)
        {
            final String key = key(file, end);
            Connection connection = ATTACHED.get(key);
            if (connection == null || connection.closed)
            {
                final Region region = SharedRegions.acquire(file, RegionKind.PIPE);
                try
                {
                    connection = new Connection(region, end, waitStrategy);
                }
                catch (final RuntimeException ex)
                {
                    SharedRegions.release(region);
                    throw ex;
                }
                ATTACHED.put(key, connection);
            }

            // The holder is written before the transfer is counted done, so that a peer that sees no
            // transfer in flight also sees the new holder.
            connection.body.putLongOrdered(connection.endOffset + HOLDER_TAG_OFFSET, ProcessTag.current());
            final int transfers = connection.endOffset + TRANSFERS_OFFSET;
            int inFlight;
            while ((inFlight = connection.body.getIntVolatile(transfers)) > 0 &&
                !connection.body.compareAndSetInt(transfers, inFlight, inFlight - 1))
            {
                Thread.onSpinWait();
            }
            return connection;
        }
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
     * @throws MessageTooLargeException       if its encoding does not fit the ring; nothing is sent.
     * @throws BrokenPipeException            if the peer end is closed or its process died.
     * @throws IllegalStateException          if this end is closed or may not send.
     */
    public void send(final Object value)
    {
        final RingBuffer ring = checkWritable();
        final int length = encoder.prepare(value);
        try
        {
            checkLength(ring, length);
            checkPeerOpen();
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
     * @throws MessageTooLargeException       if its encoding does not fit the ring; nothing is sent.
     * @throws BrokenPipeException            if the peer end is closed.
     * @throws IllegalStateException          if this end is closed or may not send.
     */
    public boolean offer(final Object value)
    {
        final RingBuffer ring = checkWritable();
        final int length = encoder.prepare(value);
        try
        {
            checkLength(ring, length);
            checkPeerOpen();
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
     * @throws MessageTooLargeException if it does not fit the ring; nothing is sent.
     * @throws BrokenPipeException      if the peer end is closed or its process died.
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
     * @throws MessageTooLargeException if it does not fit the ring; nothing is sent.
     * @throws BrokenPipeException      if the peer end is closed or its process died.
     */
    public void sendBytes(final byte[] bytes, final int offset, final int length)
    {
        sendWrapper.wrap(bytes, offset, length);
        sendBytes(sendWrapper, 0, length);
    }

    /**
     * Sends part of a buffer as one message, copying it straight into the ring without allocating.
     *
     * @param buffer the buffer.
     * @param offset where the message starts.
     * @param length its length.
     * @throws MessageTooLargeException if it does not fit the ring; nothing is sent.
     * @throws BrokenPipeException      if the peer end is closed or its process died.
     */
    public void sendBytes(final DirectBuffer buffer, final int offset, final int length)
    {
        final RingBuffer ring = checkWritable();
        checkLength(ring, length);
        checkPeerOpen();
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
                    throw new BrokenPipeException("peer is gone: " + description + " peer=" + peerState());
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
     * @throws EndOfStreamException           if the peer end is closed or its process died and nothing is
     *                                        left to receive.
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
     * @throws Mp4jTimeoutException  if nothing arrived in time.
     * @throws EndOfStreamException if the peer is gone and nothing is left to receive.
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
     * @throws EndOfStreamException if the peer is gone and nothing is left to receive.
     */
    public byte[] recvBytes()
    {
        return (byte[])receive(Receiver.BYTES, -1);
    }

    /**
     * Receives the next message into a caller's buffer without allocating: Python's
     * {@code recv_bytes_into}. A message that does not fit stays in the pipe.
     *
     * @param buffer where to copy the message; an expandable buffer grows.
     * @param offset where in the buffer.
     * @return the message's length.
     * @throws BufferTooShortException if the message does not fit; it stays in the pipe.
     * @throws EndOfStreamException    if the peer is gone and nothing is left to receive.
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
     * @throws BufferTooShortException if the message does not fit; it stays in the pipe.
     * @throws Mp4jTimeoutException    if nothing arrived in time.
     * @throws EndOfStreamException    if the peer is gone and nothing is left to receive.
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
     * Whether a message is ready to receive now: Python's {@code poll()}.
     *
     * @return true if {@link #recv()} would not wait.
     * @throws EndOfStreamException if nothing is left and the peer is closed.
     */
    public boolean poll()
    {
        return poll(Duration.ZERO);
    }

    /**
     * Waits at most {@code timeout} for a message: Python's {@code poll(timeout)}.
     *
     * @param timeout how long to wait.
     * @return true if a message is ready, false if the time ran out.
     * @throws EndOfStreamException if nothing is left and the peer is closed or its process died.
     */
    public boolean poll(final Duration timeout)
    {
        final RingBuffer ring = checkReadable();
        if (hasMessage(ring))
        {
            return true;
        }

        final Waiter waiter = Waiter.begin(waitStrategy, board, dataInTag, timeout.toNanos());
        try
        {
            while (true)
            {
                if (hasMessage(ring))
                {
                    return true;
                }
                if (peerClosed() || (waiter.checkDue() && peerGone()))
                {
                    if (hasMessage(ring))
                    {
                        return true;
                    }
                    throw endOfStream();
                }
                if (!idle(waiter))
                {
                    return false;
                }
            }
        }
        finally
        {
            waiter.end();
        }
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
        return new EndOfStreamException("end of stream: " + description + " peer=" + peerState());
    }

    private String peerState()
    {
        final long holder = body.getLongVolatile(peerOffset + HOLDER_TAG_OFFSET);
        return (1 - end) + " holder=" + ProcessTag.toString(holder) +
            (body.getIntVolatile(peerOffset + CLOSED_OFFSET) != 0 ? " closed" : " alive=" + ProcessTag.isAlive(holder));
    }

    private boolean peerClosed()
    {
        return body.getIntVolatile(peerOffset + CLOSED_OFFSET) != 0;
    }

    /** The slow check: the peer end is closed, or no handle to it is in flight and its holder is dead. */
    private boolean peerGone()
    {
        if (peerClosed())
        {
            return true;
        }
        if (body.getIntVolatile(peerOffset + TRANSFERS_OFFSET) > 0)
        {
            return false;
        }
        return !ProcessTag.isAlive(body.getLongVolatile(peerOffset + HOLDER_TAG_OFFSET));
    }

    private void checkPeerOpen()
    {
        if (peerClosed())
        {
            throw new BrokenPipeException("peer end is closed: " + description);
        }
    }

    private void checkLength(final RingBuffer ring, final int length)
    {
        if (length > ring.maxMsgLength())
        {
            throw new MessageTooLargeException(description, length, ring.maxMsgLength());
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
     * The largest message this end can send.
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
     * Closes this end in this JVM: Python's {@code close}. If this JVM holds the end (and has not handed
     * it to a child still on its way), the peer sees end-of-stream once it has received what was sent;
     * a JVM that merely kept a copy of an end it handed over lets go of it without ending the stream.
     * The pipe's memory is unmapped once no end of it is open in this JVM. Idempotent.
     */
    @Override
    public void close()
    {
        synchronized (Connection.class)
        {
            if (closed)
            {
                return;
            }
            closed = true;
            ATTACHED.remove(key(region.file(), end), this);
        }

        if (body.getLongVolatile(endOffset + HOLDER_TAG_OFFSET) == ProcessTag.current() &&
            body.getIntVolatile(endOffset + TRANSFERS_OFFSET) == 0)
        {
            body.putIntOrdered(endOffset + CLOSED_OFFSET, 1);
            // The peer may sleep waiting for a message from us or for room to send us one.
            board.ring(dataOutTag);
            board.ring(spaceInTag);
        }
        SharedRegions.release(region);
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
        checkOpen();
        body.getAndAddInt(endOffset + TRANSFERS_OFFSET, 1);
        final Path file = region.file().toAbsolutePath();
        final String fileName = file.getFileName().toString();
        return new Handle(file.getParent().toString(),
            fileName.substring(0, fileName.length() - Region.FILE_SUFFIX.length()), end, waitStrategy);
    }

    @Serial
    private void readObject(final ObjectInputStream in) throws java.io.InvalidObjectException
    {
        throw new java.io.InvalidObjectException("a Connection travels as its Handle");
    }

    /**
     * What a {@link Connection} becomes when serialized: where its pipe lives and which end it is.
     *
     * @param sessionDirectory the session directory of the pipe's region.
     * @param regionName       the region's name.
     * @param end              0 or 1.
     * @param waitStrategy     how the end waits.
     */
    record Handle(String sessionDirectory, String regionName, int end, WaitStrategy waitStrategy)
        implements Serializable
    {
        @Serial
        private Object readResolve()
        {
            return attach(Paths.get(sessionDirectory, regionName + Region.FILE_SUFFIX), end, waitStrategy);
        }
    }

    /** Takes one message out of the ring; one per end, reused, so that receiving allocates nothing. */
    private static final class Receiver implements ControlledMessageHandler
    {
        static final int DECODE = 0;
        static final int BYTES = 1;
        static final int INTO = 2;

        int mode;
        boolean done;
        Object value;
        RuntimeException failure;
        MutableDirectBuffer destination;
        int destinationOffset;
        int length;
        boolean tooShort;

        boolean readOne(final RingBuffer ring)
        {
            done = false;
            tooShort = false;
            final long before = ring.consumerPosition();
            ring.controlledRead(this, 1);
            if (!done && ring.consumerPosition() != before)
            {
                // Only the padding at the ring's end was read; the message is at its start. A reader that
                // stopped here would sleep with a message waiting that has already been rung for.
                ring.controlledRead(this, 1);
            }
            return done;
        }

        Object take()
        {
            final Object result = value;
            final RuntimeException error = failure;
            value = null;
            failure = null;
            if (tooShort)
            {
                throw new BufferTooShortException("message does not fit the buffer: length=" + length +
                    " capacity=" + destination.capacity() + " offset=" + destinationOffset, length);
            }
            if (error != null)
            {
                throw error;
            }
            return result;
        }

        @Override
        public Action onMessage(final int type, final MutableDirectBuffer buffer, final int index, final int length)
        {
            done = true;
            this.length = length;
            try
            {
                switch (mode)
                {
                    case INTO:
                        final MutableDirectBuffer target = destination;
                        if (!target.isExpandable() && (long)destinationOffset + length > target.capacity())
                        {
                            tooShort = true;
                            return Action.ABORT;
                        }
                        target.putBytes(destinationOffset, buffer, index, length);
                        break;
                    case BYTES:
                        final byte[] bytes = new byte[length];
                        buffer.getBytes(index, bytes);
                        value = bytes;
                        break;
                    default:
                        if (type == BYTES_MESSAGE)
                        {
                            final byte[] raw = new byte[length];
                            buffer.getBytes(index, raw);
                            value = raw;
                        }
                        else
                        {
                            value = Codec.decode(buffer, index, length);
                        }
                }
            }
            catch (final RuntimeException ex)
            {
                // The message is consumed either way: a message that cannot be decoded here never will be.
                failure = ex;
            }
            return Action.COMMIT;
        }
    }
}
