package io.mp4j.chronicle.internal;

import net.openhft.chronicle.values.ValueModel;
import net.openhft.compiler.CachedCompiler;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.lang.invoke.MethodHandles;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Properties;

/**
 * The one class that Chronicle Map otherwise generates and compiles with {@code javac} in every JVM
 * that opens a map (about 1,100 compiler classes and most of a second): the off-heap flyweight of
 * {@code VanillaGlobalMutableState}. Chronicle Values asks the class loader for
 * {@code <type>$$Native} before it generates one.
 * <p>
 * At build time ({@link #main}) Chronicle Values' own generator writes the source, which is compiled
 * and stored as a resource of mp4j's, next to a key: the versions of Chronicle Values, Bytes and
 * Core, and a hash of the interface. At run time {@link #define()} defines the class in the interface's package only if this
 * JVM's Chronicle has the same key, so an application on other Chronicle versions gets a class
 * compiled for them, as without mp4j, never a stale one. {@code SharedDictStartTest} checks that a
 * dict uses it.
 */
public final class ChronicleMapPrecompiler
{
    private static final String VALUE_TYPE = "net.openhft.chronicle.hash.VanillaGlobalMutableState";
    private static final String GENERATOR = "net.openhft.chronicle.values.Generators";
    private static final String NATIVE_SUFFIX = "$$Native";
    private static final String CLASS_RESOURCE = "VanillaGlobalMutableState.native";
    private static final String KEY_RESOURCE = "VanillaGlobalMutableState.native-key";
    /** The Chronicle artifacts the generated class is made by (values) or calls into (bytes, core). */
    private static final List<String> ARTIFACTS = List.of("chronicle-values", "chronicle-bytes", "chronicle-core");

    private static boolean defined;

    private ChronicleMapPrecompiler()
    {
    }

    /**
     * The name of the class this makes.
     *
     * @return its binary name.
     */
    public static String nativeClassName()
    {
        return VALUE_TYPE + NATIVE_SUFFIX;
    }

    /**
     * Defines the precompiled class if it matches this JVM's Chronicle and nothing defined it yet; else
     * leaves Chronicle to make its own. Never throws. Call before the first map is opened.
     */
    public static synchronized void define()
    {
        if (defined)
        {
            return;
        }
        defined = true;
        try
        {
            final byte[] bytes = resource(CLASS_RESOURCE);
            final byte[] key = resource(KEY_RESOURCE);
            final Class<?> valueType = Class.forName(VALUE_TYPE);
            if (bytes != null && key != null && new String(key, StandardCharsets.UTF_8).equals(key(valueType)))
            {
                MethodHandles.privateLookupIn(valueType, MethodHandles.lookup()).defineClass(bytes);
            }
        }
        catch (final LinkageError ex)
        {
            // Defined already, by another copy of mp4j or by Chronicle itself: that one serves.
        }
        catch (final IOException | ReflectiveOperationException | RuntimeException ex)
        {
            // Chronicle generates the class as it would without mp4j.
        }
    }

    /**
     * Generates and compiles the class, and writes it and its key into a classes directory as
     * resources of this package.
     *
     * @param args the classes directory, and the Java release to compile for (the project's, not the
     *             building JDK's, so a newer JDK does not make a class that Java 17 refuses).
     * @throws Exception if Chronicle's generator is not where this version expects it, or javac fails;
     *                   the build stops then, rather than ship a jar that compiles at run time.
     */
    public static void main(final String[] args) throws Exception
    {
        if (args.length != 2)
        {
            throw new IllegalArgumentException("usage: ChronicleMapPrecompiler <classes directory> <Java release>");
        }
        ChronicleDefaults.apply();
        final Path classes = Paths.get(args[0]);
        final Class<?> valueType = Class.forName(VALUE_TYPE);
        final String simpleName = valueType.getSimpleName() + NATIVE_SUFFIX;
        final Method generate = Class.forName(GENERATOR)
            .getDeclaredMethod("generateNativeClass", ValueModel.class, String.class);
        generate.setAccessible(true);
        final String source = (String)generate.invoke(null, ValueModel.acquire(valueType), simpleName);

        final Path compiled = classes.resolveSibling("chronicle-native");
        new CachedCompiler(null, compiled.toFile(), List.of("-g", "-nowarn", "--release", args[1]))
            .loadFromJava(valueType.getClassLoader(), nativeClassName(), source);
        final String classFile = nativeClassName().replace('.', File.separatorChar) + ".class";
        final Path resources = classes.resolve(ChronicleMapPrecompiler.class.getPackageName().replace('.', File.separatorChar));
        Files.copy(compiled.resolve(classFile), resources.resolve(CLASS_RESOURCE), StandardCopyOption.REPLACE_EXISTING);
        Files.writeString(resources.resolve(KEY_RESOURCE), key(valueType), StandardCharsets.UTF_8);
        // Earlier builds put the class itself into the classes directory, where Chronicle would always find it.
        Files.deleteIfExists(classes.resolve(classFile));
    }

    /**
     * What the generated class depends on: the versions of the generator and of the libraries it calls,
     * and the interface it implements.
     */
    private static String key(final Class<?> valueType) throws IOException
    {
        final StringBuilder key = new StringBuilder();
        for (final String artifact : ARTIFACTS)
        {
            final Properties pom = new Properties();
            try (InputStream in = ValueModel.class.getResourceAsStream("/META-INF/maven/net.openhft/" + artifact + "/pom.properties"))
            {
                if (in != null)
                {
                    pom.load(in);
                }
            }
            key.append(artifact).append(' ').append(pom.getProperty("version", "unknown")).append('\n');
        }
        final byte[] type = valueType.getResourceAsStream(valueType.getSimpleName() + ".class").readAllBytes();
        try
        {
            return key.append(VALUE_TYPE).append(" sha256 ")
                .append(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(type))).append('\n').toString();
        }
        catch (final NoSuchAlgorithmException ex)
        {
            throw new IllegalStateException("every JDK has SHA-256", ex);
        }
    }

    private static byte[] resource(final String name) throws IOException
    {
        try (InputStream in = ChronicleMapPrecompiler.class.getResourceAsStream(name))
        {
            return in == null ? null : in.readAllBytes();
        }
    }
}
