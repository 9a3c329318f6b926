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
}
