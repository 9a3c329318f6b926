package io.mp4j.bench.compare;

import org.agrona.IoUtil;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.MessageHandler;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.YieldingIdleStrategy;
import org.agrona.concurrent.ringbuffer.OneToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.RingBufferDescriptor;

import java.io.IOException;
import java.io.Serial;
import java.io.UncheckedIOException;
import java.nio.MappedByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * Row 2b's floor: the transfer of row 2 through a raw Agrona {@link OneToOneRingBuffer} in a file of
 * {@code /dev/shm}, no framework on top. The hand-rolled worker JVM claims and commits each number in place
 * ({@code tryClaim}, {@code commit}); the parent reads them in batches ({@code read} with a handler), checking
 * each. Both sides yield when the ring is full or empty.
 */
final class RingTrials
{
    /** Bytes of the ring's data part: a power of two, 4096 messages of a long each (16-byte records). */
    static final int RING_BYTES = 64 * 1024;

    private static final double NANOS_PER_SECOND = 1e9;
    private static final int MESSAGE_TYPE = 1;
    private static final Path DEV_SHM = Path.of("/dev/shm");

    private RingTrials()
    {
    }

    /**
     * Plain Java: the hand-rolled worker writes {@code 0 .. size-1} to the ring, the parent reads them.
     *
     * @param fixtures where the worker and the ring are kept.
     * @param size     how many messages.
     * @return messages per second.
     * @throws Exception if a message is missing or wrong.
     */
    static double plainRing(final Fixtures fixtures, final int size) throws Exception
    {
        final PlainChildJvm worker = fixtures.plainWorker();
        final Ring ring = fixtures.warm("plain ring", Ring.class, Ring::create);
        final Reader reader = new Reader();
        final IdleStrategy idle = new YieldingIdleStrategy();
        final long start = System.nanoTime();
        worker.send(new WriteRing(ring.path.toString(), size));
        while (reader.next < size)
        {
            idle.idle(ring.ring.read(reader));
        }
        final long elapsed = System.nanoTime() - start;
        final Object written = worker.receive();
        if (!Integer.valueOf(size).equals(written))
        {
            throw new IllegalStateException("writer's count differs: expected=" + size + " reported=" + written);
        }
        return size * NANOS_PER_SECOND / elapsed;
    }

    /** Checks that the numbers come in order, as one writer sends them. */
    private static final class Reader implements MessageHandler
    {
        private long next;

        @Override
        public void onMessage(final int msgTypeId, final MutableDirectBuffer buffer, final int index,
            final int length)
        {
            final long value = buffer.getLong(index);
            if (value != next)
            {
                throw new IllegalStateException("wrong message: expected=" + next + " received=" + value);
            }
            next++;
        }
    }

    /** The parent's ring: a file in {@code /dev/shm} (or the temp directory), mapped; removed on close. */
    static final class Ring implements AutoCloseable
    {
        private final Path path;
        private final MappedByteBuffer mapped;
        private final OneToOneRingBuffer ring;

        private Ring(final Path path, final MappedByteBuffer mapped)
        {
            this.path = path;
            this.mapped = mapped;
            this.ring = new OneToOneRingBuffer(new UnsafeBuffer(mapped));
        }

        static Ring create()
        {
            final Path directory = Files.isDirectory(DEV_SHM) && Files.isWritable(DEV_SHM) ?
                DEV_SHM : Path.of(System.getProperty("java.io.tmpdir"));
            final Path path = directory.resolve("mp4j-compare-ring-" + ProcessHandle.current().pid() + ".ring");
            return new Ring(path, IoUtil.mapNewFile(path.toFile(), RING_BYTES + RingBufferDescriptor.TRAILER_LENGTH));
        }

        @Override
        public void close()
        {
            IoUtil.unmap(mapped);
            try
            {
                Files.deleteIfExists(path);
            }
            catch (final IOException ex)
            {
                throw new UncheckedIOException("cannot remove " + path, ex);
            }
        }
    }

    /** The hand-rolled worker's rings, mapped once and kept from one request to the next. */
    private static final Map<String, OneToOneRingBuffer> PLAIN_RINGS = new HashMap<>();

    /** Writes {@code 0 .. count-1} to a ring, in the plain worker; the reply is the count. */
    static final class WriteRing implements PlainWorkerMain.Request
    {
        @Serial
        private static final long serialVersionUID = 1L;

        private final String path;
        private final int count;

        WriteRing(final String path, final int count)
        {
            this.path = path;
            this.count = count;
        }

        @Override
        public Object run()
        {
            final OneToOneRingBuffer ring = PLAIN_RINGS.computeIfAbsent(path,
                file -> new OneToOneRingBuffer(new UnsafeBuffer(IoUtil.mapExistingFile(Path.of(file).toFile(), "ring"))));
            final IdleStrategy idle = new YieldingIdleStrategy();
            for (long i = 0; i < count; i++)
            {
                int index;
                while ((index = ring.tryClaim(MESSAGE_TYPE, Long.BYTES)) <= 0)
                {
                    idle.idle();
                }
                ring.buffer().putLong(index, i);
                ring.commit(index);
            }
            return count;
        }
    }
}
