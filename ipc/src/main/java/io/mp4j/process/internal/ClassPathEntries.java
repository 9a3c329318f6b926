package io.mp4j.process.internal;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.stream.Stream;

/**
 * What the {@code java} launcher searches for a classpath element: {@code ""} is the working directory,
 * {@code dir/*} the jars in {@code dir}, and a jar's manifest adds, right after it, the files its
 * {@code Class-Path} names. The one reading of these rules for the launch check, class-data sharing
 * and the worker host's classpath fingerprint.
 */
public final class ClassPathEntries
{
    /** How deep manifests naming jars whose manifests name more jars are followed. */
    static final int MAX_MANIFEST_DEPTH = 8;

    private ClassPathEntries()
    {
    }

    /**
     * The paths a classpath element stands for, absolute and normalised.
     *
     * @param element one element of a classpath string.
     * @return the paths, in the order searched; empty if the element is not a path or its wildcard's
     *         directory cannot be listed.
     */
    public static List<Path> expand(final String element)
    {
        try
        {
            if (element.equals("*") || element.endsWith(File.separator + "*"))
            {
                final Path directory = Paths.get(element.substring(0, element.length() - 1)).toAbsolutePath().normalize();
                try (Stream<Path> files = Files.list(directory))
                {
                    return files
                        .filter(file -> file.getFileName().toString().endsWith(".jar") ||
                            file.getFileName().toString().endsWith(".JAR"))
                        .sorted()
                        .toList();
                }
                catch (final IOException ex)
                {
                    return List.of();
                }
            }
            return List.of(Paths.get(element.isEmpty() ? "." : element).toAbsolutePath().normalize());
        }
        catch (final InvalidPathException ex)
        {
            return List.of(); // not a path the JVM could search either
        }
    }

    /**
     * The paths a whole classpath stands for, as {@link #expand} reads each element (the files their
     * manifests name are not among them).
     *
     * @param classPath a classpath string.
     * @return absolute, normalised paths, in the order searched.
     */
    public static List<Path> expandAll(final String classPath)
    {
        final List<Path> paths = new ArrayList<>();
        for (final String element : classPath.split(File.pathSeparator))
        {
            paths.addAll(expand(element));
        }
        return paths;
    }

    /**
     * Whether a JVM on a classpath finds a resource: in one of its directories or jars, or in a file a jar's
     * manifest names (to a depth of {@value #MAX_MANIFEST_DEPTH}).
     *
     * @param classPath a classpath string.
     * @param resource  the resource's name, e.g. {@code a/b/C.class}.
     * @return true if some entry holds it.
     */
    public static boolean holds(final String classPath, final String resource)
    {
        final Set<Path> visited = new HashSet<>();
        for (final Path path : expandAll(classPath))
        {
            if (holds(path, resource, visited, 0))
            {
                return true;
            }
        }
        return false;
    }

    /** Whether a classpath path, or a file its manifest names, holds a resource. */
    private static boolean holds(final Path path, final String resource, final Set<Path> visited, final int depth)
    {
        if (depth > MAX_MANIFEST_DEPTH || !visited.add(path))
        {
            return false;
        }
        if (Files.isDirectory(path))
        {
            return Files.isRegularFile(path.resolve(resource));
        }
        if (!Files.isRegularFile(path))
        {
            return false; // the launcher skips what is not there
        }
        try (JarFile jar = new JarFile(path.toFile(), false))
        {
            if (jar.getEntry(resource) != null)
            {
                return true;
            }
            for (final Path named : manifestClassPath(path, jar.getManifest()))
            {
                if (holds(named, resource, visited, depth + 1))
                {
                    return true;
                }
            }
            return false;
        }
        catch (final IOException | SecurityException ex)
        {
            return false; // not a jar: the launcher finds nothing in it either
        }
    }

    /**
     * The files a jar's manifest names in {@code Class-Path}, as the JVM resolves them.
     *
     * @param jar the jar.
     * @return absolute, normalised paths, in order, without repeats; empty if the file is not a jar.
     */
    public static List<Path> manifestClassPath(final Path jar)
    {
        try (JarFile file = new JarFile(jar.toFile(), false))
        {
            return manifestClassPath(jar, file.getManifest());
        }
        catch (final IOException | SecurityException ex)
        {
            return List.of(); // not a jar: the JVM finds no classes in it either
        }
    }

    /**
     * The files a manifest, read from a jar, names in {@code Class-Path}, as the JVM resolves them.
     *
     * @param jar      the jar the manifest is from.
     * @param manifest its manifest, or null.
     * @return absolute, normalised paths, in order, without repeats.
     */
    public static List<Path> manifestClassPath(final Path jar, final Manifest manifest)
    {
        final String names = manifest == null ? null : manifest.getMainAttributes().getValue(Attributes.Name.CLASS_PATH);
        if (names == null || names.isBlank())
        {
            return List.of();
        }
        final URI base = jar.toAbsolutePath().getParent().toUri();
        final Set<Path> paths = new LinkedHashSet<>();
        for (final String name : names.trim().split("\\s+"))
        {
            try
            {
                final URI named = base.resolve(name);
                if ("file".equals(named.getScheme()))
                {
                    paths.add(Paths.get(named).normalize());
                }
            }
            catch (final IllegalArgumentException ex)
            {
                // Not a URL the class loader could use either.
            }
        }
        return new ArrayList<>(paths);
    }
}
