package io.mp4j.host.internal;

import io.mp4j.Mp4jException;
import io.mp4j.host.UntrustedHostException;
import io.mp4j.internal.FileOwners;
import io.mp4j.internal.region.Region;
import io.mp4j.session.Session;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A worker host's registration: the file {@code mp4j-host-<name>} under the session root, naming the
 * host's session directory and pid on two lines, on which the host holds an exclusive lock while it runs.
 * <p>
 * The root ({@code /dev/shm}) is shared by every user of the machine, so neither side trusts what it finds
 * there. The host never opens the registration's path for writing: it writes the file in its own session
 * and links it into place, or renames it over a stale registration that is its own user's regular file,
 * so a link planted at the path is never followed; anything else there is refused, naming what it is. A
 * client reads only a registration, session directory and control region that are its own user's and
 * owner-only. Registered and closed by the host's starting thread; read by any client.
 */
public final class HostRegistration implements AutoCloseable
{
    private static final int ATTEMPTS = 3;
    private static final int MAX_LENGTH = 64 * 1024;
    private static final Set<PosixFilePermission> OPEN_TO_OTHERS = EnumSet.of(
        PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_EXECUTE,
        PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_EXECUTE);
    private static final FileAttribute<Set<PosixFilePermission>> OWNER_ONLY =
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"));

    /**
     * Registrations this JVM holds, by file. Closing any descriptor of a locked file drops the process's
     * lock on it, so this JVM never opens a registration it holds: it answers from here.
     */
    private static final Map<Path, HostRegistration> HELD = new ConcurrentHashMap<>();

    private final Path file;
    private final Object fileKey;
    private final FileChannel channel;
    private final Contents contents;
    private boolean closed;

    /**
     * What a registration says.
     *
     * @param sessionDirectory the host's session directory.
     * @param hostPid          the host's pid.
     */
    public record Contents(Path sessionDirectory, long hostPid)
    {
    }

    private HostRegistration(final Path file, final Object fileKey, final FileChannel channel, final Contents contents)
    {
        this.file = file;
        this.fileKey = fileKey;
        this.channel = channel;
        this.contents = contents;
    }

    /**
     * Registers a host under a name, naming its session; the registration stays locked until closed.
     *
     * @param name    the host's name.
     * @param session the host's own session, where the registration is written before it is linked into place.
     * @return the registration, to close when the host stops.
     * @throws Mp4jException if a host of that name runs, or the path holds anything but a stale registration
     *                       of this user's: the message says what it found and whose it is.
     */
    public static HostRegistration register(final String name, final Session session)
    {
        final Path file = HostDescriptor.registrationOf(name);
        try
        {
            final int uid = FileOwners.thisUsersUid();
            final Contents contents = new Contents(session.directory(), ProcessHandle.current().pid());
            for (int attempt = 0; attempt < ATTEMPTS; attempt++)
            {
                final HostRegistration held = heldOrNull(file);
                if (held != null)
                {
                    throw new Mp4jException("a worker host of that name is already running: name=" + name +
                        " pid=" + held.contents.hostPid());
                }
                final HostRegistration registration = tryRegister(name, file, session, contents, uid);
                if (registration != null)
                {
                    HELD.put(file, registration);
                    return registration;
                }
            }
            throw new Mp4jException("cannot register worker host: name=" + name + " file=" + file +
                " (it changed under each of " + ATTEMPTS + " attempts)");
        }
        catch (final IOException ex)
        {
            throw new Mp4jException("cannot register worker host: name=" + name + " file=" + file + " error=" + ex, ex);
        }
    }

    /** One attempt; null if what was at the path changed between looking at it and replacing it. */
    private static HostRegistration tryRegister(
        final String name, final Path file, final Session session, final Contents contents, final int uid)
        throws IOException
    {
        final Map<String, Object> found = attributesOrNull(file);
        FileChannel stale = null;
        try
        {
            if (found != null)
            {
                final String foreign = foreignness(file, found, false, uid);
                if (foreign != null)
                {
                    throw new Mp4jException("cannot register worker host: name=" + name + " file=" + file + " " +
                        foreign + (isSymbolicLink(found) ? " (mp4j never writes through a link: remove it, or " +
                        "choose another name)" : " (remove it, or choose another name)"));
                }
                try
                {
                    // Opened to lock it, never written: write access is what an exclusive lock needs.
                    stale = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE,
                        LinkOption.NOFOLLOW_LINKS);
                }
                catch (final NoSuchFileException ex)
                {
                    return null; // removed since we looked
                }
                if (!tryLock(stale))
                {
                    throw new Mp4jException("a worker host of that name is already running: name=" + name +
                        " pid=" + pidIn(stale));
                }
                if (!found.get("fileKey").equals(fileKeyOrNull(file)))
                {
                    return null; // replaced while we locked it
                }
            }

            final Path written = session.file(session.uniqueName("registration"));
            final FileChannel channel = FileChannel.open(written, Set.of(StandardOpenOption.CREATE_NEW,
                StandardOpenOption.READ, StandardOpenOption.WRITE), OWNER_ONLY);
            boolean registered = false;
            try
            {
                channel.write(ByteBuffer.wrap((contents.sessionDirectory() + "\n" + contents.hostPid() + "\n")
                    .getBytes(StandardCharsets.UTF_8)), 0);
                channel.force(true);
                channel.lock(); // a new file: nobody else holds it, and the lock goes with the inode
                final Object key = fileKeyOrNull(written);
                if (stale == null)
                {
                    Files.createLink(file, written); // fails if anything, even a dangling link, is there now
                }
                else
                {
                    // Replaces the stale registration's entry; what it held is never opened for writing.
                    Files.move(written, file, StandardCopyOption.ATOMIC_MOVE);
                }
                registered = true;
                return new HostRegistration(file, key, channel, contents);
            }
            catch (final FileAlreadyExistsException ex)
            {
                return null;
            }
            finally
            {
                Files.deleteIfExists(written);
                if (!registered)
                {
                    channel.close();
                }
            }
        }
        finally
        {
            if (stale != null)
            {
                stale.close(); // releases the stale file's lock
            }
        }
    }

    /**
     * Reads the registration of the host of a name, after checking that it, the session directory it
     * names and the host's control region there are this user's own and owner-only.
     *
     * @param name the host's name.
     * @return what the registration says.
     * @throws UntrustedHostException if one of them is not: the message names what it found and its owner.
     * @throws Mp4jException          if no host of that name is registered, or the registration cannot be read.
     */
    public static Contents read(final String name)
    {
        final Path file = HostDescriptor.registrationOf(name);
        try
        {
            final HostRegistration held = heldOrNull(file);
            if (held != null)
            {
                return held.contents;
            }
            final int uid = FileOwners.thisUsersUid();
            final Map<String, Object> found = attributesOrNull(file);
            if (found == null)
            {
                throw new NoSuchFileException(file.toString());
            }
            checkTrusted(name, "registration", file, found, false, uid);
            final String[] lines;
            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS))
            {
                lines = readText(channel).split("\n");
            }
            final Contents contents = parse(lines);
            if (contents == null)
            {
                throw new Mp4jException("worker host registration is incomplete: file=" + file);
            }

            final Path control = contents.sessionDirectory().resolve(HostDescriptor.CONTROL_REGION + Region.FILE_SUFFIX);
            for (final Path part : new Path[]{contents.sessionDirectory(), control})
            {
                // A part that is gone is a host that is gone: attaching says so.
                final Map<String, Object> partFound = attributesOrNull(part);
                if (partFound != null)
                {
                    checkTrusted(name, part == control ? "controlRegion" : "session", part, partFound,
                        part != control, uid);
                }
            }
            return contents;
        }
        catch (final NoSuchFileException ex)
        {
            throw new Mp4jException("no worker host of that name is running: file=" + file);
        }
        catch (final IOException ex)
        {
            throw new Mp4jException("cannot read worker host registration: file=" + file + " error=" + ex, ex);
        }
    }

    /** Removes the registration if it is still this one, and releases its lock. Idempotent. */
    @Override
    public void close()
    {
        if (closed)
        {
            return;
        }
        closed = true;
        HELD.remove(file, this);
        try
        {
            if (fileKey.equals(fileKeyOrNull(file)))
            {
                Files.deleteIfExists(file);
            }
        }
        catch (final IOException ex)
        {
            // A stale registration is taken over by the next host of this name.
        }
        finally
        {
            try
            {
                channel.close();
            }
            catch (final IOException ex)
            {
                // The lock goes with the channel.
            }
        }
    }

    /** The registration this JVM holds at the path, if it is still the one there. */
    private static HostRegistration heldOrNull(final Path file) throws IOException
    {
        final HostRegistration held = HELD.get(file);
        return held != null && held.fileKey.equals(fileKeyOrNull(file)) ? held : null;
    }

    private static void checkTrusted(
        final String name, final String what, final Path path, final Map<String, Object> found,
        final boolean directory, final int uid)
    {
        String problem = foreignness(path, found, directory, uid);
        if (problem == null)
        {
            @SuppressWarnings("unchecked")
            final Set<PosixFilePermission> permissions = (Set<PosixFilePermission>)found.get("permissions");
            if (!Collections.disjoint(permissions, OPEN_TO_OTHERS))
            {
                problem = "is open to other users (" + PosixFilePermissions.toString(permissions) + "), owned by " +
                    owner(found);
            }
        }
        if (problem != null)
        {
            throw new UntrustedHostException("refusing worker host: name=" + name + " " + what + "=" + path + " " +
                problem + "; this client (uid " + uid + ") attaches only to a host whose registration, session " +
                "and control region are its own user's, owner-only");
        }
    }

    /** Why a path is not this user's own regular file (or directory), naming its owner; null if it is. */
    private static String foreignness(
        final Path path, final Map<String, Object> found, final boolean directory, final int uid)
    {
        if (isSymbolicLink(found))
        {
            String target;
            try
            {
                target = Files.readSymbolicLink(path).toString();
            }
            catch (final IOException ex)
            {
                target = "? (" + ex + ")";
            }
            return "is a symbolic link to " + target + ", owned by " + owner(found);
        }
        if (!(Boolean)found.get(directory ? "isDirectory" : "isRegularFile"))
        {
            return "is not a " + (directory ? "directory" : "regular file") + " but a " + kind(found) +
                ", owned by " + owner(found);
        }
        if ((Integer)found.get("uid") != uid)
        {
            return "is owned by " + owner(found);
        }
        return null;
    }

    private static boolean isSymbolicLink(final Map<String, Object> found)
    {
        return (Boolean)found.get("isSymbolicLink");
    }

    private static String kind(final Map<String, Object> found)
    {
        return (Boolean)found.get("isDirectory") ? "directory" : (Boolean)found.get("isRegularFile") ?
            "regular file" : "special file";
    }

    private static String owner(final Map<String, Object> found)
    {
        return "user " + ((UserPrincipal)found.get("owner")).getName() + " (uid " + found.get("uid") + ")";
    }

    /** The file's own attributes (of a link, not its target), or null if there is nothing at the path. */
    private static Map<String, Object> attributesOrNull(final Path path) throws IOException
    {
        try
        {
            return Files.readAttributes(path, "unix:*", LinkOption.NOFOLLOW_LINKS);
        }
        catch (final NoSuchFileException ex)
        {
            return null;
        }
    }

    private static Object fileKeyOrNull(final Path path) throws IOException
    {
        try
        {
            return Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey();
        }
        catch (final NoSuchFileException ex)
        {
            return null;
        }
    }

    /** Locks a registration found at the path: false if its host is alive (in this JVM or another). */
    private static boolean tryLock(final FileChannel channel) throws IOException
    {
        try
        {
            return channel.tryLock() != null;
        }
        catch (final OverlappingFileLockException ex)
        {
            return false;
        }
    }

    private static String pidIn(final FileChannel channel)
    {
        try
        {
            final Contents contents = parse(readText(channel).split("\n"));
            return contents == null ? "?" : Long.toString(contents.hostPid());
        }
        catch (final IOException ex)
        {
            return "?";
        }
    }

    private static String readText(final FileChannel channel) throws IOException
    {
        final ByteBuffer bytes = ByteBuffer.allocate((int)Math.min(MAX_LENGTH, channel.size()));
        while (bytes.hasRemaining() && channel.read(bytes, bytes.position()) > 0)
        {
            // Read on to the end, or to the most a registration holds.
        }
        return new String(bytes.array(), 0, bytes.position(), StandardCharsets.UTF_8);
    }

    private static Contents parse(final String[] lines)
    {
        if (lines.length < 2 || lines[0].isEmpty())
        {
            return null;
        }
        try
        {
            return new Contents(Path.of(lines[0]), Long.parseLong(lines[1].trim()));
        }
        catch (final RuntimeException ex)
        {
            return null;
        }
    }
}
