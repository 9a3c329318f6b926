package io.mp4j.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystemException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SecureDirectoryStream;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;

/**
 * Removing a directory tree, for mp4j's own directories (sessions, the class-data cache). Unlike
 * {@code org.agrona.IoUtil.delete}, it never follows a symbolic link: a link is removed, not what it
 * points at. Where the file system offers a {@link SecureDirectoryStream} (Linux does), every entry is
 * removed relative to its open parent directory, never by path, so that a directory swapped for a link
 * while the tree is being removed cannot redirect the removal out of the tree.
 */
public final class FileTrees
{
    private FileTrees()
    {
    }

    /**
     * Loads and initializes this class, for code that must be able to remove a tree after its class loader
     * has been closed (a JVM shutdown step under {@code mvn exec:java}).
     */
    public static void preload()
    {
        // Calling this initializes the class; there is nothing else to do.
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
        final Path absolute = root.toAbsolutePath();
        final Path parent = absolute.getParent();
        if (parent == null)
        {
            throw new IllegalArgumentException("cannot remove a file system's root: path=" + root);
        }
        try (DirectoryStream<Path> directory = Files.newDirectoryStream(parent))
        {
            if (directory instanceof SecureDirectoryStream)
            {
                delete((SecureDirectoryStream<Path>)directory, absolute);
            }
            else
            {
                deleteByPath(absolute);
            }
        }
        catch (final NoSuchFileException ex)
        {
            // Already gone: nothing to remove.
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot remove directory tree: path=" + root + " error=" + ex, ex);
        }
    }

    /**
     * Removes an entry of an open directory, with everything in it if it is a directory, relative to
     * that open directory: a link is removed, never followed, and an entry swapped meanwhile for a link is
     * removed as the link it has become. What vanishes meanwhile is not an error.
     *
     * @param parent the open directory that holds the entry.
     * @param entry  the entry, as the directory's iterator returns it: only its file name is used, the rest
     *               names it in messages.
     * @throws IOException if something could not be removed; its message names the path and what was found.
     */
    public static void delete(final SecureDirectoryStream<Path> parent, final Path entry) throws IOException
    {
        final BasicFileAttributes attributes = attributesOrNull(parent, entry);
        if (attributes == null)
        {
            return;
        }
        if (!attributes.isDirectory())
        {
            deleteEntry(parent, entry, false);
            return;
        }
        try (SecureDirectoryStream<Path> directory = openDirectory(parent, entry))
        {
            if (directory == null)
            {
                // No longer a directory (swapped for a link or a file): remove what is there now, nothing else.
                deleteEntry(parent, entry, false);
                return;
            }
            deleteContents(directory);
        }
        deleteEntry(parent, entry, true);
    }

    /**
     * Removes everything in an open directory, relative to it, leaving the directory itself.
     *
     * @param directory the open directory, whose entries have not been listed yet.
     * @throws IOException if something could not be removed; its message names the path and what was found.
     */
    public static void deleteContents(final SecureDirectoryStream<Path> directory) throws IOException
    {
        for (final Path child : directory)
        {
            delete(directory, child);
        }
    }

    /**
     * Removes an empty directory entry of an open directory; a link put in its place is not followed, and
     * the failure then says what was found.
     *
     * @param parent the open directory that holds the entry.
     * @param entry  the entry: its file name is looked up in the open directory, the rest names it in messages.
     * @throws IOException if it could not be removed; its message names the path and what was found.
     */
    public static void deleteDirectory(final SecureDirectoryStream<Path> parent, final Path entry) throws IOException
    {
        deleteEntry(parent, entry, true);
    }

    /**
     * Opens a directory entry of an open directory without following a link.
     *
     * @param parent the open directory.
     * @param entry  the entry: its file name is looked up in the open directory.
     * @return the open directory, or null if the entry is gone or is not a directory (a link to one included).
     * @throws IOException if the directory cannot be opened for another reason.
     */
    public static SecureDirectoryStream<Path> openDirectory(final SecureDirectoryStream<Path> parent, final Path entry)
        throws IOException
    {
        try
        {
            return parent.newDirectoryStream(entry.getFileName(), LinkOption.NOFOLLOW_LINKS);
        }
        catch (final NoSuchFileException ex)
        {
            return null;
        }
        catch (final FileSystemException ex)
        {
            // A link (ELOOP) or anything but a directory (ENOTDIR): find out what is there now.
            final BasicFileAttributes now = attributesOrNull(parent, entry);
            if (now == null || !now.isDirectory())
            {
                return null;
            }
            throw ex;
        }
    }

    /**
     * The attributes of an entry of an open directory, not following a link.
     *
     * @param parent the open directory.
     * @param entry  the entry: its file name is looked up in the open directory.
     * @return its attributes, or null if there is no such entry.
     * @throws IOException if they cannot be read for another reason.
     */
    public static PosixFileAttributes attributesOrNull(final SecureDirectoryStream<Path> parent, final Path entry)
        throws IOException
    {
        try
        {
            return parent.getFileAttributeView(entry.getFileName(), PosixFileAttributeView.class,
                LinkOption.NOFOLLOW_LINKS).readAttributes();
        }
        catch (final NoSuchFileException ex)
        {
            return null;
        }
    }

    /**
     * The attributes of an open directory itself: those of the directory that was opened, whatever its
     * name points at now.
     *
     * @param directory the open directory.
     * @return its attributes.
     * @throws IOException if they cannot be read.
     */
    public static PosixFileAttributes attributes(final SecureDirectoryStream<Path> directory) throws IOException
    {
        return directory.getFileAttributeView(PosixFileAttributeView.class).readAttributes();
    }

    /**
     * What an entry is, for messages: {@code directory}, {@code file}, {@code symbolic link} or {@code other}.
     *
     * @param attributes the entry's attributes, read without following a link.
     * @return the kind's name.
     */
    public static String kind(final BasicFileAttributes attributes)
    {
        if (attributes.isSymbolicLink())
        {
            return "symbolic link";
        }
        if (attributes.isDirectory())
        {
            return "directory";
        }
        return attributes.isRegularFile() ? "file" : "other";
    }

    /**
     * Removes a directory of mp4j's own (its name starts with {@code prefix}, it is a real directory and
     * this user's) that holds nothing any more, such as the directory of named shared memory after its last
     * block went; one that is not empty, not this user's, a link, or already gone, stays as it is. A process
     * that creates a file in it meanwhile makes it again.
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
        final Path absolute = directory.toAbsolutePath();
        try (DirectoryStream<Path> parent = Files.newDirectoryStream(absolute.getParent()))
        {
            if (parent instanceof SecureDirectoryStream)
            {
                final SecureDirectoryStream<Path> secure = (SecureDirectoryStream<Path>)parent;
                final PosixFileAttributes attributes = attributesOrNull(secure, absolute);
                if (attributes != null && attributes.isDirectory() && FileOwners.isThisUsers(attributes))
                {
                    secure.deleteDirectory(absolute.getFileName());
                }
            }
            else if (Files.isDirectory(absolute, LinkOption.NOFOLLOW_LINKS) && FileOwners.isThisUsers(absolute))
            {
                Files.deleteIfExists(absolute);
            }
        }
        catch (final IOException ex)
        {
            // Not empty (another file lives there), or not ours to remove: it stays.
        }
    }

    private static void deleteEntry(final SecureDirectoryStream<Path> parent, final Path entry, final boolean directory)
        throws IOException
    {
        try
        {
            if (directory)
            {
                // rmdir(2) never follows a link: a directory swapped for one since it was emptied fails here.
                parent.deleteDirectory(entry.getFileName());
            }
            else
            {
                parent.deleteFile(entry.getFileName());
            }
        }
        catch (final NoSuchFileException ex)
        {
            // Removed by another process meanwhile.
        }
        catch (final IOException ex)
        {
            final BasicFileAttributes found = attributesOrNull(parent, entry);
            throw new IOException("cannot remove " + (directory ? "directory" : "file") + ": path=" + entry +
                " found=" + (found == null ? "nothing" : kind(found)) + " error=" + ex, ex);
        }
    }

    private static void deleteByPath(final Path root) throws IOException
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
}
