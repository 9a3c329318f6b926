package io.mp4j.host.internal;

import io.mp4j.Mp4jException;
import io.mp4j.process.internal.ClassPathEntries;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * What a classpath gives a JVM to load, by content: one digest per entry the JVM searches (the jars and
 * directories of the classpath in its order, a wildcard's jars, the jars a jar's manifest adds with
 * {@code Class-Path} right after it), and one digest over those. Equal digests mean the same classes
 * and resources, wherever the files lie; a rebuild that changes any file changes them.
 * <ul>
 * <li>A jar (any file) is digested whole: SHA-256 of its bytes.</li>
 * <li>A directory: SHA-256 over its files in name order, each as relative name, length and bytes.</li>
 * </ul>
 * Digests are costly (a file's every byte), so each entry's is kept under a <em>stamp</em> that a
 * {@code stat} gives cheaply (size, modification time and file key; for a directory, those of every
 * file under it) and taken again only when the stamp changes. A digest taken less than
 * {@value #SETTLE_MILLIS} ms after its entry last changed is not vouched for by its stamp later, since a
 * same-size rewrite within the file system's timestamp granularity would keep the stamp: such an entry
 * is digested again (git's rule for racily clean files). A worker host publishes the entries it digested
 * for its workers, and a client whose entries carry the same path and stamp takes their digests from
 * there, so that a client on the host's own files digests nothing. A directory of more than
 * {@value #MAX_HASHED_FILES} files or {@value #MAX_HASHED_BYTES} bytes is compared by its stamp alone.
 * <p>
 * Immutable; the computations are safe from any thread.
 */
public final class ClassPathFingerprint
{
    /** How long after its last change an entry's digest is vouched for by its stamp. */
    static final long SETTLE_MILLIS = 2_000;

    /** How long a client reuses the fingerprint of its classpath before it looks at the files again. */
    static final long REUSE_MILLIS = 1_000;

    static final int MAX_HASHED_FILES = 100_000;
    static final long MAX_HASHED_BYTES = 1L << 30;

    private static final int MAGIC = 0x4D50_4350; // "MPCP"
    private static final int FORMAT_VERSION = 1;
    private static final int DIGEST_LENGTH = 32;
    private static final int SHOWN_DIFFERENCES = 8;
    private static final HexFormat HEX = HexFormat.of();
    private static final long FNV_OFFSET_BASIS = 0xcbf29ce484222325L;
    private static final long FNV_PRIME = 0x100000001b3L;

    /** Digests of entries this JVM has digested or read, by path. */
    private static final Map<String, Entry> DIGESTED = new ConcurrentHashMap<>();
    /** Recent fingerprints of whole classpaths, by classpath string. */
    private static final Map<String, Recent> RECENT = new ConcurrentHashMap<>();

    private final String classPath;
    private final List<Entry> entries;
    /** Taken when first asked for: a client that compares entry by entry needs no digest of its own. */
    private byte[] digest;

    /**
     * One entry the JVM searches.
     *
     * @param path              the absolute path.
     * @param directory         whether it is a directory (else a jar or other file).
     * @param digest            the SHA-256 of its contents (32 bytes).
     * @param stamp             what {@code stat} says of it, under which the digest was taken.
     * @param settled           whether it had not changed for {@value #SETTLE_MILLIS} ms when digested.
     * @param manifestClassPath the absolute paths its manifest's {@code Class-Path} names.
     */
    public record Entry(
        String path, boolean directory, byte[] digest, String stamp, boolean settled, List<String> manifestClassPath)
    {
        /** Whether this entry's digest holds for an entry of that path and stamp without reading it. */
        boolean vouchesFor(final String otherPath, final boolean otherDirectory, final String otherStamp)
        {
            return settled && directory == otherDirectory && path.equals(otherPath) && stamp.equals(otherStamp);
        }

        boolean sameContents(final Entry other)
        {
            return Arrays.equals(digest, other.digest);
        }
    }

    private record Recent(ClassPathFingerprint fingerprint, long takenNanos)
    {
    }

    private record FileStamp(String name, Path file, long size, long modifiedNanos, Object key)
    {
    }

    private static final Comparator<FileStamp> BY_NAME = Comparator.comparing(FileStamp::name);

    private ClassPathFingerprint(final String classPath, final List<Entry> entries)
    {
        this.classPath = classPath;
        this.entries = List.copyOf(entries);
    }

    private synchronized byte[] digestOfEntries()
    {
        if (digest == null)
        {
            final MessageDigest all = sha256();
            for (final Entry entry : entries)
            {
                all.update(entry.digest());
            }
            digest = all.digest();
        }
        return digest;
    }

    /**
     * Fingerprints a classpath, digesting what this JVM has not digested under the same stamps.
     *
     * @param classPath a classpath string; relative entries are taken from this JVM's working directory.
     * @return the fingerprint.
     */
    public static ClassPathFingerprint of(final String classPath)
    {
        return of(classPath, Map.of());
    }

    /**
     * Fingerprints a classpath, taking the digests of entries with the same path and stamp from those
     * another process published.
     *
     * @param classPath a classpath string.
     * @param published entries another process digested, by path.
     * @return the fingerprint.
     */
    public static ClassPathFingerprint of(final String classPath, final Map<String, Entry> published)
    {
        final List<String> launched = new ArrayList<>();
        final List<Entry> entries = new ArrayList<>();
        final Set<String> seen = new HashSet<>();
        for (final String element : classPath.split(File.pathSeparator, -1))
        {
            for (final Path path : ClassPathEntries.expand(element))
            {
                if (add(path, entries, seen, published))
                {
                    launched.add(path.toString());
                }
            }
        }
        return new ClassPathFingerprint(String.join(File.pathSeparator, launched), entries);
    }

    /**
     * This JVM's fingerprint of a classpath, reused for {@value #REUSE_MILLIS} ms: a client that leases
     * often looks at its files about once a second, not at every lease.
     *
     * @param classPath a classpath string.
     * @param published entries another process digested, read only if the files are looked at.
     * @return the fingerprint.
     */
    public static ClassPathFingerprint recent(final String classPath, final Supplier<Map<String, Entry>> published)
    {
        final Recent recent = RECENT.get(classPath);
        final long now = System.nanoTime();
        if (recent != null && now - recent.takenNanos() < REUSE_MILLIS * 1_000_000L)
        {
            return recent.fingerprint();
        }
        final ClassPathFingerprint fingerprint = of(classPath, published.get());
        RECENT.put(classPath, new Recent(fingerprint, now));
        return fingerprint;
    }

    /** Forgets every digest and recent fingerprint of this JVM, so that a test sees the files read again. */
    static void forgetDigests()
    {
        DIGESTED.clear();
        RECENT.clear();
    }

    /**
     * The classpath to start a JVM with that loads what this fingerprint covers: the existing entries of
     * the original, absolute, wildcards expanded (a manifest's {@code Class-Path} is left to the JVM).
     *
     * @return a classpath string.
     */
    public String classPath()
    {
        return classPath;
    }

    /**
     * The entries the JVM searches, in its order.
     *
     * @return an unmodifiable list.
     */
    public List<Entry> entries()
    {
        return entries;
    }

    /**
     * The digest over every entry's digest, in order.
     *
     * @return 32 bytes; a copy.
     */
    public byte[] digest()
    {
        return digestOfEntries().clone();
    }

    /**
     * Whether this classpath's digest is the given one.
     *
     * @param other 32 bytes.
     * @return true if equal.
     */
    public boolean hasDigest(final byte[] other)
    {
        return Arrays.equals(digestOfEntries(), other);
    }

    /**
     * A short name of a digest for messages and status: its first 12 hex digits.
     *
     * @param digest 32 bytes.
     * @return the short name.
     */
    public static String shortId(final byte[] digest)
    {
        return HEX.formatHex(digest, 0, 6);
    }

    /**
     * The digest's short name.
     *
     * @return its first 12 hex digits.
     */
    public String id()
    {
        return shortId(digestOfEntries());
    }

    /**
     * The digest in hex, e.g. for a file name.
     *
     * @return 64 hex digits.
     */
    public String hex()
    {
        return HEX.formatHex(digestOfEntries());
    }

    /**
     * The entries by path, for another process's {@link #of(String, Map)}.
     *
     * @return a new map.
     */
    public Map<String, Entry> byPath()
    {
        final Map<String, Entry> byPath = new HashMap<>();
        for (final Entry entry : entries)
        {
            byPath.put(entry.path(), entry);
        }
        return byPath;
    }

    /**
     * Whether a JVM on the worker's classpath loads every class and resource this classpath would, from
     * the same contents: the worker's entries start with this one's, by content. Entries the worker has
     * beyond those (a host's own jar, say) are searched after them, so they cannot hide any of them.
     *
     * @param worker the worker's classpath.
     * @return true if the worker loads what this classpath would.
     */
    public boolean isServedBy(final ClassPathFingerprint worker)
    {
        if (worker.entries.size() < entries.size())
        {
            return false;
        }
        for (int i = 0; i < entries.size(); i++)
        {
            if (!entries.get(i).sameContents(worker.entries.get(i)))
            {
                return false;
            }
        }
        return true;
    }

    /**
     * The entries by which another classpath differs from this one, for a message: entries of the same
     * path with other contents, and each side's entries whose contents the other lacks.
     *
     * @param other     the other classpath.
     * @param thisName  what to call this side, e.g. {@code client}.
     * @param otherName what to call the other, e.g. {@code host}.
     * @return e.g. {@code changed: /app/classes; only the client's: /app/lib/new.jar}.
     */
    public String describeDifferences(final ClassPathFingerprint other, final String thisName, final String otherName)
    {
        final Map<String, Entry> otherByPath = other.byPath();
        final List<String> changed = new ArrayList<>();
        final List<String> onlyThis = new ArrayList<>();
        for (final Entry entry : entries)
        {
            final Entry samePath = otherByPath.get(entry.path());
            if (samePath != null && !samePath.sameContents(entry))
            {
                changed.add(entry.path());
            }
            else if (samePath == null && other.entries.stream().noneMatch(entry::sameContents))
            {
                onlyThis.add(entry.path());
            }
        }
        final Map<String, Entry> thisByPath = byPath();
        final List<String> onlyOther = new ArrayList<>();
        for (final Entry entry : other.entries)
        {
            if (!thisByPath.containsKey(entry.path()) && entries.stream().noneMatch(entry::sameContents))
            {
                onlyOther.add(entry.path());
            }
        }

        final StringBuilder text = new StringBuilder();
        list(text, "changed", changed);
        list(text, "only the " + thisName + "'s", onlyThis);
        list(text, "only the " + otherName + "'s", onlyOther);
        return text.length() > 0 ? text.toString() : "the same entries in another order";
    }

    /**
     * The fingerprint as bytes, for a file another process reads with {@link #decode(byte[], Object)}.
     *
     * @return the encoded form.
     */
    public byte[] encode()
    {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes))
        {
            out.writeInt(MAGIC);
            out.writeInt(FORMAT_VERSION);
            writeString(out, classPath);
            out.writeInt(entries.size());
            for (final Entry entry : entries)
            {
                writeString(out, entry.path());
                out.writeBoolean(entry.directory());
                out.write(entry.digest());
                writeString(out, entry.stamp());
                out.writeBoolean(entry.settled());
                out.writeInt(entry.manifestClassPath().size());
                for (final String path : entry.manifestClassPath())
                {
                    writeString(out, path);
                }
            }
        }
        catch (final IOException ex)
        {
            throw new IllegalStateException("a byte array stream cannot fail", ex);
        }
        return bytes.toByteArray();
    }

    /**
     * Reads a fingerprint that {@link #encode()} wrote.
     *
     * @param bytes  the encoded form.
     * @param source where the bytes come from, for the message of a failure.
     * @return the fingerprint.
     * @throws Mp4jException if the bytes are not such a fingerprint.
     */
    public static ClassPathFingerprint decode(final byte[] bytes, final Object source)
    {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes)))
        {
            final int magic = in.readInt();
            final int version = in.readInt();
            if (magic != MAGIC || version != FORMAT_VERSION)
            {
                throw new Mp4jException("not a classpath fingerprint of this mp4j: source=" + source +
                    " magic=0x" + Integer.toHexString(magic) + " version=" + version + " expected=" + FORMAT_VERSION);
            }
            final String classPath = readString(in);
            final int count = in.readInt();
            final List<Entry> entries = new ArrayList<>(count);
            for (int i = 0; i < count; i++)
            {
                final String path = readString(in);
                final boolean directory = in.readBoolean();
                final byte[] digest = in.readNBytes(DIGEST_LENGTH);
                final String stamp = readString(in);
                final boolean settled = in.readBoolean();
                final int refCount = in.readInt();
                final List<String> refs = new ArrayList<>(refCount);
                for (int r = 0; r < refCount; r++)
                {
                    refs.add(readString(in));
                }
                entries.add(new Entry(path, directory, digest, stamp, settled, List.copyOf(refs)));
            }
            return new ClassPathFingerprint(classPath, entries);
        }
        catch (final IOException ex)
        {
            throw new Mp4jException("truncated classpath fingerprint: source=" + source, ex);
        }
    }

    @Override
    public String toString()
    {
        return "ClassPathFingerprint{id=" + id() + " entries=" + entries.size() + '}';
    }

    // ------------------------------------------------------------------ taking the fingerprint

    /**
     * Adds an entry and, right after it, those its manifest names, as the JVM searches them.
     *
     * @return true if the entry exists (and was added now or before).
     */
    private static boolean add(final Path path, final List<Entry> entries, final Set<String> seen,
        final Map<String, Entry> published)
    {
        final BasicFileAttributes attributes;
        try
        {
            attributes = Files.readAttributes(path, BasicFileAttributes.class);
        }
        catch (final IOException ex)
        {
            return false; // missing or unreadable: the JVM finds nothing there either
        }
        if (!seen.add(path.toString()))
        {
            return true;
        }
        final Entry entry = entry(path, attributes, published);
        entries.add(entry);
        for (final String named : entry.manifestClassPath())
        {
            add(Paths.get(named), entries, seen, published);
        }
        return true;
    }

    private static Entry entry(final Path path, final BasicFileAttributes attributes, final Map<String, Entry> published)
    {
        final String name = path.toString();
        final boolean directory = attributes.isDirectory();
        final List<FileStamp> files = directory ? walk(path) : List.of();
        final String stamp = directory ? directoryStamp(files) : fileStamp(attributes);

        final Entry known = DIGESTED.get(name);
        if (known != null && known.vouchesFor(name, directory, stamp))
        {
            return known;
        }
        final Entry shared = published.get(name);
        if (shared != null && shared.vouchesFor(name, directory, stamp))
        {
            DIGESTED.put(name, shared);
            return shared;
        }

        final long digestedAt = System.currentTimeMillis();
        long lastChange = directory ? 0 : attributes.lastModifiedTime().toMillis();
        for (final FileStamp file : files)
        {
            lastChange = Math.max(lastChange, file.modifiedNanos() / 1_000_000);
        }
        final Entry entry = new Entry(name, directory,
            directory ? digestDirectory(files, stamp) : digestFile(path),
            stamp, digestedAt - lastChange > SETTLE_MILLIS,
            directory ? List.of() : manifestClassPath(path));
        DIGESTED.put(name, entry);
        return entry;
    }

    /** Every file under a directory (following links, as the JVM does), sorted by relative name. */
    private static List<FileStamp> walk(final Path directory)
    {
        final List<FileStamp> files = new ArrayList<>();
        final Set<Object> ancestors = new HashSet<>();
        try
        {
            final Object key = Files.readAttributes(directory, BasicFileAttributes.class).fileKey();
            ancestors.add(key != null ? key : directory);
        }
        catch (final IOException ex)
        {
            // The listing below says so.
        }
        walk(directory, "", files, ancestors);
        files.sort(BY_NAME);
        return files;
    }

    /**
     * Adds the files under a directory, following links as the JVM does; a link back to a directory
     * above is not followed again. A plain recursion, not {@code Files.walkFileTree}: it costs half as
     * much per file, which a client pays at each look at its class directories.
     */
    private static void walk(final Path directory, final String prefix, final List<FileStamp> files,
        final Set<Object> ancestors)
    {
        final List<Path> children = new ArrayList<>();
        try (DirectoryStream<Path> listing = Files.newDirectoryStream(directory))
        {
            for (final Path child : listing)
            {
                children.add(child);
            }
        }
        catch (final IOException ex)
        {
            // Unreadable: the JVM cannot load from it either, and a change of that shows in the stamp.
            files.add(new FileStamp(prefix, directory, -1, 0, ex.getClass().getName()));
            return;
        }
        for (final Path child : children)
        {
            final String name = prefix + child.getFileName();
            final BasicFileAttributes attributes;
            try
            {
                attributes = Files.readAttributes(child, BasicFileAttributes.class);
            }
            catch (final IOException ex)
            {
                files.add(new FileStamp(name, child, -1, 0, ex.getClass().getName())); // e.g. a dangling link
                continue;
            }
            if (attributes.isDirectory())
            {
                final Object key = attributes.fileKey() != null ? attributes.fileKey() : child.toAbsolutePath();
                if (ancestors.add(key))
                {
                    walk(child, name + '/', files, ancestors);
                    ancestors.remove(key);
                }
            }
            else if (attributes.isRegularFile())
            {
                files.add(new FileStamp(name, child, attributes.size(), nanos(attributes.lastModifiedTime()),
                    attributes.fileKey()));
            }
        }
    }

    private static String fileStamp(final BasicFileAttributes attributes)
    {
        return attributes.size() + "/" + nanos(attributes.lastModifiedTime()) + '/' + attributes.fileKey();
    }

    /**
     * A directory's stamp: its file count and a 64-bit FNV-1a hash of every file's name, size, time and
     * key. Not a digest (a client on published digests computes no SHA-256 at all); a collision would
     * need two listings of one path to hash alike.
     */
    private static String directoryStamp(final List<FileStamp> files)
    {
        long hash = FNV_OFFSET_BASIS;
        for (final FileStamp file : files)
        {
            hash = fnv(hash, file.name());
            hash = fnv(hash, file.size());
            hash = fnv(hash, file.modifiedNanos());
            hash = fnv(hash, String.valueOf(file.key()));
        }
        return files.size() + "/" + Long.toHexString(hash);
    }

    private static long fnv(final long hash, final String text)
    {
        long next = hash;
        for (int i = 0; i < text.length(); i++)
        {
            next = (next ^ text.charAt(i)) * FNV_PRIME;
        }
        return (next ^ 0xFFFF) * FNV_PRIME; // ends the field, so that "ab","c" and "a","bc" differ
    }

    private static long fnv(final long hash, final long value)
    {
        long next = hash;
        for (int i = 0; i < Long.BYTES; i++)
        {
            next = (next ^ ((value >>> (8 * i)) & 0xFF)) * FNV_PRIME;
        }
        return next;
    }

    private static byte[] digestFile(final Path file)
    {
        final MessageDigest digest = sha256();
        final byte[] buffer = new byte[64 * 1024];
        try (InputStream in = Files.newInputStream(file))
        {
            int read;
            while ((read = in.read(buffer)) > 0)
            {
                digest.update(buffer, 0, read);
            }
        }
        catch (final IOException ex)
        {
            // Unreadable now: a digest of its name and the failure, which matches no readable file.
            digest.update(("unreadable\0" + file + '\0' + ex.getClass().getName()).getBytes(StandardCharsets.UTF_8));
        }
        return digest.digest();
    }

    private static byte[] digestDirectory(final List<FileStamp> files, final String stamp)
    {
        final MessageDigest digest = sha256();
        long bytes = 0;
        for (final FileStamp file : files)
        {
            bytes += file.size();
        }
        if (files.size() > MAX_HASHED_FILES || bytes > MAX_HASHED_BYTES)
        {
            digest.update(("stamp\0" + stamp).getBytes(StandardCharsets.UTF_8));
            return digest.digest();
        }
        final byte[] buffer = new byte[64 * 1024];
        for (final FileStamp file : files)
        {
            digest.update(file.name().getBytes(StandardCharsets.UTF_8));
            digest.update((byte)0);
            try (InputStream in = Files.newInputStream(file.file()))
            {
                long length = 0;
                int read;
                while ((read = in.read(buffer)) > 0)
                {
                    digest.update(buffer, 0, read);
                    length += read;
                }
                digest.update(longBytes(length));
            }
            catch (final IOException ex)
            {
                digest.update(("unreadable\0" + ex.getClass().getName()).getBytes(StandardCharsets.UTF_8));
            }
        }
        return digest.digest();
    }

    /** The absolute paths of the files a jar's manifest names in {@code Class-Path}, as the JVM resolves them. */
    private static List<String> manifestClassPath(final Path jar)
    {
        return ClassPathEntries.manifestClassPath(jar).stream().map(Path::toString).toList();
    }

    // ------------------------------------------------------------------ helpers

    private static void list(final StringBuilder text, final String label, final List<String> paths)
    {
        if (paths.isEmpty())
        {
            return;
        }
        if (text.length() > 0)
        {
            text.append("; ");
        }
        text.append(label).append(": ");
        text.append(String.join(", ", paths.subList(0, Math.min(paths.size(), SHOWN_DIFFERENCES))));
        if (paths.size() > SHOWN_DIFFERENCES)
        {
            text.append(" and ").append(paths.size() - SHOWN_DIFFERENCES).append(" more");
        }
    }

    private static long nanos(final FileTime time)
    {
        final Instant instant = time.toInstant();
        return instant.getEpochSecond() * 1_000_000_000L + instant.getNano();
    }

    private static byte[] longBytes(final long value)
    {
        final byte[] bytes = new byte[Long.BYTES];
        for (int i = 0; i < Long.BYTES; i++)
        {
            bytes[i] = (byte)(value >>> (8 * i));
        }
        return bytes;
    }

    private static void writeString(final DataOutputStream out, final String text) throws IOException
    {
        final byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        out.writeInt(bytes.length);
        out.write(bytes);
    }

    private static String readString(final DataInputStream in) throws IOException
    {
        final int length = in.readInt();
        if (length < 0 || length > in.available())
        {
            throw new IOException("string length out of range: length=" + length);
        }
        return new String(in.readNBytes(length), StandardCharsets.UTF_8);
    }

    private static MessageDigest sha256()
    {
        try
        {
            return MessageDigest.getInstance("SHA-256");
        }
        catch (final NoSuchAlgorithmException ex)
        {
            throw new IllegalStateException("every JDK has SHA-256", ex);
        }
    }
}
