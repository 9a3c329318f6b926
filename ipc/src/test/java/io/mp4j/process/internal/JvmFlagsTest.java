package io.mp4j.process.internal;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * The main artifact needs no flag; an optional artifact's flags reach a child when the child's
 * classpath holds that artifact (this module's tests run without mp4j-chronicle, as a user of the main
 * artifact alone does).
 */
class JvmFlagsTest
{
    private static final String CHRONICLE_RESOURCE = "META-INF/mp4j/jvm-flags-chronicle.properties";
    private static final String CHRONICLE_FLAGS =
        "addExports=java.base/sun.nio.ch\naddOpens=java.base/java.lang\nsystemProperties=-Dchronicle.analytics.disable=true\n";

    @TempDir
    Path root;

    @Test
    void shouldGiveEveryChildNoFlagForTheMainArtifact()
    {
        assertEquals(List.of(), JvmFlags.required());
        assertEquals(JvmFlags.required(), JvmFlags.forClassPath(System.getProperty("java.class.path")));
        assertFalse(JvmFlags.required().stream().anyMatch(flag -> flag.contains("chronicle")));
    }

    @Test
    void shouldAddTheFlagsOfAnArtifactTheChildsClassPathHolds() throws IOException
    {
        final Path jar = root.resolve("mp4j-chronicle.jar");
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar)))
        {
            out.putNextEntry(new JarEntry(CHRONICLE_RESOURCE));
            out.write(CHRONICLE_FLAGS.getBytes(StandardCharsets.ISO_8859_1));
            out.closeEntry();
        }
        final Path classes = root.resolve("classes");
        Files.createDirectories(classes.resolve(CHRONICLE_RESOURCE).getParent());
        try (OutputStream out = Files.newOutputStream(classes.resolve(CHRONICLE_RESOURCE)))
        {
            out.write(CHRONICLE_FLAGS.getBytes(StandardCharsets.ISO_8859_1));
        }
        final List<String> expected = List.of("--add-exports=java.base/sun.nio.ch=ALL-UNNAMED", "--add-opens=java.base/java.lang=ALL-UNNAMED",
            "-Dchronicle.analytics.disable=true");

        assertEquals(expected, JvmFlags.forClassPath(root.resolve("missing.jar") + File.pathSeparator + jar));
        assertEquals(expected, JvmFlags.forClassPath(classes.toString()));
        assertEquals(JvmFlags.required(), JvmFlags.forClassPath(root.resolve("missing.jar").toString()));
    }
}
