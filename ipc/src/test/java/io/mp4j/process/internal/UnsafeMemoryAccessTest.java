package io.mp4j.process.internal;

import io.mp4j.process.ProcessContext;
import io.mp4j.test.NoLeaksExtension;
import io.mp4j.test.TestProcesses;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Java 24 and later warn at the first use of {@code sun.misc.Unsafe}'s memory access, which Agrona makes;
 * a child on such a {@code java} gets the switch that silences it, and so do its own children. Runs where
 * a JDK of 24 or later is installed beside the build's (under {@code /usr/lib/jvm}, or named by the
 * {@value #NEWER_JAVA_PROPERTY} system property).
 */
@ExtendWith(NoLeaksExtension.class)
class UnsafeMemoryAccessTest
{
    private static final String NEWER_JAVA_PROPERTY = "mp4j.test.newerJava";
    private static final Duration TIMEOUT = Duration.ofSeconds(90);

    @TempDir
    Path temp;

    @Test
    void shouldStartChildrenOnJava24OrLaterWithoutTheUnsafeWarning()
    {
        final Optional<Path> newer = newerJava();
        assumeTrue(newer.isPresent(), "no java of 24 or later is installed");
        assertTimeoutPreemptively(TIMEOUT, () ->
        {
            final List<String> lean = ProcessContext.defaultContext().jvmOptions();
            final List<String> options = new ArrayList<>(lean);
            options.add("-D" + ProcessContext.CHILD_JVM_OPTIONS_PROPERTY + '=' + String.join(" ", lean));
            options.add("-D" + ProcessContext.CLASS_DATA_SHARING_PROPERTY + "=false");
            final ProcessContext context = new ProcessContext().javaExecutable(newer.get()).jvmOptions(options)
                .classDataSharing(false).conclude();
            final List<String> command = context.javaCommand(NewerJavaMain.class.getName(), List.of());
            assertTrue(command.contains("--sun-misc-unsafe-memory-access=allow"), command::toString);

            final String output = TestProcesses.runToEnd(command, temp.resolve("newer-java.log"), TIMEOUT);
            assertTrue(output.contains("value 2 exit 0"), output);
            assertTrue(!output.contains("sun.misc.Unsafe"), output);
        });
    }

    /** A {@code java} of 24 or later other than this JVM's, if one is installed. */
    private static Optional<Path> newerJava()
    {
        final String named = System.getProperty(NEWER_JAVA_PROPERTY);
        if (named != null)
        {
            return Optional.of(Paths.get(named));
        }
        final Path installed = Paths.get("/usr/lib/jvm");
        if (!Files.isDirectory(installed))
        {
            return Optional.empty();
        }
        try (Stream<Path> homes = Files.list(installed))
        {
            return homes.map(home -> home.resolve("bin/java"))
                .filter(Files::isExecutable)
                .filter(java -> JvmFlags.featureVersion(java) >= 24)
                .sorted()
                .findFirst();
        }
        catch (final IOException ex)
        {
            return Optional.empty();
        }
    }
}
