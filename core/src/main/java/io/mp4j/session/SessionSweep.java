package io.mp4j.session;

import io.mp4j.internal.FileOwners;
import io.mp4j.internal.FileTrees;
import io.mp4j.internal.Log;
import io.mp4j.internal.ProcessIdentity;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.SecureDirectoryStream;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributes;
import java.util.Set;
import java.util.function.BiConsumer;

/**
 * Removing what sessions leave behind: the directories of sessions whose owners died, and the files
 * outside a session that its remove-at-end records name. Only this user's real directories and files are
 * touched, and everything is removed relative to an open directory, never by a path a link could redirect:
 * another user who swaps a directory for a link meanwhile gets the link removed, nothing else.
 */
final class SessionSweep
{
    private static final int MAX_RECORD_BYTES = 64 * 1024;
    private static final Path SELF = Paths.get(".");

    private SessionSweep()
    {
    }

    /**
     * Removes the session directories under a root whose owner is dead and that are this user's; tells
     * what it leaves alone and why.
     *
     * @param root    the directory to sweep.
     * @param refused told each entry named like a dead session that is not swept, with a level: a link or a
     *                file where a session's directory should be is a warning, another user's session is not.
     * @return how many sessions were removed.
     */
    static int sweep(final Path root, final BiConsumer<Level, String> refused)
    {
        int removed = 0;
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(root, Session.NAME_PREFIX + "*"))
        {
            for (final Path entry : entries)
            {
                final ProcessIdentity owner = Session.ownerNamed(entry.getFileName().toString());
                if (owner == null || owner.isAlive())
                {
                    continue;
                }
                try
                {
                    final boolean swept = entries instanceof SecureDirectoryStream ?
                        sweep((SecureDirectoryStream<Path>)entries, entry, refused) : sweepByPath(entry, refused);
                    if (swept)
                    {
                        removed++;
                        Log.SESSION.log(Level.INFO, () -> "stale session removed, its owner is gone: dir=" + entry +
                            " ownerPid=" + owner.pid());
                    }
                }
                catch (final IOException | UncheckedIOException ex)
                {
                    refused.accept(Level.WARNING, "stale session not fully removed: dir=" + entry + " error=" + ex);
                }
            }
        }
        catch (final IOException | UncheckedIOException ex)
        {
            // Another process may be sweeping or creating at the same time; a missed sweep is retried
            // by the next session.
        }
        return removed;
    }

    /**
     * Removes the files outside a session that its remove-at-end records name, as the session ends.
     *
     * @param sessionDirectory the session's directory.
     */
    static void removeFilesOutside(final Path sessionDirectory)
    {
        try (DirectoryStream<Path> session = Files.newDirectoryStream(sessionDirectory))
        {
            if (session instanceof SecureDirectoryStream)
            {
                removeFilesOutside((SecureDirectoryStream<Path>)session, sessionDirectory);
            }
            else
            {
                for (final Path entry : session)
                {
                    if (entry.getFileName().toString().startsWith(Session.REMOVE_AT_END_PREFIX))
                    {
                        removeFileOutside(entry, () -> readRecordByPath(entry));
                    }
                }
            }
        }
        catch (final IOException | RuntimeException ex)
        {
            // No session directory any more: another process removed it, and what it asked for, first.
        }
    }

    private static boolean sweep(final SecureDirectoryStream<Path> root, final Path entry,
        final BiConsumer<Level, String> refused) throws IOException
    {
        final PosixFileAttributes found = FileTrees.attributesOrNull(root, entry);
        if (found == null || isRefused(found, entry, refused))
        {
            return false;
        }
        try (SecureDirectoryStream<Path> session = FileTrees.openDirectory(root, entry))
        {
            if (session == null)
            {
                final PosixFileAttributes now = FileTrees.attributesOrNull(root, entry);
                if (now != null)
                {
                    isRefused(now, entry, refused);
                }
                return false;
            }
            // Checked again on the directory that was opened: the one removed below, whatever the name holds now.
            if (isRefused(FileTrees.attributes(session), entry, refused))
            {
                return false;
            }
            removeFilesOutside(session, entry);
            FileTrees.deleteContents(session);
        }
        FileTrees.deleteDirectory(root, entry);
        return true;
    }

    private static boolean sweepByPath(final Path entry, final BiConsumer<Level, String> refused) throws IOException
    {
        final PosixFileAttributes found =
            Files.readAttributes(entry, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        if (isRefused(found, entry, refused))
        {
            return false;
        }
        removeFilesOutside(entry);
        FileTrees.delete(entry);
        return true;
    }

    private static boolean isRefused(final PosixFileAttributes found, final Path entry,
        final BiConsumer<Level, String> refused) throws IOException
    {
        if (found.isSymbolicLink())
        {
            refused.accept(Level.WARNING, "not swept: a symbolic link is where a dead session's directory should be, " +
                "neither it nor its target is touched: path=" + entry + " target=" + linkTarget(entry) +
                " owner=" + found.owner().getName());
            return true;
        }
        if (!found.isDirectory())
        {
            refused.accept(Level.WARNING, "not swept: a " + FileTrees.kind(found) + " is where a dead session's " +
                "directory should be: path=" + entry + " owner=" + found.owner().getName());
            return true;
        }
        if (!FileOwners.isThisUsers(found))
        {
            refused.accept(Level.DEBUG, "not swept: another user's dead session is left for that user to sweep: path=" +
                entry + " owner=" + found.owner().getName() + " user=" + System.getProperty("user.name"));
            return true;
        }
        return false;
    }

    private static String linkTarget(final Path link)
    {
        try
        {
            return Files.readSymbolicLink(link).toString();
        }
        catch (final IOException ex)
        {
            return "unreadable";
        }
    }

    private static void removeFilesOutside(final SecureDirectoryStream<Path> session, final Path sessionDirectory)
        throws IOException
    {
        // The session's own stream is left unlisted for the removal that follows: list the same directory anew.
        try (SecureDirectoryStream<Path> listing = session.newDirectoryStream(SELF, LinkOption.NOFOLLOW_LINKS))
        {
            for (final Path listed : listing)
            {
                final Path entry = sessionDirectory.resolve(listed.getFileName());
                if (entry.getFileName().toString().startsWith(Session.REMOVE_AT_END_PREFIX))
                {
                    removeFileOutside(entry, () -> readRecord(session, entry));
                }
            }
        }
    }

    private static void removeFileOutside(final Path record, final RecordReader reader)
    {
        try
        {
            // Only this user's requests for this user's files: root sweeping another user's dead session must
            // not remove what that user named.
            final String text = reader.read();
            if (text == null)
            {
                return;
            }
            final String[] lines = text.split("\n", 3);
            if (lines.length == 3)
            {
                final Path file = Paths.get(lines[0]);
                // Only the very file that was registered: one of the same name made since is someone else's.
                if (deleteIfSame(file, lines[1]))
                {
                    Log.SESSION.log(Level.WARNING, () -> "leaked " + lines[2] + " removed as its session ends, " +
                        "nobody unlinked it: file=" + file + " session=" + record.getParent());
                    FileTrees.deleteIfEmpty(file.getParent(), Session.NAME_PREFIX);
                }
            }
        }
        catch (final IOException | RuntimeException ex)
        {
            Log.SESSION.log(Level.WARNING, () -> "cannot remove a file the session was asked to: request=" + record +
                " error=" + ex);
        }
    }

    /** Reads a remove-at-end record relative to its open session directory, or null if it is not this user's file. */
    private static String readRecord(final SecureDirectoryStream<Path> session, final Path record) throws IOException
    {
        final PosixFileAttributes attributes = FileTrees.attributesOrNull(session, record);
        if (attributes == null || !attributes.isRegularFile() || !FileOwners.isThisUsers(attributes) ||
            attributes.size() > MAX_RECORD_BYTES)
        {
            return null;
        }
        try (SeekableByteChannel channel = session.newByteChannel(record.getFileName(),
            Set.of(StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)))
        {
            final ByteBuffer bytes = ByteBuffer.allocate((int)attributes.size());
            while (bytes.hasRemaining() && channel.read(bytes) >= 0)
            {
                // Read to the end of what the record held when it was looked at.
            }
            return new String(bytes.array(), 0, bytes.position(), StandardCharsets.UTF_8);
        }
    }

    private static String readRecordByPath(final Path record) throws IOException
    {
        return Files.isRegularFile(record, LinkOption.NOFOLLOW_LINKS) && FileOwners.isThisUsers(record) ?
            Files.readString(record, StandardCharsets.UTF_8) : null;
    }

    /** Removes a file, relative to its open directory, if it is still the one registered and this user's. */
    private static boolean deleteIfSame(final Path file, final String fileKey) throws IOException
    {
        final Path parent = file.toAbsolutePath().getParent();
        if (parent == null || Files.notExists(parent, LinkOption.NOFOLLOW_LINKS))
        {
            return false;
        }
        try (DirectoryStream<Path> directory = Files.newDirectoryStream(parent))
        {
            if (directory instanceof SecureDirectoryStream)
            {
                final SecureDirectoryStream<Path> secure = (SecureDirectoryStream<Path>)directory;
                final PosixFileAttributes attributes = FileTrees.attributesOrNull(secure, file);
                if (attributes == null || attributes.isDirectory() || !FileOwners.isThisUsers(attributes) ||
                    !String.valueOf(attributes.fileKey()).equals(fileKey))
                {
                    return false;
                }
                secure.deleteFile(file.getFileName());
                return true;
            }
        }
        return fileKey.equals(Session.fileKey(file)) && FileOwners.isThisUsers(file) && Files.deleteIfExists(file);
    }

    /** Reads a record, or gives null for one that is not to be followed. */
    @FunctionalInterface
    private interface RecordReader
    {
        String read() throws IOException;
    }
}
