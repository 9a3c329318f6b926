package io.mp4j.process.internal;

import java.io.File;
import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.stream.Stream;
import java.util.zip.ZipFile;

/**
 * A child's classpath as class-data sharing sees it. The JDK archives classes from jars only, refuses
 * to archive at all when a class was loaded from a non-empty directory, and accepts at run time a
 * classpath that starts with the one used when archiving. So the archive is built on the jars alone,
 * and children that use it run with the jars first and the other entries (directories, missing paths)
 * after them, each group in its original order.
 * <p>
 * Moving a directory behind the jars changes nothing when no file in it is also in a jar it moves
 * behind; {@link #isOrderSafe()} checks exactly that (and gives up on a jar whose manifest names more
 * jars), and a classpath that fails the check is run unchanged, without the archive.
 */
final class ArchiveClassPath
{
    /** A directory with more files than this is not scanned; its classpath is not reordered. */
    private static final int MAX_SCANNED_FILES = 100_000;

    private static final Map<String, Boolean> ORDER_SAFE = new ConcurrentHashMap<>();

    private final String original;
    private final List<String> entries;
    private final List<Kind> kinds;

    private enum Kind
    {
        JAR, EMPTY_DIRECTORY, DIRECTORY, MISSING
    }

    private ArchiveClassPath(final String original, final List<String> entries, final List<Kind> kinds)
    {
        this.original = original;
        this.entries = entries;
        this.kinds = kinds;
    }

    /**
     * Looks at each entry of a classpath.
     *
     * @param classPath a classpath string.
     * @return the classpath, or empty if it has a wildcard or an entry that is not a path.
     */
    static Optional<ArchiveClassPath> of(final String classPath)
    {
        final List<String> entries = new ArrayList<>();
        final List<Kind> kinds = new ArrayList<>();
        for (final String entry : classPath.split(File.pathSeparator))
        {
            if (entry.isEmpty())
            {
                continue; // the launcher ignores empty entries too
            }
            if (entry.endsWith("*"))
            {
                return Optional.empty();
            }
            try
            {
                final Path path = Paths.get(entry);
                entries.add(entry);
                kinds.add(kindOf(path));
            }
            catch (final InvalidPathException | IOException ex)
            {
                return Optional.empty();
            }
        }
        return Optional.of(new ArchiveClassPath(classPath, entries, kinds));
    }

    /**
     * The jar entries, in their classpath order: what the archive is built on.
     *
     * @return the jars' paths as the classpath spells them.
     */
    List<String> jars()
    {
        final List<String> jars = new ArrayList<>();
        for (int i = 0; i < entries.size(); i++)
        {
            if (kinds.get(i) == Kind.JAR)
            {
                jars.add(entries.get(i));
            }
        }
        return jars;
    }

    /**
     * The classpath of the JVM that builds the archive: the jars alone.
     *
     * @return a classpath string.
     */
    String archivingClassPath()
    {
        return String.join(File.pathSeparator, jars());
    }

    /**
     * The classpath of a child that uses the archive: the jars, then every other entry.
     *
     * @return a classpath string.
     */
    String sharingClassPath()
    {
        final List<String> ordered = new ArrayList<>(jars());
        for (int i = 0; i < entries.size(); i++)
        {
            if (kinds.get(i) != Kind.JAR)
            {
                ordered.add(entries.get(i));
            }
        }
        return String.join(File.pathSeparator, ordered);
    }

    /**
     * Whether a child finds each class and resource in the same place with {@link #sharingClassPath()}
     * as with the original order: no file of a directory that moves is also in a jar it moves behind.
     * Checked once per classpath per JVM.
     *
     * @return true if the jars-first order loads the same classes and resources.
     */
    boolean isOrderSafe()
    {
        if (!movesDirectory())
        {
            return true;
        }
        return ORDER_SAFE.computeIfAbsent(original, ignored -> scanForShadowing());
    }

    /**
     * Whether the first entry that holds the resource is a jar, so that a JVM on the jars alone loads
     * it from the same place.
     *
     * @param resource a resource name such as {@code io/mp4j/process/internal/ChildMain.class}.
     * @return true if a jar holds it before any directory does.
     */
    boolean isFirstFoundInJar(final String resource)
    {
        for (int i = 0; i < entries.size(); i++)
        {
            final Path path = Paths.get(entries.get(i));
            switch (kinds.get(i))
            {
                case DIRECTORY ->
                {
                    if (Files.exists(path.resolve(resource)))
                    {
                        return false;
                    }
                }
                case JAR ->
                {
                    try (ZipFile jar = new ZipFile(path.toFile()))
                    {
                        if (jar.getEntry(resource) != null)
                        {
                            return true;
                        }
                    }
                    catch (final IOException ex)
                    {
                        // Not a readable jar: the JVM skips it too.
                    }
                }
                default ->
                {
                    // Empty or missing: holds nothing.
                }
            }
        }
        return false;
    }

    @Override
    public String toString()
    {
        return "ArchiveClassPath{" + original + '}';
    }

    private static Kind kindOf(final Path path) throws IOException
    {
        final BasicFileAttributes attributes;
        try
        {
            attributes = Files.readAttributes(path, BasicFileAttributes.class);
        }
        catch (final IOException ex)
        {
            return Kind.MISSING;
        }
        if (!attributes.isDirectory())
        {
            return Kind.JAR;
        }
        try (Stream<Path> children = Files.list(path))
        {
            return children.findAny().isPresent() ? Kind.DIRECTORY : Kind.EMPTY_DIRECTORY;
        }
    }

    /** Whether a non-empty directory comes before some jar, so that the jars-first order moves it. */
    private boolean movesDirectory()
    {
        boolean directorySeen = false;
        for (final Kind kind : kinds)
        {
            directorySeen |= kind == Kind.DIRECTORY;
            if (kind == Kind.JAR && directorySeen)
            {
                return true;
            }
        }
        return false;
    }

    private boolean scanForShadowing()
    {
        // Each file name of a directory that precedes a jar, with the first such directory's position.
        final Map<String, Integer> firstPosition = new HashMap<>();
        int lastJar = -1;
        for (int i = 0; i < entries.size(); i++)
        {
            if (kinds.get(i) == Kind.JAR)
            {
                lastJar = i;
            }
        }
        for (int i = 0; i < lastJar; i++)
        {
            if (kinds.get(i) == Kind.DIRECTORY && !listFiles(Paths.get(entries.get(i)), i, firstPosition))
            {
                return false;
            }
        }

        final int firstDirectory = kinds.indexOf(Kind.DIRECTORY);
        for (int i = 0; i < entries.size(); i++)
        {
            if (kinds.get(i) != Kind.JAR)
            {
                continue;
            }
            try (JarFile jar = new JarFile(entries.get(i)))
            {
                // The jars a manifest names are searched right after it, and would move with it: not scanned, not moved.
                if (i > firstDirectory && namesExistingJar(Paths.get(entries.get(i)), jar.getManifest()))
                {
                    return false;
                }
                for (final Map.Entry<String, Integer> name : firstPosition.entrySet())
                {
                    if (name.getValue() < i && jar.getEntry(name.getKey()) != null)
                    {
                        return false;
                    }
                }
            }
            catch (final IOException ex)
            {
                // An unreadable jar provides nothing in either order.
            }
        }
        return true;
    }

    /** Whether a manifest's {@code Class-Path} names a file that exists (Chronicle's name jars that don't). */
    private static boolean namesExistingJar(final Path jar, final Manifest manifest)
    {
        return ClassPathEntries.manifestClassPath(jar, manifest).stream().anyMatch(Files::exists);
    }

    private static boolean listFiles(final Path directory, final int position, final Map<String, Integer> names)
    {
        final int[] count = {0};
        try
        {
            Files.walkFileTree(directory, new SimpleFileVisitor<>()
            {
                @Override
                public FileVisitResult visitFile(final Path file, final BasicFileAttributes attributes)
                {
                    if (++count[0] > MAX_SCANNED_FILES)
                    {
                        return FileVisitResult.TERMINATE;
                    }
                    names.putIfAbsent(directory.relativize(file).toString().replace(File.separatorChar, '/'), position);
                    return FileVisitResult.CONTINUE;
                }
            });
        }
        catch (final IOException ex)
        {
            return false;
        }
        return count[0] <= MAX_SCANNED_FILES;
    }
}
