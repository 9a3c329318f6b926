package io.mp4j.process.internal;

import io.mp4j.pool.Pool;
import io.mp4j.pool.PoolCallable;
import io.mp4j.pool.PoolContext;
import io.mp4j.pool.PoolFunction;
import io.mp4j.process.ChildProcess;
import io.mp4j.process.ProcessContext;
import io.mp4j.process.ProcessTarget;
import io.mp4j.test.CapturedOutput;
import io.mp4j.test.Jdks;
import io.mp4j.test.NoLeaksExtension;
import io.mp4j.worker.internal.PoolChannel;
import io.mp4j.worker.internal.PoolWorkerMain;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.File;
import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.tools.ToolProvider;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Class-data sharing with real child JVMs. mp4j's own classes come from directories in this module's
 * test run, where no archive can hold them, so most tests run children on a production-like classpath:
 * this module's and its dependencies' classes in jars, the test classes (the targets) still in a
 * directory in front of them. The tests of building, reusing, damage, rejection and concurrency run on
 * this JVM's {@code java} (a dynamic archive) and on a JDK 25 or later (an AOT cache) where one is installed:
 * under {@code /usr/lib/jvm}, or named by {@code -Dmp4j.test.aotJava}.
 */
@ExtendWith(NoLeaksExtension.class)
class ClassDataSharingTest
{
    private static final Duration TIMEOUT = Duration.ofSeconds(240);
    private static final Duration BUILD_TIMEOUT = Duration.ofSeconds(150);
    private static final String FROM_ARCHIVE = "io.mp4j.process.internal.ChildMain source: shared objects file";
    private static final String JAR_TARGET = "cdstarget.JarTarget";
    private static final String JAR_LAMBDA_CLASS = "cdstarget.Lambdas$Inner";
    private static final String RUNNING_JDK = "running JDK";
    private static final String AOT_JDK = "JDK 25+";
    private static final int AOT_CACHE_MIN_FEATURE = 25;

    @TempDir
    static Path jars;

    private static String jarClassPath;

    @TempDir
    Path temp;

    @RegisterExtension
    final CapturedOutput output = new CapturedOutput();

    @BeforeAll
    static void jarTheClassDirectories() throws IOException
    {
        final List<String> entries = new ArrayList<>();
        int index = 0;
        for (final String entry : System.getProperty("java.class.path").split(File.pathSeparator))
        {
            final Path path = Paths.get(entry);
            if (Files.isDirectory(path) && !path.endsWith("test-classes"))
            {
                entries.add(jar(path, jars.resolve(index++ + "-" + path.getParent().getParent().getFileName() + ".jar")).toString());
            }
            else
            {
                entries.add(entry);
            }
        }
        jarClassPath = String.join(File.pathSeparator, entries);
    }

    @ParameterizedTest
    @ValueSource(strings = {RUNNING_JDK, AOT_JDK})
    void shouldBuildArchiveOnceAndStartLaterChildrenFromIt(final String jdk)
    {
        final Path javaExecutable = java(jdk);
        assertTimeoutPreemptively(TIMEOUT, () ->
        {
            final Path cache = temp.resolve("cds");
            final ProcessContext context = context(javaExecutable, jarClassPath, cache);
            assertEquals(0, runChild(context, "first"));
            assertTrue(context.prepareClassDataArchive(BUILD_TIMEOUT), "archive built");

            final Path archive = onlyArchive(cache);
            final BasicFileAttributes built = Files.readAttributes(archive, BasicFileAttributes.class);
            final Path log = temp.resolve("class-load.log");
            final ProcessContext logging =
                context(javaExecutable, jarClassPath, cache, "-Xlog:class+load=info:file=" + log);
            assertEquals(0, runChild(logging, "second"));
            assertEquals(0, runChild(context, "third"));
            assertTrue(logging.prepareClassDataArchive(BUILD_TIMEOUT));

            assertEquals(List.of("first", "second", "third"), output.outLines());
            assertEquals(List.of(), output.errLines());
            assertTrue(loadedFromArchive(log), "the child mapped the archive");
            // The training's target has the shape of a child's: a lambda of the public API's type, rebuilt
            // without Java serialization.
            final List<String> loaded = Files.readAllLines(log);
            for (final String name : List.of("io.mp4j.internal.LambdaCodec", ProcessTarget.class.getName()))
            {
                assertTrue(loaded.stream().anyMatch(line -> line.contains(name + " source: shared objects file")),
                    name + " from the archive");
            }
            final BasicFileAttributes used = Files.readAttributes(onlyArchive(cache), BasicFileAttributes.class);
            assertEquals(built.fileKey(), used.fileKey(), "the same archive, not a rebuilt one");
            assertEquals(built.lastModifiedTime(), used.lastModifiedTime());
            assertEquals(List.of(), temporaries(cache));
            assertTrue(Files.readString(archive.resolveSibling("key.txt")).contains(
                AOT_JDK.equals(jdk) ? "kind aot-cache" : "kind dynamic-archive"), "the kind the JDK gets");
        });
    }

    @ParameterizedTest
    @CsvSource({"truncated, " + RUNNING_JDK, "overwritten, " + RUNNING_JDK, "truncated, " + AOT_JDK,
        "overwritten, " + AOT_JDK})
    void shouldIgnoreDamagedArchiveAndBuildItAgain(final String damage, final String jdk)
    {
        final Path javaExecutable = java(jdk);
        assertTimeoutPreemptively(TIMEOUT, () ->
        {
            final Path cache = temp.resolve("cds");
            final ProcessContext context = context(javaExecutable, jarClassPath, cache);
            assertTrue(context.prepareClassDataArchive(BUILD_TIMEOUT));
            final Path archive = onlyArchive(cache);
            assertTrue(archive.toFile().setWritable(true, true));
            try (FileChannel channel = FileChannel.open(archive, StandardOpenOption.WRITE))
            {
                if ("truncated".equals(damage))
                {
                    channel.truncate(channel.size() / 2);
                }
                else
                {
                    final ByteBuffer garbage = ByteBuffer.allocate(64 * 1024);
                    while (garbage.hasRemaining())
                    {
                        garbage.put((byte)0x5A);
                    }
                    channel.write(garbage.flip(), channel.size() / 4);
                }
            }

            final int damagedChecksum = ArchiveCache.crc32c(archive);

            final Path log = temp.resolve("class-load.log");
            assertEquals(0,
                runChild(context(javaExecutable, jarClassPath, cache, "-Xlog:class+load=info:file=" + log), "after damage"));
            assertEquals(List.of("after damage"), output.outLines());
            assertEquals(List.of(), output.errLines());
            assertFalse(loadedFromArchive(log), "the damaged archive was not mapped");

            assertTrue(context.prepareClassDataArchive(BUILD_TIMEOUT), "archive built again");
            final Path rebuilt = onlyArchive(cache);
            assertNotEquals(damagedChecksum, ArchiveCache.crc32c(rebuilt));
            assertEquals(ArchiveCache.checksumLine(Files.size(rebuilt), ArchiveCache.crc32c(rebuilt)),
                Files.readString(rebuilt.resolveSibling(ArchiveCache.CHECKSUM_FILE)));
            assertEquals(List.of(), temporaries(cache));
        });
    }

    @ParameterizedTest
    @ValueSource(strings = {RUNNING_JDK, AOT_JDK})
    void shouldStartSilentlyWithoutAnArchiveTheJvmRejects(final String jdk)
    {
        final Path javaExecutable = java(jdk);
        assertTimeoutPreemptively(TIMEOUT, () ->
        {
            final Path cache = temp.resolve("cds");
            final ProcessContext context = context(javaExecutable, jarClassPath, cache);
            assertTrue(context.prepareClassDataArchive(BUILD_TIMEOUT));
            final Path archive = onlyArchive(cache);

            // A classpath that starts with another jar gets an archive of its own; given the first one
            // instead, with a checksum that matches, the JVM finds the classpath changed and rejects it.
            final Path extra = temp.resolve("extra.jar");
            try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(extra)))
            {
                out.putNextEntry(new JarEntry("extra.txt"));
                out.write("extra".getBytes(StandardCharsets.UTF_8));
                out.closeEntry();
            }
            final String otherClassPath = extra + File.pathSeparator + jarClassPath;
            assertTrue(context(javaExecutable, otherClassPath, cache).prepareClassDataArchive(BUILD_TIMEOUT));
            final Path other = archives(cache).stream().filter(p -> !p.equals(archive)).findFirst().orElseThrow();
            Files.delete(other);
            Files.copy(archive, other);
            Files.copy(archive.resolveSibling(ArchiveCache.CHECKSUM_FILE), other.resolveSibling(ArchiveCache.CHECKSUM_FILE),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);

            final Path log = temp.resolve("class-load.log");
            assertEquals(0,
                runChild(context(javaExecutable, otherClassPath, cache, "-Xlog:class+load=info:file=" + log), "mismatched"));
            assertEquals(List.of("mismatched"), output.outLines());
            assertEquals(List.of(), output.errLines(), "the JVM says nothing about the archive it rejects");
            if (RUNNING_JDK.equals(jdk))
            {
                // JDK 25 checks an AOT cache's classes against the jars they came from rather than the whole
                // classpath, and may find this one still valid: then it maps it, which is just as right.
                assertFalse(loadedFromArchive(log));
            }
        });
    }

    @Test
    void shouldStartWithoutArchiveWhenSwitchedOff()
    {
        assertTimeoutPreemptively(TIMEOUT, () ->
        {
            final Path cache = temp.resolve("cds");
            final ProcessContext context = new ProcessContext().classPath(jarClassPath).classDataDirectory(cache)
                .classDataSharing(false).conclude();
            assertEquals(0, runChild(context, "switched off"));
            assertFalse(context.prepareClassDataArchive(BUILD_TIMEOUT));

            final String before = System.getProperty(ProcessContext.CLASS_DATA_SHARING_PROPERTY);
            System.setProperty(ProcessContext.CLASS_DATA_SHARING_PROPERTY, "false");
            try
            {
                final ProcessContext byProperty = new ProcessContext().classPath(jarClassPath).classDataDirectory(cache)
                    .conclude();
                assertFalse(byProperty.classDataSharing());
                assertFalse(byProperty.prepareClassDataArchive(BUILD_TIMEOUT));
            }
            finally
            {
                if (before == null)
                {
                    System.clearProperty(ProcessContext.CLASS_DATA_SHARING_PROPERTY);
                }
                else
                {
                    System.setProperty(ProcessContext.CLASS_DATA_SHARING_PROPERTY, before);
                }
            }

            assertEquals(List.of("switched off"), output.outLines());
            assertFalse(Files.exists(cache), "no cache directory made");
        });
    }

    @ParameterizedTest
    @ValueSource(strings = {RUNNING_JDK, AOT_JDK})
    void shouldStartPoolWorkersFromTheArchive(final String jdk)
    {
        final Path javaExecutable = java(jdk);
        assertTimeoutPreemptively(TIMEOUT, () ->
        {
            // Naming no collector, the context's archive is trained under this machine's default collector,
            // while the pool's workers get the serial one and a young generation's cap first: the same archive.
            final Path cache = temp.resolve("cds");
            assertTrue(namingNoCollector(context(javaExecutable, jarClassPath, cache)).prepareClassDataArchive(BUILD_TIMEOUT));

            final Path log = temp.resolve("class-load.log");
            final ProcessContext logging =
                namingNoCollector(context(javaExecutable, jarClassPath, cache, "-Xlog:class+load=info:file=" + log));
            try (Pool pool = new Pool(new PoolContext().processes(1).processContext(logging)))
            {
                assertEquals(42, pool.apply(() -> 42));
                assertEquals(List.of("Copy", "MarkSweepCompact"), pool.apply(() ->
                    java.lang.management.ManagementFactory.getGarbageCollectorMXBeans().stream()
                        .map(java.lang.management.GarbageCollectorMXBean::getName).collect(Collectors.toList())));
            }

            final List<String> loaded = Files.readAllLines(log);
            for (final String name : List.of(PoolWorkerMain.class.getName(), PoolChannel.class.getName(),
                org.agrona.concurrent.ringbuffer.OneToOneRingBuffer.class.getName()))
            {
                assertTrue(loaded.stream().anyMatch(line -> line.contains(name + " source: shared objects file")),
                    name + " from the archive");
            }
            // A record's deserialization spins method handles: tens of milliseconds of a worker's start.
            assertFalse(loaded.stream().anyMatch(line -> line.contains("java.io.ObjectStreamClass$RecordSupport ")),
                "the worker's target is no record");
            assertEquals(1, archives(cache).size(), "one archive, the context's: " + entries(cache));
        });
    }

    @ParameterizedTest
    @ValueSource(strings = {RUNNING_JDK, AOT_JDK})
    void shouldStartPoolWorkersThatOpenNoJarOnceTheArchiveHoldsTheirFunctions(final String jdk)
    {
        Assumptions.assumeTrue(Files.isDirectory(Paths.get("/proc/self/fd")), "a worker's open files are listed in /proc");
        final Path javaExecutable = java(jdk);
        assertTimeoutPreemptively(TIMEOUT, () ->
        {
            final Path functionJar = compileJar("function", "cdsfunction", Map.of("Functions", "package cdsfunction;\n" +
                "public class Functions {\n" +
                "    public static io.mp4j.pool.PoolFunction<Integer, Integer> plusOne() { return x -> x + 1; }\n" +
                "    public static io.mp4j.pool.PoolCallable<String> hello() { return () -> \"hello\"; }\n" +
                "}\n"));
            final String classPath = jarClassPath + File.pathSeparator + functionJar;
            final Path cache = temp.resolve("cds");
            final ProcessContext context = namingNoCollector(context(javaExecutable, classPath, cache));

            try (URLClassLoader loader = new URLClassLoader(new URL[]{functionJar.toUri().toURL()}, getClass().getClassLoader()))
            {
                final Class<?> functions = loader.loadClass("cdsfunction.Functions");
                @SuppressWarnings("unchecked")
                final PoolFunction<Integer, Integer> plusOne = (PoolFunction<Integer, Integer>)functions.getMethod("plusOne").invoke(null);
                @SuppressWarnings("unchecked")
                final PoolCallable<String> hello = (PoolCallable<String>)functions.getMethod("hello").invoke(null);

                // The first pool's worker starts without an archive and has the first build started; its first call
                // comes while that build runs, which the archive is then rebuilt after, for the function's class.
                try (Pool pool = new Pool(new PoolContext().processes(1).processContext(context)))
                {
                    assertEquals(List.of(2, 3, 4), pool.map(plusOne, List.of(1, 2, 3)));
                    assertTrue(openJars(pool.workerPids().get(0)).contains(functionJar), "the function's jar is open");
                }
                final long deadline = System.nanoTime() + BUILD_TIMEOUT.toNanos();
                List<Path> installed;
                while ((installed = archives(cache).stream().filter(archive -> !ArchiveCache.isTemporary(archive.getParent()))
                    .collect(Collectors.toList())).isEmpty())
                {
                    assertTrue(System.nanoTime() < deadline, "built within " + BUILD_TIMEOUT);
                    Thread.sleep(50);
                }
                awaitTargets(installed.get(0).resolveSibling("targets.txt"), List.of("cdsfunction.Functions"));

                // A later worker finds all it loads in the archive, and the JDK's selector provider without a search
                // of the classpath: it opens no jar at all.
                try (Pool pool = new Pool(new PoolContext().processes(1).processContext(context)))
                {
                    assertEquals(List.of(2, 3, 4), pool.map(plusOne, List.of(1, 2, 3)));
                    assertEquals("hello", pool.apply(hello));
                    assertEquals(List.of(), openJars(pool.workerPids().get(0)), "jars a worker has open");
                }
            }
            assertEquals(1, archives(cache).size(), "replaced, not added: " + entries(cache));
        });
    }

    /** The jars a process has open: a JVM keeps each jar it has read classes or resources from open. */
    private static List<Path> openJars(final long pid) throws IOException
    {
        final List<Path> jars = new ArrayList<>();
        try (Stream<Path> descriptors = Files.list(Paths.get("/proc", Long.toString(pid), "fd")))
        {
            for (final Path descriptor : descriptors.collect(Collectors.toList()))
            {
                try
                {
                    final Path target = Files.readSymbolicLink(descriptor);
                    if (target.toString().endsWith(".jar"))
                    {
                        jars.add(target);
                    }
                }
                catch (final IOException closedMeanwhile)
                {
                    // a descriptor the worker closed while it was listed
                }
            }
        }
        return jars;
    }

    @ParameterizedTest
    @ValueSource(strings = {RUNNING_JDK, AOT_JDK})
    void shouldLoadTheClassOfAChildsTargetFromTheArchiveOnceTrainedForIt(final String jdk)
    {
        final Path javaExecutable = java(jdk);
        assertTimeoutPreemptively(TIMEOUT, () ->
        {
            final Path targetJar = compileTargetJar();
            final String classPath = jarClassPath + File.pathSeparator + targetJar;
            final ProcessTarget fromJar;
            final List<ProcessTarget> more = new ArrayList<>();
            try (URLClassLoader loader = new URLClassLoader(new URL[]{targetJar.toUri().toURL()}, getClass().getClassLoader()))
            {
                fromJar = (ProcessTarget)loader.loadClass(JAR_TARGET).getDeclaredConstructor().newInstance();
                more.add((ProcessTarget)loader.loadClass(JAR_TARGET + 2).getDeclaredConstructor().newInstance());
                more.add((ProcessTarget)loader.loadClass(JAR_TARGET + 3).getDeclaredConstructor().newInstance());
                // A lambda of a nested class: the archive must hold that class, not the outermost one.
                more.add((ProcessTarget)loader.loadClass(JAR_LAMBDA_CLASS).getMethod("target").invoke(null));
            }

            // The first build of a configuration takes the class of the first child's target along.
            final Path firstCache = temp.resolve("cds-first");
            final ProcessContext first = context(javaExecutable, classPath, firstCache);
            assertEquals(0, runChild(first, fromJar));
            assertTrue(first.prepareClassDataArchive(BUILD_TIMEOUT));
            assertEquals(List.of(JAR_TARGET), Files.readAllLines(onlyArchive(firstCache).resolveSibling("targets.txt")));

            // An archive without it is trained again for it, in the background, and replaced.
            final Path cache = temp.resolve("cds");
            final ProcessContext context = context(javaExecutable, classPath, cache);
            assertEquals(0, runChild(context, "a lambda of a directory's class"));
            assertTrue(context.prepareClassDataArchive(BUILD_TIMEOUT));
            final Path targets = onlyArchive(cache).resolveSibling("targets.txt");
            assertEquals(List.of(), Files.readAllLines(targets));
            final Path before = temp.resolve("before.log");
            assertEquals(0, runChild(context(javaExecutable, classPath, cache, "-Xlog:class+load=info:file=" + before), fromJar));
            assertTrue(Files.readAllLines(before).stream().anyMatch(line -> line.contains(JAR_TARGET + " source: file:")),
                "from the jar before");
            awaitTargets(targets, List.of(JAR_TARGET));
            final Path after = temp.resolve("after.log");
            assertEquals(0, runChild(context(javaExecutable, classPath, cache, "-Xlog:class+load=info:file=" + after), fromJar));
            assertTrue(Files.readAllLines(after).stream().anyMatch(line -> line.contains(JAR_TARGET + " source: shared objects file")),
                "from the archive after");
            assertTrue(loadedFromArchive(after), "the bootstrap from the archive still");

            // Started together: the first starts a rebuild, the classes of the others go into the next one.
            final List<ChildProcess> children = new ArrayList<>();
            for (final ProcessTarget target : more)
            {
                children.add(new ChildProcess(context, target).start());
            }
            for (final ChildProcess child : children)
            {
                child.join();
                assertEquals(0, child.exitCode().orElseThrow());
            }
            awaitTargets(targets, List.of(JAR_TARGET, JAR_TARGET + 2, JAR_TARGET + 3, JAR_LAMBDA_CLASS));
            final List<String> names = List.of(JAR_TARGET + 2, JAR_TARGET + 3, JAR_LAMBDA_CLASS);
            for (int i = 0; i < more.size(); i++)
            {
                final Path log = temp.resolve("last-" + i + ".log");
                assertEquals(0, runChild(context(javaExecutable, classPath, cache, "-Xlog:class+load=info:file=" + log), more.get(i)));
                final String name = names.get(i);
                assertTrue(Files.readAllLines(log).stream().anyMatch(line -> line.contains(name + " source: shared objects file")),
                    name + " from the archive");
            }

            assertEquals(List.of("a lambda of a directory's class", "from a lambda in the jar", "from a lambda in the jar",
                "from the jar", "from the jar", "from the jar", "from the jar 2", "from the jar 2", "from the jar 3",
                "from the jar 3"), output.outLines().stream().sorted().collect(Collectors.toList()));
            assertEquals(List.of(), output.errLines());
            assertEquals(1, archives(cache).size(), "replaced, not added: " + entries(cache));
            assertEquals(List.of(), temporaries(cache));
        });
    }

    /** Target classes in a jar of their own, as an application's would be. */
    private Path compileTargetJar() throws IOException
    {
        final Map<String, String> sources = new LinkedHashMap<>();
        for (final String suffix : List.of("", "2", "3"))
        {
            sources.put("JarTarget" + suffix, "package cdstarget;\n" +
                "public class JarTarget" + suffix + " implements io.mp4j.process.ProcessTarget {\n" +
                "    public void run() { System.out.println(\"from the jar" + (suffix.isEmpty() ? "" : " " + suffix) + "\"); }\n" +
                "}\n");
        }
        sources.put("Lambdas", "package cdstarget;\n" +
            "public class Lambdas {\n" +
            "    public static class Inner {\n" +
            "        public static io.mp4j.process.ProcessTarget target() {\n" +
            "            return () -> System.out.println(\"from a lambda in the jar\");\n" +
            "        }\n" +
            "    }\n" +
            "}\n");
        return compileJar("target", "cdstarget", sources);
    }

    /** Classes of one package, compiled from their sources into a jar of their own. */
    private Path compileJar(final String name, final String packageName, final Map<String, String> sources)
        throws IOException
    {
        final Path directory = Files.createDirectories(temp.resolve(name + "-sources").resolve(packageName));
        final Path classes = Files.createDirectories(temp.resolve(name + "-classes"));
        final List<String> arguments = new ArrayList<>(List.of(
            "-cp", System.getProperty("java.class.path"), "-d", classes.toString()));
        for (final Map.Entry<String, String> source : sources.entrySet())
        {
            final Path file = directory.resolve(source.getKey() + ".java");
            Files.writeString(file, source.getValue());
            arguments.add(file.toString());
        }
        assertEquals(0, ToolProvider.getSystemJavaCompiler().run(null, null, null, arguments.toArray(new String[0])));
        return jar(classes, temp.resolve(name + ".jar"));
    }

    private static void awaitTargets(final Path targets, final List<String> expected)
        throws IOException, InterruptedException
    {
        final long deadline = System.nanoTime() + BUILD_TIMEOUT.toNanos();
        while (!expected.equals(readIfThere(targets)))
        {
            assertTrue(System.nanoTime() < deadline, "retrained within " + BUILD_TIMEOUT + ": " + expected);
            Thread.sleep(50);
        }
    }

    /** The file's lines, or none while it is not there (an entry being replaced). */
    private static List<String> readIfThere(final Path file) throws IOException
    {
        try
        {
            return Files.readAllLines(file);
        }
        catch (final java.nio.file.NoSuchFileException ex)
        {
            return List.of();
        }
    }

    /** The context without the collector its options name and without this JVM's options, which name one too. */
    private static ProcessContext namingNoCollector(final ProcessContext context)
    {
        return new ProcessContext().javaExecutable(context.javaExecutable()).classPath(context.classPath())
            .classDataDirectory(context.classDataDirectory()).inheritJvmOptions(false)
            .jvmOptions(context.jvmOptions().stream()
                .filter(option -> !(option.startsWith("-XX:+Use") && option.endsWith("GC"))).collect(Collectors.toList()))
            .conclude();
    }

    @Test
    void shouldBuildDynamicArchiveOnNewJdkWhenOptionsNameXshareAuto()
    {
        final Path javaExecutable = java(AOT_JDK);
        assertTimeoutPreemptively(TIMEOUT, () ->
        {
            final Path cache = temp.resolve("cds");
            final ProcessContext context = context(javaExecutable, jarClassPath, cache, "-Xshare:auto");
            assertEquals(0, runChild(context, "first"));
            assertTrue(context.prepareClassDataArchive(BUILD_TIMEOUT), "archive built");
            final Path archive = onlyArchive(cache);
            assertTrue(Files.readString(archive.resolveSibling("key.txt")).contains("kind dynamic-archive"));

            final Path log = temp.resolve("class-load.log");
            assertEquals(0, runChild(context(javaExecutable, jarClassPath, cache, "-Xshare:auto",
                "-Xlog:class+load=info:file=" + log), "second"));
            assertEquals(List.of("first", "second"), output.outLines());
            assertEquals(List.of(), output.errLines());
            assertTrue(loadedFromArchive(log), "the child mapped the archive");
        });
    }

    @ParameterizedTest
    @ValueSource(strings = {"-Xshare:off", "-XX:SharedArchiveFile="})
    void shouldKeepOutOfSharingWhenOptionsManageIt(final String option)
    {
        assertTimeoutPreemptively(TIMEOUT, () ->
        {
            final Path cache = temp.resolve("cds");
            final String value = option.endsWith("=") ? option + temp.resolve("own.jsa") : option;
            final ProcessContext context = context(jarClassPath, cache, value);
            assertEquals(0, runChild(context, "own sharing"));
            assertFalse(context.prepareClassDataArchive(BUILD_TIMEOUT));

            assertEquals(List.of("own sharing"), output.outLines());
            assertFalse(Files.exists(cache), "no cache directory made");
        });
    }

    @ParameterizedTest
    @ValueSource(strings = {"writable by others", "with a path separator"})
    void shouldStayOffWhenCacheDirectoryIsUnsafe(final String problem)
    {
        assertTimeoutPreemptively(TIMEOUT, () ->
        {
            final Path cache;
            if ("writable by others".equals(problem))
            {
                cache = Files.createDirectory(temp.resolve("cds"));
                Files.setPosixFilePermissions(cache, java.nio.file.attribute.PosixFilePermissions.fromString("rwxrwxrwx"));
            }
            else
            {
                cache = temp.resolve("c" + File.pathSeparator + "ds");
            }
            final ProcessContext context = context(jarClassPath, cache);
            assertEquals(0, runChild(context, "unsafe cache"));
            assertFalse(context.prepareClassDataArchive(BUILD_TIMEOUT));

            assertEquals(List.of("unsafe cache"), output.outLines());
            assertEquals(List.of(), entries(cache), "nothing written there");
        });
    }

    @Test
    void shouldStayOffWhenMp4jClassesAreInDirectories()
    {
        assertTimeoutPreemptively(TIMEOUT, () ->
        {
            final Path cache = temp.resolve("cds");
            final ProcessContext context = new ProcessContext().classDataDirectory(cache).conclude();
            assertEquals(0, runChild(context, "from directories"));
            assertFalse(context.prepareClassDataArchive(BUILD_TIMEOUT));

            assertEquals(List.of("from directories"), output.outLines());
            assertEquals(List.of(), entries(cache), "no archive and no failure record");
        });
    }

    @ParameterizedTest
    @ValueSource(strings = {RUNNING_JDK, AOT_JDK})
    void shouldBuildOneArchiveWhenParentsAndChildrenStartAtOnce(final String jdk)
    {
        final Path javaExecutable = java(jdk);
        assertTimeoutPreemptively(TIMEOUT, () ->
        {
            final Path cache = temp.resolve("cds");
            final Path sessions = temp.resolve("sessions");
            final ProcessContext parentContext = context(javaExecutable, jarClassPath, cache,
                "-D" + ProcessContext.CLASS_DATA_DIRECTORY_PROPERTY + '=' + cache,
                "-D" + io.mp4j.session.Session.ROOT_PROPERTY + '=' + sessions);
            final int parentCount = 3;
            final int childCount = 3;
            final List<Process> parents = new ArrayList<>();
            for (int i = 0; i < parentCount; i++)
            {
                parents.add(new ProcessBuilder(parentContext.javaCommand(
                    ClassDataParentMain.class.getName(), List.of(String.valueOf(childCount))))
                    .redirectErrorStream(true)
                    .redirectOutput(temp.resolve("parent-" + i + ".log").toFile())
                    .start());
            }
            for (int i = 0; i < parentCount; i++)
            {
                final int exitCode = parents.get(i).waitFor();
                final List<String> output = Files.readAllLines(temp.resolve("parent-" + i + ".log"));
                assertEquals(0, exitCode, "parent " + i + ": " + output);
                final List<String> expected = new ArrayList<>();
                for (int n = 0; n < childCount; n++)
                {
                    expected.add("child " + n);
                    expected.add("exit 0");
                }
                expected.add("archive true");
                assertEquals(expected.stream().sorted().collect(Collectors.toList()),
                    output.stream().sorted().collect(Collectors.toList()), "parent " + i);
            }

            assertEquals(1, archives(cache).size(), "one archive: " + entries(cache));
            assertEquals(1, entries(cache).size(), "no failure record: " + entries(cache));
            assertEquals(List.of(), temporaries(cache));
            assertEquals(List.of(), entries(sessions), "every parent removed its session");
        });
    }

    @Test
    void shouldKeepOneSoundArchiveWhenParentsRebuildItForTheirTargetsAtOnce()
    {
        assertTimeoutPreemptively(TIMEOUT, () ->
        {
            final Path targetJar = compileTargetJar();
            final String classPath = jarClassPath + File.pathSeparator + targetJar;
            final Path cache = temp.resolve("cds");
            final Path sessions = temp.resolve("sessions");
            final ProcessContext parentContext = context(java(RUNNING_JDK), classPath, cache,
                "-D" + ProcessContext.CLASS_DATA_DIRECTORY_PROPERTY + '=' + cache,
                "-D" + io.mp4j.session.Session.ROOT_PROPERTY + '=' + sessions);
            final List<String> targetClasses = List.of(JAR_TARGET, JAR_TARGET + 2, JAR_TARGET + 3);
            final List<Process> parents = new ArrayList<>();
            for (int i = 0; i < targetClasses.size(); i++)
            {
                parents.add(new ProcessBuilder(parentContext.javaCommand(
                    ClassDataParentMain.class.getName(), List.of("1", targetClasses.get(i))))
                    .redirectErrorStream(true)
                    .redirectOutput(temp.resolve("parent-" + i + ".log").toFile())
                    .start());
            }
            for (int i = 0; i < parents.size(); i++)
            {
                final int exitCode = parents.get(i).waitFor();
                final List<String> output = Files.readAllLines(temp.resolve("parent-" + i + ".log"));
                assertEquals(0, exitCode, "parent " + i + ": " + output);
                assertEquals(List.of("archive true", "child 0", "exit 0", "exit 0", "from the jar" + (i == 0 ? "" : " " + (i + 1))),
                    output.stream().sorted().collect(Collectors.toList()), "parent " + i);
            }

            // Each parent rebuilt the archive for its class, or gave way to another's rebuild (one that waits
            // for another's gives up as its JVM exits): one sound entry. Opening the cache clears what a JVM
            // that ended mid-build left, as any later JVM's would.
            final ArchiveCache opened = ArchiveCache.open(cache).orElseThrow();
            assertEquals(1, archives(cache).size(), "one archive: " + entries(cache));
            assertEquals(1, entries(cache).size(), "no failure record, nothing half removed: " + entries(cache));
            final Path archive = onlyArchive(cache);
            final List<String> trained = Files.readAllLines(archive.resolveSibling("targets.txt"));
            assertFalse(trained.isEmpty(), "rebuilt for at least one parent's class");
            assertTrue(targetClasses.containsAll(trained), "only the parents' classes: " + trained);
            assertEquals(Optional.of(archive), opened.archive(archive.getParent().getFileName().toString()), "its checksum matches");
            assertEquals(List.of(), entries(sessions), "every parent removed its session");
        });
    }

    private static ProcessContext context(final String classPath, final Path cache, final String... extraOptions)
    {
        return context(java(RUNNING_JDK), classPath, cache, extraOptions);
    }

    private static ProcessContext context(
        final Path java, final String classPath, final Path cache, final String... extraOptions)
    {
        final List<String> options = new ArrayList<>(ProcessContext.defaultContext().jvmOptions());
        if (!java.equals(java(RUNNING_JDK)))
        {
            options.remove("-Xshare:auto"); // the AOT cache refuses it, so a JDK 25 child would get a dynamic archive
        }
        options.addAll(List.of(extraOptions));
        return new ProcessContext().javaExecutable(java).classPath(classPath).classDataDirectory(cache)
            .jvmOptions(options).conclude();
    }

    /** This JVM's {@code java}, or one of JDK 25 or later (skipping the test where none is installed). */
    private static Path java(final String jdk)
    {
        if (RUNNING_JDK.equals(jdk))
        {
            return Paths.get(System.getProperty("java.home"), "bin", "java");
        }
        final Optional<Path> aot = Jdks.atLeast(AOT_CACHE_MIN_FEATURE);
        Assumptions.assumeTrue(aot.isPresent(),
            "no JDK " + AOT_CACHE_MIN_FEATURE + "+ under /usr/lib/jvm nor -Dmp4j.test.aotJava: AOT cache not tested");
        return aot.get();
    }

    private static int runChild(final ProcessContext context, final String line) throws InterruptedException
    {
        return runChild(context, () -> System.out.println(line));
    }

    private static int runChild(final ProcessContext context, final ProcessTarget target) throws InterruptedException
    {
        final ChildProcess child = new ChildProcess(context, target).start();
        child.join();
        return child.exitCode().orElseThrow();
    }

    private static boolean loadedFromArchive(final Path classLoadLog) throws IOException
    {
        return Files.readAllLines(classLoadLog).stream().anyMatch(line -> line.contains(FROM_ARCHIVE));
    }

    private static Path onlyArchive(final Path cache) throws IOException
    {
        final List<Path> archives = archives(cache);
        assertEquals(1, archives.size(), "archives: " + archives);
        return archives.get(0);
    }

    private static List<Path> archives(final Path cache) throws IOException
    {
        try (Stream<Path> all = Files.list(cache))
        {
            return all.map(entry -> entry.resolve(ArchiveCache.ARCHIVE_FILE)).filter(Files::isRegularFile)
                .collect(Collectors.toList());
        }
    }

    private static List<String> entries(final Path directory) throws IOException
    {
        if (!Files.exists(directory))
        {
            return List.of();
        }
        try (Stream<Path> all = Files.list(directory))
        {
            return all.map(path -> path.getFileName().toString()).sorted().collect(Collectors.toList());
        }
    }

    private static List<String> temporaries(final Path cache) throws IOException
    {
        return entries(cache).stream().filter(name -> ArchiveCache.isTemporary(Paths.get(name)))
            .collect(Collectors.toList());
    }

    private static Path jar(final Path directory, final Path jar) throws IOException
    {
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar));
             Stream<Path> files = Files.walk(directory))
        {
            for (final Path file : (Iterable<Path>)files.filter(Files::isRegularFile).sorted()::iterator)
            {
                out.putNextEntry(new JarEntry(directory.relativize(file).toString().replace(File.separatorChar, '/')));
                Files.copy(file, out);
                out.closeEntry();
            }
        }
        return jar;
    }
}
