package io.mp4j.internal.region;

import io.mp4j.internal.channel.HolderTable;
import io.mp4j.internal.channel.ProcessTag;
import org.agrona.IoUtil;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static io.mp4j.internal.region.RegionDescriptor.FLAGS_OFFSET;
import static io.mp4j.internal.region.RegionDescriptor.FLAG_PINNED;
import static io.mp4j.internal.region.RegionDescriptor.HEADER_LENGTH;
import static io.mp4j.internal.region.RegionDescriptor.HOLDERS_OFFSET;
import static io.mp4j.internal.region.RegionDescriptor.HOLDER_SLOTS;
import static io.mp4j.internal.region.RegionDescriptor.LAYOUT_VERSION;
import static io.mp4j.internal.region.RegionDescriptor.LAYOUT_VERSION_OFFSET;
import static io.mp4j.internal.region.RegionDescriptor.MAGIC;
import static io.mp4j.internal.region.RegionDescriptor.MAGIC_OFFSET;

/**
 * Frees the held regions of a session whose every holder has died (a process killed while it held one,
 * after the others let go), so that a killed child does not keep a region until the session ends. A JVM
 * looks when it has created {@value #CREATIONS_PER_SWEEP} regions in a directory since it last looked, and
 * not more often than every {@value #MIN_INTERVAL_MILLIS} ms, nor than twenty times the last look took: a
 * look reads every region's header and {@code /proc} for the holders it names.
 */
final class RegionSweeper
{
    /** How many regions a JVM creates in a directory between two looks at it. */
    static final int CREATIONS_PER_SWEEP = 16;

    /** The shortest time between two looks at one directory. */
    static final long MIN_INTERVAL_MILLIS = 100;

    private static final Map<Path, Schedule> SCHEDULES = new HashMap<>();

    private static final class Schedule
    {
        int created;
        long lastNanos = System.nanoTime();
        long intervalNanos = TimeUnit.MILLISECONDS.toNanos(MIN_INTERVAL_MILLIS);
    }

    private RegionSweeper()
    {
    }

    /**
     * Counts a region about to be created in a directory, and looks there for regions whose holders all died
     * when it is time.
     *
     * @param directory the session directory.
     */
    static void regionCreated(final Path directory)
    {
        final Schedule schedule;
        synchronized (SCHEDULES)
        {
            schedule = SCHEDULES.computeIfAbsent(directory, ignored -> new Schedule());
            final long now = System.nanoTime();
            if (++schedule.created < CREATIONS_PER_SWEEP || now - schedule.lastNanos < schedule.intervalNanos)
            {
                return;
            }
            schedule.created = 0;
            schedule.lastNanos = now;
        }

        final long start = System.nanoTime();
        sweep(directory);
        final long took = System.nanoTime() - start;
        synchronized (SCHEDULES)
        {
            schedule.intervalNanos = Math.max(TimeUnit.MILLISECONDS.toNanos(MIN_INTERVAL_MILLIS), 20 * took);
        }
    }

    /**
     * Removes the held regions of a directory that no live process holds.
     *
     * @param directory the session directory.
     * @return how many were removed.
     */
    static int sweep(final Path directory)
    {
        int removed = 0;
        final Map<Long, Boolean> alive = new HashMap<>();
        final UnsafeBuffer header = new UnsafeBuffer(new byte[HEADER_LENGTH]);
        try (DirectoryStream<Path> files = Files.newDirectoryStream(directory, "*" + Region.FILE_SUFFIX))
        {
            for (final Path file : files)
            {
                if (read(file, header) && !hasLiveHolder(header, alive) && free(file))
                {
                    removed++;
                }
            }
        }
        catch (final IOException | RuntimeException ex)
        {
            // The session is ending, or a file went while we looked: the next look, or the session's end, does it.
        }
        return removed;
    }

    /** Reads a header; false for a file that is not a held region of this layout. */
    private static boolean read(final Path file, final UnsafeBuffer header)
    {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ))
        {
            final ByteBuffer bytes = ByteBuffer.wrap(header.byteArray());
            if (channel.read(bytes, 0) < HEADER_LENGTH)
            {
                return false;
            }
        }
        catch (final IOException ex)
        {
            return false;
        }
        return header.getInt(MAGIC_OFFSET) == MAGIC && header.getInt(LAYOUT_VERSION_OFFSET) == LAYOUT_VERSION &&
            (header.getInt(FLAGS_OFFSET) & FLAG_PINNED) == 0;
    }

    /** From a copy of the header: true if the region is being freed already, or names a live holder. */
    private static boolean hasLiveHolder(final UnsafeBuffer header, final Map<Long, Boolean> alive)
    {
        if (header.getLong(HOLDERS_OFFSET + HolderTable.HOLDS_OFFSET) == 0)
        {
            return true;
        }
        for (int i = 0; i < HOLDER_SLOTS; i++)
        {
            final long tag = header.getLong(
                HOLDERS_OFFSET + HolderTable.ENTRIES_OFFSET + i * HolderTable.ENTRY_LENGTH + HolderTable.TAG_OFFSET);
            if (tag != ProcessTag.NONE && alive.computeIfAbsent(tag, ProcessTag::isAlive))
            {
                return true;
            }
        }
        return false;
    }

    /** Frees the dead holders' entries in the shared header itself and removes the file if nothing is left. */
    private static boolean free(final Path file)
    {
        MappedByteBuffer mapping = null;
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE))
        {
            mapping = channel.map(FileChannel.MapMode.READ_WRITE, 0, HEADER_LENGTH);
            final HolderTable holders = new HolderTable(
                new UnsafeBuffer(mapping, HOLDERS_OFFSET, HolderTable.length(HOLDER_SLOTS)), 0, HOLDER_SLOTS,
                "region=" + file.getFileName());
            if (holders.isHeld())
            {
                return false;
            }
            return Files.deleteIfExists(file);
        }
        catch (final IOException ex)
        {
            return false;
        }
        finally
        {
            if (mapping != null)
            {
                IoUtil.unmap(mapping);
            }
        }
    }
}
