package io.mp4j.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * Removing a directory tree, for mp4j's own directories (sessions, the class-data cache). Unlike
 * {@code org.agrona.IoUtil.delete}, it never follows a symbolic link out of the tree: a link is removed,
 * not what it points at.
 */
public final class FileTrees
{
    private FileTrees()
    {
    }

    /**
     * Removes a file or a directory with everything in it. What vanishes meanwhile (another process
     * removing the same tree) is not an error.
     *
     * @param root the file or directory; nothing happens if it does not exist.
     * @throws UncheckedIOException if something in the tree could not be removed.
     */
    public static void delete(final Path root)
    {
        try
        {
            Files.walkFileTree(root, new SimpleFileVisitor<>()
            {
                @Override
                public FileVisitResult visitFile(final Path file, final BasicFileAttributes attributes) throws IOException
                {
                    Files.deleteIfExists(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(final Path file, final IOException ex)
                {
                    // Gone already, or unreadable: removing its directory below reports what is left.
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(final Path directory, final IOException ex) throws IOException
                {
                    Files.deleteIfExists(directory);
                    return FileVisitResult.CONTINUE;
                }
            });
        }
        catch (final NoSuchFileException ex)
        {
            // Already gone: nothing to remove.
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot remove directory tree: path=" + root, ex);
        }
    }

    /**
     * Removes a directory of mp4j's own (its name starts with {@code prefix}) that holds nothing any more,
     * such as the directory of named shared memory after its last block went; one that is not empty, or
     * already gone, stays as it is. A process that creates a file in it meanwhile makes it again.
     *
     * @param directory the directory the last file was removed from.
     * @param prefix    how the names of mp4j's directories start, e.g. {@code mp4j-}.
     */
    public static void deleteIfEmpty(final Path directory, final String prefix)
    {
        if (directory == null || !directory.getFileName().toString().startsWith(prefix))
        {
            return;
        }
        try
        {
            Files.deleteIfExists(directory);
        }
        catch (final IOException ex)
        {
            // Not empty (another file lives there), or not ours to remove: it stays.
        }
    }
}
