package io.mp4j.process.internal;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.nio.channels.spi.SelectorProvider;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** When a child is told the JDK's selector provider: only where its own search would find no other. */
class SelectorProviderOptionTest
{
    private static final Path OWN_JAVA = Paths.get(System.getProperty("java.home"), "bin", "java");
    private static final String OWN_CLASS_PATH = System.getProperty("java.class.path");
    private static final String SERVICE_FILE = "META-INF/services/java.nio.channels.spi.SelectorProvider";

    @TempDir
    Path temp;

    @Test
    void shouldNameTheJdksProviderToAChildOfThisJvmsClassPath()
    {
        assertEquals(List.of(expectedOption()), SelectorProviderOption.forChild(OWN_JAVA, OWN_CLASS_PATH));
    }

    @Test
    void shouldNameItWhereTheChildsOtherEntriesOfferNoProvider() throws IOException
    {
        final Path plainJar = jar(temp.resolve("plain.jar"), "app/Main.class");
        final Path plainDirectory = Files.createDirectories(temp.resolve("classes"));

        assertEquals(List.of(expectedOption()), SelectorProviderOption.forChild(OWN_JAVA,
            OWN_CLASS_PATH + File.pathSeparator + plainJar + File.pathSeparator + plainDirectory));
    }

    @Test
    void shouldLeaveAChildWhoseClassPathOffersAProviderToFindIt() throws IOException
    {
        final Path offeringJar = jar(temp.resolve("provider.jar"), SERVICE_FILE);
        final Path offeringDirectory = Files.createDirectories(temp.resolve("classes").resolve("META-INF/services"));
        Files.writeString(offeringDirectory.resolve("java.nio.channels.spi.SelectorProvider"), "app.OwnProvider\n");

        assertEquals(List.of(), SelectorProviderOption.forChild(OWN_JAVA, OWN_CLASS_PATH + File.pathSeparator + offeringJar));
        assertEquals(List.of(), SelectorProviderOption.forChild(OWN_JAVA, temp.resolve("classes").toString()));
    }

    @Test
    void shouldSeeAProviderThatAWildcardOrAManifestBringsIn() throws IOException
    {
        final Path libs = Files.createDirectories(temp.resolve("libs"));
        jar(libs.resolve("provider.jar"), SERVICE_FILE);
        final Path launcher = temp.resolve("launcher.jar");
        final Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().put(Attributes.Name.CLASS_PATH, "libs/provider.jar");
        new JarOutputStream(Files.newOutputStream(launcher), manifest).close();

        assertEquals(List.of(), SelectorProviderOption.forChild(OWN_JAVA,
            OWN_CLASS_PATH + File.pathSeparator + libs + File.separator + "*"));
        assertEquals(List.of(), SelectorProviderOption.forChild(OWN_JAVA, OWN_CLASS_PATH + File.pathSeparator + launcher));
    }

    private static String expectedOption()
    {
        return "-Djava.nio.channels.spi.SelectorProvider=" + SelectorProvider.provider().getClass().getName();
    }

    private static Path jar(final Path jar, final String entry) throws IOException
    {
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar)))
        {
            out.putNextEntry(new JarEntry(entry));
            out.write("app.OwnProvider\n".getBytes(StandardCharsets.UTF_8));
            out.closeEntry();
        }
        return jar;
    }
}
