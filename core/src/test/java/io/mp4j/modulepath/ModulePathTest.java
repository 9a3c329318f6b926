package io.mp4j.modulepath;

import io.mp4j.shared.SharedLong;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * mp4j-core works as a named module with no JVM flag: a JVM that sees only {@code io.mp4j.core}, what it
 * requires and java.base ({@code --limit-modules}, as an application module that requires mp4j does) can
 * still reach Agrona's {@code sun.misc.Unsafe}, because the descriptor requires its module.
 */
class ModulePathTest
{
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    @TempDir
    Path temp;

    @Test
    void shouldMakeASharedValueWithMp4jCoreAsANamedModuleAndNoFlags()
    {
        assertTimeoutPreemptively(TIMEOUT, () ->
        {
            final List<String> command = new ArrayList<>();
            command.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
            command.addAll(List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx64m"));
            command.addAll(List.of(
                "--module-path", explodedCore() + File.pathSeparator + locationOf(UnsafeBuffer.class),
                "--limit-modules", "io.mp4j.core", "--add-modules", "io.mp4j.core",
                "-Dmp4j.session.root=" + temp.resolve("sessions"),
                "-cp", locationOf(ModulePathMain.class).toString(), ModulePathMain.class.getName()));
            final Path log = temp.resolve("module-path.log");
            final Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            try
            {
                assertTrue(process.waitFor(TIMEOUT.toSeconds(), TimeUnit.SECONDS), "the JVM ended");
            }
            finally
            {
                process.destroyForcibly();
            }
            final String output = Files.readString(log);
            assertEquals(0, process.exitValue(), output);
            assertEquals("read 1 then 5 in io.mp4j.core", output.strip());
        });
    }

    /**
     * mp4j-core's classes as an exploded module: the jar is multi-release, with its descriptor under
     * {@code META-INF/versions/17}, which a directory on the module path does not honour.
     */
    private Path explodedCore() throws IOException, URISyntaxException
    {
        final Path classes = locationOf(SharedLong.class);
        final Path module = temp.resolve("io.mp4j.core");
        try (Stream<Path> files = Files.walk(classes))
        {
            for (final Path file : (Iterable<Path>)files::iterator)
            {
                final Path relative = classes.relativize(file);
                if (Files.isRegularFile(file) && !relative.startsWith("META-INF"))
                {
                    Files.createDirectories(module.resolve(relative).getParent());
                    Files.copy(file, module.resolve(relative));
                }
            }
        }
        Files.copy(classes.resolve("META-INF/versions/17/module-info.class"), module.resolve("module-info.class"));
        return module;
    }

    private static Path locationOf(final Class<?> type) throws URISyntaxException
    {
        return Paths.get(type.getProtectionDomain().getCodeSource().getLocation().toURI());
    }
}
