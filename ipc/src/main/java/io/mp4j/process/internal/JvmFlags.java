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
 * The JVM flags a child JVM needs: the main artifact's (none today), and those of each other mp4j artifact
 * that this JVM or the child's classpath holds (Chronicle's exports, opens and analytics switch for
 * mp4j-chronicle), so that a worker host's workers get Chronicle's flags when the application classpath
 * handed to the host brings it. A child on Java 24 or later also gets the switch that lets Agrona use
 * {@code sun.misc.Unsafe}'s memory access without a warning. The lists are kept once, in the parent pom, and
 * reach this class through a filtered resource per artifact; child launches and benchmark forks use them
 * from here, and {@link JvmFlagCheck} checks this JVM's own against them.
 */
public final class JvmFlags
{
    /** The main artifact's short name, as in its resource's name. */
    public static final String MAIN = "main";

    /** mp4j-chronicle's short name, as in its resource's name. */
    public static final String CHRONICLE = "chronicle";

    /** mp4j-cluster's short name, as in its resource's name. */
    public static final String CLUSTER = "cluster";

    /** The optional artifacts, whose flags are there when the artifact is on the classpath. */
    private static final List<String> OPTIONAL = List.of(CHRONICLE, CLUSTER);

    /**
     * Lets {@code sun.misc.Unsafe}'s memory access go without the warning Java 24 and later print at its first
     * use; older JVMs refuse the option, so only children on 24 or later get it.
     */
    static final String UNSAFE_MEMORY_ACCESS_OPTION = "--sun-misc-unsafe-memory-access=";

    /** The system property through which a JVM of 23 or later reports that option's value, when it was given. */
    private static final String UNSAFE_MEMORY_ACCESS_PROPERTY = "sun.misc.unsafe.memory.access";

    /** The first Java release whose default for that option is to warn. */
    private static final int UNSAFE_MEMORY_ACCESS_WARNS_FROM = 24;

    /** The flags of the artifacts this JVM's classpath holds, in command-line form. */
    private static final List<String> OWN_ARTIFACTS = loadOwn();
    private static final Path OWN_JAVA = Paths.get(System.getProperty("java.home"), "bin", "java");
    private static final Map<String, List<String>> BY_CLASS_PATH = new ConcurrentHashMap<>();
    private static final Map<Path, Integer> FEATURE_BY_JAVA = new ConcurrentHashMap<>();

    private JvmFlags()
    {
    }

    /**
     * The flags of a child of this JVM's own {@code java} and classpath, in command-line form, e.g.
     * {@code --add-exports=java.base/sun.nio.ch=ALL-UNNAMED}.
     *
     * @return an unmodifiable list of flags.
     */
    public static List<String> required()
    {
        return forChild(OWN_JAVA, System.getProperty("java.class.path"));
    }

    /**
     * The flags of a child: the artifacts' flags this JVM has resources for, those of the optional artifacts
     * the child's classpath holds that this JVM does not, and the unsafe memory access switch if the child's
     * {@code java} is 24 or later. Computed once per classpath and per {@code java}.
     *
     * @param java      the child's {@code java} executable.
     * @param classPath the child's classpath.
     * @return an unmodifiable list of flags.
     */
    public static List<String> forChild(final Path java, final String classPath)
    {
        final List<String> artifactFlags = BY_CLASS_PATH.computeIfAbsent(classPath, JvmFlags::loadFor);
        if (featureVersion(java) < UNSAFE_MEMORY_ACCESS_WARNS_FROM)
        {
            return artifactFlags;
        }
        final List<String> flags = new ArrayList<>(artifactFlags);
        // The value this JVM was given, if any: a user who asked for "deny" or "warn" keeps it in children.
        flags.add(UNSAFE_MEMORY_ACCESS_OPTION + System.getProperty(UNSAFE_MEMORY_ACCESS_PROPERTY, "allow"));
        return Collections.unmodifiableList(flags);
    }

    /**
     * The flags of one artifact, as its resource lists them; empty if this JVM's classpath lacks the artifact.
     *
     * @param artifact the artifact's short name, {@link #MAIN}, {@link #CHRONICLE} or {@link #CLUSTER}.
     * @return the artifact's flag list.
     */
    static FlagList of(final String artifact)
    {
        final byte[] bytes = readOwn(resource(artifact), MAIN.equals(artifact));
        return bytes == null ? FlagList.NONE : FlagList.parse(resource(artifact), bytes);
    }

    /**
     * The feature release of a {@code java} executable (17 for 17.0.15), from the {@code release} file of its
     * runtime image; cached per executable. An executable whose image has no readable {@code release} file
     * counts as 17: a missing option only costs a warning, a refused one the child's start.
     */
    static int featureVersion(final Path java)
    {
        return FEATURE_BY_JAVA.computeIfAbsent(java, JvmFlags::readFeatureVersion);
    }

    private static int readFeatureVersion(final Path java)
    {
        if (java.equals(OWN_JAVA))
        {
            return Runtime.version().feature();
        }
        try
        {
            final Path home = java.toRealPath().getParent().getParent();
            final Properties release = new Properties();
            try (InputStream in = Files.newInputStream(home.resolve("release")))
            {
                release.load(in);
            }
            // JAVA_VERSION="25.0.3", or "1.8.0_412" before 9, which is too old for mp4j anyway.
            final String version = release.getProperty("JAVA_VERSION", "").replace("\"", "");
            return Runtime.Version.parse(version).feature();
        }
        catch (final IOException | RuntimeException ex)
        {
            return 17;
        }
    }

    private static String resource(final String artifact)
    {
        return "META-INF/mp4j/jvm-flags-" + artifact + ".properties";
    }

    private static List<String> loadFor(final String classPath)
    {
        final List<String> flags = new ArrayList<>(OWN_ARTIFACTS);
        for (final String artifact : OPTIONAL)
        {
            final String resource = resource(artifact);
            if (JvmFlags.class.getClassLoader().getResource(resource) == null)
            {
                final byte[] found = findIn(classPath, resource);
                if (found != null)
                {
                    flags.addAll(FlagList.parse(resource, found).commandLine());
                }
            }
        }
        return Collections.unmodifiableList(flags);
    }

    private static List<String> loadOwn()
    {
        final List<String> flags = new ArrayList<>(of(MAIN).commandLine());
        for (final String artifact : OPTIONAL)
        {
            flags.addAll(of(artifact).commandLine());
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

    private static byte[] readOwn(final String resource, final boolean required)
    {
        try (InputStream in = JvmFlags.class.getClassLoader().getResourceAsStream(resource))
        {
            if (in == null)
            {
                if (required)
                {
                    throw new Mp4jException("missing resource: name=" + resource);
                }
                return null;
            }
            return in.readAllBytes();
        }
        catch (final IOException ex)
        {
            throw new Mp4jException("cannot read resource: name=" + resource, ex);
        }
    }

    /**
     * One artifact's flags as its resource lists them, the way a jar manifest wants them: {@code module/package}
     * words for the exports and the opens, and {@code -Dname=value} system properties.
     *
     * @param addExports       the packages to export to the unnamed module.
     * @param addOpens         the packages to open to the unnamed module.
     * @param systemProperties the system properties, in command-line form.
     */
    record FlagList(List<String> addExports, List<String> addOpens, List<String> systemProperties)
    {
        static final FlagList NONE = new FlagList(List.of(), List.of(), List.of());

        static FlagList parse(final String resource, final byte[] bytes)
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
            return new FlagList(words(properties, "addExports", resource), words(properties, "addOpens", resource),
                words(properties, "systemProperties", resource));
        }

        /** In command-line form, for the unnamed module, as a child on the classpath needs them. */
        List<String> commandLine()
        {
            final List<String> flags = new ArrayList<>();
            for (final String export : addExports)
            {
                flags.add("--add-exports=" + export + "=ALL-UNNAMED");
            }
            for (final String open : addOpens)
            {
                flags.add("--add-opens=" + open + "=ALL-UNNAMED");
            }
            flags.addAll(systemProperties);
            return flags;
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
}
