package io.mp4j.internal;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FileTreesTest
{
    private static final int SWAP_ITERATIONS = 300;
    private static final int NOBODY = 65534;

    @Test
    void shouldRemoveATreeButNotWhatItsLinksPointAt(@TempDir final Path temporary) throws Exception
    {
        final Path outside = Files.createDirectories(temporary.resolve("outside"));
        final Path kept = Files.writeString(outside.resolve("kept"), "x");
        final Path tree = Files.createDirectories(temporary.resolve("tree/a/b"));
        Files.writeString(tree.resolve("file"), "y");
        Files.createSymbolicLink(temporary.resolve("tree/a/link"), outside);

        FileTrees.delete(temporary.resolve("tree"));

        assertTrue(Files.notExists(temporary.resolve("tree")), "the tree is gone");
        assertTrue(Files.exists(kept), "the link's target is untouched");
    }

    @Test
    void shouldTakeAMissingTreeAsRemoved(@TempDir final Path temporary)
    {
        FileTrees.delete(temporary.resolve("never-made"));
        assertTrue(Files.notExists(temporary.resolve("never-made")));
    }

    @Test
    void shouldNeverFollowADirectorySwappedForALinkWhileTheTreeIsRemoved(@TempDir final Path temporary)
    {
        assertTimeoutPreemptively(Duration.ofMinutes(2), () ->
        {
            for (int i = 0; i < SWAP_ITERATIONS; i++)
            {
                final Path iteration = Files.createDirectory(temporary.resolve("iteration-" + i));
                final Path outside = Files.createDirectory(iteration.resolve("outside"));
                for (int file = 0; file < 16; file++)
                {
                    Files.writeString(outside.resolve("precious-" + file), "keep me");
                }
                final Path inner = Files.createDirectories(iteration.resolve("tree/inner"));
                for (int file = 0; file < 16; file++)
                {
                    Files.writeString(inner.resolve("file-" + file), "x");
                }

                final AtomicBoolean removing = new AtomicBoolean(true);
                final Thread swapper = new Thread(() -> swapForLink(inner, iteration.resolve("tree/parked"), outside, removing));
                swapper.start();
                try
                {
                    FileTrees.delete(iteration.resolve("tree"));
                }
                catch (final UncheckedIOException ex)
                {
                    // The link or the parked directory was in the way: what matters is what stays outside.
                    assertTrue(ex.getMessage().contains("found="), ex.getMessage());
                }
                finally
                {
                    removing.set(false);
                    swapper.join();
                }
                for (int file = 0; file < 16; file++)
                {
                    assertTrue(Files.exists(outside.resolve("precious-" + file)), "nothing outside the tree is removed");
                }
            }
        });
    }

    @Test
    void shouldRemoveOnlyAnEmptyDirectoryOfThisUsersOwn(@TempDir final Path temporary) throws Exception
    {
        final Path target = Files.createDirectory(temporary.resolve("target"));
        final Path link = Files.createSymbolicLink(temporary.resolve("mp4j-link"), target);
        FileTrees.deleteIfEmpty(link, "mp4j-");
        assertTrue(Files.isSymbolicLink(link), "a link is not a directory of mp4j's own");

        final Path foreign = Files.createDirectory(temporary.resolve("mp4j-foreign"));
        try
        {
            Files.setAttribute(foreign, "unix:uid", NOBODY, LinkOption.NOFOLLOW_LINKS);
        }
        catch (final FileSystemException | UnsupportedOperationException ex)
        {
            Assumptions.abort("cannot give a file to another user (uid " + NOBODY + ") here: " + ex);
        }
        FileTrees.deleteIfEmpty(foreign, "mp4j-");
        assertTrue(Files.isDirectory(foreign), "another user's directory is not mp4j's own");

        final Path own = Files.createDirectory(temporary.resolve("mp4j-own"));
        FileTrees.deleteIfEmpty(own, "mp4j-");
        assertTrue(Files.notExists(own), "an empty directory of this user's goes");
    }

    /** Swaps a directory for a link to outside and back, as a racing user would, until told to stop. */
    private static void swapForLink(final Path directory, final Path parked, final Path outside, final AtomicBoolean running)
    {
        while (running.get())
        {
            try
            {
                Files.move(directory, parked);
                Files.createSymbolicLink(directory, outside);
                Thread.onSpinWait();
                Files.delete(directory);
                Files.move(parked, directory);
            }
            catch (final IOException ex)
            {
                // The removal took what was to be moved: try again until it is done.
            }
        }
    }
}
