package io.mp4j.process.internal;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The archive cache's files, without JVMs: the archives here are plain bytes. */
class ArchiveCacheTest
{
    private static final String KEY = "0123456789abcdef0123456789abcdef";
    /** No Linux process has this pid (pid_max is at most 2^22). */
    private static final long DEAD_PID = Integer.MAX_VALUE;

    @TempDir
    Path temp;

    @Test
    void shouldCreateOwnerOnlyDirectory() throws IOException
    {
        final Path directory = temp.resolve("cds");
        assertTrue(ArchiveCache.open(directory).isPresent());
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(directory)));
    }

    @Test
    void shouldRefuseDirectoryOthersCanWriteTo() throws IOException
    {
        final Path directory = Files.createDirectory(temp.resolve("shared"));
        Files.setPosixFilePermissions(directory, PosixFilePermissions.fromString("rwxrwxrwx"));
        assertTrue(ArchiveCache.open(directory).isEmpty());
    }

    @Test
    void shouldRefuseSymbolicLink() throws IOException
    {
        final Path target = Files.createDirectory(temp.resolve("target"));
        final Path link = Files.createSymbolicLink(temp.resolve("link"), target);
        assertTrue(ArchiveCache.open(link).isEmpty());
    }

    @Test
    void shouldCheckDirectoryAgainWhenItWasMadeAnew() throws IOException
    {
        final Path directory = temp.resolve("cds");
        assertTrue(ArchiveCache.open(directory).isPresent());
        Files.delete(directory);
        Files.createDirectory(directory);
        Files.setPosixFilePermissions(directory, PosixFilePermissions.fromString("rwxrwxrwx"));

        assertTrue(ArchiveCache.open(directory).isEmpty(), "made again, writable by anyone");
    }

    @Test
    void shouldRemoveEntryWhoseArchiveWentSoThatItIsBuiltAgain() throws IOException
    {
        final ArchiveCache cache = ArchiveCache.open(temp.resolve("cds")).orElseThrow();
        cache.install(KEY, build(cache, KEY, "archive".getBytes(StandardCharsets.UTF_8)), "key", List.of(), false);
        Files.delete(cache.archive(KEY).orElseThrow());

        assertEquals(Optional.empty(), cache.archive(KEY));
        assertEquals(List.of(), names(cache.directory()));
        assertTrue(cache.install(KEY, build(cache, KEY, "again".getBytes(StandardCharsets.UTF_8)), "key", List.of(), false));
        assertEquals("again", Files.readString(cache.archive(KEY).orElseThrow()));
    }

    @Test
    void shouldInstallBuildAndFindItsArchive() throws IOException
    {
        final ArchiveCache cache = ArchiveCache.open(temp.resolve("cds")).orElseThrow();
        final byte[] bytes = "archive".getBytes(StandardCharsets.UTF_8);
        assertTrue(cache.install(KEY, build(cache, KEY, bytes), "key text", List.of(), false));

        final Path archive = cache.archive(KEY).orElseThrow();
        assertArrayEquals(bytes, Files.readAllBytes(archive));
        assertEquals("key text", Files.readString(archive.resolveSibling(ArchiveCache.KEY_FILE)));
        assertEquals(List.of(KEY), names(cache.directory()));
    }

    @Test
    void shouldKeepFirstInstalledBuildOfAKey() throws IOException
    {
        final ArchiveCache cache = ArchiveCache.open(temp.resolve("cds")).orElseThrow();
        final Path first = build(cache, KEY, "first".getBytes(StandardCharsets.UTF_8));
        final Path second = build(cache, KEY, "second".getBytes(StandardCharsets.UTF_8));
        assertTrue(cache.install(KEY, first, "first", List.of(), false));
        assertTrue(cache.install(KEY, second, "second", List.of(), false));

        assertEquals("first", Files.readString(cache.archive(KEY).orElseThrow()));
        assertEquals(List.of(KEY), names(cache.directory()), "the second build is gone");
    }

    @Test
    void shouldReplaceEntryWithRetrainedBuildAndKeepItsTargetClasses() throws IOException
    {
        final ArchiveCache cache = ArchiveCache.open(temp.resolve("cds")).orElseThrow();
        assertEquals(Set.of(), cache.targetClasses(KEY), "no entry");
        assertTrue(cache.install(KEY, build(cache, KEY, "first".getBytes(StandardCharsets.UTF_8)), "key",
            List.of("app.First"), false));
        assertEquals(Set.of("app.First"), cache.targetClasses(KEY));
        final Path firstArchive = cache.archive(KEY).orElseThrow();
        final Object firstFile = Files.readAttributes(firstArchive, BasicFileAttributes.class).fileKey();

        assertTrue(cache.install(KEY, build(cache, KEY, "second".getBytes(StandardCharsets.UTF_8)), "key",
            List.of("app.First", "app.Second"), true));
        assertEquals(Set.of("app.First", "app.Second"), cache.targetClasses(KEY));
        final Path archive = cache.archive(KEY).orElseThrow();
        assertEquals("second", Files.readString(archive));
        assertFalse(firstFile.equals(Files.readAttributes(archive, BasicFileAttributes.class).fileKey()), "a new file");
        assertEquals(List.of(KEY), names(cache.directory()), "nothing left of the first");
    }

    @Test
    void shouldKeepAnEntryThatReplacedTheOneFoundDamaged() throws IOException
    {
        final ArchiveCache cache = ArchiveCache.open(temp.resolve("cds")).orElseThrow();
        assertTrue(cache.install(KEY, build(cache, KEY, "first".getBytes(StandardCharsets.UTF_8)), "key",
            List.of("app.First"), false));
        final Path entry = cache.directory().resolve(KEY);
        final Object looked = Files.readAttributes(entry, BasicFileAttributes.class).fileKey();
        assertTrue(cache.install(KEY, build(cache, KEY, "second".getBytes(StandardCharsets.UTF_8)), "key",
            List.of("app.First", "app.Second"), true));

        cache.removeIfUnchanged(entry, looked); // a reader that looked at the first entry
        assertEquals("second", Files.readString(cache.archive(KEY).orElseThrow()));
        assertEquals(List.of(KEY), names(cache.directory()));

        cache.removeIfUnchanged(entry, Files.readAttributes(entry, BasicFileAttributes.class).fileKey());
        assertEquals(List.of(), names(cache.directory()), "the entry looked at goes");
    }

    @Test
    void shouldNotReplaceAnEntryWithABuildThatLacksItsTargetClasses() throws IOException
    {
        final ArchiveCache cache = ArchiveCache.open(temp.resolve("cds")).orElseThrow();
        assertTrue(cache.install(KEY, build(cache, KEY, "other".getBytes(StandardCharsets.UTF_8)), "key",
            List.of("app.First", "app.Other"), false));

        assertFalse(cache.install(KEY, build(cache, KEY, "mine".getBytes(StandardCharsets.UTF_8)), "key",
            List.of("app.First", "app.Mine"), true), "another process's rebuild holds a class this one lacks");
        assertEquals("other", Files.readString(cache.archive(KEY).orElseThrow()));
        assertEquals(List.of(KEY), names(cache.directory()), "the refused build is gone");
    }

    @Test
    void shouldRemoveEntryWhoseArchiveNoLongerMatchesItsChecksum() throws IOException
    {
        final ArchiveCache cache = ArchiveCache.open(temp.resolve("cds")).orElseThrow();
        cache.install(KEY, build(cache, KEY, "archive".getBytes(StandardCharsets.UTF_8)), "key", List.of(), false);
        final Path archive = cache.archive(KEY).orElseThrow();
        Files.writeString(archive, "archivf");

        assertEquals(Optional.empty(), cache.archive(KEY));
        assertEquals(List.of(), names(cache.directory()));
    }

    @Test
    void shouldAgreeOnLeadingBuildAndRemoveBuildsOfDeadProcesses() throws IOException
    {
        final ArchiveCache cache = ArchiveCache.open(temp.resolve("cds")).orElseThrow();
        final Path dead = Files.createDirectory(cache.directory().resolve(KEY + ".tmp-" + DEAD_PID + "-1-1"));
        final Path mine = cache.newBuild(KEY);
        final Path later = cache.newBuild(KEY);

        final Path first = mine.getFileName().toString().compareTo(later.getFileName().toString()) < 0 ? mine : later;
        assertEquals(Optional.of(first), cache.leadingBuild(KEY));
        assertEquals(Optional.of(first), cache.leadingBuild(KEY), "every caller agrees");
        assertFalse(Files.exists(dead));
        assertTrue(Files.exists(later));
    }

    @Test
    void shouldRemoveTemporariesOfDeadProcessesWhenOpened() throws IOException
    {
        final Path directory = Files.createDirectory(temp.resolve("cds"),
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        Files.createDirectories(directory.resolve(KEY + ".tmp-" + DEAD_PID + "-1-1").resolve("inside"));
        Files.createDirectory(directory.resolve(KEY + ".del-" + DEAD_PID + "-1-2"));

        assertTrue(ArchiveCache.open(directory).isPresent());
        assertEquals(List.of(), names(directory));
    }

    @Test
    void shouldRecordFailureWithBuildOutput() throws IOException
    {
        final ArchiveCache cache = ArchiveCache.open(temp.resolve("cds")).orElseThrow();
        final Path build = cache.newBuild(KEY);
        Files.writeString(build.resolve(ArchiveCache.BUILD_LOG_FILE), "Error: something the JVM said\n");
        cache.recordFailure(KEY, build, "build failed: exitCode=1");

        assertTrue(cache.hasFailed(KEY));
        final String record = Files.readString(cache.directory().resolve(KEY + ArchiveCache.FAILED_SUFFIX));
        assertTrue(record.startsWith("build failed: exitCode=1\n"), record);
        assertTrue(record.contains("Error: something the JVM said"), record);
        assertEquals(List.of(KEY + ArchiveCache.FAILED_SUFFIX), names(cache.directory()));
    }

    @Test
    void shouldTryFailedKeyAgainAfterTheHold() throws IOException
    {
        final ArchiveCache cache = ArchiveCache.open(temp.resolve("cds")).orElseThrow();
        cache.recordFailure(KEY, cache.newBuild(KEY), "build failed: exitCode=1");
        final Path record = cache.directory().resolve(KEY + ArchiveCache.FAILED_SUFFIX);
        Files.setLastModifiedTime(record, FileTime.fromMillis(
            System.currentTimeMillis() - ArchiveCache.FAILURE_HOLD.toMillis() - 60_000));

        assertFalse(cache.hasFailed(KEY));
        assertTrue(cache.install(KEY, build(cache, KEY, "archive".getBytes(StandardCharsets.UTF_8)), "key", List.of(), false));
        assertEquals(List.of(KEY), names(cache.directory()), "the record went with the install");
    }

    @Test
    void shouldEvictLeastRecentlyUsedEntries() throws IOException
    {
        final ArchiveCache cache = ArchiveCache.open(temp.resolve("cds")).orElseThrow();
        final List<String> keys = new ArrayList<>();
        for (int i = 0; i < ArchiveCache.MAX_ENTRIES + 2; i++)
        {
            final String key = String.format("%032x", i);
            keys.add(key);
            cache.install(key, build(cache, key, new byte[]{(byte)i}), key, List.of(), false);
            // Used in the order installed, a minute apart.
            Files.setLastModifiedTime(cache.directory().resolve(key), FileTime.fromMillis(1_000_000L + i * 60_000L));
        }

        final List<String> kept = names(cache.directory());
        assertEquals(ArchiveCache.MAX_ENTRIES, kept.size(), kept.toString());
        assertFalse(kept.contains(keys.get(0)));
        assertFalse(kept.contains(keys.get(1)));
        assertTrue(kept.contains(keys.get(keys.size() - 1)));
    }

    private static Path build(final ArchiveCache cache, final String key, final byte[] archive) throws IOException
    {
        final Path build = cache.newBuild(key);
        Files.write(build.resolve(ArchiveCache.ARCHIVE_FILE), archive);
        return build;
    }

    private static List<String> names(final Path directory) throws IOException
    {
        try (Stream<Path> entries = Files.list(directory))
        {
            return entries.map(path -> path.getFileName().toString()).sorted().collect(Collectors.toList());
        }
    }
}
