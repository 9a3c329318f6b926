package io.mp4j.process.internal;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** How class-data sharing reorders a classpath, and when it must not. */
class ArchiveClassPathTest
{
    @TempDir
    Path temp;

    @Test
    void shouldPutJarsFirstWhenNoDirectoryFileIsInAJar() throws IOException
    {
        final Path classes = directory("classes", "app/Main.class");
        final Path library = jar("library.jar", "lib/Library.class");
        final Path missing = temp.resolve("missing");
        final Path other = jar("other.jar", "other/Other.class");
        final ArchiveClassPath classPath = ArchiveClassPath.of(join(classes, library, missing, other)).orElseThrow();

        assertEquals(List.of(library.toString(), other.toString()), classPath.jars());
        assertEquals(join(library, other), classPath.archivingClassPath());
        assertEquals(join(library, other, classes, missing), classPath.sharingClassPath());
        assertTrue(classPath.isOrderSafe());
    }

    @Test
    void shouldKeepOrderWhenDirectoryFileIsAlsoInALaterJar() throws IOException
    {
        final Path resources = directory("test-classes", "logging.properties");
        final Path library = jar("library.jar", "logging.properties");
        assertFalse(ArchiveClassPath.of(join(resources, library)).orElseThrow().isOrderSafe());
    }

    @Test
    void shouldIgnoreFileOfDirectoryThatAlreadyComesAfterTheJar() throws IOException
    {
        final Path library = jar("library.jar", "logging.properties");
        final Path resources = directory("test-classes", "logging.properties");
        final ArchiveClassPath classPath = ArchiveClassPath.of(join(library, resources)).orElseThrow();
        assertTrue(classPath.isOrderSafe());
        assertEquals(join(library, resources), classPath.sharingClassPath());
    }

    @Test
    void shouldKeepOrderWhenALaterJarsManifestNamesMoreJarsThatExist() throws IOException
    {
        // dependency.jar would be searched right after app.jar, and so would move ahead of classes/.
        final Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().put(Attributes.Name.CLASS_PATH, "dependency.jar missing.jar");
        final Path app = temp.resolve("app.jar");
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(app), manifest))
        {
            out.putNextEntry(new JarEntry("app/Main.class"));
            out.closeEntry();
        }
        final Path before = directory("classes-before", "lib/Library.class");
        assertTrue(ArchiveClassPath.of(join(before, app)).orElseThrow().isOrderSafe(), "the jars it names do not exist");

        jar("dependency.jar", "lib/Library.class");
        final Path classes = directory("classes", "lib/Library.class");
        assertFalse(ArchiveClassPath.of(join(classes, app)).orElseThrow().isOrderSafe());
        assertTrue(ArchiveClassPath.of(join(app, classes)).orElseThrow().isOrderSafe(), "nothing moves");
    }

    @Test
    void shouldRefuseWildcards()
    {
        assertTrue(ArchiveClassPath.of(temp.resolve("lib") + File.separator + "*").isEmpty());
    }

    @Test
    void shouldSayWhetherAJarHoldsResourceBeforeAnyDirectory() throws IOException
    {
        final Path classes = directory("classes", "io/mp4j/process/internal/ChildMain.class");
        final Path library = jar("mp4j.jar", "io/mp4j/process/internal/ChildMain.class", "io/mp4j/Session.class");
        final ArchiveClassPath inDirectory = ArchiveClassPath.of(join(classes, library)).orElseThrow();
        final ArchiveClassPath inJar = ArchiveClassPath.of(join(library, classes)).orElseThrow();

        assertFalse(inDirectory.isFirstFoundInJar("io/mp4j/process/internal/ChildMain.class"));
        assertTrue(inDirectory.isFirstFoundInJar("io/mp4j/Session.class"));
        assertTrue(inJar.isFirstFoundInJar("io/mp4j/process/internal/ChildMain.class"));
        assertFalse(inJar.isFirstFoundInJar("io/mp4j/process/internal/Absent.class"));
    }

    private Path directory(final String name, final String file) throws IOException
    {
        final Path directory = temp.resolve(name);
        Files.createDirectories(directory.resolve(file).getParent());
        Files.writeString(directory.resolve(file), name);
        return directory;
    }

    private Path jar(final String name, final String... files) throws IOException
    {
        final Path jar = temp.resolve(name);
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar)))
        {
            for (final String file : files)
            {
                out.putNextEntry(new JarEntry(file));
                out.write(name.getBytes(StandardCharsets.UTF_8));
                out.closeEntry();
            }
        }
        return jar;
    }

    private static String join(final Path... paths)
    {
        final StringBuilder joined = new StringBuilder();
        for (final Path path : paths)
        {
            joined.append(joined.length() == 0 ? "" : File.pathSeparator).append(path);
        }
        return joined.toString();
    }
}
