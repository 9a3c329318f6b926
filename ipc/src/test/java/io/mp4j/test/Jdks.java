package io.mp4j.test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** JDKs installed beside the one that runs the tests, for children of another release. */
public final class Jdks
{
    /** Names the {@code java} of a newer JDK for the tests that want one. */
    public static final String NEWER_JAVA_PROPERTY = "mp4j.test.aotJava";

    private static final Pattern VERSION = Pattern.compile("(?m)^JAVA_VERSION=\"(\\d+)");

    private Jdks()
    {
    }

    /**
     * The {@code java} of a JDK of at least a feature release: the one {@value #NEWER_JAVA_PROPERTY} names, else
     * the one running the tests if it is new enough, else the first such JDK under {@code /usr/lib/jvm}.
     *
     * @param feature the least feature release, e.g. 25.
     * @return the executable, or empty if there is none.
     */
    public static Optional<Path> atLeast(final int feature)
    {
        final String named = System.getProperty(NEWER_JAVA_PROPERTY);
        final List<Path> homes;
        if (named != null && !named.isBlank())
        {
            homes = List.of(Paths.get(named).toAbsolutePath().getParent().getParent());
        }
        else if (Runtime.version().feature() >= feature)
        {
            homes = List.of(Paths.get(System.getProperty("java.home")));
        }
        else
        {
            final Path jvms = Paths.get("/usr/lib/jvm");
            if (!Files.isDirectory(jvms))
            {
                return Optional.empty();
            }
            try (Stream<Path> all = Files.list(jvms))
            {
                homes = all.sorted().collect(Collectors.toList());
            }
            catch (final IOException ex)
            {
                return Optional.empty();
            }
        }
        return homes.stream().filter(home -> Files.isExecutable(home.resolve("bin").resolve("java")))
            .filter(home -> featureOf(home) >= feature).map(home -> home.resolve("bin").resolve("java")).findFirst();
    }

    private static int featureOf(final Path home)
    {
        try
        {
            final Matcher matcher = VERSION.matcher(Files.readString(home.resolve("release")));
            return matcher.find() ? Integer.parseInt(matcher.group(1)) : 0;
        }
        catch (final IOException | RuntimeException ex)
        {
            return 0;
        }
    }
}
