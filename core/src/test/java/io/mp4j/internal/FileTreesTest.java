package io.mp4j.internal;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.UncheckedIOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FileTreesTest
{
    private static final int SWAP_ITERATIONS = 40;
    private static final int SWAPPED_DIRECTORIES = 8;
    private static final int FILES = 16;
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
                // Named as the files in the tree: a removal by path that a link redirected would take them.
                for (int file = 0; file < FILES; file++)
                {
                    Files.writeString(outside.resolve("file-" + file), "keep me");
                }
                final List<Path> swapped = new ArrayList<>();
                for (int directory = 0; directory < SWAPPED_DIRECTORIES; directory++)
                {
                    final Path inner = Files.createDirectories(iteration.resolve("tree/inner-" + directory));
                    for (int file = 0; file < FILES; file++)
                    {
                        Files.writeString(inner.resolve("file-" + file), "x");
                    }
                    swapped.add(inner);
                }

                final LinkSwapper swapper = new LinkSwapper(outside, swapped);
                try
                {
                    FileTrees.delete(iteration.resolve("tree"));
                }
                catch (final UncheckedIOException ex)
                {
                    // A link or a parked directory was in the way; the message says what it found.
                    assertTrue(ex.getMessage().contains("found="), ex.getMessage());
                }
                finally
                {
                    swapper.close();
                }
                for (int file = 0; file < FILES; file++)
                {
                    assertTrue(Files.exists(outside.resolve("file-" + file)), "nothing outside the tree is removed");
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
}
