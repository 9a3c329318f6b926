package io.mp4j.process.internal;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The main artifact needs no flag; an optional artifact's flags reach a child when the child's classpath
 * holds that artifact (this module's tests run without mp4j-chronicle, as a user of the main artifact alone
 * does); a child whose java is 24 or later gets the switch that silences sun.misc.Unsafe's warning.
 */
class JvmFlagsTest
{
    private static final String CHRONICLE_RESOURCE = "META-INF/mp4j/jvm-flags-chronicle.properties";
    private static final String CHRONICLE_FLAGS =
        "addExports=java.base/sun.nio.ch\naddOpens=java.base/java.lang\nsystemProperties=-Dchronicle.analytics.disable=true\n";

    @TempDir
    Path root;

    @Test
    void shouldGiveEveryChildOnJava17NoFlagForTheMainArtifact() throws IOException
    {
        assumeTrue(Runtime.version().feature() < 24, "a child on Java 24 or later gets the unsafe memory access switch");
        assertEquals(List.of(), JvmFlags.required());
        assertEquals(JvmFlags.required(), JvmFlags.forChild(javaOfVersion("17.0.15"), System.getProperty("java.class.path")));
    }

    @Test
    void shouldGiveTheUnsafeMemoryAccessSwitchOnlyToAChildOnJava24OrLater() throws IOException
    {
        final String classPath = System.getProperty("java.class.path");
        final List<String> artifacts = JvmFlags.forChild(javaOfVersion("17.0.15"), classPath);

        assertEquals(artifacts, JvmFlags.forChild(javaOfVersion("23.0.2"), classPath));
        assertEquals(artifacts, JvmFlags.forChild(root.resolve("no-release/bin/java"), classPath));
        final List<String> withSwitch = new ArrayList<>(artifacts);
        withSwitch.add("--sun-misc-unsafe-memory-access=allow");
        assertEquals(withSwitch, JvmFlags.forChild(javaOfVersion("24"), classPath));
        assertEquals(withSwitch, JvmFlags.forChild(javaOfVersion("25.0.3"), classPath));
        assertEquals(25, JvmFlags.featureVersion(javaOfVersion("25.0.3")));
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

        final Path java = javaOfVersion("17.0.15");

        assertEquals(expected, JvmFlags.forChild(java, root.resolve("missing.jar") + File.pathSeparator + jar));
        assertEquals(expected, JvmFlags.forChild(java, classes.toString()));
        assertEquals(List.of(), JvmFlags.forChild(java, root.resolve("missing.jar").toString()));
    }

    /** A runtime image in the temp directory whose {@code release} file says the version; its java never runs. */
    private Path javaOfVersion(final String version) throws IOException
    {
        final Path home = root.resolve("jdk-" + version);
        Files.createDirectories(home.resolve("bin"));
        Files.writeString(home.resolve("release"), "IMPLEMENTOR=\"Test\"\nJAVA_VERSION=\"" + version + "\"\n");
        final Path java = home.resolve("bin/java");
        if (!Files.exists(java))
        {
            Files.createFile(java);
        }
        return java;
    }
}
