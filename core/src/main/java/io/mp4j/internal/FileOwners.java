package io.mp4j.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.UserPrincipal;

/**
 * Whether a file belongs to the OS user this JVM runs as, for mp4j's files outside a session (named
 * shared memory blocks) and for what a session removes on another process's word.
 */
public final class FileOwners
{
    private static final Path SELF = Paths.get("/proc/self");

    private FileOwners()
    {
    }

    /**
     * Whether a file (not what a link points to) is owned by this JVM's user.
     *
     * @param file the file.
     * @return true if its owner is this process's user.
     * @throws IOException if the file's owner cannot be read.
     */
    public static boolean isThisUsers(final Path file) throws IOException
    {
        if (Files.isDirectory(SELF))
        {
            // Linux: /proc/self belongs to this process's user, even where the user has no name.
            return Files.getAttribute(file, "unix:uid", LinkOption.NOFOLLOW_LINKS)
                .equals(Files.getAttribute(SELF, "unix:uid"));
        }
        return Files.getOwner(file, LinkOption.NOFOLLOW_LINKS).getName().equals(System.getProperty("user.name"));
    }

    /**
     * The uid of the OS user this JVM runs as, to compare with the {@code unix:uid} of a file.
     *
     * @return this process's user id.
     * @throws IOException if it cannot be read.
     */
    public static int thisUsersUid() throws IOException
    {
        if (Files.isDirectory(SELF))
        {
            return (Integer)Files.getAttribute(SELF, "unix:uid");
        }
        // Elsewhere a file this process creates is its user's.
        final Path probe = Files.createTempFile("mp4j-uid", ".probe");
        try
        {
            return (Integer)Files.getAttribute(probe, "unix:uid", LinkOption.NOFOLLOW_LINKS);
        }
        finally
        {
            Files.delete(probe);
        }
    }

    /**
     * Whether attributes read without following a link, such as a {@link java.nio.file.SecureDirectoryStream}
     * reads them relative to an open directory, are those of a file this JVM's user owns.
     *
     * @param attributes the file's attributes.
     * @return true if its owner is this process's user.
     * @throws IOException if this process's user cannot be found.
     */
    public static boolean isThisUsers(final PosixFileAttributes attributes) throws IOException
    {
        return attributes.owner().equals(ThisUser.principal());
    }

    /** This process's user, looked up once. */
    private static final class ThisUser
    {
        private static volatile UserPrincipal principal;

        static UserPrincipal principal() throws IOException
        {
            UserPrincipal current = principal;
            if (current == null)
            {
                // Linux: /proc/self belongs to this process's user, even where the user has no name.
                current = Files.isDirectory(SELF) ?
                    Files.readAttributes(SELF, PosixFileAttributes.class).owner() :
                    SELF.getFileSystem().getUserPrincipalLookupService()
                        .lookupPrincipalByName(System.getProperty("user.name"));
                principal = current;
            }
            return current;
        }
    }
}
