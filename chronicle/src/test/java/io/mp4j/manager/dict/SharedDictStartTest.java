package io.mp4j.manager.dict;

import io.mp4j.chronicle.internal.ChronicleMapPrecompiler;
import io.mp4j.manager.Manager;
import io.mp4j.process.ChildProcess;
import io.mp4j.process.ProcessContext;
import io.mp4j.test.NoLeaksExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A JVM opening a dict uses the class that {@link ChronicleMapPrecompiler} compiled at build time, and
 * never runs {@code javac}, unless its Chronicle differs from the build's: checked in fresh child JVMs
 * through their class-loading logs.
 */
@ExtendWith(NoLeaksExtension.class)
class SharedDictStartTest
{
    private static final Duration TIMEOUT = Duration.ofSeconds(120);
    private static final String COMPILER = "com.sun.tools.javac.main.JavaCompiler ";

    @TempDir
    Path temp;

    @Test
    void shouldOpenADictInAFreshJvmWithoutRunningTheCompiler()
    {
        assertTimeoutPreemptively(TIMEOUT, () ->
        {
            final List<String> loaded = classesLoadedByChildReadingADict(ProcessContext.defaultContext().classPath());

            assertTrue(loaded.stream().anyMatch(line -> line.contains(nativeClassLine()) &&
                line.contains("__JVM_LookupDefineClass__")), () -> "mp4j defined the class: " + linesOf(loaded));
            // Chronicle's compiler utility still looks the tool up (8 classes); compiling loads ~1,100 more.
            assertTrue(loaded.stream().noneMatch(line -> line.contains(COMPILER)), "the child never ran the compiler");
        });
    }

    @Test
    void shouldLeaveTheClassToChronicleWhenItsVersionDiffersFromTheBuilds()
    {
        assertTimeoutPreemptively(TIMEOUT, () ->
        {
            // A key that no Chronicle has, found before mp4j's own: as if this JVM ran other Chronicle jars.
            final Path other = temp.resolve("other-chronicle");
            final Path key = other.resolve("io/mp4j/chronicle/internal/VanillaGlobalMutableState.native-key");
            Files.createDirectories(key.getParent());
            Files.writeString(key, "chronicle-values 0.0\n");
            final String classPath = other + File.pathSeparator + ProcessContext.defaultContext().classPath();

            final List<String> loaded = classesLoadedByChildReadingADict(classPath);

            assertTrue(loaded.stream().anyMatch(line -> line.contains(nativeClassLine()) &&
                line.contains("__JVM_DefineClass__")), () -> "Chronicle compiled the class: " + linesOf(loaded));
            assertTrue(loaded.stream().anyMatch(line -> line.contains(COMPILER)), "the child ran the compiler");
        });
    }

    private List<String> classesLoadedByChildReadingADict(final String classPath) throws Exception
    {
        final Path log = temp.resolve("class-load-" + System.nanoTime() + ".log");
        final List<String> options = new ArrayList<>(ProcessContext.defaultContext().jvmOptions());
        options.add("-Xlog:class+load=info:file=" + log);
        final ProcessContext context = new ProcessContext().jvmOptions(options).classPath(classPath);
        try (Manager manager = new Manager())
        {
            final SharedDict<String, Integer> dict = Dicts.of(manager);
            dict.put("answer", 42);
            final ChildProcess child = new ChildProcess(context, () -> readAnswer(dict)).start();
            child.join();
            assertEquals(0, child.exitCode().orElseThrow(), () -> child.failure().map(Throwable::toString).orElse(""));
        }
        return Files.readAllLines(log);
    }

    private static List<String> linesOf(final List<String> loaded)
    {
        return loaded.stream().filter(line -> line.contains(nativeClassLine())).toList();
    }

    private static String nativeClassLine()
    {
        return ChronicleMapPrecompiler.nativeClassName() + " source: ";
    }

    private static void readAnswer(final SharedDict<String, Integer> dict)
    {
        if (dict.get("answer") != 42)
        {
            throw new IllegalStateException("read " + dict.get("answer"));
        }
    }
}
