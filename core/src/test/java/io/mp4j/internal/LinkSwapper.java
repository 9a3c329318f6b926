package io.mp4j.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A racing user, for tests: a thread that swaps directories for links to somewhere else and back, over
 * and over, until closed. A directory waits beside itself, renamed {@code <name>.parked}, while its link
 * stands in for it; each state is held for a random while (up to 200 µs), long enough for a removal that
 * followed a link to go through it.
 */
public final class LinkSwapper implements AutoCloseable
{
    private static final long HELD_NANOS = 200_000;

    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicLong rounds = new AtomicLong();
    private final Thread thread;

    /**
     * Starts swapping and returns once the first round of links was put in place.
     *
     * @param target      what the links point at.
     * @param directories the directories to swap.
     */
    public LinkSwapper(final Path target, final List<Path> directories)
    {
        thread = new Thread(() -> swap(target, directories), "link-swapper");
        thread.setDaemon(true);
        thread.start();
        while (rounds.get() == 0 && thread.isAlive())
        {
            Thread.onSpinWait();
        }
    }

    /** Stops swapping and waits for the thread to end. */
    @Override
    public void close()
    {
        running.set(false);
        boolean interrupted = false;
        while (thread.isAlive())
        {
            try
            {
                thread.join();
            }
            catch (final InterruptedException ex)
            {
                interrupted = true;
            }
        }
        if (interrupted)
        {
            Thread.currentThread().interrupt();
        }
    }

    private void swap(final Path target, final List<Path> directories)
    {
        while (running.get())
        {
            for (final Path directory : directories)
            {
                quietly(() ->
                {
                    Files.move(directory, parked(directory));
                    Files.createSymbolicLink(directory, target);
                });
            }
            rounds.incrementAndGet();
            hold();
            for (final Path directory : directories)
            {
                // What the removal left: a link it took, or a parked directory it emptied, is put back.
                quietly(() ->
                {
                    if (Files.isSymbolicLink(directory))
                    {
                        Files.delete(directory);
                    }
                    if (Files.notExists(directory, LinkOption.NOFOLLOW_LINKS))
                    {
                        Files.move(parked(directory), directory);
                    }
                });
            }
            hold();
        }
    }

    private static Path parked(final Path directory)
    {
        return directory.resolveSibling(directory.getFileName() + ".parked");
    }

    private static void quietly(final FileAction action)
    {
        try
        {
            action.run();
        }
        catch (final IOException ex)
        {
            // The removal took what was to be moved: the next round tries again.
        }
    }

    private static void hold()
    {
        final long until = System.nanoTime() + ThreadLocalRandom.current().nextLong(HELD_NANOS);
        while (System.nanoTime() < until)
        {
            Thread.onSpinWait();
        }
    }

    @FunctionalInterface
    private interface FileAction
    {
        void run() throws IOException;
    }
}
