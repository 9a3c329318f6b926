package io.mp4j.ipc;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A JVM opening a dict loads the class that {@link ChronicleMapPrecompiler} compiled at build time, and
 * never runs {@code javac}: checked in a fresh child JVM through its class-loading log.
 */
@ExtendWith(NoLeaksExtension.class)
class SharedDictStartTest
{
    @Test
    void shouldOpenADictInAFreshJvmWithoutRunningTheCompiler(@TempDir final Path logs)
    {
        assertTimeoutPreemptively(Duration.ofSeconds(120), () ->
        {
            final Path log = logs.resolve("class-load.log");
            final List<String> options = new ArrayList<>(ProcessContext.defaultContext().jvmOptions());
            options.add("-Xlog:class+load=info:file=" + log);
            final ProcessContext context = new ProcessContext().jvmOptions(options);
            try (Manager manager = new Manager())
            {
                final SharedDict<String, Integer> dict = manager.dict();
                dict.put("answer", 42);
                final ChildProcess child = new ChildProcess(context, () -> readAnswer(dict)).start();
                child.join();
                assertEquals(0, child.exitCode().orElseThrow(), () -> child.failure().map(Throwable::toString).orElse(""));
            }

            final List<String> loaded = Files.readAllLines(log);
            final String nativeClass = ChronicleMapPrecompiler.nativeClassName();
            // From a jar, a classes directory or a class-data archive; a class compiled at run time is defined
            // by the JVM instead ("source: __JVM_DefineClass__").
            assertTrue(loaded.stream().anyMatch(line -> line.contains(nativeClass + " source: ") &&
                !line.contains("__JVM_DefineClass__")), "the child loaded " + nativeClass + " from the class path");
            // Chronicle's compiler utility still looks the tool up (8 classes); compiling loads ~1,100 more.
            assertTrue(loaded.stream().noneMatch(line -> line.contains("com.sun.tools.javac.main.JavaCompiler ")),
                "the child never ran the compiler");
        });
    }

    private static void readAnswer(final SharedDict<String, Integer> dict)
    {
        if (dict.get("answer") != 42)
        {
            throw new IllegalStateException("read " + dict.get("answer"));
        }
    }
}
