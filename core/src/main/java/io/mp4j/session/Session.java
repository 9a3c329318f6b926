package io.mp4j.session;

import io.mp4j.Mp4jException;
import io.mp4j.SessionMissingException;
import io.mp4j.internal.Doorbell;
import io.mp4j.internal.FileTrees;
import io.mp4j.internal.Log;
import io.mp4j.internal.ProcessIdentity;
import io.mp4j.internal.ShutdownSequence;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A directory of shared files that a family of processes uses together: the process that creates it
 * owns it, its children attach to it. The owner removes it on {@link #close()} and when its JVM
 * exits; a session left behind by an owner that was killed is swept by the next session created
 * under the same root.
 * <p>
 * The directory is named {@code mp4j-<pid>-<start>-<seq>} so that anyone can tell from the name
 * which process owns it, and is readable and writable by the owning OS user only (0700, files
 * 0600). It lives under {@code /dev/shm} where that exists, so its files are memory, not disk.
 * <p>
 * A session is safe to use from any thread.
 */
public final class Session implements AutoCloseable
{
    /** System property naming the root directory under which sessions are created. */
    public static final String ROOT_PROPERTY = "mp4j.session.root";

    /**
     * System property that names the session a child JVM belongs to; it is set on every child's
     * command line so that {@link #current()} in the child attaches to its parent's session.
     */
    public static final String CURRENT_PROPERTY = "mp4j.session";

    /** Prefix of every session directory's name. */
    public static final String NAME_PREFIX = "mp4j-";

    private static final FileAttribute<Set<PosixFilePermission>> DIRECTORY_PERMISSIONS =
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------"));
    private static final FileAttribute<Set<PosixFilePermission>> FILE_PERMISSIONS =
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"));
    private static final AtomicInteger SEQUENCE = new AtomicInteger();
    private static final Set<Session> OWNED_OPEN = Collections.synchronizedSet(new LinkedHashSet<>());
    private static final AtomicInteger FILE_SEQUENCE = new AtomicInteger();
    static final String REMOVE_AT_END_PREFIX = "remove-at-end-";
    private static final String KEEPS_REGIONS_MARKER = "keeps-regions";

    private static Session current;

    private final Path directory;
    private final ProcessIdentity owner;
    private final boolean owned;
    private volatile boolean closed;
    private volatile Boolean keepsRegions;

    private Session(final Path directory, final ProcessIdentity owner, final boolean owned)
    {
        this.directory = directory;
        this.owner = owner;
        this.owned = owned;
    }

    /**
     * Creates a new session owned by this JVM under the default root, after sweeping sessions whose
     * owners have died.
     *
     * @return the new session.
     */
    public static Session create()
    {
        return create(defaultRoot());
    }

    /**
     * Creates a new session owned by this JVM under the given root, after sweeping sessions there
     * whose owners have died.
     *
     * @param root the directory to create the session in; created if missing.
     * @return the new session.
     */
    public static Session create(final Path root)
    {
        final ProcessIdentity self = ProcessIdentity.current();
        final String name = NAME_PREFIX + self.pid() + '-' + Long.toHexString(self.startEpochMilli()) + '-' +
            SEQUENCE.incrementAndGet();
        try
        {
            Files.createDirectories(root, DIRECTORY_PERMISSIONS);
            sweepStale(root);
            final Path directory = Files.createDirectory(root.resolve(name), DIRECTORY_PERMISSIONS);
            final Session session = new Session(directory, self, true);
            OWNED_OPEN.add(session);
            ShutdownHolder.ensureInstalled();
            return session;
        }
        catch (final IOException ex)
        {
            throw new Mp4jException("cannot create session: root=" + root + " name=" + name, ex);
        }
    }

    /**
     * Makes the regions created in this session from now on stay until the session's directory is removed, in
     * every process, instead of going when their last holder lets go: for objects found by name (a context's)
     * whose creator may exit before anyone else attaches.
     */
    public void keepRegions()
    {
        try
        {
            Files.createFile(directory.resolve(KEEPS_REGIONS_MARKER), FILE_PERMISSIONS);
        }
        catch (final FileAlreadyExistsException ex)
        {
            // Kept already.
        }
        catch (final IOException ex)
        {
            throw new Mp4jException("cannot mark session as keeping its regions: directory=" + directory, ex);
        }
        keepsRegions = Boolean.TRUE;
    }

    /**
     * Whether {@link #keepRegions()} was called on this session, by any process.
     *
     * @return true if its new regions stay until the session ends.
     */
    public boolean keepsRegions()
    {
        Boolean keeps = keepsRegions;
        if (keeps == null)
        {
            keeps = Files.exists(directory.resolve(KEEPS_REGIONS_MARKER), LinkOption.NOFOLLOW_LINKS);
            keepsRegions = keeps;
        }
        return keeps;
    }

    /**
     * Attaches to a session another process created; closing the attached session leaves the
     * directory in place for its owner.
     *
     * @param directory the session's directory.
     * @return the attached session.
     * @throws SessionMissingException if the directory does not exist or is not a session.
     */
    public static Session attach(final Path directory)
    {
        final Path name = directory.getFileName();
        final ProcessIdentity owner = name == null ? null : ownerNamed(name.toString());
        if (owner == null)
        {
            throw new SessionMissingException("not a session directory: path=" + directory);
        }
        if (!Files.isDirectory(directory))
        {
            throw new SessionMissingException("session directory does not exist: path=" + directory);
        }
        return new Session(directory, owner, false);
    }

    /**
     * The process a session directory's name says created it: the name is {@code mp4j-<pid>-<start time in
     * milliseconds, lower-case hex>-<sequence>}, as {@link #create()} makes it. Read without a regular
     * expression: a child JVM reads it on its way to its target, and {@code java.util.regex}'s first use costs
     * a fresh JVM about 2 ms.
     *
     * @param name a directory's name.
     * @return the creator, or null if the name is not a session's.
     */
    static ProcessIdentity ownerNamed(final String name)
    {
        if (!name.startsWith(NAME_PREFIX))
        {
            return null;
        }
        final int pidEnd = name.indexOf('-', NAME_PREFIX.length());
        final int startEnd = pidEnd < 0 ? -1 : name.indexOf('-', pidEnd + 1);
        if (startEnd < 0 ||
            !isDigits(name, NAME_PREFIX.length(), pidEnd, false) ||
            !isDigits(name, pidEnd + 1, startEnd, true) ||
            !isDigits(name, startEnd + 1, name.length(), false))
        {
            return null;
        }
        try
        {
            return new ProcessIdentity(
                Long.parseLong(name, NAME_PREFIX.length(), pidEnd, 10),
                Long.parseLong(name, pidEnd + 1, startEnd, 16));
        }
        catch (final NumberFormatException ex)
        {
            return null; // too many digits for a long: no process of ours is named so
        }
    }

    /** Whether {@code from .. to-1} is one or more ASCII digits, or lower-case hex digits. */
    private static boolean isDigits(final CharSequence text, final int from, final int to, final boolean hex)
    {
        if (from >= to)
        {
            return false;
        }
        for (int i = from; i < to; i++)
        {
            final char c = text.charAt(i);
            if (!(c >= '0' && c <= '9') && !(hex && c >= 'a' && c <= 'f'))
            {
                return false;
            }
        }
        return true;
    }

    /**
     * The session of this process family: in a child JVM the session its parent passed it, otherwise
     * a session this JVM creates on first use and removes when it exits.
     *
     * @return the current session, never closed.
     */
    public static synchronized Session current()
    {
        if (current == null || current.closed)
        {
            final String attached = System.getProperty(CURRENT_PROPERTY);
            current = attached != null ? attach(Paths.get(attached)) : create();
        }
        return current;
    }

    /**
     * The root under which sessions are created: the {@value #ROOT_PROPERTY} system property if set,
     * otherwise {@code /dev/shm} where it is a writable directory, otherwise the temp directory.
     *
     * @return the default session root.
     */
    public static Path defaultRoot()
    {
        final String configured = System.getProperty(ROOT_PROPERTY);
        if (configured != null && !configured.isBlank())
        {
            return Paths.get(configured);
        }

        final Path shm = Paths.get("/dev/shm");
        if (Files.isDirectory(shm) && Files.isWritable(shm))
        {
            return shm;
        }
        return Paths.get(System.getProperty("java.io.tmpdir"));
    }

    /**
     * Removes the session directories under a root whose owning process is gone and that belong to this
     * OS user. Directories of live owners or of other users, anything not named like a session, and a link
     * or a file named like one are left alone (the last two logged as a warning); a removal never follows a
     * link, even one swapped in while it runs.
     *
     * @param root the directory to sweep.
     * @return how many sessions were removed.
     */
    public static int sweepStale(final Path root)
    {
        return SessionSweep.sweep(root, Log.SESSION::log);
    }

    /**
     * The session's directory.
     *
     * @return the absolute path of the directory.
     */
    public Path directory()
    {
        return directory;
    }

    /**
     * The process that created, and will remove, this session.
     *
     * @return the owner's identity.
     */
    ProcessIdentity owner()
    {
        return owner;
    }

    /**
     * Whether this JVM created the session and so removes it on close.
     *
     * @return true for the owner's handle, false for an attached one.
     */
    public boolean isOwner()
    {
        return owned;
    }

    /**
     * Whether {@link #close()} has been called on this handle.
     *
     * @return true once closed.
     */
    public boolean isClosed()
    {
        return closed;
    }

    /**
     * The path of a file in this session, checking that the session still exists.
     *
     * @param name the file's name within the session directory.
     * @return the file's path.
     * @throws SessionMissingException if the session was closed or its directory removed.
     */
    public Path file(final String name)
    {
        ensureUsable();
        return directory.resolve(name);
    }

    /**
     * A file name that no other process of this family will choose: it carries this JVM's pid.
     *
     * @param prefix what the file is, e.g. {@code "child"}.
     * @return a name such as {@code child-1234-7}.
     */
    public String uniqueName(final String prefix)
    {
        return prefix + '-' + ProcessIdentity.current().pid() + '-' + FILE_SEQUENCE.incrementAndGet();
    }

    /**
     * Writes a whole file in this session so that readers never see it half-written: the bytes go to
     * a temporary file (0600) that is then renamed into place.
     *
     * @param name  the file's name within the session directory.
     * @param bytes its contents.
     * @return the file's path.
     */
    public Path writeAtomically(final String name, final byte[] bytes)
    {
        final Path target = file(name);
        final Path temporary = directory.resolve(name + ".tmp");
        try
        {
            Files.deleteIfExists(temporary);
            Files.createFile(temporary, FILE_PERMISSIONS);
            Files.write(temporary, bytes);
            return Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        }
        catch (final NoSuchFileException ex)
        {
            throw missing(ex);
        }
        catch (final IOException ex)
        {
            throw new Mp4jException("cannot write session file: path=" + target, ex);
        }
    }

    /**
     * Creates an empty file in this session, readable and writable by this OS user only.
     *
     * @param name the file's name within the session directory.
     * @return the new file's path.
     */
    public Path createFile(final String name)
    {
        final Path path = file(name);
        try
        {
            return Files.createFile(path, FILE_PERMISSIONS);
        }
        catch (final NoSuchFileException ex)
        {
            throw missing(ex);
        }
        catch (final IOException ex)
        {
            throw new Mp4jException("cannot create session file: path=" + path, ex);
        }
    }

    /**
     * Asks the session to remove a file that lives outside it when the session ends (its owner closes
     * it or exits, or a later session sweeps it after the owner was killed), unless the file was removed
     * or replaced by then: Python's resource tracker for shared memory. Any process of the family may
     * call it; the removal is logged as a warning, since it means nobody removed the file.
     *
     * @param file        the outside file, which must exist.
     * @param description what the file is, for the warning, e.g. {@code shared memory block name=frame}.
     */
    public void removeAtEnd(final Path file, final String description)
    {
        final Path absolute = file.toAbsolutePath();
        writeAtomically(REMOVE_AT_END_PREFIX + absolute.getFileName(),
            (absolute + "\n" + fileKey(absolute) + "\n" + description).getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Withdraws a {@link #removeAtEnd(Path, String)} request for a file that is still there and about to be
     * removed on purpose; a request for another file of the same name stays.
     *
     * @param file the outside file.
     */
    public void keepAtEnd(final Path file)
    {
        final Path absolute = file.toAbsolutePath();
        final Path request = directory.resolve(REMOVE_AT_END_PREFIX + absolute.getFileName());
        try
        {
            final String[] lines = Files.readString(request, StandardCharsets.UTF_8).split("\n", 3);
            if (lines.length == 3 && lines[0].equals(absolute.toString()) && lines[1].equals(fileKey(absolute)))
            {
                Files.deleteIfExists(request);
            }
        }
        catch (final IOException ex)
        {
            // No request, or the session is gone: the session's end checks the file's identity anyway.
        }
    }

    /**
     * Closes this handle. The owner's close removes the directory and everything in it; an attached
     * handle's close leaves them. Idempotent.
     */
    @Override
    public void close()
    {
        if (closed)
        {
            return;
        }
        closed = true;

        if (owned)
        {
            OWNED_OPEN.remove(this);
            SessionSweep.removeFilesOutside(directory);
            Doorbell.closeDirectory(directory.toAbsolutePath());
            FileTrees.delete(directory);
        }
    }

    @Override
    public String toString()
    {
        return "Session{directory=" + directory + ", owner=" + owner.pid() + ", owned=" + owned + '}';
    }

    private void ensureUsable()
    {
        if (closed)
        {
            throw new SessionMissingException("session is closed: path=" + directory);
        }
        if (!Files.isDirectory(directory))
        {
            throw new SessionMissingException("session directory vanished: path=" + directory +
                " owner=" + owner.pid() + " ownerAlive=" + owner.isAlive());
        }
    }

    private SessionMissingException missing(final IOException cause)
    {
        final SessionMissingException ex = new SessionMissingException(
            "session directory vanished: path=" + directory + " owner=" + owner.pid() +
            " ownerAlive=" + owner.isAlive());
        ex.initCause(cause);
        return ex;
    }

    static String fileKey(final Path file)
    {
        try
        {
            return String.valueOf(Files.readAttributes(file, BasicFileAttributes.class).fileKey());
        }
        catch (final IOException ex)
        {
            return "missing";
        }
    }

    /** Removes, at JVM exit, the sessions this JVM owns and has not closed. */
    private static final class ShutdownHolder
    {
        static
        {
            // The step runs at JVM exit, when a launcher such as mvn exec:java may have closed the class
            // loader that loaded mp4j: load now the class that removes the files, which a run need not use.
            FileTrees.preload();
            ShutdownSequence.add(ShutdownSequence.SESSIONS, "remove sessions", ShutdownHolder::closeAll);
        }

        static void ensureInstalled()
        {
            // Loading this class installs the step exactly once.
        }

        private static void closeAll()
        {
            final Session[] sessions;
            synchronized (OWNED_OPEN)
            {
                sessions = OWNED_OPEN.toArray(new Session[0]);
            }
            for (final Session session : sessions)
            {
                session.close();
            }
        }
    }
}
