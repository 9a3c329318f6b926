package io.mp4j.process.internal;

import io.mp4j.Mp4jException;
import io.mp4j.test.TestProcesses;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** How a child's classpath is derived from what this JVM loaded, and checked before a launch. */
class ChildClassPathTest
{
    @TempDir
    Path temp;

    @Test
    void shouldAddTheJarsOfIsolatedClassLoadersAfterJavaClassPathOnce() throws IOException
    {
        final Path launcher = Files.createFile(temp.resolve("launcher.jar"));
        final Path outer = Files.createDirectories(temp.resolve("outer"));
        final Path app = Files.createDirectories(temp.resolve("app"));
        try (URLClassLoader outerLoader = new URLClassLoader(new URL[]{outer.toUri().toURL()}, ClassLoader.getSystemClassLoader());
             URLClassLoader appLoader = new URLClassLoader(
                 new URL[]{app.toUri().toURL(), launcher.toUri().toURL()}, outerLoader))
        {
            final List<String> entries =
                List.of(ChildClassPath.derive(launcher.toString(), appLoader, null).split(File.pathSeparator));

            // as the loaders delegate: java.class.path, the outer loader, the inner one; the launcher once
            assertEquals(List.of(launcher.toString(), outer.toString(), app.toString()), entries.subList(0, 3));
            assertEquals(1, entries.stream().filter(entry -> entry.equals(launcher.toString())).count());
            // mp4j's own code sources are there even though no loader above names them
            assertTrue(entries.contains(codeSourceOf(ChildClassPath.class).toString()), entries.toString());
        }
    }

    @Test
    void shouldFindTheBootstrapThroughAManifestOnlyJarAsTheLauncherDoes() throws IOException
    {
        final Path pathing = TestProcesses.manifestOnlyJar(temp.resolve("pathing.jar"),
            List.of("missing.jar", codeSourceOf(ChildClassPath.class).toUri().toString()));

        assertDoesNotThrow(() -> ChildClassPath.checkBootstrap(pathing.toString()));
    }

    @Test
    void shouldRefuseAClassPathWithoutMp4jNamingTheSettingAndTheClassPath() throws IOException
    {
        final Path empty = Files.createDirectories(temp.resolve("classes"));
        final String classPath = empty + File.pathSeparator + temp.resolve("gone.jar") + File.pathSeparator + temp + "/*";

        final Mp4jException refused = assertThrows(Mp4jException.class, () -> ChildClassPath.checkBootstrap(classPath));

        assertTrue(refused.getMessage().contains("cannot load mp4j's bootstrap class " + ChildClassPath.BOOTSTRAP_CLASS),
            refused.getMessage());
        assertTrue(refused.getMessage().contains("ProcessContext.classPath(...)"), refused.getMessage());
        assertTrue(refused.getMessage().endsWith("classPath=" + classPath), refused.getMessage());
    }

    @Test
    void shouldSayWhenMp4jCameFromAJarNestedInAnotherJar() throws IOException
    {
        final Path empty = Files.createDirectories(temp.resolve("classes"));
        final URL nested = new URL("jar:file:/srv/app.jar!/BOOT-INF/lib/mp4j-ipc.jar!/");

        final Mp4jException refused =
            assertThrows(Mp4jException.class, () -> ChildClassPath.checkBootstrap(empty.toString(), nested));

        assertTrue(refused.getMessage().contains("this JVM loaded mp4j from " + nested +
            ", which a plain java launch cannot read (a jar nested in another jar, as in Spring Boot's executable jar?)"),
            refused.getMessage());
        assertTrue(refused.getMessage().contains("ProcessContext.classPath(...)"), refused.getMessage());
    }

    private static Path codeSourceOf(final Class<?> type)
    {
        try
        {
            return Paths.get(type.getProtectionDomain().getCodeSource().getLocation().toURI());
        }
        catch (final java.net.URISyntaxException ex)
        {
            throw new IllegalStateException(ex);
        }
    }
}
