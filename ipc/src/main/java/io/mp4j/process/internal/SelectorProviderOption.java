package io.mp4j.process.internal;

import java.io.IOException;
import java.nio.channels.spi.SelectorProvider;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;

/**
 * Spares a child the search of its classpath for a selector provider. A JVM's first selector or socket
 * channel (a pool worker's doorbell, say) asks {@link java.util.ServiceLoader} for a {@link SelectorProvider}
 * before it takes the JDK's own, and so opens every jar of its classpath and reads its index: ~20 ms of
 * CPU for a jar of 16,000 entries, in each worker a pool starts. Where this JVM runs the JDK's own provider
 * (no jar offered one), a child is told that provider's class through the system property that
 * {@link SelectorProvider#provider()} reads first: the same provider, found without a search. Only for a
 * child of this JVM's own JDK, or on Linux, where every JDK's provider has the same name.
 */
final class SelectorProviderOption
{
    /** The system property {@link SelectorProvider#provider()} reads first. */
    static final String PROPERTY = "java.nio.channels.spi.SelectorProvider";

    private static final String LINUX_PROVIDER = "sun.nio.ch.EPollSelectorProvider";
    private static final Path OWN_JAVA = Paths.get(System.getProperty("java.home"), "bin", "java");

    private SelectorProviderOption()
    {
    }

    /**
     * The option for a child, if any.
     *
     * @param java the child's {@code java} executable.
     * @return the option, or an empty list where the child finds its provider as it would without it.
     */
    static List<String> forChild(final Path java)
    {
        final String provider = Holder.JDK_PROVIDER;
        if (provider == null || !(provider.equals(LINUX_PROVIDER) || isOwnJava(java)))
        {
            return List.of();
        }
        return List.of("-D" + PROPERTY + '=' + provider);
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

    /** This JVM's provider's class, looked up at the first child's start, if it is the JDK's own. */
    private static final class Holder
    {
        static final String JDK_PROVIDER = jdkProvider();

        private static String jdkProvider()
        {
            final Class<?> provider = SelectorProvider.provider().getClass();
            return provider.getModule() == Object.class.getModule() ? provider.getName() : null;
        }
    }
}
