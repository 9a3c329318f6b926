package io.mp4j.host.internal;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What a classpath's fingerprint sees of its jars and directories, and what it costs. */
class ClassPathFingerprintTest
{
    private static final Instant AN_HOUR_AGO = Instant.now().minus(Duration.ofHours(1));

    @TempDir
    Path root;

    @BeforeEach
    void forget()
    {
        ClassPathFingerprint.forgetDigests();
    }

    @Test
    void shouldGiveTheSameDigestToTheSameContentsWhereverTheyLie() throws IOException
    {
        final Path jar = jar(root.resolve("a/app.jar"), "Main.class", "main");
        final Path classes = file(root.resolve("a/classes/p/Task.class"), "task").getParent().getParent();
        final Path otherJar = Files.copy(jar, Files.createDirectories(root.resolve("b")).resolve("app.jar"));
        file(root.resolve("b/classes/p/Task.class"), "task");

        final ClassPathFingerprint here = ClassPathFingerprint.of(jar + File.pathSeparator + classes);
        final ClassPathFingerprint there =
            ClassPathFingerprint.of(otherJar + File.pathSeparator + root.resolve("b/classes"));

        assertEquals(2, here.entries().size());
        assertTrue(here.hasDigest(there.digest()), "same contents, other paths");
        assertTrue(here.isServedBy(there) && there.isServedBy(here));
    }

    @Test
    void shouldChangeTheDigestWhenAClassFileIsRebuiltInPlaceAtTheSameSize() throws IOException
    {
        final Path task = file(root.resolve("classes/p/Task.class"), "old");
        Files.setLastModifiedTime(task, FileTime.from(AN_HOUR_AGO));
        final String classPath = root.resolve("classes").toString();
        final ClassPathFingerprint before = ClassPathFingerprint.of(classPath);
        assertTrue(before.entries().get(0).settled(), "unchanged for an hour: its stamp vouches for it");

        Files.writeString(task, "new");
        Files.setLastModifiedTime(task, FileTime.from(AN_HOUR_AGO.plusSeconds(1)));
        final ClassPathFingerprint after = ClassPathFingerprint.of(classPath);

        assertFalse(after.hasDigest(before.digest()));
        assertEquals("changed: " + classPath, after.describeDifferences(before, "client", "host"));
    }

    @Test
    void shouldSeeARewriteThatKeepsSizeAndTimeWhileTheFileIsFresh() throws IOException
    {
        // Within a file system's timestamp granularity a rewrite may keep the modification time: a digest
        // taken so soon after a change is not vouched for by the stamp, and is taken again.
        final Path jar = file(root.resolve("lib/app.jar"), "old");
        final FileTime written = Files.getLastModifiedTime(jar);
        final ClassPathFingerprint before = ClassPathFingerprint.of(jar.toString());
        assertFalse(before.entries().get(0).settled());

        Files.writeString(jar, "new");
        Files.setLastModifiedTime(jar, written);
        assertFalse(ClassPathFingerprint.of(jar.toString()).hasDigest(before.digest()));
    }

    @Test
    void shouldSearchTheJarsAManifestNamesRightAfterIt() throws IOException
    {
        final Path dependency = jar(root.resolve("lib/dependency.jar"), "Dep.class", "1");
        final Path app = jar(root.resolve("app.jar"), "Main.class", "main", "lib/dependency.jar lib/missing.jar");
        final Path later = jar(root.resolve("later.jar"), "Later.class", "later");

        final ClassPathFingerprint before = ClassPathFingerprint.of(app + File.pathSeparator + later);
        assertEquals(List.of(app.toString(), dependency.toString(), later.toString()),
            before.entries().stream().map(ClassPathFingerprint.Entry::path).toList());
        assertEquals(app + File.pathSeparator + later, before.classPath(), "the JVM reads the manifest itself");

        jar(dependency, "Dep.class", "2");
        Files.setLastModifiedTime(dependency, FileTime.from(Instant.now().plusSeconds(5)));
        final ClassPathFingerprint after = ClassPathFingerprint.of(app + File.pathSeparator + later);
        assertFalse(after.hasDigest(before.digest()));
        assertEquals("changed: " + dependency, after.describeDifferences(before, "client", "host"));
    }

    @Test
    void shouldExpandAWildcardToItsJarsInNameOrderAndSkipWhatIsMissing() throws IOException
    {
        final Path b = jar(root.resolve("lib/b.jar"), "B.class", "b");
        final Path a = jar(root.resolve("lib/a.jar"), "A.class", "a");
        file(root.resolve("lib/notes.txt"), "not a jar");

        final ClassPathFingerprint fingerprint = ClassPathFingerprint.of(
            root.resolve("missing.jar") + File.pathSeparator + root.resolve("lib") + File.separator + "*");

        assertEquals(a + File.pathSeparator + b, fingerprint.classPath());
        assertEquals(2, fingerprint.entries().size());
    }

    @Test
    void shouldServeAClientWhoseEntriesComeFirstAndNameTheDifferences() throws IOException
    {
        final Path app = jar(root.resolve("app.jar"), "Main.class", "main");
        final Path library = jar(root.resolve("library.jar"), "Lib.class", "lib");
        final Path host = jar(root.resolve("host.jar"), "Host.class", "host");
        final ClassPathFingerprint client = ClassPathFingerprint.of(app + File.pathSeparator + library);

        assertTrue(client.isServedBy(ClassPathFingerprint.of(client.classPath() + File.pathSeparator + host)),
            "the host's own jar after the client's entries hides none of them");
        final ClassPathFingerprint hostFirst = ClassPathFingerprint.of(host + File.pathSeparator + client.classPath());
        assertFalse(client.isServedBy(hostFirst));
        assertEquals("only the host's: " + host, client.describeDifferences(hostFirst, "client", "host"));
        final ClassPathFingerprint reversed = ClassPathFingerprint.of(library + File.pathSeparator + app);
        assertFalse(client.isServedBy(reversed));
        assertEquals("the same entries in another order", client.describeDifferences(reversed, "client", "host"));
        assertEquals("only the client's: " + library,
            client.describeDifferences(ClassPathFingerprint.of(app.toString()), "client", "host"));
    }

    @Test
    void shouldTakeAnotherProcessesDigestOnlyForASettledEntryOfTheSameStamp() throws IOException
    {
        final Path jar = jar(root.resolve("app.jar"), "Main.class", "main");
        Files.setLastModifiedTime(jar, FileTime.from(AN_HOUR_AGO));
        final ClassPathFingerprint.Entry real = ClassPathFingerprint.of(jar.toString()).entries().get(0);
        final byte[] published = new byte[32];
        Arrays.fill(published, (byte)7);

        ClassPathFingerprint.forgetDigests();
        final ClassPathFingerprint.Entry unsettled =
            new ClassPathFingerprint.Entry(real.path(), false, published, real.stamp(), false, List.of());
        assertArrayEquals(real.digest(),
            ClassPathFingerprint.of(jar.toString(), Map.of(real.path(), unsettled)).entries().get(0).digest());

        ClassPathFingerprint.forgetDigests();
        final ClassPathFingerprint.Entry settled =
            new ClassPathFingerprint.Entry(real.path(), false, published, real.stamp(), true, List.of());
        assertArrayEquals(published,
            ClassPathFingerprint.of(jar.toString(), Map.of(real.path(), settled)).entries().get(0).digest(),
            "a client on the host's own files digests nothing");
    }

    @Test
    void shouldReadWhatItWrote() throws IOException
    {
        final Path app = jar(root.resolve("app.jar"), "Main.class", "main", "dependency.jar");
        jar(root.resolve("dependency.jar"), "Dep.class", "dep");
        file(root.resolve("classes/p/Task.class"), "task");
        final ClassPathFingerprint written = ClassPathFingerprint.of(app + File.pathSeparator + root.resolve("classes"));

        final ClassPathFingerprint read = ClassPathFingerprint.decode(written.encode(), "test");

        assertTrue(read.hasDigest(written.digest()));
        assertEquals(written.classPath(), read.classPath());
        assertEquals(written.entries().size(), read.entries().size());
        assertEquals(written.entries().get(0).manifestClassPath(), read.entries().get(0).manifestClassPath());
        assertEquals(written.entries().get(2).stamp(), read.entries().get(2).stamp());
    }

    @Test
    void shouldMeasureTheTestClassPath()
    {
        // Not an assertion of speed: the numbers the documentation quotes, printed for the test report.
        final String classPath = System.getProperty("java.class.path");
        long started = System.nanoTime();
        final ClassPathFingerprint first = ClassPathFingerprint.of(classPath);
        final double digesting = (System.nanoTime() - started) / 1e6;
        started = System.nanoTime();
        ClassPathFingerprint.of(classPath);
        final double stamping = (System.nanoTime() - started) / 1e6;
        ClassPathFingerprint.forgetDigests();
        started = System.nanoTime();
        ClassPathFingerprint.of(classPath, first.byPath());
        final double fromPublished = (System.nanoTime() - started) / 1e6;
        System.err.printf("measured: test classpath of %d entries: digested %.1f ms, stamps only %.1f ms," +
            " from published digests %.1f ms%n", first.entries().size(), digesting, stamping, fromPublished);
        assertEquals(first.entries().size(), ClassPathFingerprint.of(classPath).entries().size());
    }

    private static Path file(final Path path, final String contents) throws IOException
    {
        Files.createDirectories(path.getParent());
        Files.writeString(path, contents);
        return path;
    }

    private static Path jar(final Path path, final String entry, final String contents) throws IOException
    {
        return jar(path, entry, contents, null);
    }

    private static Path jar(final Path path, final String entry, final String contents, final String classPath)
        throws IOException
    {
        Files.createDirectories(path.getParent());
        final Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        if (classPath != null)
        {
            manifest.getMainAttributes().put(Attributes.Name.CLASS_PATH, classPath);
        }
        try (OutputStream file = Files.newOutputStream(path); JarOutputStream out = new JarOutputStream(file, manifest))
        {
            out.putNextEntry(new JarEntry(entry));
            out.write(contents.getBytes(StandardCharsets.UTF_8));
            out.closeEntry();
        }
        return path;
    }
}
