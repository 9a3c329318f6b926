package io.mp4j.worker.internal;

import io.mp4j.RegionLayoutException;
import io.mp4j.internal.WaitBoard;
import io.mp4j.internal.channel.SpillFile;
import io.mp4j.internal.region.Region;
import io.mp4j.internal.region.RegionKind;
import io.mp4j.process.internal.ChildSpec;
import io.mp4j.session.Session;
import org.agrona.BitUtil;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.AtomicBuffer;
import org.agrona.concurrent.MessageHandler;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.OneToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.RingBufferDescriptor;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The two rings between a pool and one worker JVM, in one {@link RegionKind#POOL} region: tasks from
 * the pool to the worker, results from the worker to the pool. Each worker JVM gets a fresh channel,
 * so what a dead worker left in its rings can be drained by the pool without racing a live reader. A
 * hosted child talks to its host worker over a channel too: its target goes one way ({@link #RUN}), its
 * output and end the other ({@link #OUTPUT}, {@link #EXITED}).
 * <pre>
 *  +----------------------+----------------+----------------------+----------------+-----------------+
 *  | task ring (capacity) | task trailer   | result ring          | result trailer | control block   |
 *  +----------------------+----------------+----------------------+----------------+-----------------+
 * </pre>
 * The control block, after the rings, says what the worker is doing, so that a pool whose worker died
 * charges only the task that was running, and tells the worker which queued tasks to skip. Task
 * sequences number the {@link #TASK} and {@link #APPLY} messages of a channel from 1, in the order written and
 * read:
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |                        Layout Version                         |
 *  +---------------------------------------------------------------+
 *  |                      Padding (to 128)                        ...
 *  +---------------------------------------------------------------+
 *  |          Running Task Sequence (0: none), by the worker       |
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |                      Padding (to 256)                        ...
 *  +---------------------------------------------------------------+
 *  |    Skip Slots: 64 task sequences the worker must not run,     |
 *  |    each at slot (sequence mod 64), by the pool               ...
 *  +---------------------------------------------------------------+
 * </pre>
 * Every record is a message of this layout, after Agrona's record header:
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |                           Call Id                             |
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |                          Task Index                           |
 *  +---------------------------------------------------------------+
 *  |                            Flags                              |
 *  +---------------------------------------------------------------+
 *  |                         Payload                              ...
 * ...                                                              |
 *  +---------------------------------------------------------------+
 * </pre>
 * A payload too large for a ring record is written to a file in the session and the record carries the
 * file's name with {@link #FLAG_SPILLED}; the reader deletes the file.
 */
public final class PoolChannel implements AutoCloseable
{
    static final int CALL_ID_OFFSET = 0;
    static final int TASK_INDEX_OFFSET = CALL_ID_OFFSET + Long.BYTES;
    static final int FLAGS_OFFSET = TASK_INDEX_OFFSET + Integer.BYTES;
    static final int PAYLOAD_OFFSET = FLAGS_OFFSET + Integer.BYTES;

    static final int FLAG_SPILLED = 1;

    /**
     * Version of the channel's layout and messages; a channel of another version is refused, never misread.
     * Version 3 added {@link #KEEP} and {@link #APPLY}.
     */
    static final int LAYOUT_VERSION = 3;
    static final int LAYOUT_VERSION_OFFSET = 0;
    static final int RUNNING_TASK_OFFSET = 2 * BitUtil.CACHE_LINE_LENGTH;
    static final int SKIP_SLOTS_OFFSET = RUNNING_TASK_OFFSET + 2 * BitUtil.CACHE_LINE_LENGTH;
    /** How many queued tasks the pool can ask a worker to skip at once; more are run, their results ignored. */
    public static final int SKIP_SLOTS = 64;
    static final int CONTROL_LENGTH = SKIP_SLOTS_OFFSET + SKIP_SLOTS * Long.BYTES;

    /** Pool to worker: the serialized initializer, run before anything else on this channel. */
    public static final int INITIALIZE = 5;
    /** Pool to worker: the serialized function of a call. */
    public static final int FUNCTION = 1;
    /**
     * Task index of a {@link #FUNCTION} message whose function has no state: the worker may keep it and
     * use it again for a later call that sends the same bytes.
     */
    public static final int FUNCTION_REUSABLE = 1;
    /** Pool to worker: a chunk of items of a call. */
    public static final int TASK = 2;
    /** Pool to worker: a call is over, drop its function. */
    public static final int FORGET = 3;
    /** Pool to worker: finish and exit. */
    public static final int STOP = 4;
    /**
     * Pool to worker: a function without state to keep while the channel lasts, under the id carried as
     * the task index, for {@link #APPLY} messages; the payload is the serialized function. The worker keeps
     * the last {@value KeptFunctions#CAPACITY} of them, as the pool counts.
     */
    public static final int KEEP = 7;
    /**
     * Pool to worker: the one task of an apply whose function the worker keeps, named by the id carried as
     * the task index; its results go back as those of task 0 of the call.
     */
    public static final int APPLY = 8;
    /** Client to host worker: run a hosted child; the payload is its {@link ChildSpec}. */
    public static final int RUN = 6;
    /** Worker to pool: the initializer ran, tasks are welcome. */
    public static final int READY = 11;
    /** Worker to pool: the results of a chunk. */
    public static final int RESULT = 12;
    /** Worker to pool: a chunk failed; the payload is an encoded exception. */
    public static final int ERROR = 13;
    /** Worker to pool: the initializer failed; the payload is an encoded exception. */
    public static final int INIT_FAILED = 14;
    /**
     * Worker to pool: a task's error may have left this JVM corrupt (a {@link VirtualMachineError}), so the
     * worker runs nothing more and exits after this message; the tasks queued behind are the pool's to
     * send elsewhere.
     */
    public static final int RETIRING = 17;
    /** Worker to pool: a task the pool asked to skip was not run. */
    public static final int SKIPPED = 18;

    /**
     * Host worker to client: bytes a hosted child wrote to {@link #STDOUT} or {@link #STDERR}, the stream
     * carried as the task index.
     */
    public static final int OUTPUT = 15;
    /**
     * Host worker to client: the hosted child's target has ended; an empty payload if it returned, the
     * encoded exception if it threw.
     */
    public static final int EXITED = 16;

    /** Task index of an {@link #OUTPUT} message from standard output. */
    static final int STDOUT = 1;
    /** Task index of an {@link #OUTPUT} message from standard error. */
    public static final int STDERR = 2;

    /** Wait tag: a message arrived in the tasks ring. */
    static final int TASKS_TAG = 0;
    /** Wait tag: a message arrived in the results ring. */
    public static final int RESULTS_TAG = 1;
    /** Wait tag: the pool read results, so the results ring has room again. */
    public static final int RESULTS_ROOM_TAG = 2;

    /** A payload that knows its length and writes itself into a claimed record, e.g. an encoded chunk. */
    public interface Payload
    {
        /**
         * The payload's length in bytes.
         *
         * @return the length.
         */
        int length();

        /**
         * Writes the payload: {@link #length()} bytes from {@code offset}.
         *
         * @param buffer where to write.
         * @param offset where the payload starts.
         */
        void write(MutableDirectBuffer buffer, int offset);
    }

    private final Region region;
    private final Session session;
    private final OneToOneRingBuffer tasks;
    private final OneToOneRingBuffer results;
    private final AtomicBuffer control;
    /** Set by {@link #close()}: the rings' memory is unmapped, and must not be reached through this channel. */
    private boolean closed;

    private PoolChannel(final Session session, final Region region)
    {
        this.session = session;
        this.region = region;
        final int ringLength = (region.bodyLength() - CONTROL_LENGTH) / 2;
        this.tasks = new OneToOneRingBuffer(region.view(0, ringLength));
        this.results = new OneToOneRingBuffer(region.view(ringLength, ringLength));
        this.control = region.view(2 * ringLength, CONTROL_LENGTH);
    }

    public static PoolChannel create(final Session session, final String name, final int ringCapacity)
    {
        final int ringLength = ringCapacity + RingBufferDescriptor.TRAILER_LENGTH;
        final Region region = Region.create(session, name, RegionKind.POOL, 2 * ringLength + CONTROL_LENGTH);
        region.body().putIntVolatile(2 * ringLength + LAYOUT_VERSION_OFFSET, LAYOUT_VERSION);
        return new PoolChannel(session, region);
    }

    public static PoolChannel attach(final Session session, final String name)
    {
        return new PoolChannel(session, checkLayout(Region.attach(session, name, RegionKind.POOL)));
    }

    /** Attaches to a channel in another process's session, e.g. a client's channel in a host worker. */
    public static PoolChannel attach(final Path file)
    {
        return new PoolChannel(Session.attach(file.getParent()), checkLayout(Region.attach(file, RegionKind.POOL)));
    }

    /** Refuses, and unmaps, a channel made by a version of mp4j whose channels are laid out otherwise. */
    private static Region checkLayout(final Region region)
    {
        final int ringLength = (region.bodyLength() - CONTROL_LENGTH) / 2;
        final int capacity = ringLength - RingBufferDescriptor.TRAILER_LENGTH;
        final int version = capacity > 0 && Integer.bitCount(capacity) == 1 &&
            region.bodyLength() == 2 * ringLength + CONTROL_LENGTH ?
            region.body().getIntVolatile(2 * ringLength + LAYOUT_VERSION_OFFSET) : 0;
        if (version != LAYOUT_VERSION)
        {
            region.close();
            throw new RegionLayoutException("pool channel of another layout version: file=" + region.file() +
                " version=" + version + " expected=" + LAYOUT_VERSION + " bodyLength=" + region.bodyLength());
        }
        return region;
    }

    public Path file()
    {
        return region.file();
    }

    String name()
    {
        return region.name();
    }

    /**
     * The ring of tasks, from the pool to the worker.
     *
     * @return the ring.
     * @throws IllegalStateException if this channel is closed: its memory is unmapped.
     */
    public OneToOneRingBuffer tasks()
    {
        checkOpen();
        return tasks;
    }

    /**
     * The ring of results, from the worker to the pool.
     *
     * @return the ring.
     * @throws IllegalStateException if this channel is closed: its memory is unmapped.
     */
    public OneToOneRingBuffer results()
    {
        checkOpen();
        return results;
    }

    private void checkOpen()
    {
        // Regions empty their views when closed, but a read with Agrona's bounds checks off would still
        // reach past the emptied buffer; refusing the ring here keeps that from ever happening.
        if (closed)
        {
            throw new IllegalStateException("pool channel is closed: name=" + region.name());
        }
    }

    /**
     * Reads up to {@code limit} messages, going on past the padding at the ring's end: a read that stops
     * at the padding returns nothing while a message waits at the ring's start, and a reader that then
     * sleeps would not be rung for it again.
     *
     * @return the number of messages read.
     */
    public static int read(final OneToOneRingBuffer ring, final MessageHandler handler, final int limit)
    {
        final long before = ring.consumerPosition();
        final int read = ring.read(handler, limit);
        return read == 0 && ring.consumerPosition() != before ? ring.read(handler, limit) : read;
    }

    /**
     * Where the pool and the worker sleep on this channel: the worker for {@link #TASKS_TAG}, the pool
     * for {@link #RESULTS_TAG}, a worker whose results ring is full for {@link #RESULTS_ROOM_TAG}.
     */
    public WaitBoard board()
    {
        return region.waitBoard();
    }

    /**
     * Writes one message; false when the ring is full (try again later). A payload too large for a
     * record goes to a spill file.
     */
    public boolean write(
        final OneToOneRingBuffer ring, final int type, final long callId, final int taskIndex, final byte[] payload)
    {
        if (!writeUnrung(ring, type, callId, taskIndex, payload))
        {
            return false;
        }
        region.waitBoard().ring(ring == tasks ? TASKS_TAG : RESULTS_TAG);
        return true;
    }

    /**
     * Writes one message as {@link #write} does, but wakes no one who sleeps on the ring: for a message
     * nobody waits for, which the reader takes with the next one that wakes it (a worker's READY).
     */
    public boolean writeUnrung(
        final OneToOneRingBuffer ring, final int type, final long callId, final int taskIndex, final byte[] payload)
    {
        byte[] body = payload == null ? new byte[0] : payload;
        int flags = 0;
        if (PAYLOAD_OFFSET + body.length > ring.maxMsgLength())
        {
            body = SpillFile.write(session, body).getBytes(StandardCharsets.UTF_8);
            flags = FLAG_SPILLED;
        }

        final int index = ring.tryClaim(type, PAYLOAD_OFFSET + body.length);
        if (index <= 0)
        {
            if (flags == FLAG_SPILLED)
            {
                SpillFile.discard(session, new String(body, StandardCharsets.UTF_8));
            }
            return false;
        }

        final UnsafeBuffer buffer = (UnsafeBuffer)ring.buffer();
        buffer.putLong(index + CALL_ID_OFFSET, callId);
        buffer.putInt(index + TASK_INDEX_OFFSET, taskIndex);
        buffer.putInt(index + FLAGS_OFFSET, flags);
        buffer.putBytes(index + PAYLOAD_OFFSET, body);
        ring.commit(index);
        return true;
    }

    /**
     * Writes one message whose payload writes itself straight into the ring, with no array in between;
     * false when the ring is full (try again later). A payload too large for a record goes to a spill file.
     * If the payload fails to write, the record is given up and the failure thrown.
     */
    public boolean writePayload(
        final OneToOneRingBuffer ring, final int type, final long callId, final int taskIndex, final Payload payload)
    {
        final int length = payload.length();
        if (PAYLOAD_OFFSET + length > ring.maxMsgLength())
        {
            final byte[] bytes = new byte[length];
            payload.write(new UnsafeBuffer(bytes), 0);
            return write(ring, type, callId, taskIndex, bytes);
        }
        final int index = ring.tryClaim(type, PAYLOAD_OFFSET + length);
        if (index <= 0)
        {
            return false;
        }
        final UnsafeBuffer buffer = (UnsafeBuffer)ring.buffer();
        try
        {
            buffer.putLong(index + CALL_ID_OFFSET, callId);
            buffer.putInt(index + TASK_INDEX_OFFSET, taskIndex);
            buffer.putInt(index + FLAGS_OFFSET, 0);
            payload.write(buffer, index + PAYLOAD_OFFSET);
        }
        catch (final RuntimeException ex)
        {
            ring.abort(index);
            throw ex;
        }
        ring.commit(index);
        region.waitBoard().ring(ring == tasks ? TASKS_TAG : RESULTS_TAG);
        return true;
    }

    /**
     * Whether a message being read carries its payload in the ring, at {@link #payloadOffset(int)}, rather
     * than in a spill file.
     */
    public static boolean isInline(final DirectBuffer buffer, final int index)
    {
        return (buffer.getInt(index + FLAGS_OFFSET) & FLAG_SPILLED) == 0;
    }

    /** Where the payload of a message being read starts, for an inline payload. */
    public static int payloadOffset(final int index)
    {
        return index + PAYLOAD_OFFSET;
    }

    /** The length of the payload of a message being read, for an inline payload. */
    public static int payloadLength(final int length)
    {
        return length - PAYLOAD_OFFSET;
    }

    /** The payload of a message being read, fetching a spilled one from its file. */
    public byte[] payload(final DirectBuffer buffer, final int index, final int length)
    {
        final byte[] bytes = new byte[length - PAYLOAD_OFFSET];
        buffer.getBytes(index + PAYLOAD_OFFSET, bytes);
        if ((buffer.getInt(index + FLAGS_OFFSET) & FLAG_SPILLED) == 0)
        {
            return bytes;
        }

        return SpillFile.take(session, new String(bytes, StandardCharsets.UTF_8));
    }

    /** Drops the payload of a message that is read but not used: a spilled one's file is deleted unread. */
    void discardPayload(final DirectBuffer buffer, final int index, final int length)
    {
        if ((buffer.getInt(index + FLAGS_OFFSET) & FLAG_SPILLED) != 0)
        {
            final byte[] name = new byte[length - PAYLOAD_OFFSET];
            buffer.getBytes(index + PAYLOAD_OFFSET, name);
            SpillFile.discard(session, new String(name, StandardCharsets.UTF_8));
        }
    }

    public static long callId(final DirectBuffer buffer, final int index)
    {
        return buffer.getLong(index + CALL_ID_OFFSET);
    }

    public static int taskIndex(final DirectBuffer buffer, final int index)
    {
        return buffer.getInt(index + TASK_INDEX_OFFSET);
    }

    /**
     * The sequence of the task the worker is running, 0 if none; read by the pool when the worker died.
     *
     * @return a task sequence of this channel, or 0.
     */
    public long runningTaskVolatile()
    {
        checkOpen();
        return control.getLongVolatile(RUNNING_TASK_OFFSET);
    }

    /**
     * Says which task the worker runs, before it runs it, and 0 once its result is written; called by the
     * worker only.
     *
     * @param sequence the task's sequence on this channel, or 0.
     */
    void runningTaskVolatile(final long sequence)
    {
        control.putLongVolatile(RUNNING_TASK_OFFSET, sequence);
    }

    /**
     * Asks the worker not to run a queued task, e.g. of a cancelled call; called by the pool only. The
     * worker may have started it already: the pool reads {@link #runningTaskVolatile()} after this.
     *
     * @param sequence the task's sequence on this channel.
     */
    public void skipTaskVolatile(final long sequence)
    {
        checkOpen();
        control.putLongVolatile(skipSlotOffset(sequence), sequence);
    }

    /** Whether the pool asked to skip a task; read by the worker after it said it runs that task. */
    boolean isSkippedVolatile(final long sequence)
    {
        return control.getLongVolatile(skipSlotOffset(sequence)) == sequence;
    }

    private static int skipSlotOffset(final long sequence)
    {
        return SKIP_SLOTS_OFFSET + (int)(sequence & (SKIP_SLOTS - 1)) * Long.BYTES;
    }

    /** Closes this JVM's mapping; the owner deletes the file with {@link #delete()}. */
    @Override
    public void close()
    {
        closed = true;
        region.close();
    }

    public void delete()
    {
        close();
        deleteQuietly(region.file());
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
