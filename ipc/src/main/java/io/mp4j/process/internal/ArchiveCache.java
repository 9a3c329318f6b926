package io.mp4j.process.internal;

import io.mp4j.internal.FileTrees;
import io.mp4j.internal.ProcessIdentity;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.CRC32C;

/**
 * The directory that keeps children's class-data archives, one entry per key, shared by every JVM of
 * this OS user. Layout:
 * <pre>
 *   mp4j-cds-&lt;user&gt;/                  0700, owned by this user, writable by no one else
 *     &lt;key&gt;/                          a complete entry; it appears by one atomic rename
 *       classes.jsa                  the archive the JDK wrote
 *       classes.sum                  its size and CRC-32C, checked before a JVM maps it
 *       key.txt                      what the key is a hash of, for people
 *       targets.txt                  the classes of children's targets the archive holds, one a line
 *     &lt;key&gt;.failed                   the build of this key failed: why, and the build's output
 *     &lt;key&gt;.tmp-&lt;pid&gt;-&lt;start&gt;-&lt;n&gt;/   a build in progress
 *     &lt;name&gt;.del-&lt;pid&gt;-&lt;start&gt;-&lt;n&gt;    an entry being removed
 * </pre>
 * A JVM that maps a truncated archive can crash, and one that maps a damaged one can misbehave, so no
 * archive reaches a child before its checksum has been checked in this JVM (once, and again whenever
 * the file changes). Entries are only ever added by rename and removed by rename-then-delete, so
 * concurrent builders and readers, in any number of JVMs, never see half an entry; an entry rebuilt for
 * more target classes replaces the old one by two renames, between which a reader sees none, and a
 * child started from the old one just before may map the new one, as complete as any installed entry.
 * A reader that finds an entry damaged removes it only if it is still the directory it looked at.
 * Builders of one key let the first by name go on ({@link #leadingBuild(String)}) and wait for it; two
 * that look before seeing each other's build may both go on, and the first installed is kept (a rebuild
 * replaces an entry only if it holds the entry's target classes). A temporary
 * directory whose process has died is removed by the next JVM that opens the cache. The least recently
 * used entries beyond {@value #MAX_ENTRIES} are removed. Safe to use from any thread.
 */
final class ArchiveCache
{
    static final String ARCHIVE_FILE = "classes.jsa";
    static final String CHECKSUM_FILE = "classes.sum";
    static final String KEY_FILE = "key.txt";
    static final String TARGETS_FILE = "targets.txt";
    static final String BUILD_LOG_FILE = "build.log";
    static final String FAILED_SUFFIX = ".failed";
    static final String BUILD_INFIX = ".tmp-";
    static final String REMOVAL_INFIX = ".del-";

    /** How many entries (archives and failure records) the cache keeps. */
    static final int MAX_ENTRIES = 16;

    /** How long a failed build keeps its key from being built again: a failure may be the machine's. */
    static final Duration FAILURE_HOLD = Duration.ofHours(1);

    private static final int LOG_TAIL_BYTES = 4096;
    private static final long BUILD_POLL_MILLIS = 50;
    private static final Pattern TEMPORARY_PATTERN = Pattern.compile(".*\\.(?:tmp|del)-(\\d+)-([0-9a-f]+)-\\d+");
    private static final Pattern CHECKSUM_PATTERN = Pattern.compile("size=(\\d+) crc32c=([0-9a-f]{8})\\s*");
    private static final FileAttribute<Set<PosixFilePermission>> OWNER_ONLY =
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------"));
    private static final Path PROC_SELF = Path.of("/proc/self");
    private static final Map<Path, ArchiveCache> OPEN = new ConcurrentHashMap<>();
    private static final AtomicInteger TEMPORARY_SEQUENCE = new AtomicInteger();

    private final Path directory;
    /** The directory's identity when it was checked: a directory removed and made again is checked anew. */
    private final Object directoryKey;
    private final Map<String, Checked> checked = new ConcurrentHashMap<>();

    /** An archive file as it was when its checksum matched. */
    private record Checked(long size, FileTime modified, Object fileKey)
    {
        static Checked of(final BasicFileAttributes attributes)
        {
            return new Checked(attributes.size(), attributes.lastModifiedTime(), attributes.fileKey());
        }
    }

    private ArchiveCache(final Path directory, final Object directoryKey)
    {
        this.directory = directory;
        this.directoryKey = directoryKey;
    }

    /**
     * The cache in a directory, created (0700) if missing. The directory is checked at every open, as
     * it may have been removed and made again by someone else since the last; the first open of a
     * directory in a JVM removes temporary directories of dead processes.
     *
     * @param directory the cache directory.
     * @return the cache, or empty if the directory cannot be used safely: not a directory, owned by
     *         another user, writable by others, or on a file system without POSIX permissions.
     */
    static Optional<ArchiveCache> open(final Path directory)
    {
        final Path absolute = directory.toAbsolutePath().normalize();
        final Optional<Object> directoryKey = safeDirectoryKey(absolute);
        if (directoryKey.isEmpty())
        {
            return Optional.empty();
        }
        final ArchiveCache known = OPEN.get(absolute);
        if (known != null && known.directoryKey.equals(directoryKey.get()))
        {
            return Optional.of(known);
        }
        final ArchiveCache cache = new ArchiveCache(absolute, directoryKey.get());
        cache.removeAbandonedBuilds();
        OPEN.put(absolute, cache);
        return Optional.of(cache);
    }

    /**
     * The cache's directory.
     *
     * @return an absolute path.
     */
    Path directory()
    {
        return directory;
    }

    /**
     * The archive of a key, if there is one whose checksum matches; a damaged entry is removed.
     *
     * @param key the archive's key.
     * @return the archive file, checked.
     */
    Optional<Path> archive(final String key)
    {
        final Path entry = directory.resolve(key);
        final Path archive = entry.resolve(ARCHIVE_FILE);
        Object entryKey = null;
        final BasicFileAttributes attributes;
        try
        {
            entryKey = Files.readAttributes(entry, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey();
            attributes = Files.readAttributes(archive, BasicFileAttributes.class);
        }
        catch (final NoSuchFileException ex)
        {
            checked.remove(key);
            if (entryKey != null)
            {
                removeIfUnchanged(entry, entryKey); // an entry whose archive went (a temp-file cleaner): built again
            }
            return Optional.empty();
        }
        catch (final IOException ex)
        {
            checked.remove(key);
            return Optional.empty();
        }

        final Checked now = Checked.of(attributes);
        if (now.equals(checked.get(key)))
        {
            return Optional.of(archive);
        }
        if (checksumMatches(entry, archive, attributes.size()))
        {
            checked.put(key, now);
            touch(entry);
            return Optional.of(archive);
        }
        checked.remove(key);
        removeIfUnchanged(entry, entryKey);
        return Optional.empty();
    }

    /**
     * Removes an entry that was found damaged, unless a rebuilt entry replaced it since it was looked at:
     * it is renamed away first, and put back if what was renamed is not the directory that was looked at.
     */
    void removeIfUnchanged(final Path entry, final Object entryKey)
    {
        final Path doomed = renameAside(entry).orElse(null);
        if (doomed == null)
        {
            return;
        }
        try
        {
            if (!entryKey.equals(Files.readAttributes(doomed, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey()))
            {
                Files.move(doomed, entry, StandardCopyOption.ATOMIC_MOVE);
                return;
            }
        }
        catch (final IOException ex)
        {
            // Yet another entry took the place meanwhile: that one stays, this one goes.
        }
        deleteRecursively(doomed);
    }

    /**
     * Whether a build of this key failed within the last {@link #FAILURE_HOLD}; such a key is not built
     * again until the hold has passed or the record is evicted or removed.
     *
     * @param key the archive's key.
     * @return true if a recent failure record exists.
     */
    boolean hasFailed(final String key)
    {
        final FileTime recorded = lastModified(directory.resolve(key + FAILED_SUFFIX));
        // A record from the future (a clock set back) holds no longer than one from now.
        return Math.abs(System.currentTimeMillis() - recorded.toMillis()) < FAILURE_HOLD.toMillis();
    }

    /**
     * The build of this key that should go on: the first by name among the builds of live processes
     * (a build made after this look may come first by name; see the class comment). Builds of dead processes are removed on the way.
     *
     * @param key the archive's key.
     * @return the leading build directory, or empty if there is none.
     */
    Optional<Path> leadingBuild(final String key)
    {
        Path leader = null;
        try (DirectoryStream<Path> builds = Files.newDirectoryStream(directory, key + BUILD_INFIX + '*'))
        {
            for (final Path build : builds)
            {
                final Optional<ProcessIdentity> owner = ownerOf(build);
                if (owner.isEmpty() || !owner.get().isAlive())
                {
                    deleteRecursively(build);
                }
                else if (leader == null || build.getFileName().toString().compareTo(leader.getFileName().toString()) < 0)
                {
                    leader = build;
                }
            }
        }
        catch (final IOException ex)
        {
            return Optional.empty();
        }
        return Optional.ofNullable(leader);
    }

    /**
     * Waits while a build directory exists and its process lives.
     *
     * @param build         a directory from {@link #leadingBuild(String)}.
     * @param deadlineNanos when to stop waiting, on the {@link System#nanoTime()} clock.
     * @param giveUp        whether to stop waiting now, asked at every look.
     * @throws InterruptedException if the calling thread is interrupted while waiting.
     */
    void awaitBuild(final Path build, final long deadlineNanos, final BooleanSupplier giveUp) throws InterruptedException
    {
        final Optional<ProcessIdentity> owner = ownerOf(build);
        while (Files.exists(build) && owner.isPresent() && owner.get().isAlive() &&
            System.nanoTime() < deadlineNanos && !giveUp.getAsBoolean())
        {
            Thread.sleep(BUILD_POLL_MILLIS);
        }
    }

    /**
     * Creates the temporary directory of a new build (0700), named after this process.
     *
     * @param key the archive's key.
     * @return the new directory.
     * @throws IOException if it cannot be created.
     */
    Path newBuild(final String key) throws IOException
    {
        return Files.createDirectory(directory.resolve(temporaryName(key, BUILD_INFIX)), OWNER_ONLY);
    }

    /**
     * The classes of children's targets a key's archive was trained with.
     *
     * @param key the archive's key.
     * @return the class names; empty if there is no entry, or it names none.
     */
    Set<String> targetClasses(final String key)
    {
        try
        {
            final Set<String> names = new TreeSet<>(
                Files.readAllLines(directory.resolve(key).resolve(TARGETS_FILE), StandardCharsets.UTF_8));
            names.remove("");
            return names;
        }
        catch (final IOException | UncheckedIOException ex)
        {
            return Set.of();
        }
    }

    /**
     * Turns a finished build into the key's entry: writes the archive's checksum, the key's text and the
     * target classes next to it, then renames the build directory into place. Unless it replaces the
     * key's entry, the first build to be installed wins and a later one is deleted. A replacing build
     * renames the entry aside, itself into place, and then deletes the old one; it is deleted instead if
     * the entry holds target classes it lacks (another process replaced it meanwhile).
     *
     * @param key     the archive's key.
     * @param build   a directory from {@link #newBuild(String)} holding {@value #ARCHIVE_FILE}.
     * @param keyText what the key is a hash of.
     * @param targets the classes of children's targets the archive was trained with.
     * @param replace whether the build replaces the key's entry, if it has one.
     * @return true if this build is the key's entry now, or (not replacing) an earlier one is.
     * @throws IOException if the archive cannot be read or the files cannot be written.
     */
    boolean install(final String key, final Path build, final String keyText, final List<String> targets,
        final boolean replace) throws IOException
    {
        if (replace && !targets.containsAll(targetClasses(key)))
        {
            deleteRecursively(build);
            return false;
        }
        final Path archive = build.resolve(ARCHIVE_FILE);
        final long size = Files.size(archive);
        Files.deleteIfExists(build.resolve(BUILD_LOG_FILE));
        Files.writeString(build.resolve(CHECKSUM_FILE), checksumLine(size, crc32c(archive)), StandardCharsets.US_ASCII);
        Files.writeString(build.resolve(KEY_FILE), keyText, StandardCharsets.UTF_8);
        Files.write(build.resolve(TARGETS_FILE), targets, StandardCharsets.UTF_8);

        final Path entry = directory.resolve(key);
        final Path replaced =
            replace && Files.isDirectory(entry, LinkOption.NOFOLLOW_LINKS) ? renameAside(entry).orElse(null) : null;
        try
        {
            Files.move(build, entry, StandardCopyOption.ATOMIC_MOVE);
        }
        catch (final IOException ex)
        {
            // Another process installed this key first; its entry is as good as this one.
            deleteRecursively(build);
            return !replace && archive(key).isPresent();
        }
        finally
        {
            if (replaced != null)
            {
                deleteRecursively(replaced);
            }
        }
        Files.deleteIfExists(directory.resolve(key + FAILED_SUFFIX));
        evictLeastRecentlyUsed();
        return true;
    }

    /**
     * Records that a build failed, with the build's output, so that no JVM tries the key again, and
     * deletes the build.
     *
     * @param key    the archive's key.
     * @param build  the build's temporary directory.
     * @param reason what went wrong, as {@code key=value} facts.
     */
    void recordFailure(final String key, final Path build, final String reason)
    {
        try
        {
            final StringBuilder text = new StringBuilder(reason).append('\n');
            final Path log = build.resolve(BUILD_LOG_FILE);
            if (Files.exists(log))
            {
                text.append("--- end of the build's output ---\n").append(tail(log));
            }
            final Path record = build.resolve(key + FAILED_SUFFIX);
            Files.writeString(record, text, StandardCharsets.UTF_8);
            Files.move(record, directory.resolve(key + FAILED_SUFFIX),
                StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        }
        catch (final IOException ex)
        {
            // Without the record the key is merely tried again by the next JVM.
        }
        finally
        {
            deleteRecursively(build);
        }
    }

    /**
     * Removes a file or directory of the cache so that no reader sees it half-removed: it is renamed to
     * a temporary name of this process first, then deleted.
     *
     * @param path an entry or a build directory.
     */
    void remove(final Path path)
    {
        renameAside(path).ifPresent(ArchiveCache::deleteRecursively);
    }

    /**
     * The first step of a removal: renames a file or directory of the cache to a temporary name of this
     * process, which no reader looks at.
     *
     * @return the new name, or empty if it is already gone or being removed by another process.
     */
    private Optional<Path> renameAside(final Path path)
    {
        final Path doomed = directory.resolve(temporaryName(path.getFileName().toString(), REMOVAL_INFIX));
        try
        {
            Files.move(path, doomed, StandardCopyOption.ATOMIC_MOVE);
            return Optional.of(doomed);
        }
        catch (final IOException ex)
        {
            return Optional.empty();
        }
    }

    @Override
    public String toString()
    {
        return "ArchiveCache{directory=" + directory + '}';
    }

    static String checksumLine(final long size, final int crc)
    {
        return "size=" + size + " crc32c=" + String.format("%08x", crc) + '\n';
    }

    static int crc32c(final Path file) throws IOException
    {
        final CRC32C crc = new CRC32C();
        final ByteBuffer buffer = ByteBuffer.allocateDirect(1 << 16);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ))
        {
            while (channel.read(buffer) != -1)
            {
                buffer.flip();
                crc.update(buffer);
                buffer.clear();
            }
        }
        return (int)crc.getValue();
    }

    /** Removes a tree of the cache; what cannot be removed now is left for the next JVM that opens it. */
    static void deleteRecursively(final Path path)
    {
        try
        {
            FileTrees.delete(path);
        }
        catch (final UncheckedIOException ex)
        {
            // Left for the next JVM that opens the cache: it removes temporary directories of dead processes.
        }
    }

    /** The directory's file key if it is safe to use, made (0700) if missing. */
    private static Optional<Object> safeDirectoryKey(final Path directory)
    {
        try
        {
            if (directory.getParent() != null)
            {
                Files.createDirectories(directory.getParent());
            }
            try
            {
                Files.createDirectory(directory, OWNER_ONLY);
            }
            catch (final FileAlreadyExistsException ex)
            {
                // Made by an earlier JVM (or by someone else: checked below).
            }
            final PosixFileAttributes attributes =
                Files.readAttributes(directory, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            final Set<PosixFilePermission> permissions = attributes.permissions();
            final boolean safe = attributes.isDirectory() &&
                isOwnedByThisUser(directory) &&
                !permissions.contains(PosixFilePermission.GROUP_WRITE) &&
                !permissions.contains(PosixFilePermission.OTHERS_WRITE) &&
                attributes.fileKey() != null;
            return safe ? Optional.of(attributes.fileKey()) : Optional.empty();
        }
        catch (final IOException | UnsupportedOperationException | IllegalArgumentException | SecurityException ex)
        {
            return Optional.empty();
        }
    }

    /**
     * Whether this process's user owns a file, by numeric user id where the system has {@code /proc}:
     * {@code user.name} can be set on the command line, and is {@code ?} for a user id without a name
     * (as in many containers). This process's id is that of its {@code /proc/self}; without one (macOS,
     * the BSDs) the owner's name is compared with {@code user.name}.
     */
    private static boolean isOwnedByThisUser(final Path file) throws IOException
    {
        if (Files.isDirectory(PROC_SELF))
        {
            final Object owner = Files.getAttribute(file, "unix:uid", LinkOption.NOFOLLOW_LINKS);
            return owner.equals(Files.getAttribute(PROC_SELF, "unix:uid"));
        }
        return Files.getOwner(file, LinkOption.NOFOLLOW_LINKS).getName().equals(System.getProperty("user.name"));
    }

    private static boolean checksumMatches(final Path entry, final Path archive, final long size)
    {
        try
        {
            final Matcher recorded = CHECKSUM_PATTERN.matcher(
                Files.readString(entry.resolve(CHECKSUM_FILE), StandardCharsets.US_ASCII));
            return recorded.matches() &&
                Long.parseLong(recorded.group(1)) == size &&
                Integer.parseUnsignedInt(recorded.group(2), 16) == crc32c(archive);
        }
        catch (final IOException | NumberFormatException ex)
        {
            return false;
        }
    }

    private static void touch(final Path entry)
    {
        try
        {
            Files.setLastModifiedTime(entry, FileTime.fromMillis(System.currentTimeMillis()));
        }
        catch (final IOException ex)
        {
            // Only eviction order suffers.
        }
    }

    private static String temporaryName(final String prefix, final String infix)
    {
        final ProcessIdentity self = ProcessIdentity.current();
        return prefix + infix + self.pid() + '-' + Long.toHexString(self.startEpochMilli()) + '-' +
            TEMPORARY_SEQUENCE.incrementAndGet();
    }

    static boolean isTemporary(final Path path)
    {
        return TEMPORARY_PATTERN.matcher(path.getFileName().toString()).matches();
    }

    private static Optional<ProcessIdentity> ownerOf(final Path temporary)
    {
        final Matcher matcher = TEMPORARY_PATTERN.matcher(temporary.getFileName().toString());
        if (!matcher.matches())
        {
            return Optional.empty();
        }
        return Optional.of(new ProcessIdentity(Long.parseLong(matcher.group(1)), Long.parseLong(matcher.group(2), 16)));
    }

    private static String tail(final Path log) throws IOException
    {
        final byte[] bytes = Files.readAllBytes(log);
        final int from = Math.max(0, bytes.length - LOG_TAIL_BYTES);
        return new String(bytes, from, bytes.length - from, StandardCharsets.UTF_8);
    }

    private void removeAbandonedBuilds()
    {
        try (DirectoryStream<Path> temporaries = Files.newDirectoryStream(directory))
        {
            for (final Path temporary : temporaries)
            {
                final Optional<ProcessIdentity> owner = ownerOf(temporary);
                if (owner.isPresent() && !owner.get().isAlive())
                {
                    deleteRecursively(temporary);
                }
            }
        }
        catch (final IOException ex)
        {
            // Tried again by the next JVM.
        }
    }

    private void evictLeastRecentlyUsed()
    {
        final List<Path> entries = new ArrayList<>();
        try (DirectoryStream<Path> all = Files.newDirectoryStream(directory))
        {
            for (final Path path : all)
            {
                if (!isTemporary(path))
                {
                    entries.add(path);
                }
            }
        }
        catch (final IOException ex)
        {
            return;
        }
        if (entries.size() <= MAX_ENTRIES)
        {
            return;
        }
        entries.sort(Comparator.comparing(ArchiveCache::lastModified));
        for (final Path stale : entries.subList(0, entries.size() - MAX_ENTRIES))
        {
            checked.remove(stale.getFileName().toString());
            remove(stale);
        }
    }

    private static FileTime lastModified(final Path path)
    {
        try
        {
            return Files.getLastModifiedTime(path, LinkOption.NOFOLLOW_LINKS);
        }
        catch (final IOException ex)
        {
            return FileTime.fromMillis(0);
        }
    }
}
