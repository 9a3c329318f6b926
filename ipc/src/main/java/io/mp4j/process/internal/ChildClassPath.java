package io.mp4j.process.internal;

import io.mp4j.Mp4jException;
import io.mp4j.session.Session;

import java.io.File;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.security.CodeSource;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The classpath of a child JVM, derived from what this JVM really loaded rather than from
 * {@code java.class.path} alone: under {@code mvn exec:java}, an IDE's classpath wrapper or an isolated
 * test class loader, {@code java.class.path} names only a launcher and the application's classes come
 * from a class loader of its own. The derived classpath is {@code java.class.path}, then the file URLs
 * of every {@link URLClassLoader} between the application class loader and the loaders that hold the
 * caller's and mp4j's classes, then the code sources of mp4j and Agrona if neither put them there.
 * <p>
 * {@link #checkBootstrap(String)} makes sure a classpath can load the child's bootstrap class before a
 * JVM is started on it, following directories, jars, wildcards and the {@code Class-Path} of a
 * manifest-only jar as the {@code java} launcher does.
 */
public final class ChildClassPath
{
    /** The class every spawned child JVM starts with. */
    public static final String BOOTSTRAP_CLASS = "io.mp4j.process.internal.ChildMain";

    private static final String BOOTSTRAP_RESOURCE = BOOTSTRAP_CLASS.replace('.', '/') + ".class";
    private static final Set<String> LOADS_BOOTSTRAP = ConcurrentHashMap.newKeySet();

    private ChildClassPath()
    {
    }

    /**
     * The classpath that loads what this JVM loaded for the calling thread: its context class loader's
     * and mp4j's.
     *
     * @return a classpath string, entries separated by {@link File#pathSeparator}.
     */
    public static String derive()
    {
        return derive(System.getProperty("java.class.path", ""),
            Thread.currentThread().getContextClassLoader(), ChildClassPath.class.getClassLoader());
    }

    /**
     * The classpath of {@code java.class.path} and the given class loaders.
     *
     * @param javaClassPath this JVM's {@code java.class.path}.
     * @param loaders       class loaders whose classes children must load; null ones are skipped.
     * @return a classpath string without repeated entries.
     */
    static String derive(final String javaClassPath, final ClassLoader... loaders)
    {
        // Keyed by absolute path, so that a relative java.class.path entry and a loader's URL meet.
        final Map<String, String> entries = new LinkedHashMap<>();
        for (final String entry : javaClassPath.split(File.pathSeparator))
        {
            add(entries, entry);
        }
        final ClassLoader application = ClassLoader.getSystemClassLoader();
        for (final ClassLoader loader : loaders)
        {
            // Outermost first, as the class loaders delegate to their parents first.
            final Deque<URLClassLoader> chain = new ArrayDeque<>();
            for (ClassLoader current = loader; current != null && current != application; current = current.getParent())
            {
                if (current instanceof URLClassLoader)
                {
                    chain.push((URLClassLoader)current);
                }
            }
            for (final URLClassLoader urlLoader : chain)
            {
                for (final URL url : urlLoader.getURLs())
                {
                    final Path path = fileOf(url);
                    if (path != null)
                    {
                        add(entries, path.toString());
                    }
                }
            }
        }
        for (final Class<?> anchor : List.of(ChildClassPath.class, Session.class, org.agrona.DirectBuffer.class))
        {
            final Path path = codeSource(anchor);
            if (path != null)
            {
                add(entries, path.toString());
            }
        }
        return String.join(File.pathSeparator, entries.values());
    }

    /**
     * Checks that a child JVM started on a classpath can load its bootstrap class; a classpath that
     * passes is remembered.
     *
     * @param classPath the child's classpath.
     * @throws Mp4jException if it cannot, with the classpath and where this JVM loaded mp4j from.
     */
    public static void checkBootstrap(final String classPath)
    {
        final CodeSource source = ChildClassPath.class.getProtectionDomain().getCodeSource();
        checkBootstrap(classPath, source == null ? null : source.getLocation());
    }

    /**
     * {@link #checkBootstrap(String)}, mp4j's classes having come from a given location.
     *
     * @param classPath    the child's classpath.
     * @param mp4jLocation where this JVM loaded mp4j's classes from, for the message; null if unknown.
     */
    static void checkBootstrap(final String classPath, final URL mp4jLocation)
    {
        if (LOADS_BOOTSTRAP.contains(classPath))
        {
            return;
        }
        if (ClassPathEntries.holds(classPath, BOOTSTRAP_RESOURCE))
        {
            LOADS_BOOTSTRAP.add(classPath);
            return;
        }

        final String location = mp4jLocation == null ? "an unknown location" : mp4jLocation.toString();
        final boolean nested = mp4jLocation != null && fileOf(mp4jLocation) == null;
        throw new Mp4jException("a child JVM cannot load mp4j's bootstrap class " + BOOTSTRAP_CLASS +
            " from its classpath: this JVM loaded mp4j from " + location + (nested ?
                ", which a plain java launch cannot read (a jar nested in another jar, as in Spring Boot's " +
                "executable jar?)" : "") +
            ". Give children a classpath that holds mp4j-ipc, mp4j-core, agrona and your classes with " +
            "ProcessContext.classPath(...) (the system property java.class.path of a child). classPath=" + classPath);
    }

    private static void add(final Map<String, String> entries, final String entry)
    {
        if (entry.isEmpty())
        {
            return;
        }
        String key;
        try
        {
            key = Paths.get(entry).toAbsolutePath().normalize().toString();
        }
        catch (final InvalidPathException ex)
        {
            key = entry; // not a path: passed on unchanged
        }
        entries.putIfAbsent(key, entry);
    }

    /**
     * Where a class was loaded from, if that is a file or directory a plain launch can read.
     *
     * @param type the class.
     * @return the file or directory, or null.
     */
    static Path codeSource(final Class<?> type)
    {
        final CodeSource source = type.getProtectionDomain().getCodeSource();
        return source == null || source.getLocation() == null ? null : fileOf(source.getLocation());
    }

    private static Path fileOf(final URL url)
    {
        if (!"file".equals(url.getProtocol()))
        {
            return null; // jar:, nested:, jrt:, http: … cannot go on a child's classpath
        }
        try
        {
            return Paths.get(url.toURI());
        }
        catch (final URISyntaxException | IllegalArgumentException ex)
        {
            return null;
        }
    }
}
