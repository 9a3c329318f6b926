package io.mp4j.process.internal;

import io.mp4j.Mp4jException;

import java.io.ByteArrayInputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * The JVM flags a child JVM needs: the main artifact's (none today), and those of each other
 * mp4j artifact that this JVM or the child's classpath holds (Chronicle's exports, opens and analytics
 * switch for mp4j-chronicle), so that a worker host's workers get Chronicle's flags when the application
 * classpath handed to the host brings it. The lists are kept once, in the parent pom, and reach this
 * class through a filtered resource per artifact; child launches and benchmark forks use them from here.
 */
public final class JvmFlags
{
    /** The main artifact's flags; always there. */
    private static final String MAIN_RESOURCE = "META-INF/mp4j/jvm-flags-main.properties";

    /** The flags of the optional artifacts, there when the artifact is on the classpath. */
    private static final List<String> OPTIONAL_RESOURCES = List.of("META-INF/mp4j/jvm-flags-chronicle.properties");

    private static final List<String> REQUIRED = load();
    private static final Map<String, List<String>> BY_CLASS_PATH = new ConcurrentHashMap<>();

    private JvmFlags()
    {
    }

    /**
     * The flags in command-line form, e.g. {@code --add-exports=java.base/jdk.internal.misc=ALL-UNNAMED}.
     *
     * @return an unmodifiable list of flags.
     */
    public static List<String> required()
    {
        return REQUIRED;
    }

    /**
     * The flags of a child whose classpath is given: those of {@link #required()}, and those of the
     * optional artifacts the classpath holds that this JVM does not. Computed once per classpath.
     *
     * @param classPath the child's classpath.
     * @return an unmodifiable list of flags.
     */
    public static List<String> forClassPath(final String classPath)
    {
        return BY_CLASS_PATH.computeIfAbsent(classPath, JvmFlags::loadFor);
    }

    private static List<String> loadFor(final String classPath)
    {
        final List<String> flags = new ArrayList<>(REQUIRED);
        for (final String resource : OPTIONAL_RESOURCES)
        {
            if (JvmFlags.class.getClassLoader().getResource(resource) == null)
            {
                final byte[] found = findIn(classPath, resource);
                if (found != null)
                {
                    addFlags(flags, resource, found);
                }
            }
        }
        return Collections.unmodifiableList(flags);
    }

    /** The resource's bytes from the first directory or jar of a classpath that holds it, or null. */
    private static byte[] findIn(final String classPath, final String resource)
    {
        for (final String entry : classPath.split(File.pathSeparator))
        {
            if (entry.isEmpty() || entry.endsWith("*"))
            {
                continue;
            }
            try
            {
                final Path path = Paths.get(entry);
                if (Files.isDirectory(path))
                {
                    final Path file = path.resolve(resource);
                    if (Files.isRegularFile(file))
                    {
                        return Files.readAllBytes(file);
                    }
                }
                else if (Files.isRegularFile(path))
                {
                    try (ZipFile jar = new ZipFile(path.toFile()))
                    {
                        final ZipEntry zipEntry = jar.getEntry(resource);
                        if (zipEntry != null)
                        {
                            try (InputStream in = jar.getInputStream(zipEntry))
                            {
                                return in.readAllBytes();
                            }
                        }
                    }
                }
            }
            catch (final InvalidPathException | IOException ex)
            {
                // Not a readable entry: the child's JVM skips it too.
            }
        }
        return null;
    }

    private static List<String> load()
    {
        final List<String> flags = new ArrayList<>();
        addFlags(flags, MAIN_RESOURCE, true);
        for (final String resource : OPTIONAL_RESOURCES)
        {
            addFlags(flags, resource, false);
        }
        return Collections.unmodifiableList(flags);
    }

    private static void addFlags(final List<String> flags, final String resource, final boolean required)
    {
        final byte[] bytes;
        try (InputStream in = JvmFlags.class.getClassLoader().getResourceAsStream(resource))
        {
            if (in == null)
            {
                if (required)
                {
                    throw new Mp4jException("missing resource: name=" + resource);
                }
                return;
            }
            bytes = in.readAllBytes();
        }
        catch (final IOException ex)
        {
            throw new Mp4jException("cannot read resource: name=" + resource, ex);
        }
        addFlags(flags, resource, bytes);
    }

    private static void addFlags(final List<String> flags, final String resource, final byte[] bytes)
    {
        final Properties properties = new Properties();
        try
        {
            properties.load(new ByteArrayInputStream(bytes));
        }
        catch (final IOException ex)
        {
            throw new Mp4jException("cannot read resource: name=" + resource, ex);
        }

        for (final String export : words(properties, "addExports", resource))
        {
            flags.add("--add-exports=" + export + "=ALL-UNNAMED");
        }
        for (final String open : words(properties, "addOpens", resource))
        {
            flags.add("--add-opens=" + open + "=ALL-UNNAMED");
        }
        flags.addAll(words(properties, "systemProperties", resource));
    }

    private static List<String> words(final Properties properties, final String key, final String resource)
    {
        final String value = properties.getProperty(key, "").trim();
        if (value.startsWith("${"))
        {
            throw new Mp4jException("JVM flag list not filled in by the build: resource=" + resource + " key=" + key +
                " value=" + value);
        }
        return value.isEmpty() ? List.of() : List.of(value.split("\\s+"));
    }
}
