package io.mp4j.process.internal;

import io.mp4j.internal.Doorbell;
import io.mp4j.worker.internal.PoolWorkerMain;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The code a child and a pool worker run on their way up is compiled without invokedynamic string
 * concatenation: JDK 17 links each new shape of it by spinning method-handle classes, milliseconds of CPU
 * in every fresh JVM. Checks every class of the core and ipc modules as the build wrote them.
 */
class StartPathCodeTest
{
    /** The bootstrap method javac's invokedynamic concatenation names in a class's constant pool. */
    private static final String INDY_CONCATENATION = "makeConcatWithConstants";

    @Test
    void shouldConcatenateStringsWithoutInvokedynamicInTheModulesAChildRuns() throws IOException, URISyntaxException
    {
        for (final Class<?> module : List.of(Doorbell.class, ChildMain.class, PoolWorkerMain.class))
        {
            final Path location = Paths.get(module.getProtectionDomain().getCodeSource().getLocation().toURI());
            // The build's classes directory, or its jar where the reactor hands the module on as one.
            try (FileSystem jar = Files.isDirectory(location) ? null : FileSystems.newFileSystem(location))
            {
                final Path root = jar == null ? location : jar.getPath("/");
                final List<String> concatenating;
                try (Stream<Path> files = Files.walk(root))
                {
                    concatenating = files
                        .filter(file -> file.toString().endsWith(".class"))
                        .filter(StartPathCodeTest::concatenatesWithInvokedynamic)
                        .map(file -> root.relativize(file).toString())
                        .collect(Collectors.toList());
                }
                assertEquals(List.of(), concatenating, "classes in " + location);
            }
        }
    }

    private static boolean concatenatesWithInvokedynamic(final Path classFile)
    {
        try
        {
            // The constant pool holds the name in modified UTF-8, which for ASCII is the bytes themselves.
            return new String(Files.readAllBytes(classFile), StandardCharsets.ISO_8859_1).contains(INDY_CONCATENATION);
        }
        catch (final IOException ex)
        {
            throw new IllegalStateException("cannot read " + classFile, ex);
        }
    }
}
