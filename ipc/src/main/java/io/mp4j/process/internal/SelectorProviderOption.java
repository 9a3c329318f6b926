package io.mp4j.process.internal;

import java.io.IOException;
import java.nio.channels.spi.SelectorProvider;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Spares a child the search of its classpath for a selector provider. A JVM's first selector or socket
 * channel (a pool worker's doorbell, say) asks {@link java.util.ServiceLoader} for a {@link SelectorProvider}
 * before it takes the JDK's own, and so opens every jar of its classpath and reads its index: ~20 ms of
 * CPU for a jar of 16,000 entries, in each worker a pool starts. Where this JVM's own search found none
 * (no property named one, and it runs the JDK's provider), a child whose classpath offers none either
 * (this JVM's own classpath, or one whose other entries were looked into once) is told that provider's class
 * through the system property that {@link SelectorProvider#provider()} reads first: the same provider,
 * found without a search. Only for a child of this JVM's own JDK, or on Linux, where every JDK's provider
 * has the same name.
 */
final class SelectorProviderOption
{
    /** The system property {@link SelectorProvider#provider()} reads first. */
    static final String PROPERTY = "java.nio.channels.spi.SelectorProvider";

    private static final String LINUX_PROVIDER = "sun.nio.ch.EPollSelectorProvider";
    /** Where a jar or directory offers a provider as a service. */
    private static final String SERVICE_FILE = "META-INF/services/" + SelectorProvider.class.getName();
    /** Whether classpaths offer no provider, remembered for so many of them at most. */
    private static final int MAX_CLASS_PATHS = 64;
    private static final Map<String, Boolean> OFFERING_NONE = new ConcurrentHashMap<>();
    private static final Path OWN_JAVA = Paths.get(System.getProperty("java.home"), "bin", "java");

    private SelectorProviderOption()
    {
    }

    /**
     * The option for a child, if any.
     *
     * @param java      the child's {@code java} executable.
     * @param classPath the child's classpath.
     * @return the option, or an empty list where the child finds its provider as it would without it.
     */
    static List<String> forChild(final Path java, final String classPath)
    {
        final String provider = Holder.JDK_PROVIDER;
        if (provider == null || !(provider.equals(LINUX_PROVIDER) || isOwnJava(java)) || !offersNone(classPath))
        {
            return List.of();
        }
        return List.of("-D" + PROPERTY + '=' + provider);
    }

    /**
     * Whether a child's search of this classpath would find no provider, as this JVM's found none: where it
     * holds nothing this JVM did not search, or, looked into once, offers no provider service anywhere (a
     * wildcard's jars and the jars manifests name included, as the JVM reads them).
     */
    private static boolean offersNone(final String classPath)
    {
        final Boolean known = OFFERING_NONE.get(classPath);
        if (known != null)
        {
            return known;
        }
        final boolean none = Holder.SEARCHED.containsAll(ClassPathEntries.expandAll(classPath)) ||
            !ClassPathEntries.holds(classPath, SERVICE_FILE);
        if (OFFERING_NONE.size() < MAX_CLASS_PATHS)
        {
            OFFERING_NONE.put(classPath, none);
        }
        return none;
    }

    private static boolean isOwnJava(final Path java)
    {
        try
        {
            return java.equals(OWN_JAVA) || Files.isSameFile(java, OWN_JAVA);
        }
        catch (final IOException | RuntimeException ex)
        {
            return false;
        }
    }

    /** What this JVM's own search for a provider found and searched, looked up at the first child's start. */
    private static final class Holder
    {
        /** The class of this JVM's provider if it is the JDK's own and no property named it; else null. */
        static final String JDK_PROVIDER = jdkProvider();
        /** The classpath entries this JVM's search went through, finding no provider. */
        static final Set<Path> SEARCHED = Set.copyOf(ClassPathEntries.expandAll(System.getProperty("java.class.path", "")));

        private static String jdkProvider()
        {
            if (System.getProperty(PROPERTY) != null)
            {
                return null;
            }
            try
            {
                final Class<?> provider = SelectorProvider.provider().getClass();
                return provider.getModule() == Object.class.getModule() ? provider.getName() : null;
            }
            catch (final Throwable ex) // e.g. a jar's provider service that does not load: children look for themselves
            {
                return null;
            }
        }
    }
}
