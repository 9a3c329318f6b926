package io.mp4j.bench.compare;

import io.mp4j.WaitStrategy;
import io.mp4j.session.Session;
import io.mp4j.shared.SharedLongArray;
import org.agrona.concurrent.AtomicBuffer;

import java.io.IOException;
import java.io.Serial;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.LongBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.Map;

/**
 * Row 9: a warm child reads a block of {@code size} longs that another process filled with
 * {@code 0 .. size-1}, summing it {@value #PASSES} times, in gigabytes (10<sup>9</sup> bytes) read per
 * second. The child has mapped and read the block once before (as a long-running program would have) and
 * times only the passes; every pass's sum is checked.
 */
final class ReadBandwidthTrials
{
    /** How many times a repetition reads the whole block. */
    static final int PASSES = 4;

    private static final Path DEV_SHM = Path.of("/dev/shm");
    private static final int FILL_BLOCK_BYTES = 1 << 20;

    private ReadBandwidthTrials()
    {
    }

    /**
     * mp4j: a {@link SharedLongArray} made and filled here, summed in place by a warm child with
     * {@link SharedLongArray#sum()}, as numpy's side calls {@code ndarray.sum()}.
     *
     * @param fixtures where the array and the child are kept.
     * @param size     how many longs.
     * @return gigabytes per second.
     * @throws Exception if a sum is wrong.
     */
    static double mp4j(final Fixtures fixtures, final int size) throws Exception
    {
        final Mp4jReader reader =
            fixtures.warm("mp4j reader " + size, Mp4jReader.class, () -> Mp4jReader.start(fixtures.session(), size));
        return gigabytesPerSecond(size, PASSES, reader.servant.call(PASSES));
    }

    /**
     * Plain Java: a file in {@code /dev/shm} (or the temp directory) written here, mapped by the
     * hand-rolled worker JVM with {@link FileChannel#map} and read through a {@link LongBuffer}.
     *
     * @param fixtures where the file and the worker are kept.
     * @param size     how many longs.
     * @return gigabytes per second.
     * @throws Exception if a sum is wrong.
     */
    static double plainJava(final Fixtures fixtures, final int size) throws Exception
    {
        final PlainChildJvm worker = fixtures.plainWorker();
        final PlainFile file = fixtures.warm("plain mapped file " + size, PlainFile.class, () ->
        {
            final PlainFile written = PlainFile.write(size);
            try
            {
                gigabytesPerSecond(size, 1, worker.exchange(new SumMappedFile(written.path.toString(), 1)));
                return written;
            }
            catch (final Exception ex)
            {
                written.close();
                throw ex;
            }
        });
        return gigabytesPerSecond(size, PASSES, worker.exchange(new SumMappedFile(file.path.toString(), PASSES)));
    }

    /**
     * Sums a shared array {@code passes} times, in the child.
     *
     * @param array  the array.
     * @param passes how many times.
     * @return the sum and the nanoseconds all passes took.
     */
    static long[] sumPasses(final SharedLongArray array, final int passes)
    {
        final long start = System.nanoTime();
        long first = 0;
        for (int pass = 0; pass < passes; pass++)
        {
            first = checkPass(pass, array.sum(), first);
        }
        return new long[]{first, System.nanoTime() - start};
    }

    private static long checkPass(final int pass, final long sum, final long first)
    {
        if (pass > 0 && sum != first)
        {
            throw new IllegalStateException("passes differ: first=" + first + " pass=" + pass + " sum=" + sum);
        }
        return sum;
    }

    private static double gigabytesPerSecond(final int size, final int passes, final Object reply)
    {
        final long[] sumAndNanos = (long[])reply;
        final long expected = (long)size * (size - 1) / 2;
        if (sumAndNanos[0] != expected)
        {
            throw new IllegalStateException("wrong sum: " + sumAndNanos[0] + " expected=" + expected);
        }
        // Bytes per nanosecond are gigabytes per second.
        return (double)passes * size * Long.BYTES / sumAndNanos[1];
    }

    /** mp4j's shared array and the warm child that reads it. */
    static final class Mp4jReader implements AutoCloseable
    {
        private final SharedLongArray array;
        private final Mp4jServant servant;

        private Mp4jReader(final SharedLongArray array, final Mp4jServant servant)
        {
            this.array = array;
            this.servant = servant;
        }

        static Mp4jReader start(final Session session, final int size)
        {
            final SharedLongArray array = SharedLongArray.create(session, size, false, WaitStrategy.defaultStrategy());
            try
            {
                final AtomicBuffer view = array.view();
                for (int i = 0; i < size; i++)
                {
                    view.putLong(i << 3, i);
                }
                final Mp4jServant servant =
                    Mp4jServant.start(session, "reader", passes -> sumPasses(array, (Integer)passes));
                try
                {
                    // The child maps the array and touches every page once, outside any timing.
                    gigabytesPerSecond(size, 1, servant.call(1));
                    return new Mp4jReader(array, servant);
                }
                catch (final RuntimeException ex)
                {
                    servant.close();
                    throw ex;
                }
            }
            catch (final RuntimeException ex)
            {
                array.close();
                throw ex;
            }
        }

        @Override
        public void close()
        {
            servant.closeThen(array::close);
        }
    }

    /** Plain Java's shared block: a file of longs in native order, removed on close. */
    static final class PlainFile implements AutoCloseable
    {
        private final Path path;

        private PlainFile(final Path path)
        {
            this.path = path;
        }

        static PlainFile write(final int size) throws IOException
        {
            final Path directory = Files.isDirectory(DEV_SHM) && Files.isWritable(DEV_SHM) ?
                DEV_SHM : Path.of(System.getProperty("java.io.tmpdir"));
            final Path path = Files.createTempFile(directory, "mp4j-compare-plain-", ".longs");
            try (FileChannel channel = FileChannel.open(path, StandardOpenOption.WRITE))
            {
                final ByteBuffer block = ByteBuffer.allocateDirect(FILL_BLOCK_BYTES).order(ByteOrder.nativeOrder());
                long next = 0;
                while (next < size)
                {
                    block.clear();
                    while (block.hasRemaining() && next < size)
                    {
                        block.putLong(next++);
                    }
                    block.flip();
                    while (block.hasRemaining())
                    {
                        channel.write(block);
                    }
                }
            }
            catch (final IOException | RuntimeException ex)
            {
                Files.deleteIfExists(path);
                throw ex;
            }
            return new PlainFile(path);
        }

        @Override
        public void close()
        {
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

    /** The hand-rolled worker's mappings, kept from one request to the next as a program would keep them. */
    private static final Map<String, LongBuffer> PLAIN_MAPPED = new HashMap<>();

    /** Sums a mapped file of longs, in the plain worker; the reply is the sum and the nanoseconds taken. */
    static final class SumMappedFile implements PlainWorkerMain.Request
    {
        @Serial
        private static final long serialVersionUID = 1L;

        private final String path;
        private final int passes;

        SumMappedFile(final String path, final int passes)
        {
            this.path = path;
            this.passes = passes;
        }

        @Override
        public Object run() throws IOException
        {
            LongBuffer longs = PLAIN_MAPPED.get(path);
            if (longs == null)
            {
                try (FileChannel channel = FileChannel.open(Path.of(path), StandardOpenOption.READ))
                {
                    longs = channel.map(FileChannel.MapMode.READ_ONLY, 0, channel.size())
                        .order(ByteOrder.nativeOrder())
                        .asLongBuffer();
                }
                PLAIN_MAPPED.put(path, longs);
            }
            final int length = longs.limit();
            final long start = System.nanoTime();
            long first = 0;
            for (int pass = 0; pass < passes; pass++)
            {
                long sum = 0;
                for (int i = 0; i < length; i++)
                {
                    sum += longs.get(i);
                }
                first = checkPass(pass, sum, first);
            }
            return new long[]{first, System.nanoTime() - start};
        }
    }
}
